# Right solution: out width by math.floor on the quotient; forward with np.dot on each flattened window; backward adds delta*W into dx slices vectorised over the batch, dW by np.tensordot over strided tap slices, db by sum; Conv1DFast gathers windows with an im2col index array and multiplies with matmul; backward adds dx back with a loop over the kernel taps; numerical_gradient iterates with np.nditer (multi_index), evaluates x-h first, and divides by the step actually taken ((x+h)-(x-h)) instead of 2h
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
# %% numerical_gradient
it = np.nditer(x, flags=["multi_index"])
for _ in it:
    index = it.multi_index
    original = x[index].copy()
    x[index] = original - h
    minus = x[index].copy()
    f_minus = f(x)
    x[index] = original + h
    plus = x[index].copy()
    f_plus = f(x)
    x[index] = original
    grad[index] = (f_plus - f_minus) / (plus - minus)
