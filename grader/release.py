"""`grader release`: nbgrader's generate_assignment, then checks of what it produced.

Six checks, each returning a list of problems (empty when the release is sound):
- leaks():        no solution line, hidden test or manually graded answer text reaches the release;
- stubs():        every solution region became a stub that raises NotImplementedError;
- unjudged():     every autograded test cell has a hidden block (the judge's part of the test),
                  and helpers_defined_later(): its helpers are defined above it;
- stray_files():  nothing but notebooks in the release folder (nbgrader copies every file in
                  source/<ID>/, so an instructor's trained checkpoint would otherwise ship);
- run():          the release runs top to bottom, failing only in cells that depend on a stub.
"""

import ast
import os
import tempfile

from nbclient import NotebookClient

from grader import colab, notebooks
from grader.course import PROBLEM_SETS, SMOKE_ENV, run_nbgrader


class ReleaseError(RuntimeError):
    pass


def generate(course, ps_id):
    """Runs `nbgrader generate_assignment ID --force` in the course root, then adds the Colab badge."""
    proc = run_nbgrader(course, ["generate_assignment", ps_id, "--force"])
    path = course.release_notebook(ps_id)
    if proc.returncode != 0 or not path.exists():
        raise ReleaseError(f"nbgrader generate_assignment {ps_id} failed:\n{proc.stdout}{proc.stderr}")
    if ps_id in PROBLEM_SETS:  # course problem sets are published; test fixtures are not
        notebooks.write(colab.add_badge(notebooks.read(path), colab.badge(course, ps_id)), path)


def _secret_lines(source_nb):
    """Stripped lines an instructor wrote for their eyes only, minus lines also shown to students."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        lines = cell.source.split("\n")
        if cell.cell_type == "markdown" and notebooks.is_solution(cell):
            secret.update(line.strip() for line in lines)  # a manually graded answer: all of it
            continue
        inside = set()  # indices of the lines between (and including) markers
        for begin, end in (notebooks.BEGIN_SOLUTION, notebooks.END_SOLUTION), (notebooks.BEGIN_HIDDEN, notebooks.END_HIDDEN):
            for first, last, _ in notebooks.regions(cell.source, begin, end):
                inside.update(range(first, last + 1))
        for index, line in enumerate(lines):
            (secret if index in inside else public).add(line.strip())
    return {line for line in secret - public if line}


def leaks(source_nb, release_nb):
    problems = []
    secret = _secret_lines(source_nb)
    for index, cell in enumerate(release_nb.cells):
        where = notebooks.grade_id(cell) or f"cell {index}"
        for line in cell.source.split("\n"):
            stripped = line.strip()
            if stripped.startswith(notebooks.MARKERS):
                problems.append(f"{where}: marker {stripped!r} left in the release")
            elif stripped in secret:
                problems.append(f"{where}: instructor-only line leaked: {stripped!r}")
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{where}: the release carries outputs")
    return problems


def stubs(source_nb, release_nb):
    problems = []
    release_cells = notebooks.cells_by_grade_id(release_nb)
    for cell in source_nb.cells:
        count = len(notebooks.regions(cell.source))
        if cell.cell_type != "code" or not count:
            continue
        gid = notebooks.grade_id(cell)
        released = release_cells.get(gid)
        if released is None:
            problems.append(f"{gid}: solution cell missing from the release")
            continue
        raises = released.source.count("raise NotImplementedError")
        if raises < count:
            problems.append(f"{gid}: {count} solution region(s) but {raises} NotImplementedError stub(s)")
    return problems


def unjudged(source_nb):
    """Autograded test cells without a hidden block: nothing outside the student's kernel would check them."""
    return [f"{notebooks.grade_id(cell)}: an autograded test cell needs a hidden block, which the grader runs "
            f"outside the student's kernel (docs/authoring.md)"
            for cell in source_nb.cells if notebooks.is_autograded_test(cell)
            and notebooks.hidden_source(cell.source) is None]


def helpers_defined_later(source_nb):
    """Hidden blocks that use a name only a read-only cell below them defines.

    The judge defines every read-only cell's helpers before the first test; plain nbgrader runs the
    notebook in order. A hidden block that uses a helper of a later cell would pass in the one and
    fail in the other, so helpers go in a read-only cell above the tests that use them.
    """
    from grader.judge import slicing

    problems, defined = [], set()
    later = {}  # name -> grade id of the first read-only cell that binds it
    for cell in source_nb.cells:
        if cell.cell_type == "code" and notebooks.nbgrader_meta(cell).get("locked") \
                and not notebooks.is_autograded_test(cell):
            for node in slicing.parse(cell.source):
                for name in slicing.bound_names(node):
                    later.setdefault(name, notebooks.grade_id(cell))
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = notebooks.nbgrader_meta(cell)
        block = notebooks.hidden_source(cell.source) if notebooks.is_autograded_test(cell) else None
        if block is not None:
            reads = set().union(set(), *(slicing.free_reads(node) for node in slicing.parse(block)))
            binds = set().union(set(), *(slicing.bound_names(node) for node in slicing.parse(block)))
            for name in sorted((reads - binds - defined) & set(later)):
                problems.append(f"{notebooks.grade_id(cell)}: its hidden block uses {name}, which the read-only "
                                f"cell {later[name]} defines below it; move the helper above the test")
        if meta.get("locked") and not notebooks.is_autograded_test(cell):
            defined |= {n for node in slicing.parse(cell.source) for n in slicing.bound_names(node)}
    return problems


def stray_files(course, ps_id):
    folder = course.release_notebook(ps_id).parent
    return [f"{path.relative_to(course.root)}: only notebooks belong in a release; delete it from "
            f"source/{ps_id}/ (files there are copied to students)"
            for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix != ".ipynb"]


def _assigned_names(source):
    """Top-level names a cell binds (assignments, defs, classes, imports, loop targets)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used_names(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def stub_failures_only(executed_nb, source_nb=None):
    """Problems in an executed release: errors that cannot be traced back to a stub.

    A cell may fail with NotImplementedError (it reached a stub), or when it uses a name that an
    earlier failing cell was meant to set. What a cell was meant to set is read from its source
    version when source_nb is given: a stub hides the assignments of the solution it replaced.
    Anything else means the release is broken.
    """
    meant = {gid: _assigned_names(notebooks.strip_markers(cell.source))
             for gid, cell in notebooks.cells_by_grade_id(source_nb).items()} if source_nb else {}
    problems, tainted = [], set()
    for index, cell in enumerate(executed_nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if not errors:
            continue
        error = errors[0]
        depends = error.ename == "NotImplementedError" or bool(_used_names(cell.source) & tainted)
        if not depends:
            where = notebooks.grade_id(cell) or f"cell {index}"
            problems.append(f"{where}: fails with {error.ename}: {error.evalue} "
                            f"(not caused by an unfinished stub)")
        tainted |= _assigned_names(cell.source) | meant.get(notebooks.grade_id(cell), set())
    return problems


def execute(nb, *, smoke=True, timeout=300, hidden_tests_of=None):
    """Runs a notebook in a fresh kernel, in a scratch folder; returns the executed copy.

    hidden_tests_of: the source notebook's path, to run a source notebook with its hidden tests in
    the kernel, as plain nbgrader does (`student` and `solution` from grader/judge/in_kernel.py).
    """
    env = dict(os.environ, MPLBACKEND="Agg")
    if smoke:
        env[SMOKE_ENV] = "1"
    extra = []
    if hidden_tests_of:
        env["DLCOURSE_SOURCE_NOTEBOOK"] = str(hidden_tests_of)
        extra = ["--IPKernelApp.exec_lines=from grader.judge.in_kernel import student, solution"]
    with tempfile.TemporaryDirectory() as scratch:
        client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                                extra_arguments=extra, resources={"metadata": {"path": scratch}})
        return client.execute(env=env)


def run(release_nb, source_nb, *, smoke=True):
    return stub_failures_only(execute(release_nb, smoke=smoke), source_nb)


def release(course, ps_id, *, execute_release=True):
    """Generates one problem set's release and checks it; returns the list of problems."""
    generate(course, ps_id)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    problems = (leaks(source_nb, release_nb) + stubs(source_nb, release_nb) + unjudged(source_nb)
                + helpers_defined_later(source_nb) + stray_files(course, ps_id))
    if execute_release:
        problems += run(release_nb, source_nb)
    return problems
