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
