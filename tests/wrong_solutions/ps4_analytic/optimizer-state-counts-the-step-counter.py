# Wrong solution: Adam's count includes the step counter t, which all parameters share
# must-lose: test_optimizer_state_counts
# must-keep: test_sgdm_constant_gradient, test_adam_constant_gradient
# %% optimizers_solution 1
return {"sgd": 0, "sgdm": 1, "adam": 3}
