"""The committed release equals nbgrader's output, and the release checks catch what they claim."""

import copy
import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grader import notebooks, release
from grader.course import REPO_ROOT, Course
from tests.conftest import PS3, course_copy


def normalised(path):
    return json.loads(path.read_text())


def test_committed_release_is_what_nbgrader_generates(repo_course, tmp_path):
    """Fails when source/ changed and `grader release` was not run (release/ drifted)."""
    ps_ids = repo_course.existing_problem_sets()
    course = course_copy(tmp_path, ps_ids, wrong_solutions=False)
    for ps in ps_ids:
        release.generate(course, ps)
        generated = normalised(course.release_notebook(ps))
        committed = normalised(repo_course.release_notebook(ps))
        assert generated == committed, f"release/{ps} is out of date: run `grader release` and commit release/"


@pytest.fixture(scope="module")
def ps3_pair(repo_course):
    return (notebooks.read(repo_course.source_notebook(PS3)),
            notebooks.read(repo_course.release_notebook(PS3)))


def test_shipped_release_passes_the_static_checks(ps3_pair):
    source_nb, release_nb = ps3_pair
    assert release.leaks(source_nb, release_nb) == []
    assert release.stubs(source_nb, release_nb) == []


def test_leaked_solution_line_is_reported(ps3_pair):
    source_nb, release_nb = ps3_pair
    leaked = copy.deepcopy(release_nb)
    cell = notebooks.cells_by_grade_id(leaked)["conv1d_fast"]
    cell.source = cell.source.replace("raise NotImplementedError()",
                                      'y = np.einsum("ncwk,ock->now", windows, self.W, optimize=True)', 1)
    problems = release.leaks(source_nb, leaked)
    assert any("conv1d_fast" in p and "einsum" in p for p in problems), problems
    assert any("conv1d_fast" in p for p in release.stubs(source_nb, leaked)), "one stub fewer"


def test_leaked_hidden_test_and_marker_are_reported(ps3_pair):
    source_nb, release_nb = ps3_pair
    leaked = copy.deepcopy(release_nb)
    cell = notebooks.cells_by_grade_id(leaked)["test_forward"]
    cell.source += "\n### BEGIN HIDDEN TESTS\ncases = list(conv1d_test_cases(seed=3301, count=40))"
    problems = release.leaks(source_nb, leaked)
    assert any("marker" in p for p in problems)
    assert any("seed=3301" in p for p in problems)


def test_a_line_shown_in_the_visible_part_is_not_a_leak():
    """A line in both the visible and the hidden part of a test cell is public, not a leak."""
    meta = {"nbgrader": {"grade": True, "grade_id": "t", "locked": True, "points": 1,
                         "schema_version": 3, "solution": False}}
    shared = "opt = make(lr=1.0)"
    source = new_notebook(cells=[new_code_cell(
        f"{shared}\n### BEGIN HIDDEN TESTS\n{shared}\nassert secret()\n### END HIDDEN TESTS", metadata=meta)])
    shipped = new_notebook(cells=[new_code_cell(shared, metadata=meta)])
    assert release.leaks(source, shipped) == []
    shipped.cells[0].source += "\nassert secret()"
    assert any("secret()" in p for p in release.leaks(source, shipped))


def test_files_other_than_the_notebook_in_a_release_are_reported(tmp_path):
    course = course_copy(tmp_path, [PS3], wrong_solutions=False)
    folder = course.release_notebook(PS3).parent
    folder.mkdir(parents=True, exist_ok=True)
    course.release_notebook(PS3).write_text("{}")
    assert release.stray_files(course, PS3) == []
    (folder / "ps2_competition.pt").write_bytes(b"weights")
    problems = release.stray_files(course, PS3)
    assert len(problems) == 1 and "ps2_competition.pt" in problems[0]


def test_leaked_model_answer_is_reported(ps3_pair):
    source_nb, release_nb = ps3_pair
    leaked = copy.deepcopy(release_nb)
    answer = notebooks.cells_by_grade_id(source_nb)["timing_answer"].source
    notebooks.cells_by_grade_id(leaked)["timing_answer"].source = answer
    assert any("timing_answer" in p for p in release.leaks(source_nb, leaked))


def test_release_with_outputs_is_reported(ps3_pair):
    source_nb, release_nb = ps3_pair
    dirty = copy.deepcopy(release_nb)
    notebooks.cells_by_grade_id(dirty)["setup"].outputs = [new_output("stream", text="hi")]
    assert any("outputs" in p for p in release.leaks(source_nb, dirty))


def executed(*cells):
    """A notebook as if executed: (source, error name or None, error value) per cell."""
    nb = new_notebook()
    for source, ename, evalue in cells:
        cell = new_code_cell(source)
        if ename:
            cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[])]
        nb.cells.append(cell)
    return nb


def test_errors_traced_to_stubs_are_accepted():
    nb = executed(
        ("def f():\n    raise NotImplementedError()", None, ""),
        ("model = f()", "NotImplementedError", ""),
        ("print(model)", "NameError", "name 'model' is not defined"),
        ("losses = []\nfor i in range(3):\n    losses.append(f())", "NotImplementedError", ""),
        ("print(losses[-1])", "IndexError", "list index out of range"),
    )
    assert release.stub_failures_only(nb) == []


def test_names_hidden_by_a_stub_are_read_from_the_source():
    """A stub replaces `ANSWER = 42`; the release cannot show that the cell was meant to set ANSWER."""
    from nbformat.v4 import new_code_cell as cell

    release_nb = executed(("# YOUR CODE HERE\nraise NotImplementedError()", "NotImplementedError", ""),
                          ("assert ANSWER == 42", "NameError", "name 'ANSWER' is not defined"))
    release_nb.cells[0].metadata["nbgrader"] = {"grade_id": "answer", "solution": True}
    source_nb = new_notebook(cells=[cell("### BEGIN SOLUTION\nANSWER = 42\n### END SOLUTION",
                                         metadata={"nbgrader": {"grade_id": "answer", "solution": True}})])
    assert len(release.stub_failures_only(release_nb)) == 1, "without the source, the NameError is unexplained"
    assert release.stub_failures_only(release_nb, source_nb) == []


def test_errors_unrelated_to_stubs_are_reported():
    nb = executed(
        ("import numpy as np", None, ""),
        ("x = np.zeros(3)\nx[5]", "IndexError", "index 5 is out of bounds"),
        ("print(undefined_thing)", "NameError", "name 'undefined_thing' is not defined"),
    )
    problems = release.stub_failures_only(nb)
    assert len(problems) == 2 and "IndexError" in problems[0] and "NameError" in problems[1]


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", Course(REPO_ROOT).existing_problem_sets())
def test_release_notebook_runs_with_failures_only_in_stub_cells(repo_course, ps_id):
    source_nb = notebooks.read(repo_course.source_notebook(ps_id))
    release_nb = notebooks.read(repo_course.release_notebook(ps_id))
    ran = release.execute(release_nb)
    assert release.stub_failures_only(ran, source_nb) == []
    errored = {notebooks.grade_id(c) for c in ran.cells
               if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)}
    assert "setup" not in errored, "the provided set-up cell must run in the release"
    tests = {gid for gid, _, kind in notebooks.graded_cells(source_nb) if kind == "autograded"}
    assert errored & tests, "the blank release must fail its tests"


def test_every_test_has_a_hidden_block_and_its_helpers_above_it():
    from nbformat.v4 import new_code_cell, new_notebook

    def cell(source, grade_id, test=False):
        return new_code_cell(source, metadata={"nbgrader": {"grade": test, "grade_id": grade_id, "locked": True,
                                                            "points": 1 if test else None, "schema_version": 3,
                                                            "solution": False}})

    hidden = "### BEGIN HIDDEN TESTS\nassert helper(1) == student.f(1)\n### END HIDDEN TESTS"
    good = new_notebook(cells=[cell("def helper(x):\n    return x", "helpers"), cell(hidden, "test_f", test=True)])
    assert release.unjudged(good) == [] and release.helpers_defined_later(good) == []
    late = new_notebook(cells=[cell(hidden, "test_f", test=True), cell("def helper(x):\n    return x", "helpers")])
    assert "helper, which the read-only cell helpers defines below it" in release.helpers_defined_later(late)[0]
    unjudged = new_notebook(cells=[cell("assert student.f(1) == 1", "test_f", test=True)])
    assert "needs a hidden block" in release.unjudged(unjudged)[0]
