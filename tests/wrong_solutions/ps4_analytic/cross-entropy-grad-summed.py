# Wrong solution: the gradient of the summed loss, not of the mean over the batch
# must-lose: test_softmax_cross_entropy_grad
# must-keep: test_stable_softmax, test_smoothed_targets
# visible-fails: test_softmax_cross_entropy_grad
# %% softmax_solution 2
N = z.shape[0]
grad = stable_softmax(z)
grad[np.arange(N), y] -= 1.0
return grad
