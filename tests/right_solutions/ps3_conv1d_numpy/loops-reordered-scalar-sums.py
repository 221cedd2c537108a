# Right solution: out width by len(range(...)); loop forward/backward in other loop orders with pure-Python inner sums over channels and taps; db accumulated in loops
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
