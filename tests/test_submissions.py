"""Right- and wrong-solution files: their format, and that every shipped one applies to its notebook."""

import pytest

from grader import notebooks, submissions
from grader.prepare import Unreadable, load
from grader.course import REPO_ROOT, Course


def test_parse_variant(tmp_path):
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
    w = submissions.parse_variant(path)
    assert w.name == "dx-wrong" and w.description == "dx is wrong" and not w.right
    assert w.must_lose == ["test_a", "test_b"] and w.must_keep == ["test_c"] and w.visible_fails == []
    assert w.replacements == {("cell_one", 1): "return 1", ("cell_two", 2): "x = 1\nreturn x\n"}


def test_parse_right_solution_and_visible_fails(tmp_path):
    right = tmp_path / "other-loop.py"
    right.write_text("# Right solution: loops the other way\n# %% cell_one\nreturn 1\n")
    r = submissions.parse_variant(right)
    assert r.right and r.description == "loops the other way" and r.must_lose == []
    wrong = tmp_path / "seen.py"
    wrong.write_text("# Wrong solution: x\n# must-lose: test_a\n# visible-fails: test_a\n# %% cell_one\nreturn 2\n")
    assert submissions.parse_variant(wrong).visible_fails == ["test_a"]


def test_a_right_solution_cannot_expect_lost_points(tmp_path):
    path = tmp_path / "confused.py"
    path.write_text("# Right solution: fine\n# must-lose: test_a\n# %% cell_one\nreturn 1\n")
    with pytest.raises(ValueError, match="must earn every point"):
        submissions.parse_variant(path)


def test_a_variant_in_the_wrong_folder_is_rejected(tmp_path):
    (tmp_path / "ok.py").write_text("# Right solution: fine\n# %% cell_one\nreturn 1\n")
    with pytest.raises(ValueError, match="right_solutions folder"):
        submissions.load_wrong_solutions(tmp_path)


def test_a_file_without_sections_is_rejected(tmp_path):
    path = tmp_path / "empty.py"
    path.write_text("# Wrong solution: nothing\n")
    with pytest.raises(ValueError, match="no '# %%"):
        submissions.parse_variant(path)


def shipped(right):
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        load = submissions.load_right_solutions if right else submissions.load_wrong_solutions
        folder = (submissions.right_solutions_dir if right else submissions.wrong_solutions_dir)(course, ps)
        for w in load(folder):
            yield pytest.param(ps, w, id=f"{ps}/{w.name}")


def test_each_problem_set_has_several_wrong_and_five_right_solutions():
    course = Course(REPO_ROOT)
    for ps in course.existing_problem_sets():
        assert len(submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps))) >= 3, ps
        assert len(submissions.load_right_solutions(submissions.right_solutions_dir(course, ps))) >= 5, ps


@pytest.mark.parametrize("ps_id, wrong", list(shipped(right=False)))
def test_shipped_wrong_solution_applies_and_names_real_tests(ps_id, wrong, tmp_path):
    course = Course(REPO_ROOT)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    nb = submissions.variant(source_nb, release_nb, wrong)
    tests = {gid for gid, _, kind in notebooks.graded_cells(source_nb) if kind == "autograded"}
    assert wrong.must_lose, "a wrong solution must name at least one test it fails"
    assert set(wrong.must_lose + wrong.must_keep + wrong.visible_fails) <= tests
    assert not set(wrong.must_lose) & set(wrong.must_keep)
    assert set(wrong.visible_fails) <= set(wrong.must_lose), "a test whose visible checks fail loses its points"
    assert nb.cells != submissions.perfect(source_nb, release_nb).cells, "it must change something"


@pytest.mark.parametrize("ps_id, right", list(shipped(right=True)))
def test_shipped_right_solution_applies_and_changes_something(ps_id, right):
    course = Course(REPO_ROOT)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    nb = submissions.variant(source_nb, release_nb, right)
    assert nb.cells != submissions.perfect(source_nb, release_nb).cells, "it must change something"


def test_damaged_submission_is_not_json(tmp_path, repo_course):
    course = Course(tmp_path)
    release_nb = notebooks.read(repo_course.release_notebook("ps3_conv1d_numpy"))
    submissions.write_damaged_submission(course, "s1", "ps3_conv1d_numpy", release_nb)
    with pytest.raises(Unreadable, match="not valid JSON"):
        load(course, "ps3_conv1d_numpy", "s1", release_nb)
