# Right solution: softmax as exp(x - logsumexp(x)); gradient and smoothed targets with one-hot rows from np.eye(C)[y]; gap as log1p(C (1 - eps) / eps)
# %% softmax_solution 1
m = np.max(x, axis=-1, keepdims=True)
lse = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
return np.exp(x - lse)
# %% softmax_solution 2
N, C = z.shape
onehot = np.eye(C)[y]
return (stable_softmax(z) - onehot) / N
# %% softmax_solution 3
return (1.0 - eps) * np.eye(num_classes)[y] + eps / num_classes
# %% softmax_solution 4
return math.log1p(num_classes * (1.0 - eps) / eps)
