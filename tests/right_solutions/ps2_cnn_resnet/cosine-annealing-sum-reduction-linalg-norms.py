# Right solution: CosineAnnealingLR schedule; train_epoch for any iterable of batches summing per-example losses (reduction='sum', mean backpropagated), zero_grad(set_to_none=True) before the forward pass; evaluate concatenates the predictions under torch.inference_mode; conv_grad_norms with loss.backward() and torch.linalg.vector_norm of each 3x3 weight's .grad, selecting the convolutions by weight shape; receptive_field as a closed-form sum
# %% training_solution 1
optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=0.0)
return optimizer, scheduler
# %% training_solution 2
model.train()
loss_sum, count = 0.0, 0
for X, y in loader:
    X, y = X.to(device), y.to(device)
    optimizer.zero_grad(set_to_none=True)
    batch_loss_sum = F.cross_entropy(model(X), y, reduction="sum")
    (batch_loss_sum / y.shape[0]).backward()
    optimizer.step()
    scheduler.step()
    loss_sum += batch_loss_sum.item()
    count += y.shape[0]
return float(loss_sum / count)
# %% training_solution 3
model.eval()
predictions, labels = [], []
with torch.inference_mode():
    for X, y in loader:
        predictions.append(model(X.to(device)).argmax(dim=1).cpu())
        labels.append(y.cpu())
predictions, labels = torch.cat(predictions), torch.cat(labels)
return (predictions == labels).sum().item() / labels.numel()
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
