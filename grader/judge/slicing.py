"""Which statements of the instructor's cells the judge runs to build its namespaces.

The judge gives hidden tests the definitions of the notebook's read-only cells (and, under
`solution`, of the instructor's solution cells) without running the notebook: no training, no
plots of data the judge does not have, nothing that calls the student's code. A top-level
statement of such a cell runs in the judge when

- it is an import, or a `def` / `class` whose decorators, defaults and base classes (and the
  class body outside its methods) read only names the judge already has; or
- it is any other statement that reads only names the judge already has, and calls no function
  or class defined anywhere in the notebook (`fit_mlp(...)`, `make_cnn()`, `TinyCNN()`).

So the setup cell's imports, seeds and settings run, helper functions and classes are defined,
and constants (`SMOKE`, `PATTERNS`, `COMPETITION_CHECKPOINT`) are set; data sets, trained models
and results are not. A hidden test that needs instructor data calls a helper function for it.
"""

import ast
import builtins

BUILTIN_NAMES = frozenset(dir(builtins))


def parse(source):
    """The top-level statements of a cell (IPython magics translated first); [] if unparsable."""
    try:
        return ast.parse(source).body
    except SyntaxError:
        pass
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source)).body
    except (SyntaxError, ImportError):
        return []


def _loads(nodes):
    return {n.id for node in nodes if node is not None for n in ast.walk(node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def free_reads(node):
    """Names a statement reads that it does not bind itself (loop targets, lambda arguments, ...)."""
    bound_inside = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bound_inside.add(n.id)
        elif isinstance(n, ast.arg):
            bound_inside.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound_inside.add(n.name)
        elif isinstance(n, ast.alias):
            bound_inside.add((n.asname or n.name).split(".")[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound_inside.add(n.name)
    return _loads([node]) - bound_inside


def definition_reads(node):
    """Names a def or class statement reads when it runs (not when the function is called)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = node.args
        parts = node.decorator_list + a.defaults + [d for d in a.kw_defaults if d is not None]
        parts += [arg.annotation for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
                  if arg is not None and arg.annotation is not None]
        return _loads(parts + [node.returns])
    names = _loads(node.decorator_list + node.bases + [k.value for k in node.keywords])
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names |= definition_reads(statement)
        else:
            names |= free_reads(statement)
    return names


def calls(node):
    """Names at the root of every call in a statement: f for f(), x for x.y().z()."""
    roots = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            func = n.func
            while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
                func = func.value if not isinstance(func, ast.Call) else func.func
            if isinstance(func, ast.Name):
                roots.add(func.id)
    return roots


def bound_names(node):
    """Names a top-level statement binds in the namespace it runs in (not in nested scopes)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    names = set()
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            names.add(n.name)
            continue
        elif isinstance(n, nested) and n is not node:
            continue
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= bound_names(n)
        todo.extend(ast.iter_child_nodes(n))
    return names


def defined_names(sources):
    """Names bound by def or class at the top level of any of the sources."""
    return {node.name for source in sources for node in parse(source)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def runnable(node, bound, notebook_callables):
    """True when the judge should run this top-level statement, given the names it has."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return not any(alias.name == "*" for alias in node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return definition_reads(node) <= bound
    return free_reads(node) <= bound and not calls(node) & notebook_callables


def run_cells(sources, namespace, notebook_callables):
    """Executes the runnable statements of the sources, in order, in namespace.

    Returns [(statement's first line, why it did not run, whether it was an import or definition)]
    for statements that raised; skipped statements are not errors. A statement that raises leaves
    its names unbound. (A plot that fails for lack of data is expected; a helper that fails to be
    defined is a fault of the problem set, which `grader check` reports.)
    """
    problems = []
    for source in sources:
        for node in parse(source):
            bound = BUILTIN_NAMES | set(namespace)
            if not runnable(node, bound, notebook_callables):
                continue
            try:
                exec(compile(ast.Module([node], type_ignores=[]), "<instructor cell>", "exec"), namespace)  # noqa: S102
            except Exception as error:  # noqa: BLE001 - a failing helper only costs the tests that need it
                definition = isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                                               ast.ClassDef))
                problems.append((ast.unparse(node).split("\n")[0][:100], f"{type(error).__name__}: {error}",
                                 definition))
    return problems
