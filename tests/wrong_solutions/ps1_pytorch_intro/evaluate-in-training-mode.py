# Wrong solution: evaluate never calls model.eval(), so BatchNorm or Dropout layers behave as in training (and BatchNorm updates its running statistics)
# must-lose: test_evaluate
# must-keep: test_make_classifier, test_train_epoch, test_classifier_accuracy
# %% classifier_solution 3
total_loss, correct, count = 0.0, 0, 0
with torch.no_grad():
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += F.cross_entropy(logits, y, reduction="sum").item()
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(y)
return total_loss / count, correct / count
