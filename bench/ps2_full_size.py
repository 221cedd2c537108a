"""ps2 at full size, on this machine: what the competition models cost, and what grading retrains.

Real CIFAR-10 and MNIST cannot be downloaded here, so every measurement runs on random tensors of
the full-size shapes: the time of a training step does not depend on what the pixels show. Each
model trains for a few steps (after one warm-up step) and the time per epoch is extrapolated
from the mean step. The models and training loops are the source notebook's own (its solution
cells, run in full mode), so there is no second copy of them to drift.

Reported, as one table and bench/results/ps2_full_size.json:
- the competition reference and the baseline: parameters, checkpoint size, forward FLOPs per
  image (torch.utils.flop_counter: a multiply-add is 2 FLOPs), training FLOPs per epoch (3x the
  forward pass: forward, and a backward pass that costs about twice as much, on 45,000 images,
  plus the two test-time-flip passes over the 5,000 validation images), the seconds per epoch
  on this CPU, the ratio of the two, and the time the FLOPs imply on a Colab T4;
- the cells a full-mode grading of one submission runs again (with the competition weights
  submitted, the competition does not retrain): Part 1's experiment and Part 2's depth experiment.

No target: these numbers are recorded in bench/README.md, and the competition's rules and the
notebook's comments cite them. `python bench/ps2_full_size.py [--steps N]`.
"""

import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader import notebooks  # noqa: E402

PS2 = REPO / "source" / "ps2_cnn_resnet" / "ps2_cnn_resnet.ipynb"
RESULTS = REPO / "bench" / "results"
# A T4's float16 tensor-core peak is 65 TFLOP/s; convolutional networks in eager PyTorch with
# autocast reach a fraction of it. The range below is an assumption, not a measurement.
T4_TFLOPS = (15.0, 25.0)
TRAIN_IMAGES, VAL_IMAGES = 45_000, 5_000   # the competition's 90/10 split of CIFAR-10's 50,000


def notebook_namespace():
    """The solution's definitions, as full mode (DLCOURSE_SMOKE unset) builds them."""
    os.environ.pop("DLCOURSE_SMOKE", None)
    ns = notebooks.run_cells(notebooks.read(PS2), ["setup", "models_solution", "training_solution", "fit",
                                                   "resnet_solution", "competition_baseline", "competition_solution"])
    assert not ns["SMOKE"]
    return ns


def forward_flops(model, shape):
    """FLOPs of one training-mode forward pass per image (one pass even for FlipAveraged)."""
    model.train()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.rand(*shape))
    return counter.get_total_flops() / shape[0]


def seconds_per_step(model, make_optimizer, X, y, steps, memory_format=torch.contiguous_format):
    """Mean seconds of one training step (forward, backward, AdamW step) on the batch X, y."""
    model.train()
    model.to(memory_format=memory_format)
    X = X.contiguous(memory_format=memory_format)
    optimizer, scheduler = make_optimizer(model, lr=1e-3, weight_decay=0.05, total_steps=steps + 1)
    times = []
    for _ in range(steps + 1):
        start = time.perf_counter()
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        times.append(time.perf_counter() - start)
    return sum(times[1:]) / steps  # the first step warms up allocators and kernels


def competition_row(name, model, batch_size, epochs, ns, steps, memory_format):
    per_image = forward_flops(model, (2, 3, 32, 32))
    # Training: forward and backward (about 3x the forward FLOPs) on every training image;
    # validation: a FlipAveraged model runs two forward passes per image, a plain one, one.
    passes = 2 if isinstance(model, ns["FlipAveraged"]) else 1
    flops_epoch = 3 * per_image * TRAIN_IMAGES + passes * per_image * VAL_IMAGES
    X, y = torch.rand(batch_size, 3, 32, 32), torch.randint(0, 10, (batch_size,))
    step = seconds_per_step(model, ns["make_optimizer"], X, y, steps, memory_format)
    epoch_cpu = step * math.ceil(TRAIN_IMAGES / batch_size)
    parameters = sum(p.numel() for p in model.parameters())
    return {
        "model": name, "parameters": parameters, "checkpoint_mb": round(parameters * 4 / 2**20, 1),
        "forward_mflops_per_image": round(per_image / 1e6, 1), "train_tflops_per_epoch": round(flops_epoch / 1e12, 3),
        "batch_size": batch_size, "epochs": epochs, "cpu_seconds_per_epoch": round(epoch_cpu, 1),
        "t4_seconds_per_epoch": [round(flops_epoch / (t * 1e12), 1) for t in reversed(T4_TFLOPS)],
        "t4_minutes_total": [round(epochs * flops_epoch / (t * 1e12) / 60, 1) for t in reversed(T4_TFLOPS)],
    }


def grading_rows(ns, steps):
    """Seconds per epoch on this CPU of what a full-mode grading retrains (random full-size data)."""
    rows = []
    canvas = 40  # Part 1 in full mode: MNIST digits on a 40x40 canvas, 20,000 images, batch 64, 4 epochs
    X, y = torch.rand(64, 1, canvas, canvas), torch.randint(0, 10, (64,))
    for name, build in [("Part 1 MLP", lambda: ns["make_mlp"](canvas)), ("Part 1 CNN", lambda: ns["make_cnn"]())]:
        step = seconds_per_step(build(), ns["make_optimizer"], X, y, steps)
        epoch = step * math.ceil(20_000 / 64)
        rows.append({"what": f"{name}, 3 variants x 4 epochs", "cpu_seconds_per_epoch": round(epoch, 1),
                     "cpu_seconds_total": round(3 * 4 * epoch)})
    X, y = torch.rand(64, 3, 32, 32), torch.randint(0, 10, (64,))  # Part 2: 10,000 CIFAR images, width 16, 5 epochs
    for name, skip in [("ResNet-56", True), ("plain-56", False)]:
        step = seconds_per_step(ns["ResNet"](9, skip=skip, width=16), ns["make_optimizer"], X, y, steps)
        epoch = step * math.ceil(10_000 / 64)
        rows.append({"what": f"Part 2 {name}, 5 epochs", "cpu_seconds_per_epoch": round(epoch, 1),
                     "cpu_seconds_total": round(5 * epoch)})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=4, help="timed training steps per model (after one warm-up)")
    parser.add_argument("--json", type=Path, default=RESULTS / "ps2_full_size.json")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    ns = notebook_namespace()
    competition = [
        competition_row("reference (ResNet-9, FlipAveraged)", ns["build_competition_model"](), 512, 24, ns, args.steps,
                        torch.channels_last),
        competition_row("baseline (Part 1 CNN, width 16)", ns["baseline_model"](), 128, 10, ns, args.steps,
                        torch.contiguous_format),
    ]
    grading = grading_rows(ns, args.steps)
    result = {"date": date.today().isoformat(), "machine": {"cpu_cores": os.cpu_count(), "platform": platform.platform(),
                                                           "torch": torch.__version__, "threads": torch.get_num_threads()},
              "steps": args.steps, "t4_tflops_assumed": T4_TFLOPS, "competition": competition, "grading": grading}
    ref, base = competition
    result["reference_vs_baseline_cpu_epoch_ratio"] = round(ref["cpu_seconds_per_epoch"] / base["cpu_seconds_per_epoch"], 1)

    print(f"ps2 at full size on random data, {os.cpu_count()} CPU cores, torch {torch.__version__} ({args.steps} steps per model)")
    print(f"{'model':38} {'params':>10} {'MB':>6} {'MFLOP/img':>10} {'TFLOP/epoch':>12} {'CPU s/epoch':>12} "
          f"{'T4 s/epoch':>11} {'T4 min total':>13}")
    for r in competition:
        print(f"{r['model']:38} {r['parameters']:>10,} {r['checkpoint_mb']:>6} {r['forward_mflops_per_image']:>10} "
              f"{r['train_tflops_per_epoch']:>12} {r['cpu_seconds_per_epoch']:>12} "
              f"{'-'.join(map(str, r['t4_seconds_per_epoch'])):>11} {'-'.join(map(str, r['t4_minutes_total'])):>13}")
    print(f"reference / baseline, CPU seconds per epoch: {result['reference_vs_baseline_cpu_epoch_ratio']}")
    print(f"(T4 times: the FLOPs at {T4_TFLOPS[0]:g}-{T4_TFLOPS[1]:g} TFLOP/s, an assumption; a model as small as the "
          f"baseline is limited by per-batch overheads instead, so its figure is only a lower bound)")
    print("full-mode grading of one submission (weights submitted), cells that retrain:")
    for r in grading:
        print(f"  {r['what']:38} {r['cpu_seconds_per_epoch']:>8} s/epoch, {r['cpu_seconds_total']:>6} s in all")
    print(f"  total: {sum(r['cpu_seconds_total'] for r in grading) / 60:.0f} min on this CPU")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
