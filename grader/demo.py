"""`grader demo`: the whole pipeline on embedded defaults, on this machine.

For each problem set that exists: release it (with its checks), create a synthetic class under
submitted/ from the source notebook (a perfect student, a blank one, one per instructor-written
wrong solution, and a damaged upload), autograde the class, write grades/<ID>.csv and
per-student feedback, and print the results; for a problem set with a competition, rank the
class too (grades/<ID>-leaderboard.csv and .png); compare the class's code (grades/<ID>-similarity/,
`grader similarity`); then write the class report (grades/<ID>-report/report.html, `grader report`),
which links to the similarity page. Demo students are named demo-*, so the demo never
touches a real student's files; running it again replaces the previous demo class.
"""

import shutil

from grader import leaderboard, notebooks, release, report, similarity, submissions
from grader.autograde import format_table, grade_batch, sandbox_for_own_code, write_csv
from grader.course import run_nbgrader

PREFIX = "demo-"


def make_class(course, ps_id):
    """Writes the demo class's submissions; returns {student id: what the submission is}."""
    for old in (course.root / "submitted").glob(f"{PREFIX}*/{ps_id}"):
        shutil.rmtree(old)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    roster = {
        f"{PREFIX}perfect": ("the instructor's solution", submissions.perfect(source_nb, release_nb)),
        f"{PREFIX}blank": ("the release, unchanged", submissions.blank(release_nb)),
    }
    for w in submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps_id)):
        roster[f"{PREFIX}{w.name}"] = (w.description, submissions.variant(source_nb, release_nb, w))
    for student, (_, nb) in roster.items():
        submissions.write_submission(course, student, ps_id, nb)
    damaged = f"{PREFIX}damaged-upload"
    submissions.write_damaged_submission(course, damaged, ps_id, submissions.perfect(source_nb, release_nb))
    described = {student: about for student, (about, _) in roster.items()}
    described[damaged] = "a notebook file cut off halfway"
    return described


def demo(course, *, smoke=True, progress=True):
    """Runs the demo; returns 0 when every step worked."""
    status = 0
    sandboxed = sandbox_for_own_code("grader demo")
    for ps_id in course.existing_problem_sets():
        print(f"== {ps_id}: release")
        problems = release.release(course, ps_id)
        for problem in problems:
            print(f"   release problem: {problem}")
        status |= bool(problems)
        print(f"   {course.release_notebook(ps_id).relative_to(course.root)}")

        described = make_class(course, ps_id)
        print(f"== {ps_id}: a class of {len(described)} synthetic students")
        for student, about in described.items():
            print(f"   {student:<36} {about}")

        results = grade_batch(course, ps_id, students=list(described), smoke=smoke, progress=progress,
                              sandboxed=sandboxed)
        csv_path = write_csv(course, ps_id, results)
        feedback = run_nbgrader(course, ["generate_feedback", ps_id, "--force", f"--student={PREFIX}*"])
        if feedback.returncode != 0:
            print(f"   generate_feedback failed:\n{feedback.stdout}{feedback.stderr}")
            status = 1
        print(f"== {ps_id}: results")
        print(format_table(results))
        print(f"\n   grades:   {csv_path.relative_to(course.root)}")
        print(f"   feedback: feedback/{PREFIX}*/{ps_id}/{ps_id}.html")
        print(f"   notebooks as graded: autograded/{PREFIX}*/{ps_id}/")
        if leaderboard.has_competition(course, ps_id):
            entries, csv_path, png_path = leaderboard.leaderboard(course, ps_id, students=list(described))
            print(f"== {ps_id}: competition leaderboard")
            print(leaderboard.format_table(entries))
            print(f"\n   leaderboard: {csv_path.relative_to(course.root)}, {png_path.relative_to(course.root)}")
        compared, similarity_path, _ = similarity.write(course, ps_id, students=list(described))
        print(f"== {ps_id}: code similarity: {similarity_path.relative_to(course.root)} "
              f"({len(compared.pairs)} pairs to look at, not findings)")
        html_path = report.write_report(course, ps_id)
        print(f"== {ps_id}: class report: {html_path.relative_to(course.root)} (open it in a browser)")
    return status
