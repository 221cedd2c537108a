"""Shared fixtures. End-to-end tests work on throwaway copies of the course directory."""

import shutil

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
