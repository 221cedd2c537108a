# Wrong solution: truncate rounds to the nearest instead of cutting the digits
# must-lose: test_truncate, test_momentum_answers
# must-keep: test_momentum_descent, test_unit_gradients
# %% momentum_solution 2
return round(x, decimals)
