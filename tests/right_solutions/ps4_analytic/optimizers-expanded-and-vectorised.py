# Right solution: SGDM closed form expanded over (1 - beta)^2; Adam closed form via m = c - c beta1^t and the bias-corrected ratio times t; Adam weights via list comprehensions; AdaGrad vectorised with cumsum; Adam trajectory vectorised (moving averages by ufunc accumulate, steps by cumsum)
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
