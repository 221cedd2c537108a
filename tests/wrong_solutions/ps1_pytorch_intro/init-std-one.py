# Wrong solution: init_mlp draws weights with standard deviation 1 instead of sqrt(2 / fan_in)
# must-lose: test_init_mlp
# must-keep: test_mlp_forward, test_mse_loss, test_gradient_descent
# visible-fails: test_init_mlp
# %% mlp_solution 1
params = []
for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
    W = torch.randn(fan_in, fan_out, requires_grad=True)
    b = torch.zeros(fan_out, requires_grad=True)
    params.append((W, b))
return params
