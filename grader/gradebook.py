"""The course's nbgrader configuration and reading scores out of its gradebook.

Only the coordinating process of `grader autograde` writes the gradebook (through nbgrader's
SaveAutoGrades preprocessor); everything here reads.
"""

from nbgrader.api import Gradebook, MissingEntry
from traitlets.config.loader import PyFileConfigLoader


def course_config(course):
    """The traitlets Config of the course's nbgrader_config.py."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()


def course_id(course):
    """The course id set in the course's nbgrader_config.py."""
    return course_config(course).CourseDirectory.get("course_id", "default_course")


def submission_scores(course, ps_id, student):
    """Scores of one graded submission, or None when the gradebook has none.

    Returns {"auto": points from autograded tests, "max_auto": their maximum,
             "manual_max": points awaiting a human, "late_penalty": points taken off for lateness,
             "tests": {grade_id: score}}.
    """
    if course.db_url.startswith("sqlite:") and not course.db_path.exists():
        return None  # nothing graded yet; opening it would create an empty gradebook
    with Gradebook(course.db_url, course_id(course)) as gb:
        try:
            nb = gb.find_submission_notebook(ps_id, ps_id, student)
        except MissingEntry:
            return None
        tests = {g.name: float(g.score or 0.0) for g in nb.grades}
        manual_max = sum(float(g.max_score) for g in nb.grades if g.cell_type == "markdown")
        return {"auto": float(nb.code_score), "max_auto": float(nb.max_code_score),
                "manual_max": manual_max, "late_penalty": float(nb.late_submission_penalty or 0.0), "tests": tests}
