# Right solution: make_mlp built in a loop, make_cnn from nested nn.Sequential blocks with in-place ReLU, count_parameters over named_parameters, receptive_field computed forwards with a jump product
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
