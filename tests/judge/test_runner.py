"""grader/judge/runner.py and student.py: hidden blocks run in the judge and reach the notebook
only through `student` (here the real agent over a plain namespace, tests/judge/conftest.py)."""


import numpy as np
import pytest

from grader.judge import runner

SPEC = {"base": ["import numpy as np\nOFFSET = 10\ndef reference(x):\n    return x + OFFSET\n"],
        "solution": ["import numpy as np\nOFFSET = 10\ndef reference(x):\n    return x + OFFSET\n",
                     "def add_offset(x):\n    return x + OFFSET\n"],
        "callables": ["reference", "add_offset"], "threads": 1}


@pytest.fixture
def judge():
    return runner.Judge(SPEC)


def test_a_right_answer_passes_and_a_wrong_one_fails_with_its_message(judge, kernel):
    kernel.define("def add_offset(x):\n    return x + 10")
    block = "for x in range(5):\n    assert student.add_offset(x) == reference(x), f'add_offset({x})'\n"
    assert judge.run_test("test_add", block, kernel.channel)["passed"]
    kernel.define("def add_offset(x):\n    return x + 9")
    verdict = judge.run_test("test_add", block, kernel.channel)
    assert (verdict["passed"], verdict["ename"], verdict["evalue"]) == (False, "AssertionError", "add_offset(0)")


def test_the_students_error_is_the_tests_message(judge, kernel):
    kernel.define("def add_offset(x):\n    raise NotImplementedError()")
    verdict = judge.run_test("test_add", "student.add_offset(1)", kernel.channel)
    assert verdict["ename"] == "NotImplementedError" and not verdict["passed"]
    verdict = judge.run_test("test_add", "student.missing(1)", kernel.channel)
    assert verdict["ename"] == "NameError" and "missing" in verdict["evalue"]


def test_objects_built_to_fool_comparisons_never_reach_the_judge(judge, kernel):
    kernel.define("class Anything:\n    def __eq__(self, other): return True\n"
                  "def add_offset(x):\n    return Anything()")
    verdict = judge.run_test("test_add", "assert student.add_offset(1) == 11", kernel.channel)
    assert not verdict["passed"] and "cannot send a Anything" in verdict["evalue"]


def test_run_and_map_reach_the_notebooks_names_with_copies_of_the_tests_values(judge, kernel):
    kernel.define("def add_offset(x):\n    return x + 10\nOFFSET = -1000")
    block = """
values = np.arange(3.0)
def shifted(v):  # runs in the notebook: add_offset is the student's, values travels as a copy
    values[0] = 99.0
    return add_offset(v) + values
got = student.run(shifted, 1.0)
assert values[0] == 0.0, "the student's side worked on a copy"
assert np.array_equal(got, [110.0, 12.0, 13.0])
results = student.map(lambda v: add_offset(v) if v else 1 / v, [1, 0, 2])
assert results[0] == 11 and results[2] == 12 and isinstance(results[1], Exception)
assert results[1].ename == "ZeroDivisionError"
"""
    verdict = judge.run_test("test_run", block, kernel.channel)
    assert verdict["passed"], verdict


def test_the_solution_is_a_reference_here_and_never_goes_to_the_student(judge, kernel):
    kernel.define("def add_offset(x):\n    return x + 10")
    assert judge.run_test("t", "assert student.add_offset(2) == solution.add_offset(2)", kernel.channel)["passed"]
    verdict = judge.run_test("t", "student.run(lambda f: f(1), solution.add_offset)", kernel.channel)
    assert verdict["ename"] == "GraderTestError" and "may not send the solution" in verdict["evalue"]


def test_blocks_share_only_what_they_declare_global(judge, kernel):
    assert judge.run_test("t1", "global MEASURED\nMEASURED = 0.75\nlocal_only = 1", kernel.channel)["passed"]
    assert judge.run_test("t2", "assert MEASURED == 0.75", kernel.channel)["passed"]
    assert not judge.run_test("t3", "local_only", kernel.channel)["passed"]


def test_what_a_test_prints_is_its_output(judge, kernel):
    verdict = judge.run_test("t", "print('measured: 0.5')", kernel.channel)
    assert verdict["stdout"] == "measured: 0.5\n"


def test_a_kernel_that_answers_out_of_protocol_fails_the_test_and_says_so(judge):
    verdict = judge.run_test("t", "student.add_offset(1)", lambda payload, kernel: b"\x92\x01\x02")
    assert verdict["ename"] == "GraderProtocolError" and verdict["tampering"]
