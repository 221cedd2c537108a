# Wrong solution: the softmax exponentiates the raw logits, which overflows for logits in the thousands
# must-lose: test_stable_softmax, test_softmax_cross_entropy_grad
# must-keep: test_smoothed_targets, test_optimal_logit_gap
# visible-fails: test_stable_softmax
# %% softmax_solution 1
e = np.exp(x)
return e / np.sum(e, axis=-1, keepdims=True)
