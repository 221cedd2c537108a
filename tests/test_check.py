"""`grader check`: the judge's rules, and the real gate on every problem set (end to end)."""

import pytest

from grader.autograde import Result
from grader.check import check, format_verdicts, judge
from grader.submissions import WrongSolution

POINTS = {"test_a": 2.0, "test_b": 3.0}


def graded(student, tests):
    return Result(student, "graded", auto=sum(tests.values()), max_auto=5.0, tests=tests)


def results(**overrides):
    base = {
        "solution": graded("solution", {"test_a": 2.0, "test_b": 3.0}),
        "solution-again": graded("solution-again", {"test_a": 2.0, "test_b": 3.0}),
        "blank": graded("blank", {"test_a": 0.0, "test_b": 0.0}),
        "wrong-w": graded("wrong-w", {"test_a": 0.0, "test_b": 3.0}),
    }
    base.update(overrides)
    return base


WRONG = [WrongSolution("w", "a is wrong", {}, must_lose=["test_a"], must_keep=["test_b"])]


def verdict(verdicts, name):
    return next(v for v in verdicts if v.submission == name)


def test_all_expectations_met():
    assert all(v.ok for v in judge(results(), POINTS, WRONG))


def test_solution_that_loses_a_test_fails_the_gate():
    v = verdict(judge(results(solution=graded("solution", {"test_a": 2.0, "test_b": 0.0})), POINTS, WRONG), "solution")
    assert not v.ok and "test_b" in v.detail


def test_nondeterministic_solution_fails_the_gate():
    again = graded("solution-again", {"test_a": 0.0, "test_b": 3.0})
    assert not verdict(judge(results(**{"solution-again": again}), POINTS, WRONG), "solution-again").ok


def test_blank_with_points_fails_the_gate():
    blank = graded("blank", {"test_a": 2.0, "test_b": 0.0})
    assert not verdict(judge(results(blank=blank), POINTS, WRONG), "blank").ok


def test_wrong_solution_that_keeps_its_must_lose_points_fails_the_gate():
    w = graded("wrong-w", {"test_a": 2.0, "test_b": 0.0})
    v = verdict(judge(results(**{"wrong-w": w}), POINTS, WRONG), "wrong-w")
    assert not v.ok and "kept the points of ['test_a']" in v.detail and "lost the points of ['test_b']" in v.detail


def test_ungraded_submission_fails_the_gate():
    failed = Result("solution", "failed", "kernel died")
    assert "kernel died" in verdict(judge(results(solution=failed), POINTS, WRONG), "solution").detail


def test_no_wrong_solutions_fails_the_gate():
    assert not all(v.ok for v in judge(results(), POINTS, []))


@pytest.fixture(scope="module")
def ps3_verdicts(repo_course):
    verdicts = check(repo_course, "ps3_conv1d_numpy", progress=False)
    print(format_verdicts("ps3_conv1d_numpy", verdicts))
    return {v.submission: v for v in verdicts}


@pytest.mark.e2e
@pytest.mark.parametrize("submission", [
    "release", "solution", "solution-again", "blank",
    "wrong-out-width-true-division", "wrong-forward-flipped-kernel", "wrong-backward-dx-ignores-stride",
    "wrong-backward-averaged-over-batch", "wrong-backward-overwrites-overlaps", "wrong-gradcheck-one-sided",
    "wrong-fast-is-still-loops", "wrong-softmax-without-max-shift", "wrong-softmax-gradient-wrong-sign",
])
def test_ps3_gate(ps3_verdicts, submission):
    v = ps3_verdicts[submission]
    assert v.ok, f"{v.submission}: expected {v.expectation}; got {v.detail}"
