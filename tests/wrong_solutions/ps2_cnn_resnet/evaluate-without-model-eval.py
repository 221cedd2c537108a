# Wrong solution: evaluate predicts in training mode, so BatchNorm uses batch statistics and overwrites its running averages
# must-lose: test_evaluate
# must-keep: test_make_optimizer, test_train_epoch, test_make_cnn, test_block_identity, test_block_projection, test_resnet
# %% training_solution 3
correct, count = 0, 0
with torch.no_grad():
    for X, y in loader:
        y_hat = model(X.to(device))
        correct += (y_hat.argmax(dim=1).cpu() == y).sum().item()
        count += len(y)
return correct / count
