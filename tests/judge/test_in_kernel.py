"""grader/judge/in_kernel.py: under plain nbgrader, hidden tests get the same `student` and `solution`."""

import builtins
import types

import numpy as np
import pytest

from grader.judge import in_kernel
from grader.judge.student import StudentError
from tests.conftest import TINY, tiny_course


@pytest.fixture
def notebook(monkeypatch):
    user_ns = {"__builtins__": builtins}
    monkeypatch.setattr(builtins, "get_ipython", lambda: types.SimpleNamespace(user_ns=user_ns), raising=False)
    return user_ns


def test_same_behaviour_as_in_the_judge(notebook):
    exec("import numpy as np\ndef add(a, b):\n    a[0] = 99\n    return a + b\n"
         "class Anything:\n    def __eq__(self, other): return True\n"
         "def rigged():\n    return Anything()\nVALUE = np.float32(2)", notebook)
    student = in_kernel.LocalStudent()
    x = np.zeros(2)
    assert np.array_equal(student.add(x, 1), [100.0, 1.0]) and x[0] == 0, "arguments are copied in"
    assert type(student.VALUE) is np.float32
    with pytest.raises(StudentError, match="cannot send a Anything"):
        student.rigged()
    with pytest.raises(StudentError, match="defines no 'missing'"):
        student.missing
    assert student.run(lambda v: v * 2, 3) == 6
    results = student.map(lambda v: 1 / v, [1, 0])
    assert results[0] == 1.0 and isinstance(results[1], StudentError) and results[1].ename == "ZeroDivisionError"


def test_solution_is_read_from_the_courses_source_notebook(tmp_path, monkeypatch):
    course = tiny_course(tmp_path / "course", generate=False)
    folder = course.root / "autograded" / "ann" / TINY
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    solution = in_kernel.LazySolution()
    assert solution.add(2, 3) == 5 and solution.mean_square([1, 2, 3]) == pytest.approx(14 / 3)
    with pytest.raises(AttributeError):
        solution.not_there
