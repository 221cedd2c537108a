"""grader/judge/verdict.py: nbgrader's score of a test cell is exactly the judge's verdict."""

import nbformat
import pytest
from nbgrader.utils import determine_grade

from grader.judge import verdict

PASSED = {"passed": True, "stdout": ""}
FAILED = {"passed": False, "ename": "AssertionError", "evalue": "dx is wrong", "stdout": ""}


def graded_test_cell(*outputs):
    cell = nbformat.v4.new_code_cell("# Test test_x (2 points)")
    cell.metadata = {"nbgrader": {"grade": True, "grade_id": "test_x", "locked": True, "points": 2,
                                  "schema_version": 3, "solution": False}}
    cell.outputs = list(outputs)
    return cell


def result(value):
    return nbformat.v4.new_output("execute_result", data={"text/plain": repr(value)}, execution_count=1)


STUDENT_TRICKS = [
    [result(1.0)],                                                      # nbgrader's partial credit
    [result(1.0), verdict.error_output("NotImplementedError", "")],    # published, then raised
    [nbformat.v4.new_output("stream", name="stderr", text="warning")],  # stderr alone scores zero
    [nbformat.v4.new_output("stream", name="stdout", text="ok")],
    [],
]


@pytest.mark.parametrize("outputs", STUDENT_TRICKS)
def test_the_kernels_outputs_never_decide(outputs):
    passed = graded_test_cell(*outputs)
    verdict.finalize(passed, PASSED, None)
    assert determine_grade(passed) == (2, 2)
    failed = graded_test_cell(*outputs)
    verdict.finalize(failed, FAILED, None)
    assert determine_grade(failed) == (0, 2)
    assert [o.output_type for o in failed.outputs].count("error") == 1
    assert failed.outputs[-1].evalue == "dx is wrong"


def test_a_failed_visible_check_costs_the_points_even_when_the_judge_passes():
    cell = graded_test_cell(verdict.error_output("AssertionError", "visible check"))
    error = verdict.visible_error(cell, "error")
    assert verdict.finalize(cell, PASSED, error) is False
    assert determine_grade(cell) == (0, 2) and cell.outputs[-1].evalue == "visible check"
    assert cell.metadata[verdict.METADATA_KEY]["visible_passed"] is False, "the grades CSV lists it as seen by the student"
    assert verdict.visible_error(graded_test_cell(), "error") is not None, "an error reply without an error output"


def test_what_the_judge_printed_is_shown_and_kept_where_the_kernel_cannot_write():
    cell = graded_test_cell(nbformat.v4.new_output("stream", name="stdout", text="competition test accuracy: 0.99\n"))
    verdict.finalize(cell, {"passed": True, "stdout": "competition test accuracy: 0.5000\n"}, None)
    assert cell.metadata[verdict.METADATA_KEY] == {"passed": True, "judge_passed": True, "visible_passed": True,
                                                   "printed": "competition test accuracy: 0.5000\n"}
    assert cell.outputs[-1].text == "competition test accuracy: 0.5000\n"


def test_a_test_without_a_hidden_block_earns_nothing():
    cell = graded_test_cell()
    verdict.finalize(cell, verdict.no_hidden_block("test_x"), None)
    assert determine_grade(cell) == (0, 2) and "no hidden block" in cell.outputs[-1].evalue


def test_a_graded_notebooks_self_check_is_the_graders_account():
    passed, failed = graded_test_cell(), graded_test_cell()
    failed.metadata["nbgrader"]["grade_id"] = "test_y"
    verdict.finalize(passed, PASSED, None)
    verdict.finalize(failed, FAILED, None)
    check = nbformat.v4.new_code_cell('self_check({"test_x": 2, "test_y": 2})', metadata={
        "nbgrader": {"grade": False, "grade_id": "self_check", "locked": True, "schema_version": 3, "solution": False}})
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Visible checks pass for 4 of 4")]
    nb = nbformat.v4.new_notebook(cells=[passed, failed, check])
    verdict.write_self_check(nb)
    text = check.outputs[0].text
    assert "ok  test_x" in text and "X  test_y" in text and "Graded: 2 of 4 autograded points" in text
