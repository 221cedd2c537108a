# Wrong solution: make_classifier puts the first ReLU before the first Linear layer instead of after it (same parameters; the logits can still be negative)
# must-lose: test_make_classifier
# must-keep: test_train_epoch, test_evaluate, test_fit, test_record_rms
# %% classifier_solution 1
return nn.Sequential(
    nn.Flatten(), nn.ReLU(),
    nn.Linear(784, 128),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 10),
)
