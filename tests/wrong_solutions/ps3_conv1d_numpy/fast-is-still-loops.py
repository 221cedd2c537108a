# Wrong solution: Conv1DFast calls the loop version, so it is correct but not vectorised
# must-lose: test_fast_is_vectorised
# must-keep: test_fast_matches_torch, test_cnn_accuracy
# visible-fails: test_fast_is_vectorised
# %% conv1d_fast 1
return Conv1D.forward(self, x)
# %% conv1d_fast 2
return conv1d_backward(self, delta)
