"""`grader autograde ID`: grade every submitted/*/ID with nbgrader, one student at a time.

Each student is graded by its own `nbgrader autograde ID --student S --force` process, so a
submission that crashes nbgrader, hangs or cannot be read costs only its own grade: the batch
goes on, and the student's row in the grades CSV says what went wrong. Scores are read back
from the gradebook, which only nbgrader writes.
"""

import csv
import json
import subprocess
import time
from dataclasses import dataclass, field

import nbformat
from tqdm import tqdm

from grader import notebooks
from grader.course import run_nbgrader
from grader.gradebook import submission_scores

# A whole notebook may run this long before its process is stopped (each cell separately is
# limited by Execute.timeout in nbgrader_config.py).
NOTEBOOK_TIMEOUT_S = 30 * 60


@dataclass
class Result:
    student: str
    status: str  # "graded", "unreadable", "failed" or "timeout"
    message: str = ""
    seconds: float = 0.0
    auto: float = 0.0
    max_auto: float = 0.0
    manual_max: float = 0.0
    tests: dict = field(default_factory=dict)


def unreadable_reason(path):
    """Why a submitted notebook cannot be graded at all, or None if it can be read."""
    if not path.exists():
        return f"no notebook named {path.name} in the submission folder"
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except UnicodeDecodeError:
        return "the notebook file is not text: it is not an .ipynb file, or it was damaged"
    except json.JSONDecodeError as error:
        return (f"the notebook file is not valid JSON (line {error.lineno}, column {error.colno}): "
                f"it was damaged or cut off; download it again and resubmit")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for malformed notebooks
        return f"the file is JSON but not a Jupyter notebook: {str(error)[:200]}"
    if not any(notebooks.grade_id(c) for c in nb.cells):
        return "the notebook has no nbgrader cells: it is not this problem set's notebook, or its metadata was stripped"
    return None


def _nbgrader_error(output):
    """The most useful line of a failed nbgrader run."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if "[ERROR]" in line or "Error" in line]
    return (errors or lines or ["nbgrader failed without a message"])[-1][:300]


def grade_one(course, ps_id, student, *, smoke=False, timeout=NOTEBOOK_TIMEOUT_S):
    start = time.monotonic()
    reason = unreadable_reason(course.submitted_notebook(student, ps_id))
    if reason:
        return Result(student, "unreadable", reason, time.monotonic() - start)
    try:
        proc = run_nbgrader(course, ["autograde", ps_id, "--student", student, "--force"],
                            smoke=smoke, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Result(student, "timeout", f"grading took longer than {timeout} s and was stopped",
                      time.monotonic() - start)
    seconds = time.monotonic() - start
    scores = submission_scores(course, ps_id, student)
    if proc.returncode != 0 or scores is None:
        return Result(student, "failed", _nbgrader_error(proc.stdout + proc.stderr), seconds)
    return Result(student, "graded", "", seconds, scores["auto"], scores["max_auto"],
                  scores["manual_max"], scores["tests"])


def grade_batch(course, ps_id, students=None, *, smoke=False, progress=True):
    """Grades the given students (default: every submitted one); returns their Results."""
    students = course.students(ps_id) if students is None else students
    cells = notebooks.graded_cells(notebooks.read(course.source_notebook(ps_id)))
    max_auto = sum(points for _, points, kind in cells if kind == "autograded")
    results = []
    bar = tqdm(students, desc=f"autograde {ps_id}", unit="nb", disable=not progress)
    for student in bar:
        bar.set_postfix_str(student)
        result = grade_one(course, ps_id, student, smoke=smoke)
        result.max_auto = result.max_auto or max_auto  # an ungraded submission scores 0 out of the full total
        results.append(result)
    return results


def write_csv(course, ps_id, results):
    """grades/<ID>.csv: one row per student, with a column per graded cell."""
    source_nb = notebooks.read(course.source_notebook(ps_id))
    cells = notebooks.graded_cells(source_nb)
    path = course.grades_csv(ps_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "status", "autograded_score", "autograded_max",
                         "manual_points_pending", "seconds", "message"] + [gid for gid, _, _ in cells])
        max_auto = sum(points for _, points, kind in cells if kind == "autograded")
        manual = sum(points for _, points, kind in cells if kind == "manual")
        for r in results:
            writer.writerow([r.student, r.status, f"{r.auto:g}", f"{max_auto:g}", f"{manual:g}",
                             f"{r.seconds:.1f}", r.message]
                            + [f"{r.tests.get(gid, 0.0):g}" for gid, _, _ in cells])
    return path


def format_table(results):
    """A plain-text table of the batch, one line per student."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'status':<10}  {'score':>11}  {'time':>6}  note",
             "-" * (width + 45)]
    for r in results:
        score = f"{r.auto:g}/{r.max_auto:g}"
        note = r.message or (f"+{r.manual_max:g} pts to grade by hand" if r.manual_max else "")
        lines.append(f"{r.student:<{width}}  {r.status:<10}  {score:>11}  {r.seconds:5.1f}s  {note}")
    return "\n".join(lines)
