# Wrong solution: make_optimizer uses Adam, whose weight decay is added to the gradient, instead of AdamW
# must-lose: test_make_optimizer
# must-keep: test_make_mlp, test_make_cnn, test_train_epoch, test_evaluate, test_resnet
# visible-fails: test_make_optimizer
# %% training_solution 1
optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total_steps)
return optimizer, scheduler
