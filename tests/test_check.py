"""`grader check`: the judge's rules, and the real gate on every problem set (end to end)."""

import pytest

from grader.autograde import Result
from grader.check import check, format_verdicts, judge
from grader.course import REPO_ROOT, Course
from grader.submissions import WrongSolution, load_wrong_solutions, wrong_solutions_dir

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


def gate_cases():
    """(problem set, submission) for every verdict the gate gives, read from the shipped files."""
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        wrongs = load_wrong_solutions(wrong_solutions_dir(course, ps))
        for name in ["release", "judge", "vacuous", "solution", "solution-again", "blank"] + [f"wrong-{w.name}" for w in wrongs]:
            yield pytest.param(ps, name, id=f"{ps}/{name}")


@pytest.fixture(scope="module")
def gate():
    """Runs `grader check` once per problem set, on first use."""
    cache = {}

    def verdicts(ps_id):
        if ps_id not in cache:
            found = check(Course(REPO_ROOT), ps_id, progress=False)
            print(format_verdicts(ps_id, found))
            cache[ps_id] = {v.submission: v for v in found}
        return cache[ps_id]
    return verdicts


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id, submission", list(gate_cases()))
def test_gate(gate, ps_id, submission):
    v = gate(ps_id)[submission]
    assert v.ok, f"{ps_id} {v.submission}: expected {v.expectation}; got {v.detail}"


def test_a_hidden_test_that_checks_nothing_for_some_answers_fails_the_gate():
    from nbformat.v4 import new_code_cell, new_notebook

    from grader.check import judge_checks

    def cell(source, grade_id, points=None):
        return new_code_cell(source, metadata={"nbgrader": {"grade": points is not None, "grade_id": grade_id,
                                                            "locked": True, "points": points, "schema_version": 3,
                                                            "solution": False}})

    sound = "### BEGIN HIDDEN TESTS\nassert student.run(lambda: square(3)) == 9\n### END HIDDEN TESTS"
    vacuous = ("### BEGIN HIDDEN TESTS\ncases = [1, 2, 3]\n"
               "for case, got in zip(cases, student.run(lambda: [square(c) for c in cases])):\n"
               "    assert got == case * case\n### END HIDDEN TESTS")
    nb = new_notebook(cells=[cell("import numpy as np", "setup"), cell(sound, "test_sound", 1),
                             cell(vacuous, "test_vacuous", 1)])
    setup, empty = judge_checks(nb, smoke=True)
    assert setup.ok, setup.detail
    assert not empty.ok and "test_vacuous passes when every call answers []" in empty.detail
    assert "test_sound" not in empty.detail
