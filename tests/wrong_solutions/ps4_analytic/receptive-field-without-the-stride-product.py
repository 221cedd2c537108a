# Wrong solution: the receptive field adds up (K - 1) over the layers and ignores the strides below each layer
# must-lose: test_receptive_field
# must-keep: test_conv_output_width, test_min_input_width, test_conv2d_output_shape
# visible-fails: test_receptive_field
# %% conv_solution 3
return 1 + sum(kernel_size - 1 for kernel_size in kernel_sizes)
