# Right solution: numerical_gradient iterates with np.nditer (multi_index), evaluates x-h first, and divides by the step actually taken ((x+h)-(x-h)) instead of 2h
# %% numerical_gradient
it = np.nditer(x, flags=["multi_index"])
for _ in it:
    index = it.multi_index
    original = x[index].copy()
    x[index] = original - h
    minus = x[index].copy()
    f_minus = f(x)
    x[index] = original + h
    plus = x[index].copy()
    f_plus = f(x)
    x[index] = original
    grad[index] = (f_plus - f_minus) / (plus - minus)
