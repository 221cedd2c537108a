# Right solution: cost counts summed in Python loops over the layers (memory peak simulated layer by layer); variance as 0.5 * d * sigma * sigma and he_std via np.sqrt
# %% cost_solution 1
total = 0
for _ in range(L):
    total += n * K * K          # one (n x K) by (K x K) product per layer
return total
# %% cost_solution 2
total = 0
for layer in range(1, L + 1):
    total += n * K * K          # forward: H_layer = H_(layer-1) W_layer
for layer in range(L, 0, -1):
    total += n * K * K          # backward: dW_layer = H_(layer-1)^T dH_layer
    if layer > 1:
        total += n * K * K      # backward: dH_(layer-1) = dH_layer W_layer^T (not needed for X)
return total
# %% cost_solution 3
weights = 0
for _ in range(L):
    weights += K * K
alive = n * K                   # the input batch
peak = alive
for _ in range(L):
    peak = max(peak, alive + n * K)   # the layer's input and its output at once
    alive = n * K                     # the input is freed, the output lives on
return weights + peak
# %% cost_solution 4
floats = 0
for _ in range(L):
    floats += K * K             # W_layer
    floats += n * K             # H_(layer-1), needed by the gradient of W_layer
return floats
# %% variance_solution 1
return 0.5 * d * sigma * sigma
# %% variance_solution 2
return np.sqrt(2.0 / d)
