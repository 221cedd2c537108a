# Wrong solution: Conv1D calls torch.nn.functional.conv1d and autograd instead of computing in NumPy
# must-lose: test_forward, test_backward_dx, test_backward_dW, test_backward_db
# must-keep: test_out_width, test_fast_matches_torch, test_fast_is_vectorised, test_cnn_accuracy
# %% conv1d_forward
import torch.nn.functional as F_
x_t = torch.from_numpy(np.asarray(x, dtype=np.float64))
return F_.conv1d(x_t, torch.from_numpy(self.W), torch.from_numpy(self.b), stride=self.stride).numpy()
# %% conv1d_backward
x_t = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
W_t = torch.tensor(self.W, requires_grad=True)
b_t = torch.tensor(self.b, requires_grad=True)
torch.nn.functional.conv1d(x_t, W_t, b_t, stride=self.stride).backward(torch.from_numpy(np.asarray(delta, dtype=np.float64)))
self.dW, self.db = W_t.grad.numpy(), b_t.grad.numpy()
return x_t.grad.numpy()
