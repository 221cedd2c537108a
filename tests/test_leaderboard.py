"""`grader leaderboard`: reading the measured accuracy, ranking, and the files it writes."""

import csv
import hashlib

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grader import leaderboard, notebooks
from grader.judge import verdict
from grader.cli import main
from tests.conftest import course_copy

PS2 = "ps2_cnn_resnet"


def accuracy_cell(printed_by_the_judge=None, *outputs):
    """The tier-1 cell as the grader leaves it: the judge's output in its metadata, the kernel's in outputs."""
    meta = {"nbgrader": {"grade": True, "grade_id": leaderboard.ACCURACY_CELL, "locked": True, "points": 4,
                         "schema_version": 3, "solution": False}}
    if printed_by_the_judge is not None:
        meta[verdict.METADATA_KEY] = {"passed": False, "judge_passed": False, "printed": printed_by_the_judge}
    return new_code_cell("# the locked tier-1 cell", metadata=meta, outputs=list(outputs))


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def test_the_accuracy_is_the_one_the_judge_printed():
    nb = new_notebook(cells=[accuracy_cell("competition test accuracy: 0.8530\n")])
    assert leaderboard.measured_accuracy(nb) == pytest.approx(0.853)
    nb = new_notebook(cells=[accuracy_cell("nothing measured\n")])
    assert leaderboard.measured_accuracy(nb) is None
    assert leaderboard.measured_accuracy(new_notebook(cells=[new_code_cell("x = 1")])) is None


def test_what_the_students_kernel_printed_never_counts():
    """Student code can print anything in any cell, the measuring cell included: only the
    grader's own record of the judge's output is read."""
    spoof = stdout("competition test accuracy: 0.9990\n")
    student_cell = new_code_cell("print(...)", outputs=[spoof])
    assert leaderboard.measured_accuracy(new_notebook(cells=[student_cell, accuracy_cell(None, spoof)])) is None
    nb = new_notebook(cells=[student_cell, accuracy_cell("competition test accuracy: 0.3000\n", spoof)])
    assert leaderboard.measured_accuracy(nb) == pytest.approx(0.3)


def test_equal_accuracies_share_a_rank_and_missing_ones_have_none():
    entries = [leaderboard.Entry(s, a) for s, a in [("a", 0.9), ("b", 0.8), ("c", 0.8), ("d", 0.7), ("e", None)]]
    assert leaderboard.ranks(entries) == [1, 2, 2, 4, None]


def test_pseudonyms_are_stable_and_hide_the_id(tmp_path):
    from grader.course import Course

    course, other = Course(tmp_path / "a"), Course(tmp_path / "b")
    name = leaderboard.namer(course, anonymous=True)
    alias = name("s123456")
    assert alias == leaderboard.namer(course, anonymous=True)("s123456") != name("s123457")
    assert "s123456" not in alias
    # Not a hash of the id: knowing the class list and the code does not reveal who is who.
    digest = hashlib.sha256(b"s123456").hexdigest()
    assert alias.split("-")[1] not in digest and leaderboard.namer(other, anonymous=True)("s123456") != alias
    secret = course.root / ".grader" / "secret"
    assert secret.stat().st_mode & 0o077 == 0, "the secret is readable by its owner only"


@pytest.fixture
def graded_class(tmp_path):
    """A course whose autograded/ holds notebooks with known measured accuracies (no gradebook)."""
    course = course_copy(tmp_path, [PS2], wrong_solutions=False)
    source = notebooks.read(course.source_notebook(PS2))
    for student, line in [("ana", "competition test accuracy: 0.7100\n"), ("ben", "competition test accuracy: 0.9000\n"),
                          ("cai", None)]:
        nb = notebooks.read(course.source_notebook(PS2))
        cell = notebooks.cells_by_grade_id(nb)[leaderboard.ACCURACY_CELL]
        if line:
            cell.metadata[verdict.METADATA_KEY] = {"passed": True, "judge_passed": True, "printed": line}
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
    text = csv_path.read_text() + leaderboard.format_table(entries, leaderboard.namer(graded_class, anonymous=True))
    for student in ("ana", "ben", "cai", "dev"):
        assert student not in text
    assert leaderboard.namer(graded_class, anonymous=True)("ben") in text


def test_cli_leaderboard(graded_class, capsys):
    assert main(["--root", str(graded_class.root), "leaderboard", PS2, "--anonymous"]) == 0
    out = capsys.readouterr().out
    assert "0.9000" in out and "ben" not in out and "grades/ps2_cnn_resnet-leaderboard.png" in out


def test_cli_leaderboard_without_a_competition(fresh_course, capsys):
    assert main(["--root", str(fresh_course.root), "leaderboard", "ps3_conv1d_numpy"]) == 1
    assert "has no competition" in capsys.readouterr().out
