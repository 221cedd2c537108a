"""Synthetic submissions made from the source notebook: right, blank, wrong and damaged.

Variants of the solution are written by instructors, one file each: wrong solutions under
tests/wrong_solutions/<problem set>/<name>.py, right ones (other correct ways to meet the
contracts) under tests/right_solutions/<problem set>/<name>.py (see docs/authoring.md):

    # Wrong solution: dx ignores the stride
    # must-lose: test_backward_dx
    # must-keep: test_forward, test_backward_db
    # visible-fails: test_backward_dx
    # %% conv1d_backward
    <code that replaces solution region 1 of the cell whose grade id is conv1d_backward>
    # %% conv1d_fast 2
    <code for region 2 of cell conv1d_fast>

A right solution starts `# Right solution: <what it does differently>` and has no must-* lines.
`grader check` requires each wrong one to lose points, to lose every test named in must-lose, to
keep every test named in must-keep, and to fail, in the student's own run, the visible checks of
every test named in visible-fails (so the student sees the bug before submitting); and each right
one to earn every autograded point. `grader demo` uses the wrong ones as its students with
typical mistakes.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path

from grader import notebooks


@dataclass
class Variant:
    """The instructor's solution with some solution regions replaced: a wrong or a right one."""
    name: str
    description: str
    replacements: dict  # (grade_id, region number) -> code
    must_lose: list = field(default_factory=list)
    must_keep: list = field(default_factory=list)
    visible_fails: list = field(default_factory=list)  # tests whose visible checks must fail in the student's run
    right: bool = False




def _id_list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_variant(path):
    path = Path(path)
    header, sections, current = {}, {}, None
    for line in path.read_text().split("\n"):
        if line.startswith("# %%"):
            parts = line[4:].split()
            if not parts:
                raise ValueError(f"{path}: '# %%' must be followed by a grade id")
            current = (parts[0], int(parts[1]) if len(parts) > 1 else 1)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        elif line.startswith("#") and ":" in line:
            key, value = line[1:].split(":", 1)
            header[key.strip().lower()] = value.strip()
    if not sections:
        raise ValueError(f"{path}: no '# %% <grade id>' section")
    right = "right solution" in header
    if right and ("wrong solution" in header or any(k in header for k in ("must-lose", "must-keep", "visible-fails"))):
        raise ValueError(f"{path}: a right solution must earn every point: no 'Wrong solution' or must-* lines")
    return Variant(
        name=path.stem,
        description=header.get("right solution" if right else "wrong solution", path.stem),
        replacements={key: "\n".join(lines) for key, lines in sections.items()},
        must_lose=_id_list(header.get("must-lose", "")),
        must_keep=_id_list(header.get("must-keep", "")),
        visible_fails=_id_list(header.get("visible-fails", "")),
        right=right,
    )



def _load(directory, right):
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [parse_variant(p) for p in sorted(directory.glob("*.py"))]
    misplaced = [v.name for v in found if v.right != right]
    if misplaced:
        raise ValueError(f"{directory}: {misplaced} are {'wrong' if right else 'right'} solutions: "
                         f"move them to the {'wrong' if right else 'right'}_solutions folder")
    return found


def load_wrong_solutions(directory):
    return _load(directory, right=False)


def load_right_solutions(directory):
    return _load(directory, right=True)


def wrong_solutions_dir(course, ps_id):
    return course.root / "tests" / "wrong_solutions" / ps_id


def right_solutions_dir(course, ps_id):
    return course.root / "tests" / "right_solutions" / ps_id


def perfect(source_nb, release_nb):
    return notebooks.filled_release(release_nb, source_nb)


def blank(release_nb):
    return copy.deepcopy(release_nb)


def variant(source_nb, release_nb, variant):
    """The release filled with the solution, the variant's regions replaced (right or wrong)."""
    return notebooks.filled_release(release_nb, source_nb, variant.replacements)


def write_submission(course, student, ps_id, nb):
    notebooks.write(nb, course.submitted_notebook(student, ps_id))


def write_damaged_submission(course, student, ps_id, nb):
    """A notebook cut off halfway through, as a failed upload leaves it."""
    path = course.submitted_notebook(student, ps_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = notebooks.nbformat.writes(nb)
    path.write_text(text[: len(text) // 2])
