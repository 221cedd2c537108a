# Wrong solution: the gradient checker uses a one-sided difference
# must-lose: test_numerical_gradient
# must-keep: test_forward, test_backward_dx, test_fast_matches_torch
# visible-fails: test_numerical_gradient
# %% numerical_gradient
f_x = f(x)
for index in np.ndindex(x.shape):
    original = x[index]
    x[index] = original + h
    grad[index] = (f(x) - f_x) / h
    x[index] = original
