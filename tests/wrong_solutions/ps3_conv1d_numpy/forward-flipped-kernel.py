# Wrong solution: forward flips the kernel (a textbook convolution, not PyTorch's cross-correlation)
# must-lose: test_forward
# must-keep: test_out_width, test_backward_dx, test_backward_dW, test_backward_db
# visible-fails: test_forward
# %% conv1d_forward
batch, _, in_width = x.shape
out_width = conv1d_out_width(in_width, self.kernel_size, self.stride)
y = np.zeros((batch, self.out_channel, out_width))
for n in range(batch):
    for o in range(self.out_channel):
        for t in range(out_width):
            start = t * self.stride
            window = x[n, :, start:start + self.kernel_size]
            y[n, o, t] = np.sum(window * self.W[o, :, ::-1]) + self.b[o]
return y
