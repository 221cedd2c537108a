# Wrong solution: the receptive field adds up kernel sizes and ignores the strides
# must-lose: test_receptive_field
# must-keep: test_count_parameters, test_make_cnn, test_resnet
# visible-fails: test_receptive_field
# %% counting_solution 2
return 1 + sum(kernel_size - 1 for kernel_size, stride in layers)
