# Wrong solution: dx keeps the direct path and the variance path but forgets the path through the batch mean
# must-lose: test_batchnorm_backward
# must-keep: test_batchnorm_forward, test_receptive_field
# %% batchnorm_solution 2
x, x_hat, mu, var, gamma, eps = cache
N = x.shape[0]
inv_std = 1.0 / np.sqrt(var + eps)
dx_hat = dy * gamma
dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * inv_std ** 3
dx = dx_hat * inv_std + dvar * 2.0 * (x - mu) / N
return dx, np.sum(dy * x_hat, axis=0), np.sum(dy, axis=0)
