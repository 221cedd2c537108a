# Right solution: output width as the ceiling -(-(W + 2P - K + 1) // S) (0 when the kernel does not fit); min input width as K + S (out - 1) - 2P, at least 1; receptive field computed backwards from the output; 2-D shape built with tuple unpacking; forward with x.var(axis=0) and a dict cache of x_hat, 1/std and gamma; backward with the compact one-line dx formula; momentum by a for loop; truncate by Decimal(repr(x)).quantize(..., ROUND_DOWN) in a wide decimal context; ReLU gradient with a conditional expression; logistic gradient with a sign-split stable sigmoid in math.exp; answers from these functions
# %% conv_solution 1
span = in_width + 2 * padding - kernel_size + 1     # start positions where the kernel fits, stride 1
return max(0, -(-span // stride))
# %% conv_solution 2
return max(1, kernel_size + stride * (out_width - 1) - 2 * padding)
# %% conv_solution 3
field = 1                                  # one output of the last layer
for k, s in zip(reversed(kernel_sizes), reversed(strides)):
    field = (field - 1) * s + k            # the inputs of this layer that reach it
return field
# %% conv_solution 4
batch, width, height, _ = input_shape
new_w, new_h = (conv_output_width(size, k, p, s)
                for size, k, s, p in zip((width, height), kernel_size, stride, padding))
return (batch, new_w, new_h, out_channels)
# %% batchnorm_solution 1
mu = x.mean(axis=0)
inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
x_hat = (x - mu) * inv_std
y = gamma * x_hat + beta
cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}
return y, cache
# %% batchnorm_solution 2
x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
N = dy.shape[0]
dbeta = dy.sum(axis=0)
dgamma = (dy * x_hat).sum(axis=0)
dx_hat = dy * gamma
dx = (1.0 / N) * inv_std * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
return dx, dgamma, dbeta
# %% momentum_solution 1
w, dw = w1, dw1
for _ in range(k - 1):
    dw = beta * dw - eta * grad_fn(w)
    w = w + dw
return w
# %% momentum_solution 2
import decimal
if not math.isfinite(x):
    return float(x)
with decimal.localcontext() as ctx:
    ctx.prec = 400 + max(decimals, 0)      # enough digits for any float, so quantize never fails
    cut = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
return float(cut)
# %% momentum_solution 3
z = w * x
return (z - d) * x if z > 0 else 0.0
# %% momentum_solution 4
z = w * x
if z >= 0:
    y = 1.0 / (1.0 + math.exp(-z))
else:
    e = math.exp(z)
    y = e / (1.0 + e)
return (y - d) * x
# %% momentum_solution 5
ANSWER_RELU = truncate(momentum_descent(relu_l2_grad, 1.0, 0.5, 0.9, 0.1, 167), 3)
ANSWER_LOGISTIC = truncate(momentum_descent(logistic_ce_grad, 0.0, 0.5, 0.9, 0.1, 167), 3)
