# Right solution: the competition entry is a small ResNet from Part 2 (ResNet-8, width 16) wrapped in FlipAveraged, trained with the student's own make_optimizer/train_epoch/evaluate on 90% of the data with random horizontal flips, validated on the other 10%
# %% competition_solution 1
return FlipAveraged(ResNet(1, num_classes=10, width=16))
# %% competition_solution 2
X, y = cifar_tensors(train_set)
order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
num_val = len(X) // 10
X_val, y_val = X[order[:num_val]], y[order[:num_val]]
X_fit, y_fit = X[order[num_val:]], y[order[num_val:]]
num_epochs = 6 if SMOKE else 30
batches = DeviceBatches(X_fit, y_fit, 64 if SMOKE else 256, device)


def flipped_batches():
    # each image mirrored with probability 1/2, on the device
    for X_batch, y_batch in batches:
        flip = torch.rand(len(X_batch), device=X_batch.device) < 0.5
        yield torch.where(flip[:, None, None, None], X_batch.flip(3), X_batch), y_batch


val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=500)
model.to(device)
optimizer, scheduler = make_optimizer(model, lr=3e-3, weight_decay=0.05, total_steps=num_epochs * len(batches))
for epoch in range(num_epochs):
    loss = train_epoch(model, flipped_batches(), optimizer, scheduler, device)
    accuracy = evaluate(model, val_loader, device)
    print(f"epoch {epoch + 1}/{num_epochs}: training loss {loss:.3f}, validation accuracy {accuracy:.3f}")
