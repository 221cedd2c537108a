# Wrong solution: the 1x1 projection keeps stride 1, so it cannot match a downsampled block
# must-lose: test_block_projection, test_resnet, test_resnet_vs_plain
# must-keep: test_block_identity, test_make_cnn, test_train_epoch, test_evaluate, test_receptive_field, test_competition_tier1
# visible-fails: test_block_projection
# (the reference competition model, ResNet-9, has identity shortcuts only, so this bug does not reach it)
# %% resnet_solution 1
self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
self.bn1 = nn.BatchNorm2d(out_channels)
self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
self.bn2 = nn.BatchNorm2d(out_channels)
if not skip:
    self.shortcut = None
elif stride == 1 and in_channels == out_channels:
    self.shortcut = nn.Identity()
else:
    self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False),
                                  nn.BatchNorm2d(out_channels))
