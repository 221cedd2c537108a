# Wrong solution: he_std returns sqrt(1 / d), LeCun's scale, which halves the variance under ReLU
# must-lose: test_he_std
# must-keep: test_relu_output_variance
# visible-fails: test_he_std
# %% variance_solution 2
return math.sqrt(1 / d)
