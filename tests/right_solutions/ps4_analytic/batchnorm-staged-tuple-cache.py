# Right solution: forward keeps a tuple (x, mu, var, gamma, eps); backward follows the staged chain rule through dvar and dmu
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
