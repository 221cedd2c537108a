"""`student`: the student's notebook, as a hidden test sees it.

Hidden tests run in the judge, a process that never runs student code (grader/judge/runner.py).
They reach the student's notebook only through this object:

    student.conv1d_out_width(10, 3, 2)     # calls the notebook's function; returns plain data
    student.RELU_SCALE                     # the notebook's value, as plain data
    student.run(f, x, y)                   # f(x, y) run in the student's notebook, returns plain data
    student.map(f, cases)                  # [f(case) for case in cases], each failure in its place
    student.numpy_only.run(f, x)           # the same, in a second kernel where PyTorch does not exist

`run` ships f into the student's kernel: the names f reads are the notebook's; the variables of
the test that f uses travel with it as copies; arguments are copied in. Whatever comes back is
plain data, decoded by grader/judge/wire.py: numbers, strings, lists, tuples, dicts, NumPy arrays
and tensors (tensors as data: ask for `requires_grad` or `.grad` explicitly if a test needs them).
When the student's code raises, or sends back something that is not plain data, the call raises
StudentError, and the test fails with that message unless it catches it; `map` instead puts the
StudentError of each failing case in that case's place, so a test can say which case failed.

`student.numpy_only` reaches a second kernel that runs the same notebook (every statement of the
cells above the test, errors ignored) in a sandbox where PyTorch is not installed: parts that
must be written with NumPy are judged there, so handing the work to PyTorch earns nothing.

Under plain `nbgrader autograde` the hidden tests run inside the student's kernel instead;
grader/judge/in_kernel.py provides a `student` with the same behaviour there.
"""

import re

from grader.judge import wire


class StudentError(Exception):
    """The student's code raised, hung, or answered with something that is not plain data."""

    def __init__(self, ename, message, tampering=""):
        super().__init__(f"{ename}: {message}")
        self.ename, self.message, self.tampering = ename, message, tampering


def student_error(ename, message):
    """A StudentError from the kernel's own account of an error (both strings untrusted)."""
    ename = ename if isinstance(ename, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,99}", ename) else "Error"
    message = message[:4000] if isinstance(message, str) else ""
    return StudentError(ename, message or "raised by your code when the grader's test called it")


class Student:
    """The judge's handle on the student's notebook. channel(payload bytes) -> reply bytes."""

    def __init__(self, channel, judge_globals, kernel="main"):
        self._channel = channel
        self._globals = judge_globals
        self._kernel = kernel

    @property
    def numpy_only(self):
        """The same notebook, in a kernel where PyTorch cannot be imported."""
        return Student(self._channel, self._globals, kernel="numpy")

    def map(self, fn, items):
        """[fn(item) for item in items] in the student's notebook; a failing item gives its StudentError."""
        if not callable(fn):
            raise TypeError("student.map needs a function to run in the student's notebook")
        items = list(items)
        results = self._request(("map", fn, (items,), {}))
        if not isinstance(results, list) or len(results) != len(items):  # one answer per case, or none count
            raise StudentError("GraderProtocolError", "the student's kernel answered the grader out of protocol",
                               tampering="the kernel's answer to the grader was not in the grader's format")
        out = []
        for entry in results:
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] is True:
                out.append(entry[1])
            elif isinstance(entry, tuple) and len(entry) == 2 and entry[0] is False \
                    and isinstance(entry[1], tuple) and len(entry[1]) == 2:
                out.append(student_error(*entry[1]))
            else:
                raise StudentError("GraderProtocolError", "the student's kernel answered the grader out of protocol",
                                   tampering="the kernel's answer to the grader was not in the grader's format")
        return out

    def run(self, fn, *args, **kwargs):
        """fn(*args, **kwargs) in the student's notebook; its result as plain data."""
        if not callable(fn):
            raise TypeError("student.run needs a function to run in the student's notebook")
        return self._request(("run", fn, args, kwargs))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._request(("get", name, (), {}))
        return _NotebookFunction(self, name) if isinstance(value, wire.NotebookCallable) else value

    def _request(self, request):
        reply = self._channel(wire.ship(request, self._globals), self._kernel)
        try:
            answer = wire.decode(reply)
        except wire.MalformedReply as error:
            raise StudentError("GraderProtocolError", f"the student's kernel answered the grader with something "
                                                      f"that is not plain data ({error})",
                               tampering="the kernel's answer to the grader was not in the grader's format") from None
        if isinstance(answer, dict) and set(answer) == {"value"}:
            return answer["value"]
        if isinstance(answer, dict) and set(answer) == {"error"} and isinstance(answer["error"], list) \
                and len(answer["error"]) == 2:
            raise student_error(*answer["error"])
        raise StudentError("GraderProtocolError", "the student's kernel answered the grader out of protocol",
                           tampering="the kernel's answer to the grader was not in the grader's format")


class _NotebookFunction:
    """student.NAME for a function or class of the notebook: calling it calls it there."""

    def __init__(self, owner, name):
        self._owner, self._name = owner, name

    def __call__(self, *args, **kwargs):
        return self._owner._request(("call", self._name, args, kwargs))

    def __repr__(self):
        return f"<the student's {self._name}>"
