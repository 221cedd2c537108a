"""The engine on a real Dask cluster, and batches that are interrupted and resumed."""

import json
import os
import signal
import sqlite3
import socket
import subprocess
import sys
import time

import psutil
import pytest

from grader import sandbox
from grader.autograde import default_limits, grade_batch
from grader.gradebook import submission_scores
from tests.conftest import TINY, started_by_another_test_worker, submit_scenario, tiny_course

SCENARIOS = ["correct", "blank", "wrong-mean-square", "metadata-stripped"]
SCORES = {"correct": 5, "blank": 0, "wrong-mean-square": 3, "metadata-stripped": 5}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two workers started with the `dask` command: one declares a GPU."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    dask = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                      "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for name, extra in (("cpu-worker", []), ("gpu-worker", ["--resources", "GPU=1"])):
        procs.append(subprocess.Popen(dask + ["worker", address, "--name", name, "--nthreads", "1",
                                              "--no-dashboard", "--memory-limit", "0", *extra],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from dask.distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    yield address
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


@pytest.mark.e2e
def test_existing_cluster_and_gpu_resources(tmp_path, cluster):
    course = tiny_course(tmp_path / "course")
    for scenario in SCENARIOS:
        submit_scenario(course, scenario)
    results = grade_batch(course, TINY, SCENARIOS, scheduler=cluster, progress=False)
    assert {r.student: r.auto for r in results} == SCORES
    assert {r.worker for r in results} <= {"cpu-worker", "gpu-worker"} and all(r.worker for r in results)
    on_gpu = grade_batch(course, TINY, SCENARIOS, scheduler=cluster, gpu=True, force=True, progress=False)
    assert {r.student: r.auto for r in on_gpu} == SCORES
    assert {r.worker for r in on_gpu} == {"gpu-worker"}, "jobs that need a GPU ran on a worker without one"


BATCH = """
import sys
from grader.autograde import default_limits, grade_batch
from grader.course import Course
course = Course(sys.argv[1])
# The same limits as the resumed batch below: limits are part of the resume key (grader/prepare.py).
grade_batch(course, "tiny", sys.argv[2:], workers=1, limits=default_limits(course, 2), progress=False)
"""


@pytest.mark.e2e
def test_a_killed_batch_resumes_without_regrading_or_duplicating(tmp_path):
    course = tiny_course(tmp_path / "course")
    students = [f"s{i}-{scenario}" for i, scenario in enumerate(SCENARIOS * 2)]
    for student in students:
        submit_scenario(course, student.split("-", 1)[1], student)
    records = course.root / "grades" / ".results" / TINY
    proc = subprocess.Popen([sys.executable, "-c", BATCH, str(course.root), *students], start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(records.glob("*.json"))) < 3 and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # as Ctrl-C or a lost machine would, mid-batch
    proc.wait()
    finished = {p.stem: json.loads(p.read_text())["result"]["seconds"] for p in records.glob("*.json")}
    assert 3 <= len(finished) < len(students), "the batch was not interrupted midway"

    results = grade_batch(course, TINY, students, workers=2, limits=default_limits(course, 2), progress=False)
    by_student = {r.student: r for r in results}
    for student, seconds in finished.items():
        assert by_student[student].seconds == seconds, f"{student} was graded again"
    for student in students:
        assert by_student[student].status == "graded"
        assert by_student[student].auto == SCORES[student.split("-", 1)[1]]
        assert submission_scores(course, TINY, student)["auto"] == SCORES[student.split("-", 1)[1]]
    rows = sqlite3.connect(course.db_path).execute(
        "SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id").fetchall()
    assert sorted(rows) == sorted((s, 1) for s in students), "a grade was lost or duplicated"
    # No sandbox of the killed batch is left running (grade_batch reaps orphans: sandbox.orphans).
    left = [p.info["pid"] for p in psutil.process_iter(["pid", "cmdline"])
            if sandbox.INNER in " ".join(p.info["cmdline"] or [])
            and not started_by_another_test_worker(p.info["pid"])]
    assert not left, f"sandboxes outlived the killed batch: {left}"
