# Wrong solution: dx assigns instead of adding where windows overlap
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
    for t in range(out_width):
        start = t * S
        self.dW += delta[n, :, t, None, None] * x[None, n, :, start:start + K]
        dx[n, :, start:start + K] = np.einsum("o,ock->ck", delta[n, :, t], self.W)
return dx
