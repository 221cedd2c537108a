# Right solution: make_optimizer puts biases and BatchNorm parameters in a second AdamW parameter group without weight decay, and writes the cosine schedule lr_t = lr (1 + cos(pi t / T)) / 2 as a LambdaLR
# %% training_solution 1
decay, no_decay = [], []
for p in model.parameters():
    if not p.requires_grad:
        continue
    (decay if p.ndim > 1 else no_decay).append(p)   # 1-D tensors: biases, BatchNorm scales and shifts
groups = [{"params": decay, "weight_decay": weight_decay}]
if no_decay:
    groups.append({"params": no_decay, "weight_decay": 0.0})
optimizer = torch.optim.AdamW(groups, lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda t: 0.5 * (1.0 + math.cos(math.pi * min(t, total_steps) / total_steps)))
return optimizer, scheduler
