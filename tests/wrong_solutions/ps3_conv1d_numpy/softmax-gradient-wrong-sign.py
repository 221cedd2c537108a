# Wrong solution: the loss gradient has the wrong sign, so training climbs the loss
# must-lose: test_softmax_cross_entropy, test_cnn_accuracy
# must-keep: test_forward, test_fast_matches_torch
# visible-fails: test_softmax_cross_entropy
# %% softmax_cross_entropy
N = logits.shape[0]
shifted = logits - logits.max(axis=1, keepdims=True)
probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
loss = -np.log(probs[np.arange(N), y]).mean()
onehot = np.zeros_like(probs)
onehot[np.arange(N), y] = 1.0
return float(loss), (onehot - probs) / N
