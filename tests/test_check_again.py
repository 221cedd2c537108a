"""The part of the gate graded apart from the demo (tests/conftest.py's gate_roster).

Each problem set's source notebook, graded in a fresh course of its own, earns every autograded
point; test_check.py's gate then compares it, test by test, with the demo's perfect student, and
judges the right solutions graded with it and the judge's checks run on its recorded replies. In a
parallel run this file runs in the process that does not run the demo, early, so that the demo's
process (the longest) only reads the results.
"""

import pytest

from grader.course import REPO_ROOT, Course
from tests.conftest import require_sandbox, results_from_csv


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", Course(REPO_ROOT).existing_problem_sets())
def test_the_solution_graded_in_a_fresh_course_earns_every_point(gate_roster, ps_id):
    require_sandbox()
    result = results_from_csv(gate_roster(ps_id).csv)["solution-again"]
    assert result.status == "graded", result.message
    assert result.max_auto > 0 and result.auto == result.max_auto, (
        f"{result.auto}/{result.max_auto}: " + ", ".join(f"{t} {p}" for t, p in result.tests.items()))
