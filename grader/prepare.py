"""Turns a submission folder into a Job for grader/execute.py (runs in the coordinator).

The student's answers are first carried into a pristine copy of the release notebook
(grader/repair.py); then nbgrader's own sanitizing preprocessors do the work, as in `nbgrader autograde`: outputs are
cleared, duplicated cell ids made unique, the kernelspec reset, and every locked and test cell
overwritten with the instructor's version from the gradebook (which restores the hidden tests).
Next to the notebook the job carries the submission's other files (such as the ps2 competition
checkpoint) and the instructor's non-notebook files from source/<ID>/, nothing else.
"""

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                    OverwriteKernelspec)

from grader import __version__, notebooks, repair
from grader.gradebook import course_config
from grader.judge import slicing
from grader.execute import Job

# Files next to the notebook larger than this are not given to the kernel (the ps2 checkpoint
# is capped at 50 MB by the notebook itself).
MAX_FILE_BYTES = 100 * 2**20
SKIPPED_FILES = {"timestamp.txt"}
# Only data files reach the kernel. Python files could shadow a module the tests import (the
# kernel's folder is on sys.path), and hidden files could configure IPython before the grader's
# integrity check is installed.
DATA_SUFFIXES = {".pt", ".pth", ".npy", ".npz", ".csv", ".txt", ".json", ".png", ".jpg"}


def sanitize(course, ps_id, nb):
    """nbgrader's sanitizing steps on a submitted notebook; returns the notebook to execute."""
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": ps_id, "notebook": ps_id}}
    config = course_config(course)  # nbgrader's preprocessors get the course's settings
    for preprocessor in (ClearOutput(config=config), DeduplicateIds(config=config), OverwriteKernelspec(config=config),
                         OverwriteCells(config=config), CheckCellMetadata(config=config)):
        nb, resources = preprocessor.preprocess(nb, resources)
    return nb


def side_files(folder, skip_notebook):
    """{relative path: bytes} of the regular files under folder (no links, no huge files)."""
    files = {}
    if not folder.is_dir():
        return files
    for path in regular_files(folder):  # never through a link: a student's folder may hold any
        relative = path.relative_to(folder).as_posix()
        if (relative == skip_notebook
                or relative in SKIPPED_FILES or path.suffix.lower() not in DATA_SUFFIXES
                or any(part.startswith(".") for part in relative.split("/"))
                or path.stat().st_size > MAX_FILE_BYTES):
            continue
        files[relative] = path.read_bytes()
    return files


def submission_key(course, ps_id, student, smoke, limits, data_dir=""):
    """A hash of every input that can change a grade: the submission's files, the source and
    release notebooks, the instructor's side files, nbgrader_config.py (timeouts, late penalties),
    the due date in the gradebook, the mode, every limit, the dataset folder and the grader's
    version. A batch re-grades a submission only when its key changed (or with --force)."""
    digest = hashlib.sha256()

    def add(label, data):
        digest.update(label.encode() + b"\0" + (data if isinstance(data, bytes) else str(data).encode()) + b"\0")

    add("source", course.source_notebook(ps_id).read_bytes())
    add("release", course.release_notebook(ps_id).read_bytes())
    for name, data in sorted(side_files(course.source_notebook(ps_id).parent, f"{ps_id}.ipynb").items()):
        add(f"side:{name}", data)
    config = course.root / "nbgrader_config.py"
    add("config", config.read_bytes() if config.exists() else b"")
    add("duedate", _duedate(course, ps_id))
    folder = course.submitted_notebook(student, ps_id).parent
    for path in regular_files(folder):
        file_digest = hashlib.sha256()
        with open(path, "rb") as f:  # in chunks: a huge file costs time, not memory
            for chunk in iter(lambda: f.read(2**20), b""):
                file_digest.update(chunk)
        add(f"submitted:{path.relative_to(folder).as_posix()}", file_digest.digest())
    add("settings", json.dumps({"smoke": smoke, "limits": dataclasses.asdict(limits), "data_dir": data_dir,
                                "grader": __version__}, sort_keys=True))
    return digest.hexdigest()


def _duedate(course, ps_id):
    from nbgrader.api import Gradebook, MissingEntry

    from grader.gradebook import course_id

    if course.db_url.startswith("sqlite:") and not course.db_path.exists():
        return ""
    with Gradebook(course.db_url, course_id(course)) as gb:
        try:
            return str(gb.find_assignment(ps_id).duedate or "")
        except MissingEntry:
            return ""


class Unreadable(Exception):
    """The submission cannot be graded at all; the message says why, for the student."""


# Bounds on what the coordinator reads, so that one upload cannot hold up the class: a notebook
# larger than this, or with far more cells than its release, is refused before it is aligned
# (grader/repair.py's alignment is quadratic in the number of cells).
MAX_NOTEBOOK_BYTES = 64 * 2**20
MAX_CELLS_FACTOR, MAX_CELLS_MIN = 10, 1000
# Student ids that nbgrader, the gradebook, feedback and reports all handle (an id is a folder name).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


def student_id_problem(student):
    """None for an id every tool handles; else why this folder name cannot be a student id."""
    if STUDENT_ID.fullmatch(student):
        return None
    return (f"the folder name {student!r} cannot be a student id: use letters, digits and . _ @ + - only "
            f"(nbgrader's feedback and the reports cannot handle other characters); rename the folder")


def refused_entries(folder):
    """Relative paths of the links and special files (FIFOs, sockets, devices) under folder,
    found without following any link: their content is never read, copied or graded."""
    refused, stack = [], [folder]
    while stack:
        current = stack.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_symlink():
                    refused.append(os.path.relpath(entry.path, folder))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif not entry.is_file(follow_symlinks=False):
                    refused.append(os.path.relpath(entry.path, folder))
    return sorted(refused)


def regular_files(folder):
    """The regular files under folder, sorted, found without following links."""
    found = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        found += [Path(current) / name for name in files
                  if not os.path.islink(os.path.join(current, name)) and os.path.isfile(os.path.join(current, name))]
    return sorted(found)


def load(course, ps_id, student, release_nb):
    """(repair.Repair, notes) for a student's submission; raises Unreadable."""
    problem = student_id_problem(student)
    if problem:
        raise Unreadable(problem)
    folder = course.submitted_notebook(student, ps_id).parent
    for path in (folder.parent, folder):
        if path.is_symlink() or not path.is_dir():
            raise Unreadable(f"{path.relative_to(course.root)} is a link or not a folder: links are never followed")
    refused = refused_entries(folder)
    path, note = repair.find_notebook(folder, f"{ps_id}.ipynb")
    if path is None:
        raise Unreadable(note)
    if path.is_symlink() or not path.is_file():
        raise Unreadable(f"{path.name} is a {'link' if path.is_symlink() else 'folder or special file'}, "
                         f"not a notebook file: links are never followed; upload the notebook itself")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"the notebook is {size / 2**20:.0f} MiB, more than the {MAX_NOTEBOOK_BYTES >> 20} MiB "
                         f"a notebook may be: clear its outputs (Edit > Clear all outputs) and resubmit")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the notebook file is not text: it is not an .ipynb file, or it was damaged") from None
    max_cells = max(MAX_CELLS_MIN, MAX_CELLS_FACTOR * len(release_nb.cells))
    try:
        fixed = repair.repair(release_nb, text, max_cells=max_cells)
    except json.JSONDecodeError as error:
        raise Unreadable(f"the notebook file is not valid JSON (line {error.lineno}, column {error.colno}): "
                         f"it was damaged or cut off; download it again and resubmit") from None
    except RecursionError:
        raise Unreadable("the notebook file's JSON is nested too deeply to be a notebook") from None
    except ValueError as error:
        raise Unreadable(str(error)) from None
    if fixed.evidence < 0.25:
        raise Unreadable("none of this problem set's answer cells is in the notebook: "
                         "it is not this problem set's notebook")
    notes = [note] if note else []
    if refused:
        notes.append(f"not read: {', '.join(refused[:5])}{' ...' if len(refused) > 5 else ''} "
                     f"(links and special files are never followed; upload the files themselves)")
    return fixed, notes


def make_job(course, ps_id, student, repaired_nb, *, smoke, limits, data_dir="", source_nb=None):
    path = course.submitted_notebook(student, ps_id)
    nb = sanitize(course, ps_id, repaired_nb)
    files = side_files(course.source_notebook(ps_id).parent, f"{ps_id}.ipynb")
    files.update(side_files(path.parent, path.name))
    source_nb = source_nb or notebooks.read(course.source_notebook(ps_id))
    source_cells = notebooks.cells_by_grade_id(source_nb)
    hidden = {}
    for i, cell in enumerate(nb.cells):
        if notebooks.is_autograded_test(cell) and notebooks.grade_id(cell) in source_cells:
            block = notebooks.hidden_source(source_cells[notebooks.grade_id(cell)].source)
            if block is not None:
                hidden[i] = block
    return Job(student, ps_id, nbformat.writes(nb), files, smoke=smoke, limits=limits, hidden=hidden,
               judge=judge_spec(source_nb, limits.threads, limits.memory_bytes), guarded=guarded_packages(nb), data_dir=data_dir,
               withheld=list(source_nb.metadata.get("dlcourse", {}).get("withheld_data", [])))


def judge_spec(source_nb, threads, memory_bytes=0):
    """What the judge process needs from the source notebook (grader/judge/runner.py).

    base: the read-only code cells other than tests; solution: the same with the instructor's
    solution cells, in notebook order; callables: every name the notebook defines with def or
    class, or that a student's cell binds (the judge never calls those while setting up);
    threads and memory_bytes: each job's judge gets the same as its kernel.
    """
    code = [c for c in source_nb.cells if c.cell_type == "code"]
    locked = [c for c in code if notebooks.nbgrader_meta(c).get("locked") and not notebooks.is_autograded_test(c)]
    students = [c for c in code if not notebooks.nbgrader_meta(c).get("locked")]
    student_bound = {name for c in students for node in slicing.parse(notebooks.strip_markers(c.source))
                     for name in slicing.bound_names(node)}
    callables = slicing.defined_names(notebooks.strip_markers(c.source) for c in code) | student_bound
    return {"base": [c.source for c in locked],
            "solution": [notebooks.strip_markers(c.source) for c in code
                         if c in locked or notebooks.is_solution(c)],
            "callables": sorted(callables), "threads": threads, "memory_bytes": memory_bytes}


def guarded_packages(nb):
    """The array packages the instructor's cells (locked and test cells) import."""
    text = "\n".join(c.source for c in nb.cells
                     if c.cell_type == "code" and notebooks.nbgrader_meta(c).get("locked"))
    return [p for p in ("numpy", "torch") if re.search(rf"^\s*(import|from)\s+{p}\b", text, re.M)]
