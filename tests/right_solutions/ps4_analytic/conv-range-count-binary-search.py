# Right solution: output width as len(range(...)) of the kernel's start positions; min input width by binary search on conv_output_width; receptive field forward with the running product of strides; 2-D shape via tuple() of a list
# %% conv_solution 1
return len(range(0, in_width + 2 * padding - kernel_size + 1, stride))
# %% conv_solution 2
lo, hi = 1, max(1, (out_width + 1) * stride + kernel_size)   # hi surely gives enough outputs
while lo < hi:
    mid = (lo + hi) // 2
    if conv_output_width(mid, kernel_size, padding, stride) >= out_width:
        hi = mid
    else:
        lo = mid + 1
return lo
# %% conv_solution 3
field, jump = 1, 1
for k, s in zip(kernel_sizes, strides):
    field += (k - 1) * jump     # this layer widens the field by k - 1 of its input steps
    jump *= s                   # input positions between neighbouring outputs of this layer
return int(field)
# %% conv_solution 4
dims = [int(input_shape[0])]
for axis in range(2):
    dims.append(conv_output_width(input_shape[1 + axis], kernel_size[axis], padding[axis], stride[axis]))
dims.append(int(out_channels))
return tuple(dims)
