# Wrong solution: train_epoch never resets the gradients, so each step uses the sum of all earlier ones
# must-lose: test_train_epoch
# must-keep: test_make_classifier, test_evaluate, test_mlp_forward
# %% classifier_solution 2
model.train()
total = 0.0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    total += loss.item()
return total / len(loader)
