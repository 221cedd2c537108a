# Wrong solution: dW and db are averaged over the batch instead of summed
# must-lose: test_backward_dW, test_backward_db
# must-keep: test_forward, test_backward_dx
# visible-fails: test_backward_dW, test_backward_db
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
K, S = self.kernel_size, self.stride
dx = np.zeros(x.shape)
self.dW = np.zeros_like(self.W)
self.db = delta.sum(axis=(0, 2)) / batch
for n in range(batch):
    for o in range(out_channel):
        for t in range(out_width):
            start = t * S
            self.dW[o] += delta[n, o, t] * x[n, :, start:start + K] / batch
            dx[n, :, start:start + K] += delta[n, o, t] * self.W[o]
return dx
