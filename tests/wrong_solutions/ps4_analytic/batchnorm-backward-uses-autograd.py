# Wrong solution: batchnorm_backward hands the gradients to torch autograd: correct numbers, no NumPy
# must-lose: test_batchnorm_backward
# must-keep: test_inference_mults, test_training_mults, test_inference_memory, test_training_memory, test_relu_output_variance, test_he_std, test_stable_softmax, test_softmax_cross_entropy_grad, test_smoothed_targets, test_optimal_logit_gap, test_optimizer_state_counts, test_sgdm_constant_gradient, test_adam_constant_gradient, test_adam_moment_weights, test_adagrad_trajectory, test_adam_trajectory, test_conv_output_width, test_min_input_width, test_receptive_field, test_conv2d_output_shape, test_batchnorm_forward, test_momentum_descent, test_truncate, test_unit_gradients, test_momentum_answers
# %% batchnorm_solution 2
x, x_hat, mu, var, gamma, eps = cache
x_t = torch.tensor(x, requires_grad=True)
gamma_t = torch.tensor(gamma, requires_grad=True)
beta_t = torch.zeros_like(gamma_t, requires_grad=True)
torch_batchnorm(x_t, gamma_t, beta_t, eps).backward(torch.tensor(dy))
return x_t.grad.numpy(), gamma_t.grad.numpy(), beta_t.grad.numpy()
