"""Conv1D benchmark: the ps3 solution's vectorised layer against torch.nn.Conv1d.

Target (issue 2): Conv1DFast forward+backward within 3x of torch.nn.Conv1d, float64 on the CPU,
at batch 32, 16 -> 32 channels, width 1000, kernel 5, stride 2. Both are timed in this process,
alternating, and the ratio of medians is what counts, so the machine's speed cancels out.
The loop version's ratio is printed beside it (one repetition: it takes seconds).

Recorded (2 cores, no GPU, torch 2.14.1, numpy 2.4.6, 2026-11-22):
    Conv1DFast ~21 ms, torch.nn.Conv1d ~22-26 ms: ratio 0.84-0.95; loops ~6.8 s, ratio ~260-300.

Usage: python bench/conv1d.py [--json PATH]   (exit status 1 when the target is missed)
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader import notebooks  # noqa: E402

TARGET_RATIO = 3.0
BATCH, C_IN, C_OUT, WIDTH, KERNEL, STRIDE = 32, 16, 32, 1000, 5, 2


def solution_layers():
    nb = notebooks.read(ROOT / "source" / "ps3_conv1d_numpy" / "ps3_conv1d_numpy.ipynb")
    ns = notebooks.run_cells(nb, ["out_width", "conv1d_forward", "conv1d_backward", "conv1d_fast"],
                             {"np": np})
    return ns["Conv1D"], ns["Conv1DFast"]


def seconds(step, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "conv1d.json")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    Conv1D, Conv1DFast = solution_layers()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, C_IN, WIDTH))
    fast = Conv1DFast(C_IN, C_OUT, KERNEL, STRIDE)
    loops = Conv1D(C_IN, C_OUT, KERNEL, STRIDE)
    conv = torch.nn.Conv1d(C_IN, C_OUT, KERNEL, STRIDE).double()
    x_t = torch.tensor(x, requires_grad=True)

    def numpy_step(layer):
        def step():
            y = layer(x)
            layer.backward(np.ones_like(y))
        return step

    def torch_step():
        y = conv(x_t)
        y.backward(torch.ones_like(y))

    numpy_step(fast)(), torch_step()  # warm-up
    fast_times, torch_times = [], []
    for _ in range(args.repeats):  # alternate, so both see the same machine load
        fast_times.append(seconds(numpy_step(fast), 1))
        torch_times.append(seconds(torch_step, 1))
    t_fast, t_torch = statistics.median(fast_times), statistics.median(torch_times)
    t_loops = seconds(numpy_step(loops), 1)

    result = {
        "config": dict(batch=BATCH, in_channel=C_IN, out_channel=C_OUT, width=WIDTH,
                       kernel_size=KERNEL, stride=STRIDE, dtype="float64", device="cpu"),
        "seconds": {"Conv1DFast": t_fast, "torch.nn.Conv1d": t_torch, "Conv1D (loops)": t_loops},
        "ratio_fast_vs_torch": t_fast / t_torch,
        "ratio_loops_vs_torch": t_loops / t_torch,
        "target_ratio": TARGET_RATIO,
        "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(),
    }
    print(f"forward+backward, batch {BATCH}, {C_IN}->{C_OUT} channels, width {WIDTH}, "
          f"kernel {KERNEL}, stride {STRIDE}, float64 CPU")
    print(f"  {'torch.nn.Conv1d':<16} {t_torch * 1e3:9.2f} ms   ratio 1.00")
    print(f"  {'Conv1DFast':<16} {t_fast * 1e3:9.2f} ms   ratio {t_fast / t_torch:.2f}  (target <= {TARGET_RATIO})")
    print(f"  {'Conv1D (loops)':<16} {t_loops * 1e3:9.2f} ms   ratio {t_loops / t_torch:.0f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    met = result["ratio_fast_vs_torch"] <= TARGET_RATIO
    print(f"target {'met' if met else 'MISSED'}; results in {args.json}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
