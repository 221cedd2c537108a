# Wrong solution: true division gives a float output width
# must-lose: test_out_width, test_forward
# must-keep: test_numerical_gradient, test_fast_matches_torch, test_softmax_cross_entropy
# visible-fails: test_out_width
# %% out_width
return (in_width - kernel_size) / stride + 1
