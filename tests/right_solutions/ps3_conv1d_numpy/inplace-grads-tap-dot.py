# Right solution: forward loops n, o, t with an inner loop over kernel taps (np.dot over channels); backward zeroes and fills the existing self.dW/self.db arrays in place, loops o, n, t and uses np.tensordot per window for dW
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
