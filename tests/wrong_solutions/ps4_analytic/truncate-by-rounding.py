# Wrong solution: truncate rounds to the nearest instead of cutting the digits
# must-lose: test_truncate, test_momentum_answers
# must-keep: test_momentum_descent, test_unit_gradients
# visible-fails: test_truncate
# %% momentum_solution 2
return round(x, decimals)
