# Right solution: ResidualBlock with nn.ReLU modules; ResNet whose head is a bare nn.Linear with global average pooling done in forward (x.mean((2, 3))), blocks built from a flat list of (channels, stride) pairs
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
