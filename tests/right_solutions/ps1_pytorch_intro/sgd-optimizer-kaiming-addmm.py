# Right solution: .backward() and x.grad in gradient_at, torch.optim.SGD for gradient descent, nn.init.kaiming_normal_ (mode fan_out on a (d_in, d_out) tensor) and nn.init.zeros_, torch.addmm + clamp forward, sum/numel loss, nested Sequentials in the classifier, a list of batch losses with statistics.fmean, weighted per-batch sums in evaluate, forward + full backward hooks with a norm/sqrt(n) RMS, RELU_SCALE = math.sqrt(2)
# %% part1_solution 1
x = torch.tensor(point, dtype=torch.float64, requires_grad=True)
y = f(x)
y.backward()
return x.grad
# %% part1_solution 2
w = w0.clone().detach().requires_grad_(True)
optimizer = torch.optim.SGD([w], lr=lr)
losses = []
for _ in range(num_steps):
    optimizer.zero_grad()
    loss = loss_fn(w)
    losses.append(loss.item())
    loss.backward()
    optimizer.step()
return w.detach(), losses
# %% mlp_solution 1
params = []
for l in range(1, len(layer_sizes)):
    d_in, d_out = layer_sizes[l - 1], layer_sizes[l]
    W = torch.empty(d_in, d_out)
    # PyTorch computes fan_out from size(0), which is d_in for a (d_in, d_out) tensor: std = sqrt(2 / d_in)
    nn.init.kaiming_normal_(W, mode="fan_out", nonlinearity="relu")
    b = torch.empty(d_out)
    nn.init.zeros_(b)
    W.requires_grad_(True)
    b.requires_grad_(True)
    params.append((W, b))
return params
# %% mlp_solution 2
*hidden, (W_last, b_last) = params
H = X
for W, b in hidden:
    H = torch.addmm(b, H, W).clamp(min=0)
return torch.addmm(b_last, H, W_last)
# %% mlp_solution 3
diff = y_hat - y
return (diff * diff).sum() / diff.numel()
# %% classifier_solution 1
def block(d_in, d_out):
    return nn.Sequential(nn.Linear(d_in, d_out), nn.ReLU())

return nn.Sequential(
    nn.Flatten(),
    block(784, 128),
    block(128, 128),
    block(128, 128),
    nn.Linear(128, 10),
)
# %% classifier_solution 2
import statistics

model.train()
batch_losses = []
for X, y in loader:
    X = X.to(device)
    y = y.to(device)
    y_hat = model(X)
    loss = loss_fn(y_hat, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    batch_losses.append(loss.item())
return statistics.fmean(batch_losses)
# %% classifier_solution 3
model.eval()
total_loss, total_correct, total_count = 0.0, 0, 0
with torch.no_grad():
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        n = y.shape[0]
        total_loss += F.cross_entropy(logits, y).item() * n
        total_correct += int((logits.argmax(1) == y).sum())
        total_count += n
return total_loss / total_count, total_correct / total_count
# %% record_rms
def rms(t):
    t = t.detach()
    return (torch.linalg.norm(t) / math.sqrt(t.numel())).item()

activation_rms, gradient_rms = [], []
handles = []
for m in model.modules():
    if isinstance(m, activations):
        handles.append(m.register_forward_hook(lambda mod, inp, out: activation_rms.append(rms(out))))
        handles.append(m.register_full_backward_hook(lambda mod, g_in, g_out: gradient_rms.append(rms(g_out[0]))))
y = model(X)
y.backward(grad_y)
for h in handles:
    h.remove()
gradient_rms.reverse()  # backward hooks fire from the last layer to the first
return activation_rms, gradient_rms
# %% relu_scale
RELU_SCALE = math.sqrt(2)
