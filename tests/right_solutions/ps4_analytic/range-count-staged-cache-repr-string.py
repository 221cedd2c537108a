# Right solution: output width as len(range(...)) of the kernel's start positions; min input width by binary search on conv_output_width; receptive field forward with the running product of strides; 2-D shape via tuple() of a list; forward keeps a tuple (x, mu, var, gamma, eps); backward follows the staged chain rule through dvar and dmu; momentum by a while loop with simultaneous assignment; truncate by cutting the digit string of repr(x) (scientific notation handled); ReLU gradient via np.where cast to float; logistic gradient written as -x (d sigma(-z) - (1 - d) sigma(z)); answers from these functions
# %% conv_solution 1
return len(range(0, in_width + 2 * padding - kernel_size + 1, stride))
# %% conv_solution 2
lo, hi = 1, max(1, (out_width + 1) * stride + kernel_size)   # hi surely gives enough outputs
while lo < hi:
    mid = (lo + hi) // 2
    if conv_output_width(mid, kernel_size, padding, stride) >= out_width:
        hi = mid
    else:
        lo = mid + 1
return lo
# %% conv_solution 3
field, jump = 1, 1
for k, s in zip(kernel_sizes, strides):
    field += (k - 1) * jump     # this layer widens the field by k - 1 of its input steps
    jump *= s                   # input positions between neighbouring outputs of this layer
return int(field)
# %% conv_solution 4
dims = [int(input_shape[0])]
for axis in range(2):
    dims.append(conv_output_width(input_shape[1 + axis], kernel_size[axis], padding[axis], stride[axis]))
dims.append(int(out_channels))
return tuple(dims)
# %% batchnorm_solution 1
N = x.shape[0]
mu = np.sum(x, axis=0) / N
var = np.sum((x - mu) ** 2, axis=0) / N
y = gamma * ((x - mu) / np.sqrt(var + eps)) + beta
return y, (x, mu, var, gamma, eps)
# %% batchnorm_solution 2
x, mu, var, gamma, eps = cache
N = x.shape[0]
xmu = x - mu
std = np.sqrt(var + eps)
x_hat = xmu / std
dx_hat = dy * gamma
dvar = np.sum(dx_hat * xmu, axis=0) * -0.5 * (var + eps) ** -1.5
dmu = -np.sum(dx_hat, axis=0) / std + dvar * np.sum(-2.0 * xmu, axis=0) / N
dx = dx_hat / std + dvar * 2.0 * xmu / N + dmu / N
dgamma = np.sum(dy * x_hat, axis=0)
dbeta = np.sum(dy, axis=0)
return dx, dgamma, dbeta
# %% momentum_solution 1
w, dw, step = w1, dw1, 1
while step < k:
    g = grad_fn(w)
    dw = beta * dw - eta * g
    w, step = w + dw, step + 1
return w
# %% momentum_solution 2
text = repr(float(x))
if text in ("inf", "-inf", "nan"):
    return float(x)
sign = "-" if text.startswith("-") else ""
text = text.lstrip("-")
mantissa, _, exponent = text.partition("e")
int_digits, _, frac_digits = mantissa.partition(".")
digits = int_digits + frac_digits
point = len(int_digits) + (int(exponent) if exponent else 0)   # the decimal point sits before digits[point]
if point < 0:
    digits, point = "0" * (-point) + digits, 0
if point > len(digits):
    digits += "0" * (point - len(digits))
whole = digits[:point] or "0"
kept = digits[point:point + decimals]
return float(sign + whole + ("." + kept if kept else ""))
# %% momentum_solution 3
z = w * x
return float(np.where(z > 0, (z - d) * x, 0.0))
# %% momentum_solution 4
def sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))
z = w * x
# dL/dz = y - d = -(d (1 - y) - (1 - d) y), with 1 - y = sigmoid(-z)
return -x * (d * sigmoid(-z) - (1.0 - d) * sigmoid(z))
# %% momentum_solution 5
_relu_w = momentum_descent(relu_l2_grad, 1.0, 0.5, 0.9, 0.1, 167)
_logistic_w = momentum_descent(logistic_ce_grad, 0.0, 0.5, 0.9, 0.1, 167)
ANSWER_RELU = truncate(_relu_w, 3)
ANSWER_LOGISTIC = truncate(_logistic_w, 3)
