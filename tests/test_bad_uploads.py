"""One bad upload costs only its own grade: a class holding every kind of unreadable or hostile
upload (not hostile code: tests/test_hostile_submissions.py) is graded in one batch, each bad one
gets its own row with a message that says what to fix, and the honest student next to them gets
full marks. The uploads are built here: links, FIFOs and folders cannot live in a fixture file.
"""

import csv
import json
import os
import time

import pytest

from grader import prepare
from grader.autograde import grade_batch, write_csv
from tests.conftest import HOSTILE, TINY, submit_scenario, tiny_course

FULL = 5


def _correct_json():
    return json.loads((HOSTILE / "submitted-correct.ipynb").read_text())


def _write(course, student, content=None):
    folder = course.root / "submitted" / student / TINY
    folder.mkdir(parents=True)
    if content is not None:
        (folder / f"{TINY}.ipynb").write_text(content if isinstance(content, str) else json.dumps(content))
    return folder


def _with_grade_id(value):
    nb = _correct_json()
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "add":
            cell["metadata"]["nbgrader"]["grade_id"] = value
    return nb


def _many_cells(n):
    nb = _correct_json()
    nb["cells"] += [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [], "execution_count": None}] * n
    return nb


# student: (status, score, words the row's message must hold)
EXPECTED = {
    "honest": ("graded", FULL, ""),
    "grade-id-is-a-list": ("graded", FULL, ""),     # a list is no grade id: the cell is placed by its content
    "grade-id-is-a-dict": ("graded", FULL, ""),
    "nested-json": ("unreadable", 0, "nested too deeply"),
    "notebook-is-a-folder": ("unreadable", 0, "not a notebook file"),
    "links-to-the-source": ("unreadable", 0, "links are never followed"),
    "links-to-another-student": ("unreadable", 0, "links are never followed"),
    "hundred-thousand-cells": ("unreadable", 0, "100,009 cells"),
    "invalid-utf8": ("unreadable", 0, "not text"),
    "huge-file": ("unreadable", 0, "MiB"),
    "a-fifo-and-a-link-beside": ("graded", FULL, ""),  # refused files are named in the repairs, not read
    "timestamp-is-a-folder": ("graded", FULL, ""),
    "student\nwith-a-newline": ("unreadable", 0, "cannot be a student id"),
    "$\\undefinedcommand$": ("unreadable", 0, "cannot be a student id"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tiny_course(tmp_path_factory.mktemp("uploads") / "course")
    correct = (HOSTILE / "submitted-correct.ipynb").read_text()
    submit_scenario(course, "correct", "honest")
    _write(course, "grade-id-is-a-list", _with_grade_id(["add", "test_add"]))
    _write(course, "grade-id-is-a-dict", _with_grade_id({"id": "add"}))
    _write(course, "nested-json", '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (_write(course, "notebook-is-a-folder") / f"{TINY}.ipynb").mkdir()
    (_write(course, "links-to-the-source") / f"{TINY}.ipynb").symlink_to(course.source_notebook(TINY))
    (_write(course, "links-to-another-student") / f"{TINY}.ipynb").symlink_to(
        course.submitted_notebook("honest", TINY))
    _write(course, "hundred-thousand-cells", _many_cells(100_000))
    (_write(course, "invalid-utf8") / f"{TINY}.ipynb").write_bytes(b'{"cells": ["\xff\xfe\xfa"]}')
    with open(_write(course, "huge-file") / f"{TINY}.ipynb", "wb") as f:
        f.truncate(prepare.MAX_NOTEBOOK_BYTES + 1)  # sparse: the size is what is checked first
    beside = _write(course, "a-fifo-and-a-link-beside", correct)
    os.mkfifo(beside / "pipe.txt")  # reading it would block the coordinator forever
    (beside / "gradebook.txt").symlink_to(course.db_path)
    (_write(course, "timestamp-is-a-folder", correct) / "timestamp.txt").mkdir()
    _write(course, "student\nwith-a-newline", correct)
    _write(course, "$\\undefinedcommand$", correct)
    start = time.monotonic()
    results = {r.student: r for r in grade_batch(course, TINY, workers=2, progress=False)}
    return course, results, time.monotonic() - start


@pytest.mark.e2e
@pytest.mark.parametrize("student", list(EXPECTED))
def test_each_upload_gets_its_own_row(graded, student):
    _, results, _ = graded
    status, score, words = EXPECTED[student]
    r = results[student]
    assert (r.status, r.auto) == (status, score), r.message
    assert words in r.message, r.message
    assert r.max_auto == FULL


@pytest.mark.e2e
def test_bad_uploads_are_refused_in_seconds(graded):
    _, results, _ = graded
    for student in ("hundred-thousand-cells", "nested-json", "huge-file"):
        assert results[student].seconds < 10, (student, results[student].seconds)


@pytest.mark.e2e
def test_refused_files_are_named_and_never_read(graded):
    course, results, _ = graded
    repairs = " ".join(results["a-fifo-and-a-link-beside"].repairs)
    assert "pipe.txt" in repairs and "gradebook.txt" in repairs and "never followed" in repairs
    graded_folder = course.autograded_notebook("a-fifo-and-a-link-beside", TINY).parent
    assert not (graded_folder / "pipe.txt").exists() and not os.path.lexists(graded_folder / "gradebook.txt")


@pytest.mark.e2e
def test_no_source_reaches_a_linking_student(graded):
    course, _, _ = graded
    assert not course.autograded_notebook("links-to-the-source", TINY).exists()


@pytest.mark.e2e
def test_the_csv_has_every_row(graded):
    course, results, _ = graded
    path = write_csv(course, TINY, list(results.values()))
    rows = {row["student_id"]: row for row in csv.DictReader(open(path, newline=""))}
    assert set(rows) == set(EXPECTED)
    assert rows["student\nwith-a-newline"]["status"] == "unreadable"


def test_the_student_id_rule():
    for good in ("alice", "a.b-c_d", "s1234567", "jo+tag@uni.edu"):
        assert prepare.student_id_problem(good) is None
    for bad in ("", ".hidden", "-rf", "a b", "a\nb", "$x$", "a/b", "é", "x" * 101):
        assert prepare.student_id_problem(bad), bad


@pytest.mark.e2e
def test_a_worker_that_dies_costs_only_its_job(tmp_path, monkeypatch):
    """A job that kills the worker running it is retried, then gets a `failed` row."""
    course = tiny_course(tmp_path / "course")
    for student in ("honest", "doomed"):
        submit_scenario(course, "correct", student)
    make_job = prepare.make_job

    def sabotaged(course, ps_id, student, *args, **kwargs):
        job = make_job(course, ps_id, student, *args, **kwargs)
        if student == "doomed":
            job.limits = _KillsTheWorker()
        return job

    monkeypatch.setattr(prepare, "make_job", sabotaged)
    results = {r.student: r for r in grade_batch(course, TINY, workers=2, progress=False)}
    assert (results["honest"].status, results["honest"].auto) == ("graded", FULL)
    assert results["doomed"].status == "failed" and "failed twice" in results["doomed"].message


class _KillsTheWorker:
    """Limits whose first use, in the worker's run_job, ends the worker's process."""

    @property
    def on_worker(self):
        os._exit(3)


@pytest.mark.e2e
def test_report_and_feedback_work_for_the_whole_class(graded):
    """`grader report` draws every row (an id like `$\\undefinedcommand$` is not maths), and
    nbgrader's feedback runs for every student the gradebook holds: odd ids never reach it."""
    import html

    from grader.course import run_nbgrader
    from grader.report import write_report

    course, results, _ = graded
    write_csv(course, TINY, list(results.values()))
    page = write_report(course, TINY).read_text()
    assert "$\\undefinedcommand$" in html.unescape(page)
    proc = run_nbgrader(course, ["generate_feedback", TINY, "--force"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    graded_ids = [s for s, r in results.items() if r.status == "graded"]
    assert all(course.feedback_html(s, TINY).exists() for s in graded_ids)


@pytest.mark.e2e
def test_the_gradebook_and_the_export_hold_only_graded_submissions(graded):
    """The CSV has a row for every upload; the gradebook, and so `grader export`, only the graded
    ones: an unreadable upload leaves no zero that an LMS import would write over a grade."""
    from grader.cli import main

    course, results, _ = graded
    assert main(["--root", str(course.root), "export", "--to", "grades/lms.csv"]) == 0
    with open(course.root / "grades" / "lms.csv", newline="") as f:
        exported = {row["student_id"]: row[TINY] for row in csv.DictReader(f) if row["student_id"] != "Points Possible"}
    assert exported == {s: f"{r.auto:g}" for s, r in results.items() if r.status == "graded"}
