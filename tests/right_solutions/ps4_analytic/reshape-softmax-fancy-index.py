# Right solution: softmax on a 2-D reshape without keepdims; gradient by subtracting 1 at (i, y_i) in a copy; targets filled with eps/C then the true class set; gap as log(target_y) - log(target_k)
# %% softmax_solution 1
shape = x.shape
rows = x.reshape(-1, shape[-1])
shifted = rows - rows.max(axis=1).reshape(-1, 1)
e = np.exp(shifted)
p = e / e.sum(axis=1).reshape(-1, 1)
return p.reshape(shape)
# %% softmax_solution 2
N = z.shape[0]
g = stable_softmax(np.array(z, dtype=float, copy=True))
g[np.arange(N), y] -= 1.0
g /= N
return g
# %% softmax_solution 3
y = np.asarray(y)
t = np.full((y.shape[0], num_classes), eps / num_classes)
t[np.arange(y.shape[0]), y] = 1.0 - eps + eps / num_classes
return t
# %% softmax_solution 4
target_true = 1.0 - eps + eps / num_classes
target_other = eps / num_classes
return float(np.log(target_true) - np.log(target_other))
