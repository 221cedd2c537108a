# Right solution: numerical_gradient moves each entry by adding and subtracting h and restores it by arithmetic (x += h, x -= 2h, x += h), which leaves it right up to rounding
# %% numerical_gradient
for index in np.ndindex(x.shape):
    x[index] += h
    f_plus = f(x)
    x[index] -= 2 * h
    f_minus = f(x)
    x[index] += h
    grad[index] = (f_plus - f_minus) / (2 * h)
