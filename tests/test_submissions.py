"""Wrong-solution files: their format, and that every shipped one applies to its notebook."""

import pytest

from grader import notebooks, submissions
from grader.prepare import Unreadable, load
from grader.course import REPO_ROOT, Course


def test_parse_wrong_solution(tmp_path):
    path = tmp_path / "dx-wrong.py"
    path.write_text(
        "# Wrong solution: dx is wrong\n"
        "# must-lose: test_a, test_b\n"
        "# must-keep: test_c\n"
        "# %% cell_one\n"
        "return 1\n"
        "# %% cell_two 2\n"
        "x = 1\n"
        "return x\n"
    )
    w = submissions.parse_wrong_solution(path)
    assert w.name == "dx-wrong" and w.description == "dx is wrong"
    assert w.must_lose == ["test_a", "test_b"] and w.must_keep == ["test_c"]
    assert w.replacements == {("cell_one", 1): "return 1", ("cell_two", 2): "x = 1\nreturn x\n"}


def test_a_file_without_sections_is_rejected(tmp_path):
    path = tmp_path / "empty.py"
    path.write_text("# Wrong solution: nothing\n")
    with pytest.raises(ValueError, match="no '# %%"):
        submissions.parse_wrong_solution(path)


def shipped():
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        for w in submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps)):
            yield pytest.param(ps, w, id=f"{ps}/{w.name}")


def test_each_problem_set_has_several_wrong_solutions():
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        assert len(submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps))) >= 3, ps


@pytest.mark.parametrize("ps_id, wrong", list(shipped()))
def test_shipped_wrong_solution_applies_and_names_real_tests(ps_id, wrong, tmp_path):
    course = Course(REPO_ROOT)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    nb = submissions.wrong(source_nb, release_nb, wrong)
    tests = {gid for gid, _, kind in notebooks.graded_cells(source_nb) if kind == "autograded"}
    assert wrong.must_lose, "a wrong solution must name at least one test it fails"
    assert set(wrong.must_lose + wrong.must_keep) <= tests
    assert not set(wrong.must_lose) & set(wrong.must_keep)
    assert nb.cells != submissions.perfect(source_nb, release_nb).cells, "it must change something"


def test_damaged_submission_is_not_json(tmp_path, repo_course):
    course = Course(tmp_path)
    release_nb = notebooks.read(repo_course.release_notebook("ps3_conv1d_numpy"))
    submissions.write_damaged_submission(course, "s1", "ps3_conv1d_numpy", release_nb)
    with pytest.raises(Unreadable, match="not valid JSON"):
        load(course, "ps3_conv1d_numpy", "s1", release_nb)
