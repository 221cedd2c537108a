# Wrong solution: the ResNet's stem convolution keeps PyTorch's default bias=True, which the task excludes (a bias before BatchNorm is wasted); the parameter count and the weights' layout then differ
# must-lose: test_resnet, test_resnet_vs_plain
# must-keep: test_block_identity, test_block_projection, test_make_cnn, test_conv_grad_norms
# %% resnet_solution 3
self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True))
blocks = []
channels = width
for stage, stage_width in enumerate([width, 2 * width, 4 * width]):
    for i in range(n):
        stride = 2 if (stage > 0 and i == 0) else 1
        blocks.append(ResidualBlock(channels, stage_width, stride=stride, skip=skip))
        channels = stage_width
self.blocks = nn.Sequential(*blocks)
self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
# %% resnet_solution 4
return self.head(self.blocks(self.stem(x)))
