# Wrong solution: Conv1DFast is vectorised but forgets the bias and its gradient: quick, and wrong
# must-lose: test_fast_matches_torch, test_fast_is_vectorised
# must-keep: test_forward, test_backward_dx, test_backward_dW, test_backward_db
# visible-fails: test_fast_matches_torch
# %% conv1d_fast 1
windows = np.lib.stride_tricks.sliding_window_view(x, self.kernel_size, axis=2)[:, :, ::self.stride]
return np.einsum("ncwk,ock->now", windows, self.W, optimize=True)
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
out_width = delta.shape[2]
windows = np.lib.stride_tricks.sliding_window_view(x, K, axis=2)[:, :, ::S]
self.dW = np.einsum("ncwk,now->ock", windows, delta, optimize=True)
self.db = np.zeros(self.out_channel)
dwindows = np.einsum("now,ock->nckw", delta, self.W, optimize=True)
dx = np.zeros(x.shape)
for k in range(K):
    dx[:, :, k:k + S * (out_width - 1) + 1:S] += dwindows[:, :, k, :]
return dx
