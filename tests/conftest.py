"""Shared fixtures. End-to-end tests work on throwaway copies of the course directory."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.course import REPO_ROOT, Course, copy_course_skeleton

PS3 = "ps3_conv1d_numpy"


@pytest.fixture(scope="session")
def repo_course():
    return Course(REPO_ROOT)


def course_copy(tmp_path, ps_ids=(PS3,), wrong_solutions=True):
    """A fresh course directory with the config, the given sources and their wrong solutions."""
    course = copy_course_skeleton(Course(REPO_ROOT), tmp_path / "course", ps_ids)
    if wrong_solutions:
        for ps in ps_ids:
            src = REPO_ROOT / "tests" / "wrong_solutions" / ps
            if src.is_dir():
                shutil.copytree(src, course.root / "tests" / "wrong_solutions" / ps)
    return course


@pytest.fixture
def fresh_course(tmp_path):
    return course_copy(tmp_path)


# The fixture problem set of the grading-engine tests (tests/fixtures/hostile/build.py).
TINY = "tiny"
HOSTILE = REPO_ROOT / "tests" / "fixtures" / "hostile"


def tiny_course(root, extra_config="", generate=True):
    """A released course holding only the fixture problem set tiny (5 autograded points)."""
    from grader import release

    course = Course(root)
    (course.root / "source" / TINY).mkdir(parents=True)
    (course.root / "nbgrader_config.py").write_text((REPO_ROOT / "nbgrader_config.py").read_text() + extra_config)
    shutil.copy(HOSTILE / "source" / TINY / f"{TINY}.ipynb", course.source_notebook(TINY))
    if generate:
        release.generate(course, TINY)
    return course


def submit_scenario(course, scenario, student=None):
    """Copies tests/fixtures/hostile/submitted-<scenario>(.ipynb) in as a student's submission."""
    folder = course.root / "submitted" / (student or scenario) / TINY
    folder.mkdir(parents=True)
    single = HOSTILE / f"submitted-{scenario}.ipynb"
    if single.exists():
        shutil.copy(single, folder / f"{TINY}.ipynb")
    else:  # a folder holding a notebook under another name
        for path in (HOSTILE / f"submitted-{scenario}").iterdir():
            shutil.copy(path, folder / path.name)


def require_sandbox():
    """Skips a test that needs bubblewrap's sandbox where there is none, saying why; CI sets
    GRADER_REQUIRE_SANDBOX=1, and there a missing sandbox fails the test instead."""
    import os

    from grader import sandbox

    problem = sandbox.isolation_problem()
    if problem and os.environ.get("GRADER_REQUIRE_SANDBOX"):
        pytest.fail(f"GRADER_REQUIRE_SANDBOX is set, but: {problem}")
    if problem:
        pytest.skip(f"no sandbox on this machine: {problem}")


# --- the session's one grading of every problem set's class --------------------------------------

@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """`grader demo` run twice in one fresh copy of the course, once per test session.

    This is the session's one grading of each problem set's roster (the instructor's solution,
    the blank release, every wrong solution, a damaged upload): tests/test_demo.py checks the
    demo from it, and tests/test_check.py gives the gate its verdicts from the same results.
    Returns (course, first CSVs, second CSVs, the first run's output); CSVs: {ps_id: text}.
    """
    import contextlib
    import io

    from grader.demo import demo

    problem_sets = Course(REPO_ROOT).existing_problem_sets()
    course = course_copy(tmp_path_factory.mktemp("demo"), problem_sets)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        first_status = demo(course, progress=False)
    first = {ps: course.grades_csv(ps).read_text() for ps in problem_sets}
    second_status = demo(course, progress=False)
    second = {ps: course.grades_csv(ps).read_text() for ps in problem_sets}
    assert first_status == 0 and second_status == 0, out.getvalue()
    return course, first, second, out.getvalue()


@dataclass
class GateRoster:
    """What the gate grades apart from the demo class, for one problem set (see gate_roster)."""
    csv: str          # the grades CSV: rows solution-again and right-<name>
    course: Course    # where they were graded (their autograded notebooks hold the failure messages)
    judge: list       # grader.check.judge_checks' Verdicts, the solution's replies replayed damaged


@pytest.fixture(scope="session")
def gate_roster(tmp_path_factory):
    """gate_roster(ps_id) -> GateRoster: the part of `grader check` that the demo's class does not
    cover, done once per problem set. The source notebook ("solution-again", the determinism
    check: it must score exactly what the demo's perfect student scored, test by test) and every
    right solution are graded in a course of their own, the source notebook's replies to the judge
    recorded; then the judge's checks run (grader.check.judge_checks: flat answers, and those
    replies damaged). Shared by the test processes of a parallel run: the first to ask does the
    work under a file lock, the others read its result. tests/test_check_again.py asks early, in
    the process that does not run the demo, so the demo's process (the longest) only reads it."""
    import fcntl
    import json
    from dataclasses import asdict

    from grader import notebooks, release, submissions
    from grader.autograde import grade_batch, read_replies, write_csv
    from grader.check import Verdict, judge_checks, right_solutions

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base

    def get(ps_id):
        out = shared / f"gate-roster-{ps_id}.json"
        with open(shared / f"gate-roster-{ps_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not out.exists():
                course = course_copy(tmp_path_factory.mktemp(f"again-{ps_id}"), [ps_id], wrong_solutions=False)
                release.generate(course, ps_id)
                source_nb = notebooks.read(course.source_notebook(ps_id))
                release_nb = notebooks.read(course.release_notebook(ps_id))
                submissions.write_submission(course, "solution-again", ps_id, source_nb)
                rights = right_solutions(Course(REPO_ROOT), ps_id)
                for r in rights:
                    submissions.write_submission(course, f"right-{r.name}", ps_id,
                                                 submissions.variant(source_nb, release_nb, r))
                students = ["solution-again"] + [f"right-{r.name}" for r in rights]
                write_csv(course, ps_id, grade_batch(course, ps_id, students, smoke=True, progress=False,
                                                     record_replies=("solution-again",)))
                verdicts = judge_checks(source_nb, True, read_replies(course, ps_id, "solution-again"))
                out.write_text(json.dumps({"csv": course.grades_csv(ps_id).read_text(), "course": str(course.root),
                                           "judge": [asdict(v) for v in verdicts]}))
        data = json.loads(out.read_text())
        return GateRoster(data["csv"], Course(Path(data["course"])), [Verdict(**v) for v in data["judge"]])
    return get


def results_from_csv(text):
    """{student: Result} from a grades CSV (grader/autograde.py's write_csv): what the grader
    published, read back, with a test's points under its grade id."""
    import csv

    from grader.autograde import CSV_COLUMNS, Result

    results = {}
    for row in csv.DictReader(text.splitlines()):
        tests = {k: float(v) for k, v in row.items() if k not in CSV_COLUMNS}
        results[row["student_id"]] = Result(row["student_id"], row["status"], row["message"],
                                            auto=float(row["autograded_score"]), max_auto=float(row["autograded_max"]),
                                            tests=tests, visible_failures=row["visible_failures"].split())
    return results


def hidden_lines(source_nb):
    """Lines only the hidden test blocks hold (not also shown to students), long enough to be recognised."""
    from grader import notebooks

    hidden, public = set(), set()
    for cell in source_nb.cells:
        block = notebooks.hidden_source(cell.source) if cell.cell_type == "code" else None
        hidden |= {line.strip() for line in (block or "").split("\n") if len(line.strip()) >= 16}
        public |= {line.strip() for line in notebooks.visible_source(cell.source).split("\n")}
    return hidden - public


def page_text(markup):
    """What a reader of an HTML page sees: tags removed, entities decoded. Highlighted code is
    split into spans, so a search for code must look here, not in the markup."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# --- running the suite in parallel (pytest-xdist, `make test`) ------------------------------------
# Each test file runs whole in one worker process, so that a module's fixture (one grading of a
# class) is built once; test_check and test_demo share the session's demo run (demo_runs above) and
# run in one worker. The groups that take longest start first, so that no worker is left with a
# long group at the end. Without xdist none of this changes anything.
# (A scheduler of our own, not xdist's `loadgroup`: with pytest 9.2 and xdist 3.8 its group marks
# never reach the node ids, and every test was scheduled on its own: the demo ran in both workers.)
SHARED_GROUPS = {"test_check.py": "demo", "test_demo.py": "demo"}
# The longest groups of a full run on 2 cores, started first (the demo group: about 10 minutes).
FIRST = ["demo", "test_check_again.py", "test_hostile_submissions.py", "test_nbgrader_plain.py", "test_ps2_competition.py",
         "test_colab.py", "test_autograde.py", "test_distributed.py", "test_bad_uploads.py"]


if "PYTEST_XDIST_WORKER" in os.environ:
    # Two test processes on 2 cores already keep both busy: one thread each (and in everything they
    # start without choosing its own: kernels, nbclient runs). With OpenMP's default of one thread
    # per core, four busy-waiting threads share two cores, and a notebook run took 10x longer.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")


def _group(path):
    name = Path(path).name
    return SHARED_GROUPS.get(name, name)


def pytest_collection_modifyitems(config, items):
    rank = {group: k for k, group in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(_group(item.path), len(FIRST)))  # stable: file order kept within a group


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        """One work unit per group (a test file, or the demo's files), handed out in collection order."""

        def _split_scope(self, nodeid):
            return _group(nodeid.split("::", 1)[0])

    config.option.loadscopereorder = False  # keep FIRST's order, not "most tests first"
    return ByGroup(config, log)


def started_by_another_test_worker(pid):
    """True when process pid descends from another pytest-xdist worker of this run: a test that
    looks for processes its own grading left behind must not count a neighbour's running ones.
    A process left behind is reparented to init, away from every worker, and still counts."""
    import psutil

    if "PYTEST_XDIST_WORKER" not in os.environ:
        return False
    me = psutil.Process()
    try:
        others = {p.pid for p in me.parent().children() if p.pid != me.pid}
        return any(p.pid in others for p in psutil.Process(pid).parents())
    except psutil.Error:  # gone meanwhile: not left behind
        return True
