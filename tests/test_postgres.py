"""Several graders sharing one PostgreSQL gradebook (docs/grading.md, "Parallel and distributed").

A throwaway PostgreSQL server is started for the test from the machine's Debian packages
(.ci/run installs `postgresql`); the test is skipped where there is none. Two coordinators, each
in its own course directory (as two graders on two machines would be), grade disjoint halves of
a class at the same time into the one gradebook.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.conftest import TINY, submit_scenario, tiny_course

SCORES = {"correct": 5, "blank": 0, "wrong-mean-square": 3, "metadata-stripped": 5}


def _pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _as_postgres(args, **kwargs):
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture
def postgres(tmp_path):
    pg_bin = _pg_bin()
    if pg_bin is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("no PostgreSQL server on this machine (Debian package postgresql)")
    # Outside pytest's tmp_path, whose parents only root may enter.
    data = Path(tempfile.mkdtemp(prefix="dlcourse-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _as_postgres([f"{pg_bin}/initdb", "-D", str(data), "-U", "grader", "--auth=trust"])
    _as_postgres([f"{pg_bin}/pg_ctl", "-D", str(data), "-w", "-l", str(data / "log"), "-o",
                  f"-p {port} -c listen_addresses=127.0.0.1 -k {data}", "start"])
    try:
        _as_postgres([f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "dlcourse"])
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/dlcourse"
    finally:
        _as_postgres([f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(data, ignore_errors=True)


GRADER = """
import sys
from grader.autograde import grade_batch
from grader.course import Course
results = grade_batch(Course(sys.argv[1]), "tiny", sys.argv[2:], workers=1, progress=False)
print({r.student: r.auto for r in results})
"""


@pytest.mark.e2e
def test_two_graders_share_one_postgresql_gradebook(tmp_path, postgres):
    config_line = f'\nc.CourseDirectory.db_url = "{postgres}"\n'
    # The first grader releases tiny into the shared gradebook; the second only needs the files.
    first = tiny_course(tmp_path / "first", extra_config=config_line)
    second = tiny_course(tmp_path / "second", extra_config=config_line, generate=False)
    shutil.copytree(first.root / "release", second.root / "release")
    halves = {first: ["correct", "blank"], second: ["wrong-mean-square", "metadata-stripped"]}
    for course, students in halves.items():
        for student in students:
            submit_scenario(course, student)
    procs = [subprocess.Popen([sys.executable, "-c", GRADER, str(course.root), *students],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for course, students in halves.items()]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), outputs

    from grader.gradebook import submission_scores

    for student, score in SCORES.items():
        assert submission_scores(first, TINY, student)["auto"] == score, textwrap.shorten(str(outputs), 500)
    assert not (first.root / "gradebook.db").exists() and not (second.root / "gradebook.db").exists()
