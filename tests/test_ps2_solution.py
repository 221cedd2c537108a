"""The ps2 solution, run straight from the source notebook, checked against torchvision and torch.

Independent of the notebook's own test cells: a bug shared by the solution and its tests is
still caught here.
"""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from torchvision.models.resnet import BasicBlock

from grader import notebooks

PS2 = "ps2_cnn_resnet"


@pytest.fixture(scope="module")
def ns(repo_course):
    nb = notebooks.read(repo_course.source_notebook(PS2))
    return notebooks.run_cells(nb, ["setup", "models_solution", "training_solution", "resnet_solution",
                                    "grad_norms_solution", "counting_solution", "conv_layers"])


def randomise_batchnorm(module, seed):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                for t in (m.weight, m.bias, m.running_mean):
                    t.copy_(torch.randn(t.shape, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


@pytest.mark.parametrize("c_in,c_out,stride", [(8, 8, 1), (8, 16, 1), (8, 8, 2), (8, 16, 2)])
def test_residual_block_matches_torchvision_basic_block(ns, c_in, c_out, stride):
    """torchvision's BasicBlock is the same block (He et al., option B shortcuts) with other names."""
    torch.manual_seed(stride * 100 + c_out)
    ours = ns["ResidualBlock"](c_in, c_out, stride)
    randomise_batchnorm(ours, seed=c_in + c_out + stride)
    downsample = None
    if stride != 1 or c_in != c_out:
        downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
    theirs = BasicBlock(c_in, c_out, stride, downsample)
    state = {key.replace("shortcut.", "downsample."): value for key, value in ours.state_dict().items()}
    theirs.load_state_dict(state)  # strict: the same parameters, no more, no fewer
    x = torch.randn(4, c_in, 9, 9)
    for mode in ("eval", "train"):
        getattr(ours, mode)(), getattr(theirs, mode)()
        assert torch.allclose(ours(x), theirs(x), atol=1e-5), mode


def test_resnet_sizes_match_the_paper(ns):
    """He et al. (2016), table 6: ResNet-20 has 0.27M parameters and ResNet-56 0.85M.

    The paper's CIFAR networks use parameter-free shortcuts (option A), so they have exactly the
    parameters of our plain networks; our projection shortcuts (option B) add a few thousand.
    """
    count, ResNet = ns["count_parameters"], ns["ResNet"]
    assert round(count(ResNet(3, skip=False)) / 1e6, 2) == 0.27
    assert round(count(ResNet(9, skip=False)) / 1e6, 2) == 0.85
    projections = 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64  # two 1x1 convolutions with BatchNorm
    assert count(ResNet(3)) - count(ResNet(3, skip=False)) == projections
    weighted = [m for m in ResNet(3, skip=False).modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert len(weighted) == 20, "a plain-20 has 19 convolutions and 1 linear layer"


def test_train_epoch_matches_a_plain_torch_loop(ns):
    torch.manual_seed(0)
    model = ns["make_cnn"](1, 3, 4)
    reference = ns["make_cnn"](1, 3, 4)
    reference.load_state_dict(model.state_dict())
    X, y = torch.randn(20, 1, 8, 8), torch.randint(0, 3, (20,))
    loader = DataLoader(TensorDataset(X, y), batch_size=6)
    optimizer, scheduler = ns["make_optimizer"](model, 0.01, 0.1, total_steps=len(loader))
    ref_opt = torch.optim.AdamW(reference.parameters(), lr=0.01, weight_decay=0.1)
    ref_sched = torch.optim.lr_scheduler.OneCycleLR(ref_opt, max_lr=0.01, total_steps=len(loader))
    ns["train_epoch"](model, loader, optimizer, scheduler, torch.device("cpu"))
    for start in range(0, 20, 6):
        ref_opt.zero_grad()
        F.cross_entropy(reference(X[start:start + 6]), y[start:start + 6]).backward()
        ref_opt.step()
        ref_sched.step()
    for p, q in zip(model.parameters(), reference.parameters()):
        assert torch.allclose(p, q, atol=1e-6)


def test_evaluate_equals_eval_mode_argmax_accuracy(ns):
    torch.manual_seed(1)
    model = ns["make_cnn"](1, 5, 4)
    randomise_batchnorm(model, seed=3)
    X, y = torch.randn(50, 1, 10, 10), torch.randint(0, 5, (50,))
    model.eval()
    with torch.no_grad():
        expected = (model(X).argmax(1) == y).float().mean().item()
    model.train()
    assert ns["evaluate"](model, DataLoader(TensorDataset(X, y), batch_size=7), torch.device("cpu")) == pytest.approx(expected)


def test_receptive_field_of_a_known_network(ns):
    """VGG's argument: three stacked 3x3 convolutions see 7x7; AlexNet-like conv1 (11, 4) + pool (3, 2) sees 19."""
    assert ns["receptive_field"]([(3, 1)] * 3) == 7
    assert ns["receptive_field"]([(11, 4), (3, 2)]) == 19
    assert ns["receptive_field"](ns["conv_layers"](ns["make_cnn"]())) == 21
