# Wrong solution: training multiplications counted with the gradient of the input batch, 3 L n K^2
# must-lose: test_training_mults
# must-keep: test_inference_mults, test_inference_memory, test_training_memory
# visible-fails: test_training_mults
# %% cost_solution 2
return 3 * L * n * K * K
