# Wrong solution: dx adds each window's gradient at position t instead of t * stride
# must-lose: test_backward_dx
# must-keep: test_forward, test_backward_dW, test_backward_db
# visible-fails: test_backward_dx
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
K, S = self.kernel_size, self.stride
dx = np.zeros(x.shape)
self.dW = np.zeros_like(self.W)
self.db = delta.sum(axis=(0, 2))
for n in range(batch):
    for o in range(out_channel):
        for t in range(out_width):
            start = t * S
            self.dW[o] += delta[n, o, t] * x[n, :, start:start + K]
            dx[n, :, t:t + K] += delta[n, o, t] * self.W[o]
return dx
