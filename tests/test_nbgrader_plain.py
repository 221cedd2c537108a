"""Plain nbgrader commands work at the course root, as nbgrader's documentation describes."""

import pytest

from grader import notebooks, submissions
from grader.course import run_nbgrader
from grader.gradebook import submission_scores
from tests.conftest import PS3


@pytest.mark.e2e
def test_generate_assignment_and_autograde_without_options(fresh_course):
    course = fresh_course
    proc = run_nbgrader(course, ["generate_assignment", PS3])
    assert proc.returncode == 0, proc.stderr
    assert course.release_notebook(PS3).exists()

    perfect = submissions.perfect(notebooks.read(course.source_notebook(PS3)),
                                  notebooks.read(course.release_notebook(PS3)))
    submissions.write_submission(course, "ann", PS3, perfect)
    # Not in smoke mode: the full-size timing sweep and training run, as on a real grader.
    proc = run_nbgrader(course, ["autograde", PS3])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    scores = submission_scores(course, PS3, "ann")
    assert scores["auto"] == scores["max_auto"] == 33, scores["tests"]
    assert scores["manual_max"] == 2


@pytest.mark.e2e
def test_deleted_test_cell_is_restored_and_graded(fresh_course):
    course = fresh_course
    run_nbgrader(course, ["generate_assignment", PS3])
    release_nb = notebooks.read(course.release_notebook(PS3))
    sneaky = submissions.blank(release_nb)
    sneaky.cells = [c for c in sneaky.cells if notebooks.grade_id(c) != "test_forward"]
    submissions.write_submission(course, "dan", PS3, sneaky)
    proc = run_nbgrader(course, ["autograde", PS3, "--student", "dan"], smoke=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    graded = notebooks.read(course.autograded_notebook("dan", PS3))
    assert "test_forward" in [notebooks.grade_id(c) for c in graded.cells]
    assert submission_scores(course, PS3, "dan")["tests"]["test_forward"] == 0


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", ["ps1_pytorch_intro", "ps2_cnn_resnet", "ps4_analytic"])
def test_every_problem_set_autogrades_to_full_marks_with_plain_nbgrader(tmp_path, ps_id):
    """Plain nbgrader runs the hidden tests in the student's kernel, where nbgrader_config.py gives
    them `student` and `solution` (grader/judge/in_kernel.py): the solution still earns everything."""
    from tests.conftest import course_copy

    course = course_copy(tmp_path, [ps_id], wrong_solutions=False)
    assert run_nbgrader(course, ["generate_assignment", ps_id]).returncode == 0
    perfect = submissions.perfect(notebooks.read(course.source_notebook(ps_id)),
                                  notebooks.read(course.release_notebook(ps_id)))
    submissions.write_submission(course, "ann", ps_id, perfect)
    proc = run_nbgrader(course, ["autograde", ps_id], smoke=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    scores = submission_scores(course, ps_id, "ann")
    assert scores["auto"] == scores["max_auto"] > 0, scores["tests"]
