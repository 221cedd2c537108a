# Wrong solution: gradient_descent never resets w.grad, so later steps use accumulated gradients
# must-lose: test_gradient_descent
# must-keep: test_gradient_at, test_mlp_forward
# visible-fails: test_gradient_descent
# %% part1_solution 2
w = w0.detach().clone().requires_grad_(True)
losses = []
for _ in range(num_steps):
    loss = loss_fn(w)
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
return w.detach(), losses
