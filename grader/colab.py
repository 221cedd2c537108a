"""The "Open in Colab" badges, built from one setting: [tool.dl-course] in pyproject.toml.

Colab opens a notebook straight from GitHub at
    https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<path>
so a badge needs only the repository's address, its branch and the notebook's path in release/.
`grader release` writes the badge into the first cell of each release notebook and into the
README's table of problem sets (between the markers below), so both follow the setting.
"""

import re
import tomllib
from pathlib import Path

from nbgrader.utils import compute_checksum

from grader.course import REPO_ROOT

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_LINE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\s*$")
README_BEGIN, README_END = "<!-- colab-badges: begin (written by `grader release`) -->", "<!-- colab-badges: end -->"


def settings(course):
    """{"repository": URL, "branch": name} from the course's pyproject.toml, else this package's."""
    for root in (course.root, REPO_ROOT):
        path = Path(root) / "pyproject.toml"
        if path.exists():
            section = tomllib.loads(path.read_text()).get("tool", {}).get("dl-course")
            if section:
                return {"repository": section["repository"].rstrip("/"), "branch": section.get("branch", "main")}
    raise SystemExit("no [tool.dl-course] repository setting in pyproject.toml: the Colab badges need it")


def colab_url(course, ps_id):
    cfg = settings(course)
    match = re.match(r"https://github\.com/([^/]+/[^/]+?)(\.git)?$", cfg["repository"])
    if not match:
        raise SystemExit(f"[tool.dl-course] repository must be a https://github.com/<owner>/<repo> address, "
                         f"not {cfg['repository']!r}")
    return (f"https://colab.research.google.com/github/{match.group(1)}/blob/{cfg['branch']}/"
            f"release/{ps_id}/{ps_id}.ipynb")


def badge(course, ps_id):
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(course, ps_id)})"


def add_badge(nb, line):
    """Puts the badge line first in the notebook's first (title) cell, replacing an older one.

    The cell is locked, so its nbgrader checksum is recomputed: `nbgrader validate` compares it.
    """
    cell = nb.cells[0]
    kept = [text for text in cell.source.split("\n") if not BADGE_LINE.match(text)]
    while kept and not kept[0].strip():
        kept.pop(0)
    cell.source = "\n".join([line, ""] + kept)
    meta = cell.get("metadata", {}).get("nbgrader")
    if meta and "checksum" in meta:
        meta["checksum"] = compute_checksum(cell)
    return nb


def title(nb):
    """The problem set's title: its first heading, after "Problem set N: "."""
    for line in nb.cells[0].source.split("\n"):
        if line.startswith("# "):
            return line[2:].split(": ", 1)[-1].strip()
    return ""


def readme_table(course, ps_ids):
    """The README's table of problem sets, each with its badge."""
    from grader import notebooks

    rows = ["| id | problem set | open |", "|---|---|---|"]
    rows += [f"| `{ps}` | {title(notebooks.read(course.source_notebook(ps)))} | {badge(course, ps)} |" for ps in ps_ids]
    return "\n".join(rows)


def update_readme(course, readme=None):
    """Rewrites the README's block between the markers; returns True when the file changed."""
    readme = readme or course.root / "README.md"
    if not readme.exists():
        return False
    text = readme.read_text()
    if README_BEGIN not in text:
        return False
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    new = f"{head}{README_BEGIN}\n{readme_table(course, course.existing_problem_sets())}\n{README_END}{tail}"
    if new != text:
        readme.write_text(new)
    return new != text
