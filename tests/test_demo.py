"""`grader demo` on a fresh copy of the course: the main job, end to end, run twice.

The run is the session's fixture `demo_runs` (tests/conftest.py): tests/test_check.py reads the
same grading for the gate.
"""

import csv

import pytest

from grader.course import REPO_ROOT, Course

PROBLEM_SETS_HERE = Course(REPO_ROOT).existing_problem_sets()


def rows(text):
    return {row["student_id"]: row for row in csv.DictReader(text.splitlines())}


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", PROBLEM_SETS_HERE)
def test_demo_grades_a_synthetic_class(demo_runs, ps_id):
    course, first, _, out = demo_runs
    grades = rows(first[ps_id])
    perfect = grades["demo-perfect"]
    assert perfect["status"] == "graded" and perfect["autograded_score"] == perfect["autograded_max"]
    full = float(perfect["autograded_max"])
    assert full > 0
    assert grades["demo-blank"]["autograded_score"] == "0"
    assert grades["demo-damaged-upload"]["status"] == "unreadable"
    assert "not valid JSON" in grades["demo-damaged-upload"]["message"]
    wrong = [r for s, r in grades.items() if s not in ("demo-perfect", "demo-blank", "demo-damaged-upload")]
    assert len(wrong) >= 3
    for row in wrong:
        assert row["status"] == "graded" and 0 < float(row["autograded_score"]) < full, row
    assert f"== {ps_id}: results" in out and f"{full:g}/{full:g}" in out


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", PROBLEM_SETS_HERE)
def test_demo_writes_release_and_feedback(demo_runs, ps_id):
    course, first, _, _ = demo_runs
    assert course.release_notebook(ps_id).exists()
    full = float(rows(first[ps_id])["demo-perfect"]["autograded_max"])
    feedback = course.feedback_html("demo-perfect", ps_id).read_text()
    # nbgrader's feedback shows the autograded points (answers graded by hand are still pending).
    assert f"Score: {full:.1f} / " in feedback, "the perfect student's feedback must show full autograded points"
    blank_feedback = course.feedback_html("demo-blank", ps_id).read_text()
    assert "Score: 0.0 / " in blank_feedback
    assert course.autograded_notebook("demo-blank", ps_id).exists()


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", PROBLEM_SETS_HERE)
def test_demo_run_twice_gives_the_same_grades(demo_runs, ps_id):
    """A second run rewrites the same demo class: the grader resumes, so nothing is graded again
    and every row is the same. (Re-grading gives the same scores too: `grader check` grades the
    solution twice, and tests/test_hostile_submissions.py re-grades with force=True.)"""
    _, first, second, _ = demo_runs
    first_rows, second_rows = rows(first[ps_id]), rows(second[ps_id])
    assert first_rows.keys() == second_rows.keys()
    for student, row in first_rows.items():
        assert row == second_rows[student], student


@pytest.mark.e2e
@pytest.mark.skipif("ps2_cnn_resnet" not in PROBLEM_SETS_HERE, reason="ps2 has the competition")
def test_demo_ranks_the_competition(demo_runs):
    course, _, _, out = demo_runs
    with open(course.root / "grades" / "ps2_cnn_resnet-leaderboard.csv") as f:
        ranked = list(csv.DictReader(f))
    by_student = {row["student_id"]: row for row in ranked}
    measured = [float(row["test_accuracy"]) for row in ranked if row["test_accuracy"]]
    assert measured == sorted(measured, reverse=True), "best first"
    perfect, baseline = by_student["demo-perfect"], by_student["demo-competition-baseline"]
    assert perfect["tiers_reached"] == "3" and baseline["tiers_reached"] == "1"
    assert int(perfect["rank"]) < int(baseline["rank"])
    assert float(perfect["test_accuracy"]) > float(baseline["test_accuracy"])
    assert by_student["demo-blank"]["test_accuracy"] == "" and by_student["demo-blank"]["rank"] == ""
    assert by_student["demo-damaged-upload"]["note"] == "not autograded"
    assert (course.root / "grades" / "ps2_cnn_resnet-leaderboard.png").stat().st_size > 1000
    assert "== ps2_cnn_resnet: competition leaderboard" in out


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", PROBLEM_SETS_HERE)
def test_demo_writes_the_class_report(demo_runs, ps_id):
    course, first, _, out = demo_runs
    folder = course.root / "grades" / f"{ps_id}-report"
    html = (folder / "report.html").read_text()
    assert f"{ps_id}: class report" in html and html.count('src="data:image/png;base64,') >= 3
    assert f"== {ps_id}: class report: grades/{ps_id}-report/report.html" in out
    graded = [r for r in rows(first[ps_id]).values() if r["status"] == "graded"]
    with open(folder / "tests.csv") as f:
        tests = list(csv.DictReader(f))
    assert tests, "one row per autograded test"
    for t in tests:
        # demo-perfect passes every test and demo-blank fails every one.
        assert int(t["attempted"]) == len(graded) and 1 <= int(t["passed"]) < len(graded), t
    assert (folder / "leaderboard.csv").exists() == (ps_id == "ps2_cnn_resnet")
    # the demo compares the class's code too, and the report links to that page
    assert f"== {ps_id}: code similarity: grades/{ps_id}-similarity/similarity.html" in out
    assert 'href="../' + ps_id + '-similarity/similarity.html"' in html


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", PROBLEM_SETS_HERE)
def test_graded_notebooks_self_check_agrees_with_the_grade(demo_runs, ps_id):
    """In a graded notebook the self-check cell holds the grader's account of the verdicts (the
    kernel's own run can only know the visible checks): its total is the score, as students see
    it in their feedback."""
    from grader import notebooks

    course, first, _, _ = demo_runs
    full = rows(first[ps_id])["demo-perfect"]["autograded_max"]
    for student, points in (("demo-perfect", full), ("demo-blank", "0")):
        last = notebooks.read(course.autograded_notebook(student, ps_id)).cells[-1]
        text = "".join(o.get("text", "") for o in last.outputs)
        assert f"Graded: {points} of {full} autograded points, hidden tests included." in text, (student, text)
