# Wrong solution: numerical_gradient uses its own step, 1e-5, whatever h it is given
# must-lose: test_numerical_gradient
# must-keep: test_forward, test_backward_dx, test_fast_matches_torch
# %% numerical_gradient
step = 1e-5
for index in np.ndindex(x.shape):
    original = x[index]
    x[index] = original + step
    f_plus = f(x)
    x[index] = original - step
    f_minus = f(x)
    x[index] = original
    grad[index] = (f_plus - f_minus) / (2 * step)
