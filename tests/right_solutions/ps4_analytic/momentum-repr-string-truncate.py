# Right solution: momentum by a while loop with simultaneous assignment; truncate by cutting the digit string of repr(x) (scientific notation handled); ReLU gradient via np.where cast to float; logistic gradient written as -x (d sigma(-z) - (1 - d) sigma(z)); answers from these functions
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
