# Wrong solution: make_optimizer builds its cosine schedule for twice total_steps, so the learning rate is still lr / 2 when training ends
# must-lose: test_make_optimizer
# must-keep: test_make_mlp, test_make_cnn, test_train_epoch, test_evaluate
# visible-fails: test_make_optimizer
# %% training_solution 1
optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=2 * total_steps)
return optimizer, scheduler
