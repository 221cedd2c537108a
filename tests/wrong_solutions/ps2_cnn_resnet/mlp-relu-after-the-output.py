# Wrong solution: make_mlp puts its ReLUs after the output layer and the first hidden layer, not after each hidden layer (same parameters)
# must-lose: test_make_mlp
# must-keep: test_make_cnn, test_make_optimizer, test_train_epoch, test_evaluate, test_block_identity, test_resnet
# %% models_solution 1
return nn.Sequential(
    nn.Flatten(),
    nn.Linear(image_size * image_size, hidden), nn.ReLU(),
    nn.Linear(hidden, hidden),
    nn.Linear(hidden, num_classes), nn.ReLU(),
)
