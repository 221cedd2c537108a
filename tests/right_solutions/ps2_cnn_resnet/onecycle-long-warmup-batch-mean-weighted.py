# Right solution: OneCycleLR with other settings (40% warm-up, div_factor 10, final_div_factor 1000); train_epoch weights each batch's mean loss by its size; evaluate averages per-batch float accuracies weighted by batch size and restores the model's previous mode
# %% training_solution 1
optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=lr, total_steps=total_steps, pct_start=0.4, div_factor=10.0, final_div_factor=1000.0)
return optimizer, scheduler
# %% training_solution 2
model.train()
total_loss, total_examples = 0.0, 0
for X, y in loader:
    X = X.to(device)
    y = y.to(device)
    logits = model(X)
    loss = nn.functional.cross_entropy(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    total_loss += loss.item() * len(y)
    total_examples += len(y)
return total_loss / total_examples
# %% training_solution 3
was_training = model.training
model.eval()
correct, seen = 0.0, 0
with torch.no_grad():
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        y_hat = model(X)
        correct += (y_hat.argmax(1) == y).float().mean().item() * len(y)
        seen += len(y)
model.train(was_training)
return correct / seen
