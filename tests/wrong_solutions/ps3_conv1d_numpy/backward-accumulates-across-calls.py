# Wrong solution: backward adds each call's gradient to self.dW and self.db instead of setting them, so a second call doubles them
# must-lose: test_backward_dW, test_backward_db
# must-keep: test_forward, test_backward_dx
# visible-fails: test_backward_dW, test_backward_db
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
K, S = self.kernel_size, self.stride
dx = np.zeros(x.shape)
self.db = self.db + delta.sum(axis=(0, 2))
for n in range(batch):
    for o in range(out_channel):
        for t in range(out_width):
            start = t * S
            self.dW[o] += delta[n, o, t] * x[n, :, start:start + K]
            dx[n, :, start:start + K] += delta[n, o, t] * self.W[o]
return dx
