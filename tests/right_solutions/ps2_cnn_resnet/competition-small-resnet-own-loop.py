# Right solution: the competition entry is a small ResNet made of Part 2's ResidualBlocks behind a stride-2 stem, wrapped in FlipAveraged, trained with the student's own make_optimizer/train_epoch/evaluate on 90% of the data with random flips and shifts, validated on the other 10%
# %% competition_solution 1
w = 16 if SMOKE else 64
net = nn.Sequential(
    nn.Conv2d(3, w, kernel_size=3, stride=2, padding=1, bias=False),   # 32x32 -> 16x16
    nn.BatchNorm2d(w),
    nn.ReLU(),
    ResidualBlock(w, w),
    ResidualBlock(w, 2 * w, stride=2),                                  # -> 8x8
    ResidualBlock(2 * w, 4 * w, stride=2),                              # -> 4x4
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(4 * w, 10),
)
return FlipAveraged(net)
# %% competition_solution 2
X, y = cifar_tensors(train_set)
order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
num_val = len(X) // 10
X_val, y_val = X[order[:num_val]], y[order[:num_val]]
X_fit, y_fit = X[order[num_val:]], y[order[num_val:]]
num_epochs = 15 if SMOKE else 30
batches = DeviceBatches(X_fit, y_fit, 64 if SMOKE else 256, device)


def augmented_batches():
    # each image mirrored with probability 1/2 and shifted by up to 4 pixels (reflect padding), on the device
    for X_batch, y_batch in batches:
        flip = torch.rand(len(X_batch), device=X_batch.device) < 0.5
        X_batch = torch.where(flip[:, None, None, None], X_batch.flip(3), X_batch)
        padded = F.pad(X_batch, (4, 4, 4, 4), mode="reflect")
        dx, dy = torch.randint(0, 9, (2, len(X_batch))).tolist()
        X_batch = torch.stack([padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32] for i in range(len(X_batch))])
        yield X_batch, y_batch


val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=500)
model.to(device)
optimizer, scheduler = make_optimizer(model, lr=6e-3, weight_decay=0.05, total_steps=num_epochs * len(batches))
for epoch in range(num_epochs):
    loss = train_epoch(model, augmented_batches(), optimizer, scheduler, device)
    accuracy = evaluate(model, val_loader, device)
    print(f"epoch {epoch + 1}/{num_epochs}: training loss {loss:.3f}, validation accuracy {accuracy:.3f}")
