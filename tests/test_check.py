"""`grader check`: the judge's rules, and the real gate on every problem set (end to end)."""

import pytest

from grader import notebooks
from grader.autograde import Result
from grader.check import check, failure_messages, format_verdicts, right_solutions, wrong_solutions
from grader.check import gate as gate_verdicts
from grader.course import REPO_ROOT, Course
from grader.submissions import Variant
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
        "right-r": graded("right-r", {"test_a": 2.0, "test_b": 3.0}),
    }
    base["wrong-w"].visible_failures = ["test_a"]
    base.update(overrides)
    return base


WRONG = [Variant("w", "a is wrong", {}, must_lose=["test_a"], must_keep=["test_b"], visible_fails=["test_a"])]
RIGHT = [Variant("r", "a written another way", {}, right=True)]


def judge(results, points, wrongs, rights=RIGHT, messages=None):
    from grader.check import judge as judge_results

    return judge_results(results, points, wrongs, rights, messages)


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
    assert not v.ok and "kept the points of ['test_a']" in v.detail and "lost the points of [test_b]" in v.detail


def test_ungraded_submission_fails_the_gate():
    failed = Result("solution", "failed", "kernel died")
    assert "kernel died" in verdict(judge(results(solution=failed), POINTS, WRONG), "solution").detail


def test_no_wrong_solutions_fails_the_gate():
    assert not all(v.ok for v in judge(results(), POINTS, []))


def test_no_right_solutions_fails_the_gate():
    assert not verdict(judge(results(), POINTS, WRONG, rights=[]), "right-*").ok


def test_a_right_solution_that_loses_a_point_fails_the_gate_with_the_message():
    right = graded("right-r", {"test_a": 2.0, "test_b": 0.0})
    v = verdict(judge(results(**{"right-r": right}), POINTS, WRONG,
                      messages={"right-r": {"test_b": "AssertionError: b is off"}}), "right-r")
    assert not v.ok and "lost: test_b (AssertionError: b is off)" in v.detail


def test_a_wrong_solution_whose_bug_the_student_cannot_see_fails_the_gate():
    unseen = graded("wrong-w", {"test_a": 0.0, "test_b": 3.0})   # lost test_a in the hidden tests only
    v = verdict(judge(results(**{"wrong-w": unseen}), POINTS, WRONG), "wrong-w")
    assert not v.ok and "the student would not see the bug" in v.detail


def test_only_the_submissions_graded_get_verdicts():
    found = judge({"right-r": results()["right-r"]}, POINTS, [], RIGHT)
    assert [v.submission for v in found] == ["right-r"] and found[0].ok


def gate_cases():
    """(problem set, submission) for every verdict the gate gives, read from the shipped files."""
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        wrongs, rights = wrong_solutions(course, ps), right_solutions(course, ps)
        for name in (["release", "judge", "vacuous", "damaged", "solution", "solution-again", "blank"]
                     + [f"wrong-{w.name}" for w in wrongs] + [f"right-{r.name}" for r in rights]):
            yield pytest.param(ps, name, id=f"{ps}/{name}")


@pytest.fixture(scope="session")
def gate(demo_runs, gate_roster):
    """The gate's verdicts for each problem set, on first use, without grading the roster again:
    the solution, the blank release and every wrong solution are the session's demo class
    (tests/conftest.py's demo_runs: demo-perfect, demo-blank, demo-<wrong solution>), read back
    from the grades CSV the demo published. "solution-again" (the source notebook itself, which
    must score exactly what demo-perfect scored, test by test) and the right solutions were graded
    in a course of their own, and the judge's checks run on the solution's recorded replies
    (conftest's gate_roster). `check()` itself, which grades its own roster, runs end to end on
    tiny below."""
    demo_course, first, _, _ = demo_runs
    cache = {}

    def verdicts(ps_id):
        if ps_id not in cache:
            graded, roster = results_from_csv(first[ps_id]), gate_roster(ps_id)
            again = results_from_csv(roster.csv)
            wrongs, rights = wrong_solutions(Course(REPO_ROOT), ps_id), right_solutions(Course(REPO_ROOT), ps_id)
            demo_names = {"solution": "demo-perfect", "blank": "demo-blank",
                          **{f"wrong-{w.name}": f"demo-{w.name}" for w in wrongs}}
            results = {name: graded[student] for name, student in demo_names.items()}
            results.update({name: again[name] for name in ["solution-again"] + [f"right-{r.name}" for r in rights]})
            messages = {name: failure_messages(demo_course, ps_id, student) for name, student in demo_names.items()}
            messages.update({f"right-{r.name}": failure_messages(roster.course, ps_id, f"right-{r.name}") for r in rights})
            found = gate_verdicts(demo_course, ps_id, results, wrongs, rights, judge_side=False, messages=messages)
            found[1:1] = roster.judge
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
# visible-fails: test_add
# %% add
return a - b
"""

TINY_RIGHT = """# Right solution: NumPy's own functions, and the mean as a sum over the size
# %% add
return np.add(a, b)
# %% mean_square
x = np.asarray(x, dtype=float)
return float(np.sum(x * x) / x.size)
"""


@pytest.mark.e2e
def test_check_grades_its_own_roster_end_to_end(tmp_path):
    """`check()` as `grader check` runs it: a throwaway copy, its own roster, its own grading, on
    the fixture problem set tiny with one wrong and one right solution. Catches a check that reads
    its variants from the copy (which has none), grades without them, or does not record the
    solution's replies for the judge's checks."""
    require_sandbox()
    course = tiny_course(tmp_path / "course", generate=False)
    source = notebooks.read(course.source_notebook(TINY))  # the fixture leaves its written answer blank
    next(c for c in source.cells if notebooks.grade_id(c) == "why").source = "A mean of squares: each term is >= 0."
    notebooks.write(source, course.source_notebook(TINY))
    for kind, name, text in (("wrong", "add-subtracts", TINY_WRONG), ("right", "numpy-functions", TINY_RIGHT)):
        (course.root / "tests" / f"{kind}_solutions" / TINY).mkdir(parents=True)
        (course.root / "tests" / f"{kind}_solutions" / TINY / f"{name}.py").write_text(text)
    found = {v.submission: v for v in check(course, TINY, progress=False)}
    assert set(found) == {"release", "judge", "vacuous", "damaged", "solution", "solution-again", "blank",
                          "wrong-add-subtracts", "right-numpy-functions"}
    assert all(v.ok for v in found.values()), format_verdicts(TINY, list(found.values()))
    assert found["wrong-add-subtracts"].detail.startswith("2/5"), found["wrong-add-subtracts"].detail
    only = {v.submission: v for v in check(course, TINY, progress=False, only=["right-*"])}
    assert set(only) == {"release", "right-numpy-functions"} and only["right-numpy-functions"].ok


def _cell(source, grade_id, points=None):
    from nbformat.v4 import new_code_cell

    return new_code_cell(source, metadata={"nbgrader": {"grade": points is not None, "grade_id": grade_id,
                                                        "locked": True, "points": points, "schema_version": 3,
                                                        "solution": False}})


def test_a_hidden_test_that_checks_nothing_for_some_answers_fails_the_gate():
    from nbformat.v4 import new_notebook

    from grader.check import judge_checks

    sound = "### BEGIN HIDDEN TESTS\nassert student.run(lambda: square(3)) == 9\n### END HIDDEN TESTS"
    vacuous = ("### BEGIN HIDDEN TESTS\ncases = [1, 2, 3]\n"
               "for case, got in zip(cases, student.run(lambda: [square(c) for c in cases])):\n"
               "    assert got == case * case\n### END HIDDEN TESTS")
    nb = new_notebook(cells=[_cell("import numpy as np", "setup"), _cell(sound, "test_sound", 1),
                             _cell(vacuous, "test_vacuous", 1)])
    setup, empty, damaged = judge_checks(nb, smoke=True)
    assert setup.ok, setup.detail
    assert not empty.ok and "test_vacuous passes when every call answers []" in empty.detail
    assert "test_sound" not in empty.detail
    assert not damaged.ok and "not recorded" in damaged.detail


def test_a_hidden_test_that_passes_on_a_damaged_answer_fails_the_gate():
    """The solution's replies, replayed with one damaged: a zip that stops at the shorter list, an
    all() over a list the notebook sized, and a part of the answer the test never reads each let a
    damaged answer pass; a test that checks lengths does not."""
    from nbformat.v4 import new_notebook

    from grader.check import judge_checks
    from grader.judge import agent

    def hidden(body):
        return "### BEGIN HIDDEN TESTS\n" + body + "\n### END HIDDEN TESTS"

    tests = {
        "test_strict": "got = student.run(lambda: [square(c) for c in (1, 2, 3)])\n"
                       "for c, g in zip((1, 2, 3), got, strict=True):\n    assert g == c * c",
        "test_zip": "got = student.run(lambda: [square(c) for c in (1, 2, 3)])\n"
                    "for c, g in zip((1, 2, 3), got):\n    assert g == c * c",
        "test_all": "flags, total = student.run(lambda: ([True, True], 5))\nassert all(flags) and total == 5",
        "test_unread": "value, extra = student.run(lambda: (9, [1.0, 2.0]))\nassert value == 9",
        "test_not_replayable": "import random\nassert student.run(lambda: 1) == 1 and random.random() < 0",
    }
    nb = new_notebook(cells=[_cell("import numpy as np", "setup")]
                      + [_cell(hidden(body), name, 1) for name, body in tests.items()])
    answers = {"test_strict": [1, 4, 9], "test_zip": [1, 4, 9], "test_all": ([True, True], 5),
               "test_unread": (9, [1.0, 2.0]), "test_not_replayable": 1}
    replies = {name: [["main", agent.encode({"value": value})]] for name, value in answers.items()}
    _, _, damaged = judge_checks(nb, smoke=True, replies=replies)
    assert not damaged.ok
    assert "test_strict" not in damaged.detail, damaged.detail
    assert "test_zip passes when call 1: the answer with its last element dropped" in damaged.detail
    assert "test_all passes when call 1: the answer[0] emptied" in damaged.detail
    assert "test_unread passes when call 1: the answer[1] emptied" in damaged.detail
    assert "test_not_replayable fails on the solution's own replies" in damaged.detail
