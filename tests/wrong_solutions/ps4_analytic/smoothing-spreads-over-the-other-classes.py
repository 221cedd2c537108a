# Wrong solution: smoothing with 1 - eps on the true class and eps / (C - 1) on the others (not torch's convention)
# must-lose: test_smoothed_targets
# must-keep: test_stable_softmax, test_optimal_logit_gap
# %% softmax_solution 3
targets = np.full((len(y), num_classes), eps / (num_classes - 1))
targets[np.arange(len(y)), y] = 1.0 - eps
return targets
