# Wrong solution: numerical_gradient uses the centred difference only where it expects to be tested (the visible test's 2x2 input, or a step other than the default) and the one-sided difference everywhere else
# must-lose: test_numerical_gradient
# must-keep: test_forward, test_backward_dx, test_fast_matches_torch
# %% numerical_gradient
centred = x.shape == (2, 2) or h != 1e-6
f_x = f(x)
for index in np.ndindex(x.shape):
    original = x[index]
    x[index] = original + h
    f_plus = f(x)
    if centred:
        x[index] = original - h
        grad[index] = (f_plus - f(x)) / (2 * h)
    else:
        grad[index] = (f_plus - f_x) / h
    x[index] = original
