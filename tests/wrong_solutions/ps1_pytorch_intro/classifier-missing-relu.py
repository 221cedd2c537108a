# Wrong solution: make_classifier leaves out the ReLU after the second Linear layer (same parameters, but two layers collapse into one linear map)
# must-lose: test_make_classifier
# must-keep: test_train_epoch, test_evaluate, test_fit, test_record_rms
# %% classifier_solution 1
return nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 128), nn.ReLU(),
    nn.Linear(128, 128),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 10),
)
