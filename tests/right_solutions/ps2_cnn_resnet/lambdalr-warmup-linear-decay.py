# Right solution: make_optimizer with a LambdaLR one-cycle shape: linear warm-up over the first 10% of steps to lr, then linear decay to exactly zero after total_steps steps
# %% training_solution 1
optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
warmup = max(1, total_steps // 10)


def factor(step):
    if step < warmup:
        return (step + 1) / warmup                                   # reaches 1 (lr) at step warmup - 1
    return max(0.0, (total_steps - step) / max(1, total_steps - warmup))   # 1 at step warmup, 0 at total_steps


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=factor)
return optimizer, scheduler
