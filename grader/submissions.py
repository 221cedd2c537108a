"""Synthetic submissions made from the source notebook: right, blank, wrong and damaged.

Wrong solutions are written by instructors, one file each, under
tests/wrong_solutions/<problem set>/<name>.py (see docs/authoring.md):

    # Wrong solution: dx ignores the stride
    # must-lose: test_backward_dx
    # must-keep: test_forward, test_backward_db
    # %% conv1d_backward
    <code that replaces solution region 1 of the cell whose grade id is conv1d_backward>
    # %% conv1d_fast 2
    <code for region 2 of cell conv1d_fast>

`grader check` requires each one to lose points, to lose every test named in must-lose, and to
keep every test named in must-keep. `grader demo` uses them as its students with typical mistakes.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path

from grader import notebooks


@dataclass
class WrongSolution:
    name: str
    description: str
    replacements: dict  # (grade_id, region number) -> code
    must_lose: list = field(default_factory=list)
    must_keep: list = field(default_factory=list)


def _id_list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_wrong_solution(path):
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
    return WrongSolution(
        name=path.stem,
        description=header.get("wrong solution", path.stem),
        replacements={key: "\n".join(lines) for key, lines in sections.items()},
        must_lose=_id_list(header.get("must-lose", "")),
        must_keep=_id_list(header.get("must-keep", "")),
    )


def load_wrong_solutions(directory):
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return [parse_wrong_solution(p) for p in sorted(directory.glob("*.py"))]


def wrong_solutions_dir(course, ps_id):
    return course.root / "tests" / "wrong_solutions" / ps_id


def perfect(source_nb, release_nb):
    return notebooks.filled_release(release_nb, source_nb)


def blank(release_nb):
    return copy.deepcopy(release_nb)


def wrong(source_nb, release_nb, wrong_solution):
    return notebooks.filled_release(release_nb, source_nb, wrong_solution.replacements)


def write_submission(course, student, ps_id, nb):
    notebooks.write(nb, course.submitted_notebook(student, ps_id))


def write_damaged_submission(course, student, ps_id, nb):
    """A notebook cut off halfway through, as a failed upload leaves it."""
    path = course.submitted_notebook(student, ps_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = notebooks.nbformat.writes(nb)
    path.write_text(text[: len(text) // 2])
