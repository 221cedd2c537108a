"""`grader check`: the judge's rules, and the real gate on every problem set (end to end)."""

import pytest

from grader import notebooks
from grader.autograde import Result
from grader.check import check, format_verdicts, judge, wrong_solutions
from grader.check import gate as gate_verdicts
from grader.course import REPO_ROOT, Course
from grader.submissions import WrongSolution
from tests.conftest import TINY, require_sandbox, results_from_csv, tiny_course

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
        wrongs = wrong_solutions(course, ps)
        for name in ["release", "judge", "vacuous", "solution", "solution-again", "blank"] + [f"wrong-{w.name}" for w in wrongs]:
            yield pytest.param(ps, name, id=f"{ps}/{name}")


@pytest.fixture(scope="session")
def gate(demo_runs, solution_again):
    """The gate's verdicts for each problem set, on first use, without grading the roster again:
    the solution, the blank release and every wrong solution are the session's demo class
    (tests/conftest.py's demo_runs: demo-perfect, demo-blank, demo-<wrong solution>), read back
    from the grades CSV the demo published. "solution-again" is the source notebook itself,
    graded in a course of its own (conftest's solution_again): it must score exactly what
    demo-perfect scored, test by test. `check()` itself, which grades its own roster, runs end to
    end on tiny below."""
    demo_course, first, _, _ = demo_runs
    cache = {}

    def verdicts(ps_id):
        if ps_id not in cache:
            graded = results_from_csv(first[ps_id])
            wrongs = wrong_solutions(Course(REPO_ROOT), ps_id)
            results = {"solution": graded["demo-perfect"], "blank": graded["demo-blank"],
                       **{f"wrong-{w.name}": graded[f"demo-{w.name}"] for w in wrongs}}
            results["solution-again"] = results_from_csv(solution_again(ps_id))["solution-again"]
            found = gate_verdicts(demo_course, ps_id, results, wrongs)
            print(format_verdicts(ps_id, found))
            cache[ps_id] = {v.submission: v for v in found}
        return cache[ps_id]
    return verdicts


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id, submission", list(gate_cases()))
def test_gate(gate, ps_id, submission):
    v = gate(ps_id)[submission]
    assert v.ok, f"{ps_id} {v.submission}: expected {v.expectation}; got {v.detail}"


TINY_WRONG = """# Wrong solution: add subtracts
# must-lose: test_add, test_together
# must-keep: test_mean_square
# %% add
return a - b
"""


@pytest.mark.e2e
def test_check_grades_its_own_roster_end_to_end(tmp_path):
    """`check()` as `grader check` runs it: a throwaway copy, its own roster, its own grading, on
    the fixture problem set tiny with one wrong solution. Catches a check that reads its wrong
    solutions from the copy (which has none), or grades without them."""
    require_sandbox()
    course = tiny_course(tmp_path / "course", generate=False)
    source = notebooks.read(course.source_notebook(TINY))  # the fixture leaves its written answer blank
    next(c for c in source.cells if notebooks.grade_id(c) == "why").source = "A mean of squares: each term is >= 0."
    notebooks.write(source, course.source_notebook(TINY))
    (course.root / "tests" / "wrong_solutions" / TINY).mkdir(parents=True)
    (course.root / "tests" / "wrong_solutions" / TINY / "add-subtracts.py").write_text(TINY_WRONG)
    found = {v.submission: v for v in check(course, TINY, progress=False)}
    assert set(found) == {"release", "judge", "vacuous", "solution", "solution-again", "blank", "wrong-add-subtracts"}
    assert all(v.ok for v in found.values()), format_verdicts(TINY, list(found.values()))
    assert found["wrong-add-subtracts"].detail.startswith("2/5"), found["wrong-add-subtracts"].detail


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
