# Wrong solution: Conv1DFast is correct but loops over the output channels (and the batch), which the prompt forbids
# must-lose: test_fast_is_vectorised
# must-keep: test_fast_matches_torch, test_cnn_accuracy
# visible-fails: test_fast_is_vectorised
# %% conv1d_fast 1
windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=2)[:, :, ::self.stride]
y = np.zeros((x.shape[0], self.out_channel, windows.shape[2]))
for n in range(x.shape[0]):
    for o in range(self.out_channel):
        y[n, o] = np.einsum("cwk,ck->w", windows[n], self.W[o]) + self.b[o]
return y
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
out_width = delta.shape[2]
windows = np.lib.stride_tricks.sliding_window_view(x, K, axis=2)[:, :, ::S]
self.dW = np.zeros_like(self.W)
dx = np.zeros(x.shape)
for o in range(self.out_channel):
    self.dW[o] = np.einsum("ncwk,nw->ck", windows, delta[:, o])
    for k in range(K):
        dx[:, :, k:k + S * (out_width - 1) + 1:S] += delta[:, o, None, :] * self.W[o, :, k][None, :, None]
self.db = delta.sum(axis=(0, 2))
return dx
