# Right solution: conv_grad_norms with loss.backward() and torch.linalg.vector_norm of each 3x3 weight's .grad, selecting the convolutions by weight shape; receptive_field as a closed-form sum
# %% grad_norms_solution 1
model.zero_grad(set_to_none=True)
criterion = nn.CrossEntropyLoss()
criterion(model(X), y).backward()
norms = []
for module in model.modules():
    if isinstance(module, nn.Conv2d) and module.weight.shape[-2:] == (3, 3):
        norms.append(torch.linalg.vector_norm(module.weight.grad).item())
return norms
# %% counting_solution 2
# receptive field = 1 + sum over layers of (k - 1) * (product of the strides of all layers below it)
from itertools import accumulate
import operator
strides_below = [1] + list(accumulate((s for _, s in layers), operator.mul))[:-1]
return 1 + sum((k - 1) * jump for (k, _), jump in zip(layers, strides_below))
