# Wrong solution: Conv1DFast calls torch.nn.functional.conv1d and autograd: correct numbers, no NumPy
# must-lose: test_fast_matches_torch, test_fast_is_vectorised
# must-keep: test_forward, test_backward_dx, test_backward_dW, test_backward_db, test_cnn_accuracy
# %% conv1d_fast 1
return torch.nn.functional.conv1d(torch.from_numpy(x), torch.from_numpy(self.W), torch.from_numpy(self.b),
                                  stride=self.stride).numpy()
# %% conv1d_fast 2
x_t = torch.tensor(x, requires_grad=True)
W_t = torch.tensor(self.W, requires_grad=True)
b_t = torch.tensor(self.b, requires_grad=True)
torch.nn.functional.conv1d(x_t, W_t, b_t, stride=self.stride).backward(torch.from_numpy(delta))
self.dW, self.db = W_t.grad.numpy(), b_t.grad.numpy()
return x_t.grad.numpy()
