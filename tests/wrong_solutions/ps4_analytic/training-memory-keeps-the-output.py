# Wrong solution: training memory keeps every activation including the output, (L + 1) n K
# must-lose: test_training_memory
# must-keep: test_inference_mults, test_training_mults, test_inference_memory
# visible-fails: test_training_memory
# %% cost_solution 4
return L * K * K + (L + 1) * n * K
