"""`grader demo` on a fresh copy of the course: the main job, end to end, run twice."""

import csv

import pytest

from grader.demo import demo
from tests.conftest import PS3, course_copy


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """The demo run twice in one course; returns (course, first CSV, second CSV, first output)."""
    import contextlib
    import io

    course = course_copy(tmp_path_factory.mktemp("demo"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        first_status = demo(course, progress=False)
    first = course.grades_csv(PS3).read_text()
    second_status = demo(course, progress=False)
    second = course.grades_csv(PS3).read_text()
    assert first_status == 0 and second_status == 0, out.getvalue()
    return course, first, second, out.getvalue()


def rows(text):
    return {row["student_id"]: row for row in csv.DictReader(text.splitlines())}


@pytest.mark.e2e
def test_demo_grades_a_synthetic_class(demo_runs):
    course, first, _, out = demo_runs
    grades = rows(first)
    assert grades["demo-perfect"]["status"] == "graded"
    assert grades["demo-perfect"]["autograded_score"] == grades["demo-perfect"]["autograded_max"] == "33"
    assert grades["demo-blank"]["autograded_score"] == "0"
    assert grades["demo-damaged-upload"]["status"] == "unreadable"
    assert "not valid JSON" in grades["demo-damaged-upload"]["message"]
    wrong = [r for s, r in grades.items() if s not in ("demo-perfect", "demo-blank", "demo-damaged-upload")]
    assert len(wrong) >= 3
    for row in wrong:
        assert row["status"] == "graded" and 0 < float(row["autograded_score"]) < 33, row
    assert "demo-perfect" in out and "33/33" in out


@pytest.mark.e2e
def test_demo_writes_release_and_feedback(demo_runs):
    course = demo_runs[0]
    assert course.release_notebook(PS3).exists()
    feedback = course.feedback_html("demo-perfect", PS3).read_text()
    assert "Conv1D" in feedback and "33" in feedback
    assert course.autograded_notebook("demo-blank", PS3).exists()


@pytest.mark.e2e
def test_demo_run_twice_gives_the_same_grades(demo_runs):
    """A second run replaces the previous demo class and reproduces every score."""
    _, first, second, _ = demo_runs
    first_rows, second_rows = rows(first), rows(second)
    assert first_rows.keys() == second_rows.keys()
    for student, row in first_rows.items():
        row.pop("seconds"), second_rows[student].pop("seconds")
        assert row == second_rows[student], student
