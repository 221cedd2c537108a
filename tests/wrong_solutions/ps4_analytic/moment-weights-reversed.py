# Wrong solution: B_i = beta1^i and D_i = beta2^i, which weighs the oldest gradients most
# must-lose: test_adam_moment_weights
# must-keep: test_adagrad_trajectory, test_adam_trajectory
# visible-fails: test_adam_moment_weights
# %% adagrad_solution 1
powers = np.arange(1, t + 1)
return 1 - beta1, beta1 ** powers, 1 - beta2, beta2 ** powers
