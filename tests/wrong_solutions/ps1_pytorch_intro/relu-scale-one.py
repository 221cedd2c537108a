# Wrong solution: RELU_SCALE = 1, the right scale for linear layers but not for ReLU
# must-lose: test_relu_scale
# must-keep: test_record_rms
# %% relu_scale
RELU_SCALE = 1.0
