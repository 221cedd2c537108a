# Right solution: output width as the ceiling -(-(W + 2P - K + 1) // S) (0 when the kernel does not fit); min input width as K + S (out - 1) - 2P, at least 1; receptive field computed backwards from the output; 2-D shape built with tuple unpacking
# %% conv_solution 1
span = in_width + 2 * padding - kernel_size + 1     # start positions where the kernel fits, stride 1
return max(0, -(-span // stride))
# %% conv_solution 2
return max(1, kernel_size + stride * (out_width - 1) - 2 * padding)
# %% conv_solution 3
field = 1                                  # one output of the last layer
for k, s in zip(reversed(kernel_sizes), reversed(strides)):
    field = (field - 1) * s + k            # the inputs of this layer that reach it
return field
# %% conv_solution 4
batch, width, height, _ = input_shape
new_w, new_h = (conv_output_width(size, k, p, s)
                for size, k, s, p in zip((width, height), kernel_size, stride, padding))
return (batch, new_w, new_h, out_channels)
