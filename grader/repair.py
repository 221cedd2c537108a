"""Carries a student's answers into a pristine copy of the release notebook.

Editors and hosted notebook services damage notebooks in ways that make plain nbgrader score
correct work zero: cell metadata stripped, cells duplicated (with duplicated ids), deleted,
reordered, a cell's type changed, the file renamed. Before grading, every submission is aligned
with the release notebook, cell by cell, and the student's text is put into the release's cells,
which carry the right metadata, types and ids. The submitted file itself is never changed.

Alignment (`align`):
1. A dynamic programme over the release's cells and the student's cells (both in order) picks
   the order-preserving matching with the highest total score. A student cell with the same
   nbgrader grade_id scores high; a cell without metadata scores by the overlap of its lines with
   the release cell (an answer keeps the stub's signature and docstring); two cells of the same
   type that sit between the same matched neighbours score a little, so a prose answer that
   shares no line with "YOUR ANSWER HERE" still lands in its place. Among duplicated copies the
   one the student edited wins, and among edited ones the later (it is the one that ran last).
2. Cells the programme could not match in order are matched out of order when their grade_id
   or their content is unambiguous ("moved").
3. Student cells that match nothing are kept, as extra cells, after the cell they followed.

Every decision that changed something is logged; a release answer cell with no student
counterpart is reported as "no answer found", and is graded as the blank stub.
"""

import copy
import json
import os
from dataclasses import dataclass, field

import nbformat

SAME_GRADE_ID = 10.0      # a metadata match beats any content evidence
EDITED_BONUS = 0.5        # among duplicates, the copy the student worked on
SAME_TYPE_BONUS = 0.05    # lets position decide where content says nothing
MIN_CONTENT = 0.2         # line overlap below this is no evidence
MOVED_CONTENT = 0.3       # an out-of-order match also needs each cell to be the other's best


@dataclass
class Repair:
    notebook: object                           # the notebook to grade (nbformat NotebookNode)
    log: list = field(default_factory=list)    # what was repaired, in words
    unplaced: list = field(default_factory=list)  # answers that could not be placed
    evidence: float = 0.0                      # share of the release's cells found by id or content


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _lines(text):
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _overlap(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def load_cells(text, max_cells=None):
    """The cells of a notebook's JSON text, leniently: missing keys and bad ids are tolerated.
    ValueError when it is not a notebook, or has more than max_cells cells."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError("the file is JSON but has no list of cells: it is not a Jupyter notebook")
    if max_cells is not None and len(data["cells"]) > max_cells:
        raise ValueError(f"the notebook has {len(data['cells']):,} cells, far more than this problem set's "
                         f"notebook (at most {max_cells:,} are graded): remove the empty or pasted cells")
    cells = []
    for raw in data["cells"]:
        if not isinstance(raw, dict):
            continue
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        cell_type = raw.get("cell_type") if raw.get("cell_type") in ("code", "markdown", "raw") else "code"
        cells.append({"cell_type": cell_type, "source": _source(raw), "metadata": metadata})
    return cells


class _Cell:
    def __init__(self, index, cell):
        self.index = index
        self.type = cell["cell_type"] if isinstance(cell, dict) else cell.cell_type
        self.source = _source(cell)
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else cell.metadata
        nbgrader = meta.get("nbgrader", {}) if isinstance(meta.get("nbgrader", {}), dict) else {}
        grade_id = nbgrader.get("grade_id")
        self.grade_id = grade_id if isinstance(grade_id, str) else None  # a list or dict is no id
        self.solution = bool(nbgrader.get("solution"))
        self.locked = bool(nbgrader.get("locked")) or (bool(nbgrader.get("grade")) and not self.solution)
        self.lines = _lines(self.source)


def _score(r, s, release_ids):
    if r.grade_id and s.grade_id in release_ids:
        if s.grade_id != r.grade_id:
            return None
        edited = EDITED_BONUS if r.solution and s.source.strip() != r.source.strip() else 0.0
        return SAME_GRADE_ID + edited + 1e-6 * s.index
    if s.grade_id in release_ids:  # a student cell that belongs to another release cell
        return None
    content = _overlap(r.lines, s.lines)
    if content < MIN_CONTENT:
        content = 0.0
    bonus = SAME_TYPE_BONUS if r.type == s.type else 0.0
    if r.solution and content == 0.0 and bonus == 0.0:
        return None
    score = content + bonus + (EDITED_BONUS * content if r.solution and s.source.strip() != r.source.strip() else 0.0)
    return score + 1e-6 * s.index if score > 0 else None


def align(release_cells, student_cells):
    """{release index: student index}, and the out-of-order ("moved") release indices."""
    release_ids = {r.grade_id for r in release_cells if r.grade_id}
    n, m = len(release_cells), len(student_cells)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            score = _score(release_cells[i], student_cells[j], release_ids)
            if score is not None:
                options.append(score + best[i + 1][j + 1])
            best[i][j] = max(options)
    matches, i, j = {}, 0, 0
    while i < n and j < m:
        score = _score(release_cells[i], student_cells[j], release_ids)
        if score is not None and abs(best[i][j] - (score + best[i + 1][j + 1])) < 1e-12:
            matches[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    # Out of order: an unmatched student cell with the release cell's grade_id, or, without
    # metadata, a pair of unmatched cells that are each other's best match by content.
    moved = set()
    used = set(matches.values())

    def free_students():
        return [s for s in student_cells if s.index not in used]

    for ri, r in enumerate(release_cells):
        if ri in matches or not r.grade_id:
            continue
        same = [s for s in free_students() if s.grade_id == r.grade_id]
        if same:
            chosen = max(same, key=lambda s: (s.source.strip() != r.source.strip(), s.index))
            matches[ri], moved = chosen.index, moved | {ri}
            used.add(chosen.index)
    for ri, r in enumerate(release_cells):
        if ri in matches or not r.lines:
            continue
        free = [s for s in free_students() if not s.grade_id]
        if not free:
            break
        s = max(free, key=lambda s: _overlap(r.lines, s.lines))
        if _overlap(r.lines, s.lines) < MOVED_CONTENT:
            continue
        rivals = [q for qi, q in enumerate(release_cells) if qi not in matches and q.lines]
        if max(rivals, key=lambda q: _overlap(q.lines, s.lines)) is r:
            matches[ri], moved = s.index, moved | {ri}
            used.add(s.index)
    return matches, moved


def _describe(cell):
    return cell.grade_id or f"cell {cell.index + 1}"


def repair(release_nb, submission_text, max_cells=None):
    """Repair of one submission: the release notebook with the student's answers in it."""
    release_cells = [_Cell(i, c) for i, c in enumerate(release_nb.cells)]
    student_cells = [_Cell(j, c) for j, c in enumerate(load_cells(submission_text, max_cells))]
    matches, moved = align(release_cells, student_cells)
    result = Repair(copy.deepcopy(release_nb))
    found = [ri for ri, sj in matches.items() if (release_cells[ri].grade_id and release_cells[ri].grade_id
                                                   == student_cells[sj].grade_id)
             or _overlap(release_cells[ri].lines, student_cells[sj].lines) >= MIN_CONTENT]
    result.evidence = len(found) / max(1, len(release_cells))
    out_cells = []
    student_to_release = {j: i for i, j in matches.items()}
    # Extra student cells go after the release cell matched to the student cell before them.
    extras_after = {}
    last_release = -1
    for s in student_cells:
        if s.index in student_to_release:
            last_release = max(last_release, student_to_release[s.index])
        else:
            extras_after.setdefault(last_release, []).append(s)
    seen_ids = {}
    for s in student_cells:
        if s.grade_id:
            seen_ids.setdefault(s.grade_id, []).append(s)
    for extra in extras_after.get(-1, []):
        out_cells.append(_extra_cell(extra))
    for r, cell in zip(release_cells, result.notebook.cells):
        new = copy.deepcopy(cell)
        if r.index in matches:
            s = student_cells[matches[r.index]]
            if not r.locked:
                new.source = s.source
            if r.grade_id and s.grade_id != r.grade_id:
                result.log.append(f"{_describe(r)}: metadata restored (the cell had lost its nbgrader metadata)")
            if s.type != r.type:
                result.log.append(f"{_describe(r)}: cell type changed back from {s.type} to {r.type}")
            if r.index in moved:
                result.log.append(f"{_describe(r)}: found out of place (student cell {s.index + 1}) and moved back")
            copies = seen_ids.get(r.grade_id, []) if r.grade_id else []
            if len(copies) > 1:
                result.log.append(f"{_describe(r)}: {len(copies)} copies of the cell; graded the one at position "
                                  f"{s.index + 1}, kept the others as extra cells")
        elif r.solution:
            result.unplaced.append(f"{_describe(r)}: no answer found in the submission; graded as the blank stub")
        elif r.grade_id and not r.locked:
            result.log.append(f"{_describe(r)}: missing from the submission; restored from the release")
        elif r.grade_id:
            result.log.append(f"{_describe(r)}: deleted by the student; restored from the release")
        out_cells.append(new)
        for extra in extras_after.get(r.index, []):
            out_cells.append(_extra_cell(extra))
    result.notebook.cells = out_cells
    restored = [line for line in result.log if "metadata restored" in line]
    if len(restored) > 3:  # a stripped notebook: one line, not one per cell
        result.log = [f"nbgrader metadata restored on {len(restored)} cells (it had been stripped, "
                      f"for example by another editor)"] + [line for line in result.log if line not in restored]
    return result


def _extra_cell(s):
    """A student cell that matches nothing in the release, kept as an unmarked cell."""
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
            "raw": nbformat.v4.new_raw_cell}[s.type]
    return make(s.source)


def find_notebook(folder, expected_name):
    """(path, note) of the submitted notebook: the expected file or, when it was renamed, the
    only other notebook in the folder. (None, reason) when there is none or it is ambiguous."""
    expected = folder / expected_name
    if os.path.lexists(expected):  # a link or a folder is found here, and refused by the caller
        return expected, ""
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if len(others) == 1:
        return others[0], f"the notebook was named {others[0].name!r} instead of {expected_name!r}; graded it"
    if not others:
        return None, f"no notebook named {expected_name} in the submission folder"
    names = ", ".join(p.name for p in others)
    return None, f"no notebook named {expected_name}, and several others ({names}): rename the one to grade"
