"""The course pack's grading tool: release, quality gate, batch autograding and a demo.

Each module holds one concern; `cli.py` maps the `grader` subcommands onto them.
nbgrader generates the release and the feedback and keeps the gradebook; `grader autograde`
runs nbgrader's own preprocessors around an engine of its own (autograde.py: repair, Dask
workers, sandboxed kernels, integrity checks), because student code is untrusted.
"""

__version__ = "0.1.0"
