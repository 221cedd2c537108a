"""The ps4 solution, run straight from the source notebook, checked against PyTorch.

Independent of the notebook's own test cells: a bug shared by the solution and its tests is
still caught here.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from grader import notebooks

PS4 = "ps4_analytic"


@pytest.fixture(scope="module")
def ns(repo_course):
    nb = notebooks.read(repo_course.source_notebook(PS4))
    namespace = notebooks.run_cells(nb, ["setup", "cost_solution", "variance_solution", "softmax_solution",
                                         "optimizers_solution", "adagrad_solution", "conv_solution",
                                         "batchnorm_solution", "momentum_solution"])
    torch.set_default_dtype(torch.float32)  # the setup cell switches it to float64 for the notebook
    return namespace


def test_training_multiplications_match_flop_counter(ns):
    L, K, n = 4, 6, 5
    weights = [torch.randn(K, K, requires_grad=True) for _ in range(L)]
    with FlopCounterMode(display=False) as counter:
        H = torch.randn(n, K)
        for W in weights:
            H = H @ W
        H.sum().backward()
    assert ns["training_mults"](L, K, n) * 2 == counter.get_total_flops()


def test_variance_formula_by_monte_carlo(ns):
    gen = torch.Generator().manual_seed(0)
    d, sigma = 50, 0.3
    z, w = torch.randn(200_000, d, generator=gen), sigma * torch.randn(200_000, d, generator=gen)
    measured = (torch.relu(z) * w).sum(1).var().item()
    assert measured == pytest.approx(ns["relu_output_variance"](d, sigma), rel=0.02)


def test_softmax_and_its_gradient_match_torch(ns):
    z = np.random.default_rng(0).normal(size=(6, 5)) * 800
    y = np.array([0, 1, 2, 3, 4, 0])
    assert np.allclose(ns["stable_softmax"](z), torch.softmax(torch.tensor(z), -1).numpy())
    zt = torch.tensor(z, requires_grad=True)
    F.cross_entropy(zt, torch.tensor(y)).backward()
    assert np.allclose(ns["softmax_cross_entropy_grad"](z, y), zt.grad.numpy())


def test_adam_trajectory_matches_torch_adam(ns):
    grads = np.random.default_rng(1).normal(size=40)
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.01, betas=(0.8, 0.99), eps=0.0)
    ours = ns["adam_trajectory"](grads, np.full(40, 0.01), 0.8, 0.99)
    for g, expected in zip(grads, ours):
        opt.zero_grad()
        (float(g) * w).sum().backward()
        opt.step()
        assert w.item() == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_conv_arithmetic_matches_torch_conv1d(ns):
    for W, K, P, S in [(11, 3, 1, 2), (7, 1, 0, 3), (20, 5, 2, 4)]:
        out = torch.nn.Conv1d(1, 1, K, stride=S, padding=P)(torch.zeros(1, 1, W)).shape[-1]
        assert ns["conv_output_width"](W, K, P, S) == out
        assert ns["conv_output_width"](ns["min_input_width"](out, K, P, S), K, P, S) == out


def test_batchnorm_backward_matches_autograd(ns):
    rng = np.random.default_rng(2)
    x, gamma, beta, dy = rng.normal(size=(9, 4)), rng.normal(size=4), rng.normal(size=4), rng.normal(size=(9, 4))
    _, cache = ns["batchnorm_forward"](x, gamma, beta, 1e-5)
    dx, dgamma, dbeta = ns["batchnorm_backward"](dy, cache)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    F.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5).backward(torch.tensor(dy))
    for ours, theirs in [(dx, xt.grad), (dgamma, gt.grad), (dbeta, bt.grad)]:
        assert np.allclose(ours, theirs.numpy(), atol=1e-10)


def test_momentum_answers_match_torch_sgd(ns):
    """torch.optim.SGD with momentum, started from the given last step, reproduces w(167)."""
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    opt.state[w]["momentum_buffer"] = torch.tensor(-0.5 / 0.1, dtype=torch.float64)  # dw = -lr * buffer
    for _ in range(166):
        opt.zero_grad()
        (-torch.log(torch.sigmoid(-0.5 * w))).backward()
        opt.step()
    assert math.trunc(w.item() * 1000) / 1000 == ns["ANSWER_LOGISTIC"] == -7.554
