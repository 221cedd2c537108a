# Wrong solution: the competition entry is the provided baseline, unchanged (reaches tier 1 only)
# must-lose: test_competition_tier2, test_competition_tier3
# must-keep: test_competition_checkpoint, test_competition_tier1, test_resnet, test_train_epoch, test_evaluate
# %% competition_solution 1
return baseline_model()
# %% competition_solution 2
train_baseline(model, train_set, device)
