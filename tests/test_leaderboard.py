"""`grader leaderboard`: reading the measured accuracy, ranking, and the files it writes."""

import csv

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grader import leaderboard, notebooks
from grader.cli import main
from tests.conftest import course_copy

PS2 = "ps2_cnn_resnet"


def accuracy_cell(*outputs):
    meta = {"nbgrader": {"grade": True, "grade_id": leaderboard.ACCURACY_CELL, "locked": True, "points": 4,
                         "schema_version": 3, "solution": False}}
    return new_code_cell("# the locked tier-1 cell", metadata=meta, outputs=list(outputs))


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def test_the_accuracy_is_read_from_the_measuring_cell_only():
    student_cell = new_code_cell("print(...)", outputs=[stdout("competition test accuracy: 0.9900\n")])
    nb = new_notebook(cells=[student_cell, accuracy_cell(stdout("competition test accuracy: 0.8530\n"))])
    assert leaderboard.measured_accuracy(nb) == pytest.approx(0.853)
    nb = new_notebook(cells=[student_cell, accuracy_cell(stdout("nothing measured\n"))])
    assert leaderboard.measured_accuracy(nb) is None, "a line printed by another cell must not count"


def test_the_last_line_of_the_cell_wins():
    printed_by_the_model = "competition test accuracy: 0.9990\n"
    nb = new_notebook(cells=[accuracy_cell(stdout(printed_by_the_model), stdout("competition test accuracy: 0.4000\n"))])
    assert leaderboard.measured_accuracy(nb) == pytest.approx(0.4)


def test_a_cell_that_crashed_measured_nothing_but_a_failed_tier_did():
    fake = stdout("competition test accuracy: 0.9990\n")
    crashed = new_notebook(cells=[accuracy_cell(fake, error("RuntimeError", "shape mismatch"))])
    assert leaderboard.measured_accuracy(crashed) is None
    below = new_notebook(cells=[accuracy_cell(stdout("competition test accuracy: 0.3000\n"),
                                              error("AssertionError", "below tier 1"))])
    assert leaderboard.measured_accuracy(below) == pytest.approx(0.3)
    assert leaderboard.measured_accuracy(new_notebook(cells=[new_code_cell("x = 1")])) is None


def test_equal_accuracies_share_a_rank_and_missing_ones_have_none():
    entries = [leaderboard.Entry(s, a) for s, a in [("a", 0.9), ("b", 0.8), ("c", 0.8), ("d", 0.7), ("e", None)]]
    assert leaderboard.ranks(entries) == [1, 2, 2, 4, None]


def test_pseudonyms_are_stable_and_hide_the_id():
    alias = leaderboard.pseudonym("s123456")
    assert alias == leaderboard.pseudonym("s123456") != leaderboard.pseudonym("s123457")
    assert "s123456" not in alias


@pytest.fixture
def graded_class(tmp_path):
    """A course whose autograded/ holds notebooks with known measured accuracies (no gradebook)."""
    course = course_copy(tmp_path, [PS2], wrong_solutions=False)
    source = notebooks.read(course.source_notebook(PS2))
    for student, line in [("ana", "competition test accuracy: 0.7100\n"), ("ben", "competition test accuracy: 0.9000\n"),
                          ("cai", None)]:
        nb = notebooks.read(course.source_notebook(PS2))
        cell = notebooks.cells_by_grade_id(nb)[leaderboard.ACCURACY_CELL]
        cell.outputs = [stdout(line)] if line else [error("NotImplementedError", "")]
        notebooks.write(nb, course.autograded_notebook(student, PS2))
        notebooks.write(source, course.submitted_notebook(student, PS2))
    notebooks.write(source, course.submitted_notebook("dev", PS2))  # submitted, never graded
    return course


def test_leaderboard_ranks_the_class_and_writes_csv_and_plot(graded_class):
    entries, csv_path, png_path = leaderboard.leaderboard(graded_class, PS2)
    assert [e.student for e in entries] == ["ben", "ana", "cai", "dev"]
    assert entries[2].note.startswith("no accuracy measured") and entries[3].note == "not autograded"
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    assert [(r["rank"], r["student_id"], r["test_accuracy"]) for r in rows] == [
        ("1", "ben", "0.9000"), ("2", "ana", "0.7100"), ("", "cai", ""), ("", "dev", "")]
    assert png_path.stat().st_size > 1000 and png_path.read_bytes()[:4] == b"\x89PNG"


def test_anonymous_leaderboard_shows_no_student_id(graded_class):
    entries, csv_path, _ = leaderboard.leaderboard(graded_class, PS2, anonymous=True)
    text = csv_path.read_text() + leaderboard.format_table(entries, anonymous=True)
    for student in ("ana", "ben", "cai", "dev"):
        assert student not in text
    assert leaderboard.pseudonym("ben") in text


def test_cli_leaderboard(graded_class, capsys):
    assert main(["--root", str(graded_class.root), "leaderboard", PS2, "--anonymous"]) == 0
    out = capsys.readouterr().out
    assert "0.9000" in out and "ben" not in out and "grades/ps2_cnn_resnet-leaderboard.png" in out


def test_cli_leaderboard_without_a_competition(fresh_course, capsys):
    assert main(["--root", str(fresh_course.root), "leaderboard", "ps3_conv1d_numpy"]) == 1
    assert "has no competition" in capsys.readouterr().out
