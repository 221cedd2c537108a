"""Test cells are rewritten so that comparisons see only plain values (grader/harden.py)."""

import ast

from grader.harden import PLAIN, SHALLOW, harden, protected_names


def test_both_sides_of_a_comparison_are_checked():
    code = harden("assert add(1, 2) == 3, 'add(1, 2) should be 3'")
    assert f"{PLAIN}(add(1, 2)) == {PLAIN}(3)" in code
    assert "'add(1, 2) should be 3'" in code


def test_comparison_functions_get_checked_arguments():
    code = harden("assert np.allclose(y_hat, expected, atol=1e-6)\nnp.testing.assert_allclose(a, b)")
    assert f"np.allclose({PLAIN}(y_hat), {PLAIN}(expected), atol=1e-06)" in code
    assert f"np.testing.assert_allclose({PLAIN}(a), {PLAIN}(b))" in code


def test_identity_is_left_alone_and_containers_of_in_are_checked_shallowly():
    assert harden("assert block.shortcut is None") == "assert block.shortcut is None"
    assert harden("assert 'model' in globals()") == f"assert {PLAIN}('model') in {PLAIN}(globals(), {SHALLOW})"


def test_cells_that_are_not_plain_python_are_unchanged():
    assert harden("%timeit f()") == "%timeit f()"


def test_hardened_code_runs_like_the_original_on_plain_values():
    namespace = {PLAIN: lambda value, depth=0: value, "add": lambda a, b: a + b}
    exec(harden("assert add(1, 2) == 3\nassert 3 in [add(1, 2)]\nok = add(2, 2) >= 4"), namespace)
    assert namespace["ok"] is True


def test_protected_names_are_instructor_definitions_that_tests_read():
    sources = {
        0: "import numpy as np\nimport torch",          # locked set-up
        2: "def helper(x):\n    return 2 * x",          # locked helper
        3: "assert np.allclose(helper(1), f(1))",       # test
        5: "loss = 1.0\nnp = np",                       # a later instructor cell rebinds np
        6: "assert loss > 0",                           # test
    }
    record_after, checked_before = protected_names(sources, [0, 2, 3, 5, 6], [3, 6])
    assert record_after == {0: ["np"], 2: ["helper"], 5: ["np"]}
    assert checked_before == {3: ["helper", "np"]}, "loss is a value, not a function, class or module"
    for source in sources.values():
        ast.parse(harden(source))


def test_leading_comments_are_kept_for_the_self_check():
    source = '# Test test_a (2 points)\n# Visible\nassert f(1) == 2, "x"\nvisible_tests_passed("test_a")'
    lines = harden(source).split("\n")
    assert lines[:2] == ["# Test test_a (2 points)", "# Visible"]
    assert "__grader_plain__" in lines[2]
