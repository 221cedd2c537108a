"""nbgrader configuration for the course directory (this folder).

Everything a grader would otherwise pass on each command is set here, so plain
`nbgrader generate_assignment ps3_conv1d_numpy` and `nbgrader autograde ps3_conv1d_numpy`
work from this folder as nbgrader's documentation describes. `grader` reads the same file.
"""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "dl-course"
# The default `{assignment_id}/*.ipynb` is kept: one notebook per problem set,
# source/<id>/<id>.ipynb, released to release/<id>/<id>.ipynb.
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# --- Release ------------------------------------------------------------------------------
# Students see this where a solution was. Every stub must fail loudly, never silently pass.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The release must not carry the instructor's outputs.
c.ClearOutput.enabled = True

# --- Autograding --------------------------------------------------------------------------
# Seconds per cell on a CPU grader. The slowest solution cell (ps3's training loop) takes
# about 10 s on 2 cores; a correct but slow student loop implementation must still fit.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# Hidden tests reach the student's code through `student` (and the reference through `solution`).
# `grader autograde` runs them in its judge, outside the student's process; plain nbgrader runs
# them in the student's kernel, where this gives them the same two names (docs/grading.md).
c.Execute.extra_arguments = ["--IPKernelApp.exec_lines=from grader.judge.in_kernel import student, solution"]
# A student who deletes a test cell is still graded on it: nbgrader puts it back.
c.OverwriteCells.add_missing_cells = True
# Feedback stays readable even when a student prints in a loop.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# Late submissions are not penalised by default; see docs/grading.md to change it.
c.LateSubmissionPlugin.penalty_method = "none"

# --- Feedback -----------------------------------------------------------------------------
# Students see each test's points and message, never the hidden tests' code (grader/feedback.py).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "grader.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
