"""The course pack's grading tool: release, quality gate, batch autograding and a demo.

Each module holds one concern; `cli.py` maps the `grader` subcommands onto them.
nbgrader does the real work (generate_assignment, autograde, generate_feedback); this package
runs it, checks what it produced, and keeps a batch going past broken submissions.
"""

__version__ = "0.1.0"
