# Right solution: Conv1DFast gathers windows with an im2col index array and multiplies with matmul; backward adds dx back with a loop over the kernel taps
# %% conv1d_fast 1
K, S = self.kernel_size, self.stride
out_width = (x.shape[2] - K) // S + 1
index = S * np.arange(out_width)[:, None] + np.arange(K)  # (t, k)
cols = x[:, :, index]  # (n, c, t, k), a copy
n, c = x.shape[0], x.shape[1]
cols = cols.transpose(0, 2, 1, 3).reshape(n, out_width, c * K)  # (n, t, c*k)
y = cols @ self.W.reshape(self.out_channel, c * K).T  # (n, t, o)
y += self.b
return np.ascontiguousarray(y.transpose(0, 2, 1))
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
n, c, in_width = x.shape
out_width = delta.shape[2]
index = S * np.arange(out_width)[:, None] + np.arange(K)
cols = x[:, :, index].transpose(0, 2, 1, 3).reshape(n * out_width, c * K)  # (n*t, c*k)
d2 = delta.transpose(0, 2, 1).reshape(n * out_width, self.out_channel)  # (n*t, o)
self.dW = (d2.T @ cols).reshape(self.W.shape)
self.db = d2.sum(axis=0)
dcols = (d2 @ self.W.reshape(self.out_channel, c * K)).reshape(n, out_width, c, K)
dx = np.zeros((n, c, in_width))
last = S * (out_width - 1) + 1
for k in range(K):
    dx[:, :, k:k + last:S] += dcols[:, :, :, k].transpose(0, 2, 1)
return dx
