"""Batch autograding goes on past broken submissions and records a fair score for each."""

import csv
import shutil

import nbformat
import pytest

from grader import notebooks, release, submissions
from grader.autograde import Result, format_table, grade_batch, write_csv
from tests.conftest import PS3


def test_unreadable_reasons(tmp_path, repo_course):
    from grader.course import Course
    from grader.prepare import Unreadable, load

    course = Course(tmp_path)
    release_nb = notebooks.read(repo_course.release_notebook(PS3))
    folder = course.submitted_notebook("s", PS3).parent

    def reason(name=f"{PS3}.ipynb", data=None):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if data is not None:
            (folder / name).write_bytes(data)
        with pytest.raises(Unreadable) as error:
            load(course, PS3, "s", release_nb)
        return str(error.value)

    assert "no notebook named" in reason()
    assert "not text" in reason(data=b"\xff\xfe\x00garbage")
    assert "not valid JSON" in reason(data=b'{"cells": [')
    assert "not a Jupyter notebook" in reason(data=b"[1, 2, 3]")
    other = notebooks.read(repo_course.release_notebook("ps4_analytic"))
    assert "not this problem set's notebook" in reason(data=nbformat.writes(other).encode())
    stripped = notebooks.read(repo_course.release_notebook(PS3))
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    notebooks.write(stripped, folder / f"{PS3}.ipynb")
    fixed, notes = load(course, PS3, "s", release_nb)
    assert "metadata restored" in fixed.log[0] and not fixed.unplaced and not notes


def test_format_table_shows_every_student():
    table = format_table([
        Result("alice", "graded", "", 12.0, 33, 33, 2, {}),
        Result("bob", "unreadable", "the notebook file is not valid JSON", 0.0, 0, 33),
    ])
    assert "alice" in table and "33/33" in table and "+2 pts to grade by hand" in table
    assert "bob" in table and "0/33" in table and "not valid JSON" in table


HANGING_GRADIENT = """
while True:  # a student's infinite loop
    pass
"""


@pytest.mark.e2e
def test_batch_survives_damaged_and_hanging_submissions(fresh_course):
    course = fresh_course
    # A short cell timeout for this test only, so that the hanging cells are cut off quickly.
    with open(course.root / "nbgrader_config.py", "a") as f:
        f.write("\nc.Execute.timeout = 8\n")
    release.generate(course, PS3)
    source_nb = notebooks.read(course.source_notebook(PS3))
    release_nb = notebooks.read(course.release_notebook(PS3))
    perfect = submissions.perfect(source_nb, release_nb)
    submissions.write_submission(course, "alice", PS3, perfect)
    submissions.write_damaged_submission(course, "bob", PS3, perfect)
    hanging = notebooks.filled_release(release_nb, source_nb, {("numerical_gradient", 1): HANGING_GRADIENT})
    submissions.write_submission(course, "carol", PS3, hanging)

    results = {r.student: r for r in grade_batch(course, PS3, progress=False)}

    assert list(results) == ["alice", "bob", "carol"]
    assert results["alice"].status == "graded" and results["alice"].auto == 33
    assert results["bob"].status == "unreadable" and results["bob"].auto == 0
    assert "not valid JSON" in results["bob"].message
    carol = results["carol"]
    assert carol.status == "graded", carol.message
    assert carol.tests["test_numerical_gradient"] == 0, "the hanging test cell earns nothing"
    assert carol.auto == 33 - 3, "only the hanging function's points are lost"

    path = write_csv(course, PS3, list(results.values()))
    rows = {row["student_id"]: row for row in csv.DictReader(open(path))}
    assert rows["alice"]["autograded_score"] == "33" and rows["alice"]["autograded_max"] == "33"
    assert rows["bob"]["status"] == "unreadable" and rows["bob"]["autograded_score"] == "0"
    assert rows["carol"]["test_numerical_gradient"] == "0" and rows["carol"]["test_forward"] == "6"
    assert (course.autograded_notebook("alice", PS3)).exists()


@pytest.mark.e2e
def test_notebook_past_its_time_limit_is_stopped(fresh_course):
    from grader.autograde import default_limits

    course = fresh_course
    release.generate(course, PS3)
    source_nb = notebooks.read(course.source_notebook(PS3))
    release_nb = notebooks.read(course.release_notebook(PS3))
    submissions.write_submission(course, "erin", PS3, submissions.perfect(source_nb, release_nb))
    limits = default_limits(course, 1)
    limits.notebook_timeout_s = 6
    (result,) = grade_batch(course, PS3, ["erin"], limits=limits, progress=False)
    assert result.status == "timeout" and "longer than 6 s" in result.message
    assert result.auto < 33, "the tests that never ran earn nothing"
    graded = notebooks.read(course.autograded_notebook("erin", PS3))
    assert notebooks.cells_by_grade_id(graded)["test_cnn_accuracy"].outputs[0].ename == "GraderCellNotRun"


def test_kill_tree_reaches_descendants_in_their_own_session():
    """A grandchild in a new session (as nbgrader starts kernels) survives a plain kill of its parent."""
    import subprocess
    import sys
    import time

    import psutil

    from grader.course import kill_tree

    parent = subprocess.Popen([sys.executable, "-c",
                               "import subprocess, time\n"
                               "subprocess.Popen(['sleep', '120'], start_new_session=True)\n"
                               "time.sleep(120)"])
    deadline = time.monotonic() + 10
    while not psutil.Process(parent.pid).children() and time.monotonic() < deadline:
        time.sleep(0.05)
    (grandchild,) = psutil.Process(parent.pid).children()
    kill_tree(parent.pid)
    parent.wait(timeout=10)
    assert not grandchild.is_running() or grandchild.status() == psutil.STATUS_ZOMBIE


@pytest.mark.e2e
def test_late_penalties_follow_the_course_settings(tmp_path):
    """grader autograde applies the late-submission plugin of nbgrader_config.py, as `nbgrader
    autograde` does; the CSV, the gradebook and `grader export` agree on the penalty."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    from grader.cli import main
    from grader.gradebook import course_id
    from tests.conftest import TINY, submit_scenario, tiny_course

    course = tiny_course(tmp_path / "course", extra_config='\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(course.db_url, course_id(course)) as gb:
        gb.update_or_create_assignment(TINY, duedate=parse_utc("2026-03-01 12:00:00 UTC"))
    for student, stamp in [("punctual", "2026-03-01 11:59:00 UTC"), ("late", "2026-03-01 12:05:00 UTC")]:
        submit_scenario(course, "correct", student)
        (course.submitted_notebook(student, TINY).parent / "timestamp.txt").write_text(stamp)
    results = {r.student: r for r in grade_batch(course, TINY, workers=1, progress=False)}
    assert (results["punctual"].auto, results["punctual"].late_penalty) == (5, 0)
    assert (results["late"].auto, results["late"].late_penalty) == (5, 5) and "late" in results["late"].message
    rows = {r["student_id"]: r for r in csv.DictReader(open(write_csv(course, TINY, list(results.values()))))}
    assert rows["late"]["late_penalty"] == "5" and rows["punctual"]["late_penalty"] == "0"
    assert main(["--root", str(course.root), "export", "--to", "grades/lms.csv"]) == 0
    exported = {r["student_id"]: r for r in csv.DictReader(open(course.root / "grades" / "lms.csv"))}
    assert exported["late"][TINY] == "0" and exported["punctual"][TINY] == "5"


@pytest.mark.e2e
def test_the_resume_key_covers_every_input_of_a_grade(tmp_path):
    from dataclasses import replace

    from grader.execute import Limits
    from grader.prepare import submission_key
    from tests.conftest import TINY, submit_scenario, tiny_course

    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct", "s")
    limits = Limits()
    key = submission_key(course, TINY, "s", False, limits)
    assert key == submission_key(course, TINY, "s", False, Limits())
    changed = [submission_key(course, TINY, "s", True, limits),
               submission_key(course, TINY, "s", False, replace(limits, memory_bytes=2**30)),
               submission_key(course, TINY, "s", False, replace(limits, disk_bytes=2**29)),
               submission_key(course, TINY, "s", False, limits, data_dir="/data")]
    (course.source_notebook(TINY).parent / "weights.npy").write_bytes(b"instructor's side file")
    changed.append(submission_key(course, TINY, "s", False, limits))
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.Execute.timeout = 7\n")
    changed.append(submission_key(course, TINY, "s", False, limits))
    import grader.prepare
    version = grader.prepare.__version__
    grader.prepare.__version__ = version + ".next"
    try:
        changed.append(submission_key(course, TINY, "s", False, limits))
    finally:
        grader.prepare.__version__ = version
    assert len({key, *changed}) == len(changed) + 1


def test_gpu_without_a_scheduler_needs_a_local_gpu(tmp_path, monkeypatch):
    from tests.conftest import TINY, submit_scenario, tiny_course

    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi
    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct")
    with pytest.raises(SystemExit, match="no GPU.*--scheduler"):
        grade_batch(course, TINY, workers=2, gpu=True, progress=False)


@pytest.mark.e2e
def test_gpu_on_the_local_cluster_declares_the_machines_gpus(tmp_path, monkeypatch):
    """--gpu without --scheduler: one local worker per GPU, each declaring it (before, the jobs
    waited forever for a GPU resource that no local worker had)."""
    import os

    from tests.conftest import TINY, submit_scenario, tiny_course

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'GPU 0: Fake GPU (UUID: GPU-0)'\necho 'GPU 1: Fake GPU (UUID: GPU-1)'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    course = tiny_course(tmp_path / "course")
    for student in ("a", "b", "c"):
        submit_scenario(course, "correct", student)
    results = grade_batch(course, TINY, workers=4, gpu=True, progress=False)
    assert [(r.status, r.auto) for r in results] == [("graded", 5)] * 3, [r.message for r in results]
    assert {r.worker for r in results} <= {"0", "1"}


def test_limits_on_a_cluster_worker_are_that_machines_share():
    import os

    import psutil

    from grader.execute import Limits, limits_here

    local = Limits(memory_bytes=2**40, threads=7)
    assert limits_here(local) is local  # the coordinator's machine: set there
    here = limits_here(Limits(memory_bytes=2**40, threads=7, on_worker=True))
    assert here.memory_bytes == int(psutil.virtual_memory().total * 0.8) and here.threads == (os.cpu_count() or 1)
    assert not here.on_worker
