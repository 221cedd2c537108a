# Wrong solution: evaluate runs the model without torch.no_grad(), calling model.forward(X) directly (which also bypasses forward hooks)
# must-lose: test_evaluate
# must-keep: test_make_classifier, test_train_epoch, test_classifier_accuracy
# %% classifier_solution 3
model.eval()
total_loss, correct, count = 0.0, 0, 0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    logits = model.forward(X)
    total_loss += F.cross_entropy(logits, y, reduction="sum").item()
    correct += (logits.argmax(dim=1) == y).sum().item()
    count += len(y)
return total_loss / count, correct / count
