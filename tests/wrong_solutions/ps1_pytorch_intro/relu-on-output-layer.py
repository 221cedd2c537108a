# Wrong solution: mlp_forward applies ReLU after the last layer too, so the output cannot be negative
# must-lose: test_mlp_forward
# must-keep: test_init_mlp, test_mse_loss, test_train_epoch
# visible-fails: test_mlp_forward
# %% mlp_solution 2
H = X
for W, b in params:
    H = torch.relu(H @ W + b)
return H
