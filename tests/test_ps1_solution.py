"""The ps1 solution, run straight from the source notebook, checked against torch.nn and autograd.

Independent of the notebook's own test cells: a bug shared by the solution and its tests is
still caught here.
"""

import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from grader import notebooks

PS1 = "ps1_pytorch_intro"


@pytest.fixture(scope="module")
def ns(repo_course):
    nb = notebooks.read(repo_course.source_notebook(PS1))
    return notebooks.run_cells(nb, ["setup", "part1_solution", "mlp_solution", "classifier_solution",
                                    "deep_mlp", "record_rms", "relu_scale"])


def test_gradient_at_matches_torch_func(ns):
    f = lambda x: (x.exp() * x.sin()).sum() + x.prod()  # noqa: E731
    point = [0.3, -1.2, 2.0]
    expected = torch.func.grad(f)(torch.tensor(point, dtype=torch.float64))
    assert torch.allclose(ns["gradient_at"](f, point), expected)


def test_gradient_descent_matches_torch_sgd(ns):
    loss_fn = lambda w: ((w - torch.tensor([1.0, -2.0])) ** 4).sum()  # noqa: E731
    w_ours, losses = ns["gradient_descent"](loss_fn, torch.zeros(2), lr=0.01, num_steps=5)
    w = torch.zeros(2, requires_grad=True)
    sgd = torch.optim.SGD([w], lr=0.01)
    for _ in range(5):
        sgd.zero_grad()
        loss_fn(w).backward()
        sgd.step()
    assert torch.allclose(w_ours, w.detach()) and len(losses) == 5


def test_mlp_forward_matches_nn_sequential(ns):
    torch.manual_seed(0)
    params = ns["init_mlp"]([3, 7, 5, 2])
    reference = nn.Sequential(nn.Linear(3, 7), nn.ReLU(), nn.Linear(7, 5), nn.ReLU(), nn.Linear(5, 2))
    with torch.no_grad():
        for linear, (W, b) in zip([m for m in reference if isinstance(m, nn.Linear)], params):
            linear.weight.copy_(W.T)
            linear.bias.copy_(b)
    X = torch.randn(10, 3)
    assert torch.allclose(ns["mlp_forward"](params, X), reference(X), atol=1e-6)
    assert torch.isclose(ns["mse_loss"](reference(X), X[:, :2]), F.mse_loss(reference(X), X[:, :2]))


def test_init_mlp_matches_kaiming_normal_statistics(ns):
    torch.manual_seed(0)
    (W, b), = ns["init_mlp"]([800, 600])
    reference = torch.empty(600, 800)
    nn.init.kaiming_normal_(reference, nonlinearity="relu")  # std sqrt(2 / fan_in), fan_in = 800
    assert abs(W.detach().std() - reference.std()) < 0.02 * reference.std()
    assert W.is_leaf and W.requires_grad and torch.all(b == 0)


def test_classifier_shape_and_parameter_count(ns):
    model = ns["make_classifier"]()
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert sum(p.numel() for p in model.parameters()) == 134794


def test_relu_scale_keeps_the_signal_stable(ns):
    """With the solution's scale, a 32-layer ReLU net keeps activations and gradients within 10x."""
    torch.manual_seed(0)
    act, grad = ns["record_rms"](ns["make_deep_mlp"](ns["RELU_SCALE"]), torch.randn(512, 128), torch.randn(512, 128))
    assert len(act) == len(grad) == 32
    assert max(act) / min(act) < 10 and max(grad) / min(grad) < 10
    assert abs(ns["RELU_SCALE"] - math.sqrt(2)) < 1e-12
    act_small, _ = ns["record_rms"](ns["make_deep_mlp"](1.0), torch.randn(512, 128), torch.randn(512, 128))
    assert act_small[-1] < 1e-3 * act_small[0], "scale 1 must visibly shrink the signal (the lesson of the plot)"
