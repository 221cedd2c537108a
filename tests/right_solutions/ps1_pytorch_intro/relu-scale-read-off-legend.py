# Right solution: RELU_SCALE written as the plot legend prints it, 1.41 (the legend labels sqrt(2) with format .3g)
# %% relu_scale
RELU_SCALE = 1.41
