# Wrong solution: the momentum is taken at its limit c / (1 - beta) from the first step
# must-lose: test_sgdm_constant_gradient
# must-keep: test_adam_constant_gradient, test_optimizer_state_counts
# visible-fails: test_sgdm_constant_gradient
# %% optimizers_solution 2
m = c / (1 - beta)
return -eta * t * m, m
