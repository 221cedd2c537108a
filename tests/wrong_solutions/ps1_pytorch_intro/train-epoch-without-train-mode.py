# Wrong solution: train_epoch never calls model.train(), so after evaluate the model trains in evaluation mode (BatchNorm or Dropout layers then behave as at test time)
# must-lose: test_train_epoch
# must-keep: test_make_classifier, test_evaluate, test_classifier_accuracy
# %% classifier_solution 2
total = 0.0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    total += loss.item()
return total / len(loader)
