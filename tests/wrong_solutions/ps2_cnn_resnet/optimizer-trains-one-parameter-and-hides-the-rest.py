# Wrong solution: make_optimizer gives AdamW only the model's first parameter, then empties the model's parameter lists, so that a check looping over them finds nothing to compare (an attack on a vacuous all())
# must-lose: test_make_optimizer
# must-keep: test_make_mlp, test_make_cnn
# %% training_solution 1
optimizer = torch.optim.AdamW(list(model.parameters())[:1], lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total_steps)
for module in model.modules():
    module._parameters.clear()
return optimizer, scheduler
