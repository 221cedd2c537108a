"""All the course's benchmarks in one table: python bench/run.py [--full] [--only PART ...]

Parts (each also runs on its own):
    notebooks  each source notebook (the solution, hidden tests included) run top to bottom in a
               fresh kernel: its wall time, and for ps2 the reference competition model's
               training time and the test accuracy the grader measures. Smoke mode here (offline
               stand-in data, short training); --full runs the real data and training, which
               needs a GPU to finish in reasonable time and the datasets in DLCOURSE_DATA (or a
               network connection to download them).
    conv1d     bench/conv1d.py: the ps3 solution's Conv1DFast against torch.nn.Conv1d (ratio).
    autograde  bench/autograde.py: batch `grader autograde` against sequential `nbgrader
               autograde` on the same submissions (ratio); --students sets the class size.

Prints a table and writes bench/results/run.json (the machine, the date, every number). Record
results from a machine with a GPU in bench/README.md with the hardware, date and command.
Exit status 1 when a part misses its target.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader import notebooks  # noqa: E402
from grader.course import Course  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PARTS = ("notebooks", "conv1d", "autograde")


def machine():
    import psutil
    import torch

    info = {"cpu_cores": psutil.cpu_count(logical=False) or os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "gpu": None, "date": datetime.date.today().isoformat()}
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def run_notebook(path, smoke, timeout):
    """Runs one notebook in a scratch folder; returns (seconds, executed notebook, first error or "")."""
    from grader.release import execute

    nb = notebooks.read(path)
    start = time.perf_counter()
    executed = execute(nb, smoke=smoke, timeout=timeout, hidden_tests_of=path)
    seconds = time.perf_counter() - start
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue', '')[:100]}"
              for i, c in enumerate(executed.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return seconds, executed, errors[0] if errors else ""


def competition_numbers(executed):
    """(training minutes, measured test accuracy) printed by the ps2 solution, or Nones."""
    text = "\n".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    minutes = re.search(r"Trained in ([0-9.]+) min", text)
    accuracy = re.findall(r"competition test accuracy: ([0-9.]+)", text)
    return (float(minutes.group(1)) if minutes else None, float(accuracy[-1]) if accuracy else None)


def bench_notebooks(ids, full, timeout):
    rows = []
    course = Course(ROOT)
    for ps in ids:
        seconds, executed, error = run_notebook(course.source_notebook(ps), smoke=not full, timeout=timeout)
        row = {"problem_set": ps, "mode": "full" if full else "smoke", "seconds": round(seconds, 1),
               "error": error}
        if ps == "ps2_cnn_resnet":
            row["competition_train_minutes"], row["competition_test_accuracy"] = competition_numbers(executed)
        rows.append(row)
        print(f"  {ps}: {seconds:.1f} s{' ERROR ' + error if error else ''}", flush=True)
    return rows


def run_script(name, args):
    """Runs bench/<name>.py writing its JSON to a scratch path; returns (exit status, its JSON)."""
    out = RESULTS / f"{name}.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), "--json", str(out), *args],
                          capture_output=True, text=True)
    print("  " + proc.stdout.strip().replace("\n", "\n  "), flush=True)
    if proc.returncode not in (0, 1):
        print(proc.stderr[-3000:])
        return proc.returncode, {}
    return proc.returncode, json.loads(out.read_text())


def table(result):
    lines = [f"machine: {result['machine']['cpu_cores']} CPU cores, GPU: {result['machine']['gpu'] or 'none'}, "
             f"torch {result['machine']['torch']}, {result['machine']['date']}", "",
             f"{'benchmark':<46} {'result':>26}  target"]
    for row in result.get("notebooks", []):
        extra = ""
        if row.get("competition_test_accuracy") is not None:
            extra = f" (ps2 model: {row['competition_train_minutes']} min, acc {row['competition_test_accuracy']:.3f})"
        status = "FAILED: " + row["error"] if row["error"] else f"{row['seconds']:.1f} s"
        lines.append(f"{row['problem_set'] + ' notebook, ' + row['mode'] + ' mode':<46} {status:>26}  runs{extra}")
    if "conv1d" in result:
        c = result["conv1d"]
        lines.append(f"{'Conv1DFast / torch.nn.Conv1d (fwd+bwd)':<46} {c.get('ratio_fast_vs_torch', float('nan')):>25.2f}x  "
                     f"<= {c.get('target_ratio', 3.0):g}x")
    if "autograde" in result:
        for a in result["autograde"].get("runs", []):
            lines.append(f"{'nbgrader / grader autograde (' + str(a.get('submissions')) + ', ' + a['mix'] + ')':<46} "
                         f"{a.get('ratio', float('nan')):>25.2f}x  >= {a.get('target_ratio', 1.7):g}x")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--notebooks", nargs="+", help="problem sets to run (default: all)")
    parser.add_argument("--full", action="store_true", help="notebooks on the real data with full training")
    parser.add_argument("--timeout", type=int, default=3600, help="per-cell limit for the notebooks (seconds)")
    parser.add_argument("--students", type=int, default=24, help="class size of the autograde benchmark")
    parser.add_argument("--repeats", type=int, default=20, help="repetitions of the conv1d benchmark")
    parser.add_argument("--json", type=Path, default=RESULTS / "run.json")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result, failed = {"machine": machine(), "command": " ".join(["python bench/run.py", *(argv or sys.argv[1:])])}, False
    if "notebooks" in args.only:
        print("notebooks:", flush=True)
        ids = args.notebooks or Course(ROOT).existing_problem_sets()
        result["notebooks"] = bench_notebooks(ids, args.full, args.timeout)
        failed |= any(row["error"] for row in result["notebooks"])
    if "conv1d" in args.only:
        print("conv1d:", flush=True)
        status, result["conv1d"] = run_script("conv1d", ["--repeats", str(args.repeats)])
        failed |= status != 0
    if "autograde" in args.only:
        print("autograde:", flush=True)
        status, result["autograde"] = run_script("autograde", ["--students", str(args.students)])
        failed |= status != 0
    print()
    print(table(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nresults in {args.json}")
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
