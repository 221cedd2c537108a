"""Makes test cells' comparisons safe from values that student code built to fool them.

A student function can return an object whose `__eq__` always answers True, or whose `__array__`
looks up the expected value in its caller's frame. `assert add(1, 2) == 3` would pass. Instead of
asking every notebook author to write `type(x) is int and x == 3`, the grader rewrites each test
cell before running it (the notebook keeps its text): every operand of a comparison
(`==`, `<`, `in`, `is`, ...) and every argument of a comparison function (`allclose`,
`isclose`, `assert_allclose`, `assert_close`, `equal`, `array_equal`, ...) passes through
`PLAIN(value)`, which returns the value unchanged, or fails the test when its type, or the type
of an element of a list, tuple, set, dict or NumPy object array, was defined by the notebook.
Built-in numbers, tuples, NumPy arrays and tensors compare as usual.

grader/integrity_probe.py installs the function in the kernel under a random name, which
grader/execute.py puts in place of PLAIN just before the cell runs.

Students also could redefine a function, class or module alias that an instructor's cell
defines and a test uses (`np = fake_numpy`, or a helper the hidden tests call).
`protected_names` lists them; the integrity check records each one's identity after the
instructor's cell that binds it ran, and before a test cell checks the names that test reads.
"""

import ast

PLAIN = "__grader_plain__"
SHALLOW = 3  # PLAIN's depth argument: look at the value's own type, not at what it contains
COMPARISON_CALLS = {"allclose", "isclose", "assert_allclose", "assert_close", "array_equal", "array_equiv",
                    "equal", "assert_array_equal", "assert_equal", "assert_almost_equal",
                    "assert_array_almost_equal", "assert_array_less"}


class _Wrap(ast.NodeTransformer):
    def _plain(self, node, how="deep"):
        args = [node] if how == "deep" else [node, ast.Constant(SHALLOW)]
        return ast.Call(func=ast.Name(PLAIN, ast.Load()), args=args, keywords=[])

    def visit_Compare(self, node):
        # x == y, x < y: both sides, and what they contain. x in y: x fully, the container y by
        # its type only (its contents may be anything, like globals()). x is y: identity, which
        # no object can fake, so nothing is wrapped.
        self.generic_visit(node)
        operands = [node.left] + node.comparators
        wrapped = [None] * len(operands)
        for k, op in enumerate(node.ops):
            if isinstance(op, (ast.Is, ast.IsNot)):
                continue
            if isinstance(op, (ast.In, ast.NotIn)):
                wrapped[k] = wrapped[k] or "deep"
                wrapped[k + 1] = wrapped[k + 1] or "shallow"
            else:
                wrapped[k] = wrapped[k + 1] = "deep"
        operands = [self._plain(o, how) if how else o for o, how in zip(operands, wrapped)]
        node.left, node.comparators = operands[0], operands[1:]
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in COMPARISON_CALLS:
            node.args = [a if isinstance(a, ast.Starred) else self._plain(a) for a in node.args]
            for keyword in node.keywords:
                if keyword.arg in (None, "actual", "desired", "expected", "a", "b", "x", "y", "input", "other"):
                    keyword.value = self._plain(keyword.value)
        return node


def harden(source):
    """The test cell's source with comparisons guarded; unchanged when it is not plain Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: nbgrader's test cells have none
        return source
    tree = ast.fix_missing_locations(_Wrap().visit(tree))
    # ast.unparse drops comments; the leading ones are kept, as the self-check at the end of
    # each notebook finds a test cell by its first line, "# Test <grade id> (...)".
    lines = source.split("\n")
    header = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line)
    return "\n".join(header + [ast.unparse(tree)])


def _defined(tree):
    """Names a cell's top-level statements bind to functions, classes and modules."""
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    return set(names)


def _bound(tree):
    """Every name the cell may bind, however (assignments and loops included; names local to a
    function count too, which only means a name is recorded again with the same value)."""
    return _defined(tree) | {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _read(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def protected_names(sources, instructor, tests):
    """(record_after, checked_before) for the integrity check's protection of names.

    sources: {cell index: source}; instructor: indices of locked and test cells; tests: indices
    of the autograded test cells. A name is protected when an instructor cell binds it to a
    function, class or module and a test cell reads it. record_after: {instructor cell: the
    protected names it binds} (recorded after it runs, so an instructor's later rebinding is
    the new reference); checked_before: {test cell: the protected names it reads}.
    """
    trees = {}
    for i in instructor:
        try:
            trees[i] = ast.parse(sources[i])
        except SyntaxError:
            continue
    reads = {i: _read(trees[i]) for i in tests if i in trees}
    protected = set().union(*(_defined(tree) for tree in trees.values())) & set().union(set(), *reads.values())
    record_after = {i: sorted(_bound(tree) & protected) for i, tree in trees.items() if _bound(tree) & protected}
    checked_before = {i: sorted(names & protected) for i, names in reads.items() if names & protected}
    return record_after, checked_before
