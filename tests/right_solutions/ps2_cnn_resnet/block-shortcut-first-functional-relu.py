# Right solution: ResidualBlock defines its shortcut before conv1 (so the shortcut's tensors come first in its state_dict), uses F.relu in forward and adds the shortcut in place
# %% resnet_solution 1
self.skip = skip
if not skip:
    self.shortcut = None
elif in_channels == out_channels and stride == 1:
    self.shortcut = nn.Identity()
else:
    self.shortcut = nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )
self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
self.bn1 = nn.BatchNorm2d(out_channels)
self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
self.bn2 = nn.BatchNorm2d(out_channels)
# %% resnet_solution 2
out = F.relu(self.bn1(self.conv1(x)))
out = self.bn2(self.conv2(out))
if self.shortcut is not None:
    out += self.shortcut(x)
return F.relu(out)
