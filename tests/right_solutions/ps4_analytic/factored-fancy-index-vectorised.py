# Right solution: cost counts as other algebraically equal closed forms (factored differently); variance as d * sigma**2 / 2 and he_std as (2 / d) ** 0.5; softmax on a 2-D reshape without keepdims; gradient by subtracting 1 at (i, y_i) in a copy; targets filled with eps/C then the true class set; gap as log(target_y) - log(target_k); SGDM closed form expanded over (1 - beta)^2; Adam closed form via m = c - c beta1^t and the bias-corrected ratio times t; Adam weights via list comprehensions; AdaGrad vectorised with cumsum; Adam trajectory vectorised (moving averages by ufunc accumulate, steps by cumsum)
# %% cost_solution 1
return K * (K * (n * L))
# %% cost_solution 2
return 3 * inference_mults(L, K, n) - n * K * K
# %% cost_solution 3
return K * (L * K + 2 * n)
# %% cost_solution 4
return L * K * (K + n)
# %% variance_solution 1
return d * sigma ** 2 / 2
# %% variance_solution 2
return (2 / d) ** 0.5
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
# %% optimizers_solution 1
counts = {}
counts["sgd"] = 0     # w - eta g needs only w and the current gradient
counts["sgdm"] = 1    # the momentum m
counts["adam"] = 2    # the first and second moments m and v
return counts
# %% optimizers_solution 2
bt = beta ** t
m = c * (1 - bt) / (1 - beta)
w = -eta * c * (t * (1 - beta) - beta * (1 - bt)) / (1 - beta) ** 2
return (w, m)
# %% optimizers_solution 3
m = c - c * beta1 ** t
v = c ** 2 - c ** 2 * beta2 ** t
m_hat = m / (1 - beta1 ** t)
v_hat = v / (1 - beta2 ** t)
w = -eta * t * m_hat / math.sqrt(v_hat)
return (w, m, v, m_hat, v_hat)
# %% adagrad_solution 1
A = 1 - beta1
C = 1 - beta2
B = np.array([beta1 ** (t - i) for i in range(1, t + 1)], dtype=float)
D = np.array([beta2 ** (t - i) for i in range(1, t + 1)], dtype=float)
return A, B, C, D
# %% adagrad_solution 2
g = np.asarray(grads, dtype=float)
steps = eta0 * g / np.sqrt(np.cumsum(g ** 2))
return -np.cumsum(steps)
# %% adagrad_solution 3
g = np.asarray(grads, dtype=float)
lr = np.asarray(lrs, dtype=float)
T = g.shape[0]
def moving_average(beta, values):
    step = np.frompyfunc(lambda prev, new: beta * prev + (1 - beta) * new, 2, 1)
    return step.accumulate(np.concatenate([[0.0], values]).astype(object), dtype=object)[1:].astype(float)
m = moving_average(beta1, g)
v = moving_average(beta2, g * g)
t = np.arange(1, T + 1)
m_hat = m / (1 - beta1 ** t)
v_hat = v / (1 - beta2 ** t)
return -np.cumsum(lr * m_hat / np.sqrt(v_hat))
