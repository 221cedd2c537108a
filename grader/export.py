"""`grader export`: the gradebook as one CSV that a learning-management system imports.

nbgrader's own `nbgrader export` writes one row per (assignment, student). Gradebook imports
(Canvas, Moodle, Blackboard, a spreadsheet) want one row per student and one column per
assignment, with the maximum points in a row of their own. This is that layout, as a plugin of
nbgrader's exporter, so nbgrader's options work unchanged:

    nbgrader export --exporter=grader.export.LmsExportPlugin --to grades/lms.csv

Columns: student_id, last_name, first_name, email, then one per assignment in course order.
Row 1 under the header is "Points Possible" (the maximum of each assignment). A score is the
nbgrader score after any late penalty: autograded points plus the points graded by hand so far.
An empty cell means the student has no submission for that assignment, so that an import does
not overwrite a grade in the LMS with a zero.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from grader.course import PROBLEM_SETS


def _course_order(names):
    known = [n for n in PROBLEM_SETS if n in names]
    return known + sorted(n for n in names if n not in PROBLEM_SETS)


class LmsExportPlugin(ExportPlugin):
    """One row per student, one column per assignment (nbgrader ExportPlugin)."""

    def export(self, gradebook):
        dest = self.to or "grades/lms.csv"
        wanted = {str(a) for a in self.assignment}
        assignments = [a for a in gradebook.assignments if not wanted or a.name in wanted]
        by_name = {a.name: a for a in assignments}
        names = _course_order(list(by_name))
        students = [s for s in gradebook.students if not self.student or s.id in {str(x) for x in self.student}]
        self.log.info("Exporting %d students and %d assignments to %s", len(students), len(names), dest)
        with open(dest, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["student_id", "last_name", "first_name", "email", *names])
            writer.writerow(["Points Possible", "", "", "", *(f"{by_name[n].max_score:g}" for n in names)])
            for student in sorted(students, key=lambda s: s.id):
                row = [student.id, student.last_name or "", student.first_name or "", student.email or ""]
                for name in names:
                    try:
                        submission = gradebook.find_submission(name, student.id)
                    except MissingEntry:
                        row.append("")
                        continue
                    penalty = submission.late_submission_penalty or 0.0
                    row.append(f"{max(0.0, submission.score - penalty):g}")
                writer.writerow(row)
