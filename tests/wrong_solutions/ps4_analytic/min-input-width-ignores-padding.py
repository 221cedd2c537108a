# Wrong solution: the smallest input width computed as if there were no padding
# must-lose: test_min_input_width
# must-keep: test_conv_output_width, test_receptive_field
# visible-fails: test_min_input_width
# %% conv_solution 2
return (out_width - 1) * stride + kernel_size
