"""grader/judge/slicing.py: the judge gets the read-only cells' definitions, never their work."""

import builtins

from grader.judge import slicing

SETUP = """import os
import numpy as np
try:
    import google.colab
    IN_COLAB = True
except ImportError:
    IN_COLAB = False
SMOKE = os.environ.get("DLCOURSE_SMOKE", "0") == "1"
np.random.seed(0)
print("setup done")
"""

HELPERS = """PATTERNS = {1: np.array([0.0, 1.0, 2.0])}
scale = lambda X: X * 2

def make_data(n, seed=0):
    return np.random.default_rng(seed).normal(size=n)

class Net:
    def __init__(self, layer=StudentLayer):
        self.layer = layer

X_show = make_data(5)                 # calls the notebook: the judge does not run it
total = sum(PATTERNS[1])              # a constant: runs
for k in range(3):                    # reads nothing the judge lacks, calls nothing of the notebook
    total += k
result = train(model)                 # student names: skipped
"""


def run(*sources, callables=("make_data", "Net", "train", "StudentLayer", "model")):
    namespace = {"__builtins__": builtins}
    problems = slicing.run_cells(list(sources), namespace, set(callables))
    return namespace, problems


def test_setup_cells_run_with_their_imports_settings_and_seeds():
    namespace, problems = run(SETUP)
    assert namespace["SMOKE"] in (True, False) and namespace["IN_COLAB"] is False
    assert namespace["np"].__name__ == "numpy" and not problems


def test_definitions_and_constants_run_work_does_not():
    namespace, problems = run(SETUP, HELPERS)
    assert callable(namespace["make_data"]) and callable(namespace["scale"]) and namespace["total"] == 6.0
    assert "X_show" not in namespace, "a call of a notebook function is never made by the judge"
    assert "result" not in namespace
    assert "Net" not in namespace, "its default reads a student name the judge does not have"
    assert not problems


def test_a_failing_statement_costs_only_its_names():
    namespace, problems = run(SETUP, "a = 1\nb = 1 / 0\nc = a + 1\n")
    assert namespace["a"] == 1 and namespace["c"] == 2 and "b" not in namespace
    assert problems and "ZeroDivisionError" in problems[0][1]


def test_magics_are_translated_and_broken_cells_skipped():
    namespace, _ = run("%matplotlib inline\nvalue = 3\n", "def broken(:\n")
    assert namespace["value"] == 3


def test_names_bound_inside_a_statement_are_not_read_from_outside():
    assert slicing.free_reads(slicing.parse("squares = [v * v for v in range(n)]")[0]) == {"range", "n"}
    assert slicing.free_reads(slicing.parse("f = lambda x, y=2: x + y + z")[0]) == {"z"}


def test_bound_names_stop_at_nested_scopes():
    node = slicing.parse("def f():\n    inner = 1\n")[0]
    assert slicing.bound_names(node) == {"f"}
    assert slicing.bound_names(slicing.parse("for i, (a, b) in pairs: c = [d for d in a]")[0]) == {"i", "a", "b", "c"}
