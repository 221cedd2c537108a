"""Reading and rewriting nbgrader notebooks: cell metadata and solution regions.

In a source notebook, instructor-only code sits between marker lines:
    ### BEGIN SOLUTION / ### END SOLUTION            (replaced by a stub in the release)
    ### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS    (removed from the release)
A cell may hold several solution regions; they are numbered 1, 2, ... from the top.
"""

import copy

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)


def read(path):
    return nbformat.read(str(path), as_version=4)


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def is_solution(cell):
    return bool(nbgrader_meta(cell).get("solution"))


def is_autograded_test(cell):
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def cells_by_grade_id(nb):
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def graded_cells(nb):
    """[(grade_id, points, kind)] in notebook order; kind is "autograded" or "manual"."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            kind = "autograded" if is_autograded_test(cell) else "manual"
            out.append((meta["grade_id"], float(meta.get("points", 0)), kind))
    return out


def regions(source, begin=BEGIN_SOLUTION, end=END_SOLUTION):
    """[(begin_line, end_line, indent)] of each region; the indices are those of the markers."""
    lines = source.split("\n")
    found, start = [], None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(begin):
            start = i
        elif stripped.startswith(end) and start is not None:
            indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            found.append((start, i, indent))
            start = None
    return found


def region_lines(source, begin=BEGIN_SOLUTION, end=END_SOLUTION):
    """The lines inside every region (markers excluded)."""
    lines = source.split("\n")
    return [line for b, e, _ in regions(source, begin, end) for line in lines[b + 1:e]]


def visible_source(source):
    """The source without its hidden-test regions (markers included): what students get."""
    lines = source.split("\n")
    hidden = set()
    for begin, end, _ in regions(source, BEGIN_HIDDEN, END_HIDDEN):
        hidden.update(range(begin, end + 1))
    return "\n".join(line for index, line in enumerate(lines) if index not in hidden)


def hidden_source(source):
    """The code inside the source's hidden-test regions, dedented; None when it has none."""
    found = regions(source, BEGIN_HIDDEN, END_HIDDEN)
    if not found:
        return None
    lines = source.split("\n")
    body = []
    for begin, end, indent in found:
        body += [line[len(indent):] if line.startswith(indent) else line for line in lines[begin + 1:end]]
    return "\n".join(body)


def strip_markers(source):
    """The source with the marker lines removed and everything else kept."""
    kept = [line for line in source.split("\n") if not line.strip().startswith(MARKERS)]
    return "\n".join(kept)


def replace_region(source, number, code):
    """Replaces the body of solution region `number` (1-based) by `code`, re-indented."""
    lines = source.split("\n")
    found = regions(source)
    if not 1 <= number <= len(found):
        raise ValueError(f"the cell has {len(found)} solution region(s); there is no region {number}")
    begin, end, indent = found[number - 1]
    body = [indent + line if line.strip() else "" for line in code.strip("\n").split("\n")]
    return "\n".join(lines[: begin + 1] + body + lines[end:])


def filled_release(release_nb, source_nb, replacements=None):
    """The release notebook with the instructor's solution in every solution cell.

    This is what a perfect student submits: release metadata and test cells, source solutions.
    replacements maps (grade_id, region number) to code that replaces that solution region,
    which is how a wrong solution is made from the right one.
    """
    replacements = replacements or {}
    source_cells = cells_by_grade_id(source_nb)
    nb = copy.deepcopy(release_nb)
    known = {(gid, n) for gid, c in source_cells.items() for n in range(1, len(regions(c.source)) + 1)}
    unknown = set(replacements) - known
    if unknown:
        raise ValueError(f"no such solution region(s): {sorted(unknown)}")
    for cell in nb.cells:
        gid = grade_id(cell)
        if not is_solution(cell) or gid not in source_cells:
            continue
        source = source_cells[gid].source
        for (rid, number), code in replacements.items():
            if rid == gid:
                source = replace_region(source, number, code)
        cell.source = strip_markers(source)
    return nb


def run_cells(nb, grade_ids, namespace=None):
    """Executes the named cells of a source notebook (markers stripped) in one namespace.

    Lets tests and benchmarks import a solution straight from the notebook that ships it,
    so there is no second copy of the code to drift. Returns the namespace.
    """
    namespace = {} if namespace is None else namespace
    cells = cells_by_grade_id(nb)
    for gid in grade_ids:
        if gid not in cells:
            raise KeyError(f"the notebook has no cell with grade id {gid!r}")
        code = compile(strip_markers(cells[gid].source), f"<cell {gid}>", "exec")
        exec(code, namespace)  # noqa: S102 (instructor's own notebook)
    return namespace


def plot_label(text):
    """text as a matplotlib label shows it: a student id such as `$\\x$` is not parsed as maths."""
    return str(text).replace("$", r"\$")
