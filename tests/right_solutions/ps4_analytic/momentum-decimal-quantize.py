# Right solution: momentum by a for loop; truncate by Decimal(repr(x)).quantize(..., ROUND_DOWN) in a wide decimal context; ReLU gradient with a conditional expression; logistic gradient with a sign-split stable sigmoid in math.exp; answers from these functions
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
