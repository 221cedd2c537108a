"""Where root may not create namespaces (some containers, possibly Colab's), grading still works."""

import ctypes
import os
import sys

import pytest

from grader import sandbox
from grader.autograde import default_limits, grade_batch
from tests.conftest import TINY, submit_scenario, tiny_course


class RefusingLibc:
    """The C library of a machine whose seccomp filter or missing capability refuses unshare()."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def unshare(self, flags):
        ctypes.set_errno(1)  # EPERM
        return -1


@pytest.fixture
def refusing_machine(monkeypatch):
    if not (sys.platform.startswith("linux") and os.geteuid() == 0):
        pytest.skip("the probe runs only as root on Linux")
    monkeypatch.setattr(sandbox, "_libc", RefusingLibc(sandbox._libc))
    sandbox.can_isolate.cache_clear()
    yield
    sandbox.can_isolate.cache_clear()


def test_the_probe_finds_that_namespaces_are_refused(refusing_machine):
    assert sandbox.can_isolate() is False
    assert "does not let root create namespaces" in sandbox.isolation()


@pytest.mark.e2e
def test_grading_falls_back_to_rlimits_instead_of_failing(refusing_machine, tmp_path):
    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct")
    limits = default_limits(course, 1)
    (result,) = grade_batch(course, TINY, ["correct"], workers=1, limits=limits, progress=False)
    assert (result.status, result.auto) == ("graded", 5), result.message
    assert result.isolation.startswith("rlimits only")
