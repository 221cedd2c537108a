# Wrong solution: Var[y] = d sigma^2, the answer for linear units, without ReLU's factor 1/2
# must-lose: test_relu_output_variance
# must-keep: test_he_std, test_stable_softmax
# visible-fails: test_relu_output_variance
# %% variance_solution 1
return d * sigma ** 2
