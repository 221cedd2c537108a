# Right solution: forward loops n, o, t with an inner loop over kernel taps (np.dot over channels); backward zeroes and fills the existing self.dW/self.db arrays in place, loops o, n, t and uses np.tensordot per window for dW; Conv1DFast with a loop over the kernel taps in forward and backward (strided slices and einsum per tap, no sliding_window_view); softmax with the max shift and the gradient as p/N minus onehot/N
# %% conv1d_forward
batch, in_channel, in_width = x.shape
K, S = self.kernel_size, self.stride
out_width = conv1d_out_width(in_width, K, S)
y = np.empty((batch, self.out_channel, out_width), dtype=np.float64)
for n in range(batch):
    for o in range(self.out_channel):
        for t in range(out_width):
            acc = 0.0
            for k in range(K):
                acc += np.dot(self.W[o, :, k], x[n, :, t * S + k])
            y[n, o, t] = acc + self.b[o]
return y
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
K, S = self.kernel_size, self.stride
if self.dW is None or self.dW.shape != self.W.shape:
    self.dW = np.zeros_like(self.W, dtype=np.float64)
if self.db is None or self.db.shape != self.b.shape:
    self.db = np.zeros_like(self.b, dtype=np.float64)
self.dW[...] = 0.0
self.db[...] = 0.0
dx = np.zeros(x.shape)
for o in range(out_channel):
    for n in range(batch):
        for t in range(out_width):
            window = x[n, :, t * S:t * S + K]
            self.dW[o] += np.tensordot(delta[n, o, t], window, axes=0)
            self.db[o] += delta[n, o, t]
            dx[n, :, t * S:t * S + K] += delta[n, o, t] * self.W[o]
return dx
# %% conv1d_fast 1
K, S = self.kernel_size, self.stride
batch, in_channel, in_width = x.shape
out_width = (in_width - K) // S + 1
last = S * (out_width - 1) + 1
y = np.empty((batch, self.out_channel, out_width))
y[...] = self.b[None, :, None]
for k in range(K):
    y += np.einsum("oc,nct->not", self.W[:, :, k], x[:, :, k:k + last:S])
return y
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
out_width = delta.shape[2]
last = S * (out_width - 1) + 1
dx = np.zeros(x.shape)
dW = np.empty(self.W.shape)
for k in range(K):
    dW[:, :, k] = np.einsum("not,nct->oc", delta, x[:, :, k:k + last:S])
    dx[:, :, k:k + last:S] += np.einsum("not,oc->nct", delta, self.W[:, :, k])
self.dW = dW
self.db = np.einsum("not->o", delta)
return dx
# %% softmax_cross_entropy
N = len(y)
row_max = np.max(logits, axis=1, keepdims=True)
shifted = logits - row_max
sum_exp = np.sum(np.exp(shifted), axis=1)
log_p_true = shifted[np.arange(N), y] - np.log(sum_exp)
loss = float(-np.mean(log_p_true))
p = np.exp(shifted) / sum_exp[:, None]
dlogits = p / N
dlogits[np.arange(N), y] -= 1.0 / N
return loss, dlogits
