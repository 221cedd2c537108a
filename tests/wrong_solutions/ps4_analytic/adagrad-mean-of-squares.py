# Wrong solution: AdaGrad divides by the root of the mean of the squared gradients instead of their sum
# must-lose: test_adagrad_trajectory
# must-keep: test_adam_moment_weights, test_adam_trajectory
# visible-fails: test_adagrad_trajectory
# %% adagrad_solution 2
steps = eta0 * grads / np.sqrt(np.cumsum(grads ** 2) / np.arange(1, len(grads) + 1))
return -np.cumsum(steps)
