# Wrong solution: the softmax exponentiates raw logits and overflows for large ones
# must-lose: test_softmax_cross_entropy
# must-keep: test_cnn_accuracy, test_fast_matches_torch
# visible-fails: test_softmax_cross_entropy
# %% softmax_cross_entropy
N = logits.shape[0]
probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
loss = -np.log(probs[np.arange(N), y]).mean()
dlogits = probs.copy()
dlogits[np.arange(N), y] -= 1.0
return float(loss), dlogits / N
