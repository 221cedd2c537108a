# Wrong solution: Adam without bias correction (m_hat = m, v_hat = v)
# must-lose: test_adam_constant_gradient
# must-keep: test_sgdm_constant_gradient, test_optimizer_state_counts
# visible-fails: test_adam_constant_gradient
# %% optimizers_solution 3
m, v = c * (1 - beta1 ** t), c ** 2 * (1 - beta2 ** t)
w = -eta * sum(c * (1 - beta1 ** s) / math.sqrt(c ** 2 * (1 - beta2 ** s)) for s in range(1, t + 1))
return w, m, v, m, v
