"""Batch autograding benchmark: plain sequential `nbgrader autograde` against `grader autograde`.

Target (issue 6): on the same batch of at least 24 submissions, `grader autograde` (Dask workers,
sandboxed kernels, integrity checks, repair) is at least 1.7x faster than nbgrader grading one
student after another, on 2 cores. Both run in this script, on copies of one course directory
with the same submissions, in smoke mode.

The batch is problem set 3 (the NumPy Conv1D set; the quickest real notebook): the instructor's
solution, the blank release and every wrong solution, repeated under new names until there are
--students submissions. Start-up per notebook: for nbgrader, the time
to grade a one-cell notebook (process, imports, gradebook, kernel: everything but the student's
code); for grader, what each job measured before the first cell ran (sandbox, kernel, and the
integrity baseline, which imports NumPy and torch, as the notebook itself would next).

Usage: python bench/autograde.py [--students 24] [--workers N] [--json PATH]
(exit status 1 when the target is missed)
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


def make_course(where, n_students):
    course = copy_course_skeleton(Course(ROOT), where, [PS])
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 1")])
    empty.cells[0].metadata = {"nbgrader": {"grade": False, "grade_id": "answer", "locked": False,
                                            "schema_version": 3, "solution": True, "task": False}}
    empty.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebooks.write(empty, course.source_notebook(EMPTY))
    for ps in (PS, EMPTY):
        release.generate(course, ps)
    source_nb, release_nb = notebooks.read(course.source_notebook(PS)), notebooks.read(course.release_notebook(PS))
    kinds = [("solution", submissions.perfect(source_nb, release_nb)), ("blank", submissions.blank(release_nb))]
    for w in submissions.load_wrong_solutions(ROOT / "tests" / "wrong_solutions" / PS):
        if "still-loops" not in w.name:  # seconds of Python loops would measure NumPy, not grading
            kinds.append((w.name, submissions.wrong(source_nb, release_nb, w)))
    students = []
    for i in range(n_students):
        name, nb = kinds[i % len(kinds)]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "autograde.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        course, students = make_course(Path(tmp) / "course", args.students)
        startup_students = students[:4]
        nbgrader_startup = time_nbgrader(course, startup_students, EMPTY) / len(startup_students)

        nbgrader_s = time_nbgrader(course, students, PS)
        nbgrader_scores = {s: r for s, r in ((s, _scores(course, s)) for s in students)}
        shutil.rmtree(course.root / "autograded")
        (course.root / "gradebook.db").unlink()
        for ps in (PS, EMPTY):  # a fresh gradebook for the second engine
            release.generate(course, ps)
        grader_s, results = time_grader(course, students, PS, args.workers)
        one_worker_s, _ = time_grader(course, students, PS, 1) if args.workers > 1 else (grader_s, None)
        same = all(r.tests == nbgrader_scores[r.student] for r in results)
        grader_startup = sum(r.startup_seconds for r in results) / len(results)
    n = len(students)
    ratio = nbgrader_s / grader_s
    rows = [
        ("nbgrader autograde, one student at a time", nbgrader_s, nbgrader_s / n, nbgrader_startup),
        (f"grader autograde, {args.workers} workers", grader_s, grader_s / n, grader_startup),
    ]
    if args.workers > 1:
        rows.insert(1, ("grader autograde, 1 worker", one_worker_s, one_worker_s / n, grader_startup))
    print(f"{n} submissions of {PS} (smoke mode), {args.workers} workers")
    print(f"{'engine':<44} {'total s':>8} {'s / notebook':>13} {'start-up s':>11}")
    for name, total, per, startup in rows:
        print(f"{name:<44} {total:8.1f} {per:13.2f} {startup:11.2f}")
    print(f"speed-up: {ratio:.2f}x (target >= {TARGET_RATIO}x); {args.workers} workers vs 1: "
          f"{one_worker_s / grader_s:.2f}x; identical scores: {same}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({
        "problem_set": PS, "submissions": n, "workers": args.workers,
        "nbgrader_seconds": nbgrader_s, "grader_seconds": grader_s, "ratio": ratio,
        "grader_one_worker_seconds": one_worker_s,
        "nbgrader_startup_seconds": nbgrader_startup, "grader_startup_seconds": grader_startup,
        "identical_scores": same, "target_ratio": TARGET_RATIO}, indent=2))
    return 0 if ratio >= TARGET_RATIO and same else 1


def _scores(course, student):
    from grader.gradebook import submission_scores

    return submission_scores(course, PS, student)["tests"]


if __name__ == "__main__":
    sys.exit(main())
