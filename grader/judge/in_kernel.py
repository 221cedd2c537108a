"""`student` and `solution` inside the student's kernel, for plain `nbgrader autograde`.

`grader autograde` runs hidden tests in the judge (grader/judge/runner.py). Plain nbgrader runs
them in the student's kernel, with nbgrader's own, weaker guarantees: the student's code could
reach them there. nbgrader_config.py starts nbgrader's kernels with

    from grader.judge.in_kernel import student, solution

so that the same hidden tests work unchanged: `student.NAME`, `student.run(f, ...)` and
`solution.NAME` behave as in the judge (arguments are copied in, results come back as plain
data), only in one process.

`solution` is read from the course's source notebook, found from the kernel's folder
(`autograded/<student>/<ID>/`, where nbgrader runs it) or named by DLCOURSE_SOURCE_NOTEBOOK
(bench/run.py runs source notebooks with their hidden tests that way); it is loaded when first used.
"""

import contextlib
import copy
import io
import os
import sys
import warnings
from pathlib import Path

from grader.judge import agent, wire
from grader.judge.student import StudentError, student_error


def _plain(value):
    try:
        return wire.decode(agent.encode(value))
    except (TypeError, wire.MalformedReply) as error:
        raise StudentError("TypeError", str(error)) from None


def _user_ns():
    return get_ipython().user_ns  # noqa: F821 - defined in the kernel


def _call(fn, args, kwargs):
    try:
        value = fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except Exception as error:  # noqa: BLE001 - as in the judge: the student's error fails the test
        raise student_error(type(error).__name__, str(error)) from None
    return _plain(value)


class LocalStudent:
    def run(self, fn, *args, **kwargs):
        return _call(fn, args, kwargs)

    def map(self, fn, items):
        out = []
        for item in items:
            try:
                out.append(_call(fn, (item,), {}))
            except StudentError as error:
                out.append(error)
        return out

    @property
    def numpy_only(self):
        return self  # one process: PyTorch cannot be taken away here (plain nbgrader's weaker guarantee)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in _user_ns():
            raise StudentError("NameError", f"the notebook defines no {name!r}")
        value = _user_ns()[name]
        if callable(value):
            try:
                agent.encode(value)
            except TypeError:
                return lambda *args, **kwargs: _call(value, args, kwargs)
        return _plain(value)


class LazySolution:
    """The source notebook's definitions, built on first use as the judge builds them."""

    def __init__(self):
        self._namespace = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._namespace is None:
            self._namespace = _load_solution(Path(os.getcwd()), os.environ.get("DLCOURSE_SOURCE_NOTEBOOK"))
        try:
            return self._namespace[name]
        except KeyError:
            raise AttributeError(f"the solution defines no {name!r}") from None


def _load_solution(folder, source_path=None):
    """The solution namespace, from source_path, or from the course above folder (nbgrader's
    autograded/<student>/<ID>/, whose name is the problem set's)."""
    import builtins

    from grader import notebooks
    from grader.prepare import judge_spec
    from grader.judge import slicing

    ps_id = folder.name
    candidates = [Path(source_path)] if source_path else [
        root / "source" / ps_id / f"{ps_id}.ipynb" for root in [folder, *folder.parents]
        if (root / "nbgrader_config.py").exists()]
    for source in candidates:
        if source.exists():
            spec = judge_spec(notebooks.read(source), threads=1)
            namespace = {"__name__": wire.SOLUTION_MODULE, "__builtins__": builtins}
            # Quietly: what the setup cell prints, or a plot warns, would land in the test cell,
            # and nbgrader scores a test cell that wrote to stderr as failed.
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                slicing.run_cells(spec["solution"], namespace, set(spec["callables"]))
                if "matplotlib.pyplot" in sys.modules:
                    sys.modules["matplotlib.pyplot"].close("all")
            return namespace
    raise RuntimeError(f"no source notebook for {ps_id} above {folder}")


student = LocalStudent()
solution = LazySolution()
