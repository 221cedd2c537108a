# Right solution: out width by math.floor on the quotient; forward with np.dot on each flattened window; backward adds delta*W into dx slices vectorised over the batch, dW by np.tensordot over strided tap slices, db by sum
# %% out_width
import math
return math.floor((in_width - kernel_size) / stride) + 1
# %% conv1d_forward
batch, in_channel, in_width = x.shape
K, S = self.kernel_size, self.stride
out_width = (in_width - K) // S + 1
y = np.zeros((batch, self.out_channel, out_width), dtype=np.float64)
for n in range(batch):
    for o in range(self.out_channel):
        w = self.W[o].ravel()
        for t in range(out_width):
            window = x[n, :, t * S:t * S + K]
            y[n, o, t] = np.dot(w, window.ravel()) + self.b[o]
return y
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
K, S = self.kernel_size, self.stride
dx = np.zeros_like(x, dtype=np.float64)
for t in range(out_width):
    for o in range(out_channel):
        dx[:, :, t * S:t * S + K] += delta[:, o, t][:, None, None] * self.W[o][None, :, :]
dW = np.empty(self.W.shape)
last = S * (out_width - 1) + 1
for k in range(K):
    taps = x[:, :, k:k + last:S]  # (batch, in_channel, out_width)
    dW[:, :, k] = np.tensordot(delta, taps, axes=([0, 2], [0, 2]))
self.dW = dW
self.db = delta.sum(axis=(0, 2))
return dx
