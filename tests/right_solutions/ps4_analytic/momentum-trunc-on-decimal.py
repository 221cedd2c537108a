# Right solution: momentum keeps the whole trajectory in a list and returns its k-th entry; truncate by math.trunc on Decimal(repr(x)) shifted with scaleb, then an exact int / 10**decimals; ReLU gradient via max() times an indicator; logistic gradient with y = exp(-logaddexp(0, -z)); answers from these functions
# %% momentum_solution 1
ws, dw = [w1], dw1
while len(ws) < k:
    dw = beta * dw - eta * grad_fn(ws[-1])
    ws.append(ws[-1] + dw)
return ws[k - 1]
# %% momentum_solution 2
if math.isnan(x) or math.isinf(x):
    return float(x)
digits = math.trunc(Decimal(repr(x)).scaleb(decimals))   # an int: x * 10^decimals cut toward zero
result = digits / 10 ** decimals                          # int / int is correctly rounded
return float(result)
# %% momentum_solution 3
z = w * x
active = 1.0 if z > 0 else 0.0
return (max(0.0, z) - d) * x * active
# %% momentum_solution 4
z = w * x
y = float(np.exp(-np.logaddexp(0.0, -z)))     # 1 / (1 + e^(-z)), without overflow
return (y - d) * x
# %% momentum_solution 5
ANSWER_RELU, ANSWER_LOGISTIC = (
    truncate(momentum_descent(grad_fn, w1, 0.5, 0.9, 0.1, 167), 3)
    for grad_fn, w1 in ((relu_l2_grad, 1.0), (logistic_ce_grad, 0.0))
)
