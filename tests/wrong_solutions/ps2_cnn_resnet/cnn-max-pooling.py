# Wrong solution: make_cnn pools with the maximum over positions instead of the average (same parameters)
# must-lose: test_make_cnn
# must-keep: test_make_mlp, test_make_optimizer, test_train_epoch, test_evaluate, test_block_identity, test_resnet, test_receptive_field
# %% models_solution 2
layers, channels = [], in_channels
for out_channels, stride in [(width, 1), (2 * width, 2), (2 * width, 1), (4 * width, 2), (4 * width, 1)]:
    layers += [nn.Conv2d(channels, out_channels, 3, stride=stride, padding=1, bias=False),
               nn.BatchNorm2d(out_channels), nn.ReLU()]
    channels = out_channels
return nn.Sequential(*layers, nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
