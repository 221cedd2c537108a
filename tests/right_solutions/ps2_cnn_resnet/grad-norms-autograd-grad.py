# Right solution: conv_grad_norms resets the gradients with zero_grad(set_to_none=True) and gets the 3x3 weight gradients from torch.autograd.grad (the backward pass computes only those); count_parameters with math.prod over shapes
# %% grad_norms_solution 1
model.zero_grad(set_to_none=True)
convs = [m for m in model.modules() if isinstance(m, nn.Conv2d) and tuple(m.kernel_size) == (3, 3)]
loss = F.cross_entropy(model(X), y)
grads = torch.autograd.grad(loss, [m.weight for m in convs])
return [float(g.pow(2).sum().sqrt()) for g in grads]
# %% counting_solution 1
return sum(math.prod(p.shape) for p in model.parameters() if p.requires_grad)
