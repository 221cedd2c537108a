# Right solution: make_optimizer puts biases and BatchNorm parameters in a second AdamW parameter group without weight decay, and writes the cosine schedule lr_t = lr (1 + cos(pi t / T)) / 2 as a LambdaLR; conv_grad_norms resets the gradients with zero_grad(set_to_none=True) and gets the 3x3 weight gradients from torch.autograd.grad (the backward pass computes only those); count_parameters with math.prod over shapes; ResidualBlock defines its shortcut before conv1 (so the shortcut's tensors come first in its state_dict), uses F.relu in forward and adds the shortcut in place
# %% training_solution 1
decay, no_decay = [], []
for p in model.parameters():
    if not p.requires_grad:
        continue
    (decay if p.ndim > 1 else no_decay).append(p)   # 1-D tensors: biases, BatchNorm scales and shifts
groups = [{"params": decay, "weight_decay": weight_decay}]
if no_decay:
    groups.append({"params": no_decay, "weight_decay": 0.0})
optimizer = torch.optim.AdamW(groups, lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda t: 0.5 * (1.0 + math.cos(math.pi * min(t, total_steps) / total_steps)))
return optimizer, scheduler
# %% grad_norms_solution 1
model.zero_grad(set_to_none=True)
convs = [m for m in model.modules() if isinstance(m, nn.Conv2d) and tuple(m.kernel_size) == (3, 3)]
loss = F.cross_entropy(model(X), y)
grads = torch.autograd.grad(loss, [m.weight for m in convs])
return [float(g.pow(2).sum().sqrt()) for g in grads]
# %% counting_solution 1
return sum(math.prod(p.shape) for p in model.parameters() if p.requires_grad)
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
