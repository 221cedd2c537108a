# Wrong solution: evaluate averages the per-batch mean losses, which overweights a small last batch
# must-lose: test_evaluate
# must-keep: test_train_epoch, test_make_classifier
# visible-fails: test_evaluate
# %% classifier_solution 3
model.eval()
batch_losses, correct, count = [], 0, 0
with torch.no_grad():
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        batch_losses.append(F.cross_entropy(logits, y).item())
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(y)
return sum(batch_losses) / len(batch_losses), correct / count
