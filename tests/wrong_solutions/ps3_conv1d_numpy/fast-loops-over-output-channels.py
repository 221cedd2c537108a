# Wrong solution: Conv1DFast is vectorised over the batch and the positions but loops over the output channels, which the task forbids (with 8 channels the loop fitted the old 60-line budget)
# must-lose: test_fast_is_vectorised
# must-keep: test_fast_matches_torch, test_cnn_accuracy
# visible-fails: test_fast_is_vectorised
# %% conv1d_fast 1
windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=2)[:, :, ::self.stride]
y = np.empty((x.shape[0], self.out_channel, windows.shape[2]))
for o in range(self.out_channel):
    y[:, o] = np.einsum("ncwk,ck->nw", windows, self.W[o]) + self.b[o]
return y
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
out_width = delta.shape[2]
windows = np.lib.stride_tricks.sliding_window_view(x, K, axis=2)[:, :, ::S]
self.dW = np.empty_like(self.W)
for o in range(self.out_channel):
    self.dW[o] = np.einsum("ncwk,nw->ck", windows, delta[:, o])
self.db = delta.sum(axis=(0, 2))
dwindows = np.einsum("now,ock->nckw", delta, self.W)
dx = np.zeros(x.shape)
for k in range(K):
    dx[:, :, k:k + S * (out_width - 1) + 1:S] += dwindows[:, :, k, :]
return dx
