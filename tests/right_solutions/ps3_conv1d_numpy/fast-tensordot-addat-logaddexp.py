# Right solution: Conv1DFast with np.tensordot instead of einsum and np.add.at (with an index array) for dx; softmax_cross_entropy via np.logaddexp.reduce, loss returned as np.float64
# %% conv1d_fast 1
K, S = self.kernel_size, self.stride
windows = np.lib.stride_tricks.sliding_window_view(x, K, axis=2)[:, :, ::S]  # (n, c, t, k)
y = np.tensordot(windows, self.W, axes=([1, 3], [1, 2]))  # (n, t, o)
return y.transpose(0, 2, 1) + self.b[None, :, None]
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
windows = np.lib.stride_tricks.sliding_window_view(x, K, axis=2)[:, :, ::S]  # (n, c, t, k)
out_width = delta.shape[2]
self.dW = np.tensordot(delta, windows, axes=([0, 2], [0, 2]))  # (o, c, k)
self.db = delta.sum(axis=(0, 2))
dwindows = np.tensordot(delta, self.W, axes=([1], [0]))  # (n, t, c, k)
positions = np.arange(out_width)[:, None] * S + np.arange(K)[None, :]  # (t, k)
dx = np.zeros(x.shape)
np.add.at(dx, (slice(None), slice(None), positions), dwindows.transpose(0, 2, 1, 3))
return dx
# %% softmax_cross_entropy
n = logits.shape[0]
log_norm = np.logaddexp.reduce(logits, axis=1)  # (N,)
rows = np.arange(n)
loss = np.mean(log_norm - logits[rows, y])  # np.float64
dlogits = np.exp(logits - log_norm[:, None])
dlogits[rows, y] -= 1.0
dlogits /= n
return loss, dlogits
