# Right solution: cost counts summed in Python loops over the layers (memory peak simulated layer by layer); variance as 0.5 * d * sigma * sigma and he_std via np.sqrt; softmax as exp(x - logsumexp(x)); gradient and smoothed targets with one-hot rows from np.eye(C)[y]; gap as log1p(C (1 - eps) / eps); counts built with dict(); SGDM closed form with 1 - beta^t = -expm1(t log beta) and w from the identity sum m_s = (t c - beta m_t) / (1 - beta); Adam closed form returning m_hat = c, v_hat = c^2, w = -eta t directly; Adam weights via np.power on a reversed arange; AdaGrad and Adam trajectories as explicit Python loops
# %% cost_solution 1
total = 0
for _ in range(L):
    total += n * K * K          # one (n x K) by (K x K) product per layer
return total
# %% cost_solution 2
total = 0
for layer in range(1, L + 1):
    total += n * K * K          # forward: H_layer = H_(layer-1) W_layer
for layer in range(L, 0, -1):
    total += n * K * K          # backward: dW_layer = H_(layer-1)^T dH_layer
    if layer > 1:
        total += n * K * K      # backward: dH_(layer-1) = dH_layer W_layer^T (not needed for X)
return total
# %% cost_solution 3
weights = 0
for _ in range(L):
    weights += K * K
alive = n * K                   # the input batch
peak = alive
for _ in range(L):
    peak = max(peak, alive + n * K)   # the layer's input and its output at once
    alive = n * K                     # the input is freed, the output lives on
return weights + peak
# %% cost_solution 4
floats = 0
for _ in range(L):
    floats += K * K             # W_layer
    floats += n * K             # H_(layer-1), needed by the gradient of W_layer
return floats
# %% variance_solution 1
return 0.5 * d * sigma * sigma
# %% variance_solution 2
return np.sqrt(2.0 / d)
# %% softmax_solution 1
m = np.max(x, axis=-1, keepdims=True)
lse = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
return np.exp(x - lse)
# %% softmax_solution 2
N, C = z.shape
onehot = np.eye(C)[y]
return (stable_softmax(z) - onehot) / N
# %% softmax_solution 3
return (1.0 - eps) * np.eye(num_classes)[y] + eps / num_classes
# %% softmax_solution 4
return math.log1p(num_classes * (1.0 - eps) / eps)
# %% optimizers_solution 1
return dict(sgd=0, sgdm=1, adam=2)
# %% optimizers_solution 2
one_minus_beta_t = -math.expm1(t * math.log(beta))
m = c * one_minus_beta_t / (1.0 - beta)
w = -eta * (t * c - beta * m) / (1.0 - beta)
return float(w), float(m)
# %% optimizers_solution 3
m = c * -math.expm1(t * math.log(beta1))
v = c * c * -math.expm1(t * math.log(beta2))
m_hat = c                     # m / (1 - beta1^t)
v_hat = c * c                 # v / (1 - beta2^t)
w = -eta * t                  # each step moves by eta * c / |c| = eta
return float(w), float(m), float(v), float(m_hat), float(v_hat)
# %% adagrad_solution 1
exponents = np.arange(t - 1, -1, -1)          # t - i for i = 1 .. t
B = np.power(float(beta1), exponents)
D = np.power(float(beta2), exponents)
return 1.0 - beta1, B, 1.0 - beta2, D
# %% adagrad_solution 2
weights = []
w = 0.0
sum_sq = 0.0
for g in grads:
    g = float(g)
    sum_sq += g * g
    if sum_sq > 0.0:
        w = w - eta0 / math.sqrt(sum_sq) * g
    # with no nonzero gradient so far, g = 0 and there is nothing to move
    weights.append(w)
return np.array(weights, dtype=float)
# %% adagrad_solution 3
weights = []
w, m, v = 0.0, 0.0, 0.0
for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / math.sqrt(v_hat)
    weights.append(w)
return np.array(weights, dtype=float)
