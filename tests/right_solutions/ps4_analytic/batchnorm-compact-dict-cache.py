# Right solution: forward with x.var(axis=0) and a dict cache of x_hat, 1/std and gamma; backward with the compact one-line dx formula
# %% batchnorm_solution 1
mu = x.mean(axis=0)
inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
x_hat = (x - mu) * inv_std
y = gamma * x_hat + beta
cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}
return y, cache
# %% batchnorm_solution 2
x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
N = dy.shape[0]
dbeta = dy.sum(axis=0)
dgamma = (dy * x_hat).sum(axis=0)
dx_hat = dy * gamma
dx = (1.0 / N) * inv_std * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
return dx, dgamma, dbeta
