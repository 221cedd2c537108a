# Wrong solution: momentum_descent takes k steps from w(1), so it returns w(k + 1)
# must-lose: test_momentum_descent, test_momentum_answers
# must-keep: test_truncate, test_unit_gradients
# visible-fails: test_momentum_descent
# %% momentum_solution 1
w, dw = w1, dw1
for _ in range(k):
    dw = beta * dw - eta * grad_fn(w)
    w = w + dw
return w
