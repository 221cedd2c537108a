# Wrong solution: train_epoch never calls model.train(), so after the first evaluate() the model trains in eval mode
# must-lose: test_train_epoch
# must-keep: test_make_optimizer, test_evaluate, test_make_cnn, test_block_identity, test_block_projection, test_resnet
# %% training_solution 2
total_loss, count = 0.0, 0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    total_loss += loss.item() * len(y)
    count += len(y)
return total_loss / count
