"""ps1 at full size, on this machine: the numbers the notebook's text and model answer state.

- Part 2's fit and its depth-or-width sweep run exactly as in full mode (1,500 full-batch Adam
  steps on the 48x48 grid; nothing to download), so their final MSEs are the real ones.
- Part 3's training time: MNIST cannot be downloaded here, so an MNIST-shaped stand-in (60,000
  training and 10,000 test images of random bytes) goes through the same PIL-to-tensor transform
  and DataLoader settings as torchvision's MNIST in the notebook. The time of an epoch does not
  depend on what the pixels show; the accuracy does, so none is reported.

The functions are the source notebook's own (its solution cells, run in full mode), so there is no
second copy of them to drift. Reported as a table and bench/results/ps1_full_size.json; no target.
`python bench/ps1_full_size.py`.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import torch
import torchvision
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader import notebooks  # noqa: E402

PS1 = REPO / "source" / "ps1_pytorch_intro" / "ps1_pytorch_intro.ipynb"
RESULTS = REPO / "bench" / "results"
FULL_STEPS = 1500  # the fit cell's num_steps in full mode


def notebook_namespace():
    """The solution's definitions and the fit cell's grid, as full mode builds them (no training run)."""
    os.environ.pop("DLCOURSE_SMOKE", None)
    nb = notebooks.read(PS1)
    ns = notebooks.run_cells(nb, ["setup", "mlp_solution", "classifier_solution"])
    assert not ns["SMOKE"]
    fit_cell = next(cell.source for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "fit_md_code")
    # Everything before the cell's own training run: the grid, the target and fit_mlp.
    exec(fit_cell.split("\nnum_steps = ")[0], ns)
    return ns


class MNISTShaped(torch.utils.data.Dataset):
    """Random 28x28 grey bytes served the way torchvision's MNIST serves them: PIL image -> transform."""

    def __init__(self, n, seed):
        gen = torch.Generator().manual_seed(seed)
        self.data = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=gen)
        self.targets = torch.randint(0, 10, (n,), generator=gen)
        self.transform = torchvision.transforms.Compose([
            torchvision.transforms.ToTensor(),
            torchvision.transforms.Normalize((0.1307,), (0.3081,)),
        ])

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.data[i].numpy(), mode="L")), int(self.targets[i])


def parameters(layer_sizes):
    """Weights and biases of an MLP with these layer sizes."""
    return sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def depth_sweep(ns):
    """Final MSE after FULL_STEPS Adam steps, rows: 1, 2, 3 hidden layers; columns: width 16, 64."""
    start = time.perf_counter()
    final = [[ns["fit_mlp"]([2] + [width] * depth + [1], FULL_STEPS)[1][-1] for width in (16, 64)]
             for depth in (1, 2, 3)]
    return final, time.perf_counter() - start


def training_time(ns, num_epochs=3):
    """Seconds for the training cell's num_epochs (train_epoch + evaluate each) on the stand-in."""
    train_loader = torch.utils.data.DataLoader(MNISTShaped(60_000, 1), batch_size=64, shuffle=True)
    test_loader = torch.utils.data.DataLoader(MNISTShaped(10_000, 2), batch_size=1000)
    torch.manual_seed(0)
    model = ns["make_classifier"]()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    device = torch.device("cpu")
    start = time.perf_counter()
    for _ in range(num_epochs):
        ns["train_epoch"](model, train_loader, torch.nn.CrossEntropyLoss(), optimizer, device)
        ns["evaluate"](model, test_loader, device)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=RESULTS / "ps1_full_size.json")
    args = parser.parse_args(argv)
    ns = notebook_namespace()
    variance = ns["y_grid"].var().item()
    final, sweep_seconds = depth_sweep(ns)
    train_seconds = training_time(ns)
    result = {"date": date.today().isoformat(),
              "machine": {"cpu_cores": os.cpu_count(), "platform": platform.platform(), "torch": torch.__version__,
                          "threads": torch.get_num_threads()},
              "target_variance": round(variance, 4), "adam_steps": FULL_STEPS,
              "final_mse": {f"{depth} x {width}": round(final[i][j], 5)
                            for i, depth in enumerate((1, 2, 3)) for j, width in enumerate((16, 64))},
              "parameters": {f"{depth} x {width}": parameters([2] + [width] * depth + [1])
                             for depth in (1, 2, 3) for width in (16, 64)},
              "sweep_seconds": round(sweep_seconds, 1), "mnist_shaped_3_epochs_seconds": round(train_seconds, 1)}
    print(f"ps1 at full size, {os.cpu_count()} CPU cores, torch {torch.__version__}")
    print(f"Part 2, final MSE after {FULL_STEPS} Adam steps (target variance {variance:.4f}):")
    print(f"  {'hidden layers':>13} {'width 16':>18} {'width 64':>18}")
    for i, depth in enumerate((1, 2, 3)):
        cells = [f"{final[i][j]:.5f} ({parameters([2] + [w] * depth + [1]):,} p.)" for j, w in enumerate((16, 64))]
        print(f"  {depth:>13} {cells[0]:>18} {cells[1]:>18}")
    print(f"  the sweep took {sweep_seconds:.0f} s")
    print(f"Part 3, the training cell (3 epochs, batch 64) on an MNIST-shaped stand-in: {train_seconds:.0f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
