# Wrong solution: train_epoch returns the mean of the batch losses, so a smaller last batch counts as much as a full one
# must-lose: test_train_epoch
# must-keep: test_make_optimizer, test_evaluate, test_make_cnn
# visible-fails: test_train_epoch
# %% training_solution 2
model.train()
total, batches = 0.0, 0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    total += loss.item()
    batches += 1
return total / batches
