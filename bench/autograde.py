"""Batch autograding benchmark: plain sequential `nbgrader autograde` against `grader autograde`.

Target: on the same batch of 24 submissions, `grader autograde` (Dask workers, sandboxed kernels,
hidden tests in the judge, repair) is at least 1.7x faster than nbgrader grading one student
after another, on 2 cores. Both run in this script, on copies of one course directory with the
same submissions, in smoke mode, and must give the same scores, except where plain nbgrader's
weaker guarantees differ by design (a wrong solution that hands a NumPy part to PyTorch keeps
those points under nbgrader, which runs hidden tests in the student's kernel).

The batch is problem set 3 (the NumPy Conv1D set; the quickest real notebook), in two mixes:
- half-complete: half the class hands in the complete solution, the other half the blank
  release or a wrong solution (what a class looks like to a new user; the target's mix);
- gate: the solution, the blank release and every wrong solution in turn (grader check's mix).
The wrong solution whose fast layer still loops is left out: seconds of Python loops would
measure NumPy, not grading.

Start-up per notebook: for nbgrader, the time to grade a one-cell notebook (process, imports,
gradebook, kernel: everything but the student's code); for grader, what each job measured before
the first cell ran (sandbox, kernel, the agent). Also reported for grader: the time spent on hidden
tests (the judge and its calls into the student's kernels) and, of that, in the kernel without
PyTorch that judges the NumPy layers.

Usage: python bench/autograde.py [--students 24] [--workers N] [--mix half-complete gate] [--json PATH]
(exit status 1 when the target is missed on any mix)
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader import notebooks, release, submissions  # noqa: E402
from grader.autograde import default_workers, grade_batch  # noqa: E402
from grader.course import Course, copy_course_skeleton, run_nbgrader  # noqa: E402

TARGET_RATIO = 1.7
PS = "ps3_conv1d_numpy"
EMPTY = "bench_empty"


def make_course(where, n_students, mix="half-complete"):
    course = copy_course_skeleton(Course(ROOT), where, [PS])
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 1")])
    empty.cells[0].metadata = {"nbgrader": {"grade": False, "grade_id": "answer", "locked": False,
                                            "schema_version": 3, "solution": True, "task": False}}
    empty.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebooks.write(empty, course.source_notebook(EMPTY))
    for ps in (PS, EMPTY):
        release.generate(course, ps)
    source_nb, release_nb = notebooks.read(course.source_notebook(PS)), notebooks.read(course.release_notebook(PS))
    solution = ("solution", submissions.perfect(source_nb, release_nb))
    others = [("blank", submissions.blank(release_nb))]
    for w in submissions.load_wrong_solutions(ROOT / "tests" / "wrong_solutions" / PS):
        if "still-loops" not in w.name:  # seconds of Python loops would measure NumPy, not grading
            others.append((w.name, submissions.variant(source_nb, release_nb, w)))
    students = []
    for i in range(n_students):
        if mix == "half-complete":
            name, nb = solution if i % 2 == 0 else others[(i // 2) % len(others)]
        else:
            name, nb = ([solution] + others)[i % (len(others) + 1)]
        student = f"s{i:03d}-{name}"
        submissions.write_submission(course, student, PS, nb)
        submissions.write_submission(course, student, EMPTY, notebooks.read(course.release_notebook(EMPTY)))
        students.append(student)
    return course, students


def time_nbgrader(course, students, ps):
    start = time.perf_counter()
    for student in students:
        proc = run_nbgrader(course, ["autograde", ps, "--student", student, "--force"], smoke=True)
        if proc.returncode != 0:
            raise SystemExit(f"nbgrader autograde failed for {student}:\n{proc.stdout}{proc.stderr}")
    return time.perf_counter() - start


def time_grader(course, students, ps, workers):
    start = time.perf_counter()
    results = grade_batch(course, ps, students, smoke=True, workers=workers, force=True, progress=False)
    failed = [r for r in results if r.status != "graded"]
    if failed:
        raise SystemExit(f"grader autograde failed: {failed[0].student}: {failed[0].message}")
    return time.perf_counter() - start, results


def measure(mix, n_students, workers, one_worker):
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        course, students = make_course(Path(tmp) / "course", n_students, mix)
        startup_students = students[:4]
        nbgrader_startup = time_nbgrader(course, startup_students, EMPTY) / len(startup_students)

        nbgrader_s = time_nbgrader(course, students, PS)
        nbgrader_scores = {s: _scores(course, s) for s in students}
        shutil.rmtree(course.root / "autograded")
        (course.root / "gradebook.db").unlink()
        for ps in (PS, EMPTY):  # a fresh gradebook for the second engine
            release.generate(course, ps)
        grader_s, results = time_grader(course, students, PS, workers)
        one_worker_s = time_grader(course, students, PS, 1)[0] if one_worker and workers > 1 else None
    n = len(students)
    differ = {r.student: {t: [nbgrader_scores[r.student].get(t), p] for t, p in r.tests.items()
                          if p != nbgrader_scores[r.student].get(t)}
              for r in results if r.tests != nbgrader_scores[r.student]}
    mean = lambda key: sum(getattr(r, key) for r in results) / n
    return {"mix": mix, "problem_set": PS, "submissions": n, "workers": workers,
            "nbgrader_seconds": nbgrader_s, "grader_seconds": grader_s, "ratio": nbgrader_s / grader_s,
            "grader_one_worker_seconds": one_worker_s,
            "nbgrader_startup_seconds": nbgrader_startup, "grader_startup_seconds": mean("startup_seconds"),
            "grader_seconds_per_notebook": mean("seconds"), "grader_judge_seconds": mean("judge_seconds"),
            "grader_numpy_only_seconds": mean("numpy_only_seconds"),
            "identical_scores": not [s for s in differ if not _expected_difference(s)],
            "differences": differ,
            "target_ratio": TARGET_RATIO}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--mix", nargs="+", default=["half-complete", "gate"], choices=["half-complete", "gate"])
    parser.add_argument("--one-worker", action="store_true", help="also time grader with one worker")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "autograde.json"))
    args = parser.parse_args()
    runs = [measure(mix, args.students, args.workers, args.one_worker) for mix in args.mix]
    print(f"{args.students} submissions of {PS} (smoke mode), {args.workers} workers")
    print(f"{'mix':<14} {'engine':<30} {'total s':>8} {'s / nb':>7} {'start-up s':>11} {'hidden tests s':>15}")
    for r in runs:
        n = r["submissions"]
        print(f"{r['mix']:<14} {'nbgrader, one at a time':<30} {r['nbgrader_seconds']:8.1f} "
              f"{r['nbgrader_seconds'] / n:7.2f} {r['nbgrader_startup_seconds']:11.2f} {'':>15}")
        if r["grader_one_worker_seconds"]:
            print(f"{'':<14} {'grader, 1 worker':<30} {r['grader_one_worker_seconds']:8.1f} "
                  f"{r['grader_one_worker_seconds'] / n:7.2f}")
        print(f"{'':<14} {f'grader, {args.workers} workers':<30} {r['grader_seconds']:8.1f} "
              f"{r['grader_seconds'] / n:7.2f} {r['grader_startup_seconds']:11.2f} "
              f"{r['grader_judge_seconds']:8.2f} ({r['grader_numpy_only_seconds']:.2f} without torch)")
        print(f"{'':<14} speed-up {r['ratio']:.2f}x (target >= {TARGET_RATIO}x); identical scores: "
              f"{r['identical_scores']}")
        for student, tests in r["differences"].items():
            why = "expected: PyTorch judged out" if _expected_difference(student) else "UNEXPECTED"
            print(f"{'':<14}   {student}: {tests} (nbgrader, grader) {why}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"runs": runs, "target_ratio": TARGET_RATIO}, indent=2))
    return 0 if all(r["ratio"] >= TARGET_RATIO and r["identical_scores"] for r in runs) else 1


def _expected_difference(student):
    """Plain nbgrader runs hidden tests in the student's kernel, where PyTorch is there to use: a
    wrong solution that hands a NumPy part to PyTorch keeps those points there, not with grader."""
    return "hands-the-work-to-torch" in student


def _scores(course, student):
    from grader.gradebook import submission_scores

    return submission_scores(course, PS, student)["tests"]


if __name__ == "__main__":
    sys.exit(main())
