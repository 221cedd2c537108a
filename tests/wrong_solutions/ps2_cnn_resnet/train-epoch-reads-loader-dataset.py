# Wrong solution: train_epoch divides by len(loader.dataset), which a list of batches or Part 4's DeviceBatches does not have
# must-lose: test_train_epoch
# must-keep: test_make_optimizer, test_evaluate, test_make_cnn
# visible-fails: test_train_epoch
# %% training_solution 2
model.train()
total_loss = 0.0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    total_loss += loss.item() * len(y)
return total_loss / len(loader.dataset)
