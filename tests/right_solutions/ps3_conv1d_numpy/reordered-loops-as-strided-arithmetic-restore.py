# Right solution: out width by len(range(...)); loop forward/backward in other loop orders with pure-Python inner sums over channels and taps; db accumulated in loops; Conv1DFast builds windows with as_strided and einsum(optimize=True); dx by np.add.at on a flattened (n*c, in_width) view with broadcast indices; softmax gradient built with a boolean one-hot mask and np.where; numerical_gradient moves each entry by adding and subtracting h and restores it by arithmetic (x += h, x -= 2h, x += h), which leaves it right up to rounding
# %% out_width
return len(range(0, in_width - kernel_size + 1, stride))
# %% conv1d_forward
batch, in_channel, in_width = x.shape
K, S = self.kernel_size, self.stride
out_width = (in_width - K) // S + 1
y = np.empty((batch, self.out_channel, out_width))
for t in range(out_width):
    start = t * S
    for o in range(self.out_channel):
        for n in range(batch):
            total = self.b[o]
            for c in range(in_channel):
                for k in range(K):
                    total += self.W[o, c, k] * x[n, c, start + k]
            y[n, o, t] = total
return y
# %% conv1d_backward
batch, out_channel, out_width = delta.shape
in_channel, K, S = self.in_channel, self.kernel_size, self.stride
dx = np.zeros(x.shape)
dW = np.zeros(self.W.shape)
db = np.zeros(self.b.shape)
for o in range(out_channel):
    for t in range(out_width):
        start = t * S
        for n in range(batch):
            d = delta[n, o, t]
            db[o] += d
            for c in range(in_channel):
                for k in range(K):
                    dW[o, c, k] += d * x[n, c, start + k]
                    dx[n, c, start + k] += d * self.W[o, c, k]
self.dW = dW
self.db = db
return dx
# %% conv1d_fast 1
K, S = self.kernel_size, self.stride
batch, in_channel, in_width = x.shape
out_width = (in_width - K) // S + 1
xs = np.ascontiguousarray(x, dtype=np.float64)
sn, sc, sw = xs.strides
windows = np.lib.stride_tricks.as_strided(
    xs, shape=(batch, in_channel, out_width, K), strides=(sn, sc, sw * S, sw), writeable=False)
y = np.einsum("nctk,ock->not", windows, self.W, optimize=True)
return y + self.b.reshape(1, -1, 1)
# %% conv1d_fast 2
K, S = self.kernel_size, self.stride
batch, in_channel, in_width = x.shape
out_width = delta.shape[2]
xs = np.ascontiguousarray(x, dtype=np.float64)
sn, sc, sw = xs.strides
windows = np.lib.stride_tricks.as_strided(
    xs, shape=(batch, in_channel, out_width, K), strides=(sn, sc, sw * S, sw), writeable=False)
self.dW = np.einsum("not,nctk->ock", delta, windows, optimize=True)
self.db = delta.sum(axis=2).sum(axis=0)
dwin = np.einsum("not,ock->nctk", delta, self.W, optimize=True).reshape(batch * in_channel, out_width * K)
cols = (np.arange(out_width)[:, None] * S + np.arange(K)[None, :]).reshape(1, -1)
rows = np.arange(batch * in_channel)[:, None]
dx2 = np.zeros((batch * in_channel, in_width))
np.add.at(dx2, (rows, cols), dwin)
return dx2.reshape(batch, in_channel, in_width)
# %% softmax_cross_entropy
logits = np.asarray(logits, dtype=np.float64)
y = np.asarray(y)
N, C = logits.shape
shifted = logits - logits.max(axis=1)[:, None]
lse = np.log(np.exp(shifted).sum(axis=1))
is_true = np.arange(C)[None, :] == y[:, None]
log_p_true = np.where(is_true, shifted, 0.0).sum(axis=1) - lse
probs = np.exp(shifted - lse[:, None])
dlogits = np.where(is_true, probs - 1.0, probs) / N
return float(-log_p_true.sum() / N), dlogits
# %% numerical_gradient
for index in np.ndindex(x.shape):
    x[index] += h
    f_plus = f(x)
    x[index] -= 2 * h
    f_minus = f(x)
    x[index] += h
    grad[index] = (f_plus - f_minus) / (2 * h)
