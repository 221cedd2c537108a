# Right solution: OneCycleLR with other settings (40% warm-up, div_factor 10, final_div_factor 1000); train_epoch weights each batch's mean loss by its size; evaluate averages per-batch float accuracies weighted by batch size and restores the model's previous mode; ResidualBlock with nn.ReLU modules; ResNet whose head is a bare nn.Linear with global average pooling done in forward (x.mean((2, 3))), blocks built from a flat list of (channels, stride) pairs; make_mlp built in a loop, make_cnn from nested nn.Sequential blocks with in-place ReLU, count_parameters over named_parameters, receptive_field computed forwards with a jump product
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
# %% resnet_solution 1
self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
self.bn1 = nn.BatchNorm2d(out_channels)
self.relu1 = nn.ReLU()
self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
self.bn2 = nn.BatchNorm2d(out_channels)
self.relu2 = nn.ReLU()
needs_projection = in_channels != out_channels or stride != 1
if not skip:
    self.shortcut = None
elif needs_projection:
    self.shortcut = nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels))
else:
    self.shortcut = nn.Identity()
# %% resnet_solution 2
residual = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
if self.shortcut is None:
    return self.relu2(residual)
return self.relu2(residual + self.shortcut(x))
# %% resnet_solution 3
self.stem = nn.Sequential(
    nn.Conv2d(3, width, kernel_size=3, stride=1, padding=1, bias=False),
    nn.BatchNorm2d(width),
    nn.ReLU(),
)
plan = [(width, 1)] * n + [(2 * width, 2)] + [(2 * width, 1)] * (n - 1) \
    + [(4 * width, 2)] + [(4 * width, 1)] * (n - 1)
blocks, channels = [], width
for out_channels, stride in plan:
    blocks.append(ResidualBlock(channels, out_channels, stride, skip=skip))
    channels = out_channels
self.blocks = nn.Sequential(*blocks)
self.head = nn.Linear(4 * width, num_classes)
# %% resnet_solution 4
features = self.blocks(self.stem(x))
return self.head(features.mean((2, 3)))
# %% models_solution 1
sizes = [image_size * image_size, hidden, hidden, num_classes]
layers = [nn.Flatten()]
for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
    layers.append(nn.Linear(d_in, d_out))
    if i < len(sizes) - 2:
        layers.append(nn.ReLU())
return nn.Sequential(*layers)
# %% models_solution 2
def conv_bn_relu(c_in, c_out, stride):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )

plan = [(width, 1), (2 * width, 2), (2 * width, 1), (4 * width, 2), (4 * width, 1)]
features, c_in = [], in_channels
for c_out, stride in plan:
    features.append(conv_bn_relu(c_in, c_out, stride))
    c_in = c_out
return nn.Sequential(
    nn.Sequential(*features),
    nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(start_dim=1), nn.Linear(4 * width, num_classes)),
)
# %% counting_solution 1
total = 0
for _, p in model.named_parameters():
    if p.requires_grad:
        total += p.numel()
return int(total)
# %% counting_solution 2
field, jump = 1, 1          # window size in input pixels, distance in input pixels between neighbouring units
for kernel_size, stride in layers:
    field += (kernel_size - 1) * jump
    jump *= stride
return int(field)
