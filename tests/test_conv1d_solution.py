"""The ps3 solution, run straight from the source notebook, checked against PyTorch as the oracle.

These tests do not use the notebook's own test cells: if the notebook's tests and its solution
shared a bug, the tests here would still catch it.
"""

import numpy as np
import pytest
import torch

from grader import notebooks
from tests.conftest import PS3


@pytest.fixture(scope="module")
def ns(repo_course):
    nb = notebooks.read(repo_course.source_notebook(PS3))
    return notebooks.run_cells(
        nb, ["out_width", "conv1d_forward", "conv1d_backward", "numerical_gradient", "conv1d_fast",
             "softmax_cross_entropy"], {"np": np})


def torch_oracle(x, W, b, stride, delta):
    conv = torch.nn.Conv1d(W.shape[1], W.shape[0], W.shape[2], stride=stride).double()
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(W))
        conv.bias.copy_(torch.from_numpy(b))
    x_t = torch.tensor(x, requires_grad=True)
    y = conv(x_t)
    y.backward(torch.from_numpy(delta))
    return y.detach().numpy(), x_t.grad.numpy(), conv.weight.grad.numpy(), conv.bias.grad.numpy()


CONFIGS = [  # (batch, in_channel, out_channel, kernel_size, stride, in_width)
    (1, 1, 1, 1, 1, 1), (2, 3, 4, 3, 2, 11), (3, 2, 5, 5, 3, 5), (2, 4, 2, 2, 7, 30),
    (4, 1, 3, 7, 1, 64), (1, 5, 1, 4, 4, 19), (2, 2, 2, 3, 5, 3),
]


@pytest.mark.parametrize("cls", ["Conv1D", "Conv1DFast"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "x".join(map(str, c)))
def test_layer_matches_torch(ns, cls, config):
    batch, c_in, c_out, k, s, w = config
    rng = np.random.default_rng(sum(config))
    layer = ns[cls](c_in, c_out, k, s)
    x = rng.standard_normal((batch, c_in, w))
    y = layer(x)
    delta = rng.standard_normal(y.shape)
    dx = layer.backward(delta)
    y_ref, dx_ref, dW_ref, db_ref = torch_oracle(x, layer.W, layer.b, s, delta)
    assert y.shape == y_ref.shape == (batch, c_out, (w - k) // s + 1)
    for got, want in [(y, y_ref), (dx, dx_ref), (layer.dW, dW_ref), (layer.db, db_ref)]:
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_initialisation_matches_pytorch_default(ns):
    np.random.seed(0)
    layer = ns["Conv1D"](16, 32, 5, 2)
    bound = 1 / np.sqrt(16 * 5)
    assert layer.W.shape == (32, 16, 5) and layer.b.shape == (32,)
    assert layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape
    assert np.abs(layer.W).max() <= bound and np.abs(layer.W).max() > 0.9 * bound
    torch_std = torch.nn.Conv1d(16, 32, 5, 2).weight.detach().std().item()
    assert abs(layer.W.std() - torch_std) < 0.1 * torch_std


def test_out_width_matches_torch(ns):
    for w in range(1, 15):
        for k in range(1, w + 1):
            for s in range(1, 5):
                out = torch.nn.functional.conv1d(torch.zeros(1, 1, w), torch.zeros(1, 1, k), stride=s)
                assert ns["conv1d_out_width"](w, k, s) == out.shape[-1]


def test_numerical_gradient_agrees_with_autograd(ns):
    x = np.random.default_rng(1).standard_normal((3, 4))
    g = ns["numerical_gradient"](lambda v: float(np.sum(np.tanh(v) ** 2)), x)
    x_t = torch.tensor(x, requires_grad=True)
    (torch.tanh(x_t) ** 2).sum().backward()
    np.testing.assert_allclose(g, x_t.grad.numpy(), atol=1e-8)


def test_softmax_cross_entropy_matches_torch(ns):
    rng = np.random.default_rng(2)
    z, y = 50 * rng.standard_normal((9, 6)), rng.integers(0, 6, 9)
    loss, grad = ns["softmax_cross_entropy"](z, y)
    z_t = torch.tensor(z, requires_grad=True)
    torch.nn.functional.cross_entropy(z_t, torch.tensor(y)).backward()
    assert np.isclose(loss, torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y)).item())
    np.testing.assert_allclose(grad, z_t.grad.numpy(), atol=1e-12)
