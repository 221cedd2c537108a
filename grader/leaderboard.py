"""`grader leaderboard ID`: rank a class by the competition accuracy the grader measured.

The accuracy is measured while nbgrader autogrades a submission: the hidden part of the locked
cell `test_competition_tier1` evaluates the student's model on the grader's copy of the test set
and prints one line, `competition test accuracy: 0.8530`. The leaderboard reads that line from
the notebook nbgrader executed (autograded/<student>/<ID>/), never from the student's own
outputs, and the tier points from the gradebook. It writes grades/<ID>-leaderboard.csv and
grades/<ID>-leaderboard.png.
"""

import csv
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass

from grader import notebooks
from grader.judge import verdict
from grader.gradebook import submission_scores

ACCURACY_CELL = "test_competition_tier1"
TIER_PREFIX = "test_competition_tier"
ACCURACY_LINE = re.compile(r"^competition test accuracy: ([0-9]*\.?[0-9]+)\s*$", re.MULTILINE)


@dataclass
class Entry:
    student: str
    accuracy: float = None  # None: no accuracy was measured (no model, or not graded)
    tiers: int = 0  # tiers reached, counting every tier cell with full points
    points: float = 0.0  # points earned in the tier cells
    note: str = ""


def has_competition(course, ps_id):
    """Whether a problem set has a competition (a cell with grade id ACCURACY_CELL)."""
    return ACCURACY_CELL in notebooks.cells_by_grade_id(notebooks.read(course.source_notebook(ps_id)))


def tier_cells(course, ps_id):
    """{grade id: points} of the competition's tier cells."""
    nb = notebooks.read(course.source_notebook(ps_id))
    return {gid: points for gid, points, _ in notebooks.graded_cells(nb) if gid.startswith(TIER_PREFIX)}


def measured_accuracy(nb):
    """The accuracy that the judge printed for the ACCURACY_CELL of an executed notebook, or None.

    It is read from the cell's metadata, which the grader writes (grader/judge/verdict.py) and
    student code cannot reach, never from the cell's outputs, where the student's kernel could
    print a line of the same form.
    """
    cell = notebooks.cells_by_grade_id(nb).get(ACCURACY_CELL)
    if cell is None:
        return None
    printed = cell.get("metadata", {}).get(verdict.METADATA_KEY, {}).get("printed", "")
    found = ACCURACY_LINE.findall(printed if isinstance(printed, str) else "")
    return float(found[-1]) if found else None


def course_secret(course):
    """This course's random secret, made on first use and readable by its owner only
    (<course>/.grader/secret; keep it out of version control and never share it)."""
    path = course.root / ".grader" / "secret"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def pseudonym(student, secret):
    """A stable alias for showing a leaderboard to the class without names: an HMAC of the id
    under the course's secret, so that hashing the class list does not reveal who is who."""
    return "entrant-" + hmac.new(secret, student.encode(), hashlib.sha256).hexdigest()[:8]


def namer(course, anonymous):
    """The function that names a student on the leaderboard: the id, or its pseudonym."""
    if not anonymous:
        return str
    secret = course_secret(course)
    return lambda student: pseudonym(student, secret)


def collect(course, ps_id, students=None):
    """One Entry per student with a submission, best first; students without an accuracy last."""
    students = course.students(ps_id) if students is None else students
    tiers = tier_cells(course, ps_id)
    entries = []
    for student in students:
        path = course.autograded_notebook(student, ps_id)
        if not path.exists():
            entries.append(Entry(student, note="not autograded"))
            continue
        try:
            accuracy = measured_accuracy(notebooks.read(path))
        except Exception as error:  # an autograded notebook nbformat cannot read
            entries.append(Entry(student, note=f"autograded notebook unreadable: {error}"[:120]))
            continue
        scores = submission_scores(course, ps_id, student) or {"tests": {}}
        earned = {gid: scores["tests"].get(gid, 0.0) for gid in tiers}
        entries.append(Entry(
            student, accuracy,
            tiers=sum(earned[gid] >= points for gid, points in tiers.items()),
            points=sum(earned.values()),
            note="" if accuracy is not None else "no accuracy measured: the model did not build, load or run"))
    return sorted(entries, key=lambda e: (e.accuracy is None, -(e.accuracy or 0.0), e.student))


def ranks(entries):
    """Competition ranking (1, 2, 2, 4): equal accuracies share a rank; no accuracy, no rank."""
    out, previous, rank = [], None, 0
    for position, entry in enumerate(entries, start=1):
        if entry.accuracy is None:
            out.append(None)
            continue
        if entry.accuracy != previous:
            rank, previous = position, entry.accuracy
        out.append(rank)
    return out


def table(entries, name=str):
    """(header, rows) of the ranking, as the CSV and the class report show it; name: see namer."""
    header = ["rank", "student_id", "test_accuracy", "tiers_reached", "tier_points", "note"]
    rows = [["" if rank is None else rank, name(e.student),
             "" if e.accuracy is None else f"{e.accuracy:.4f}", e.tiers, f"{e.points:g}", e.note]
            for rank, e in zip(ranks(entries), entries)]
    return header, rows


def write_csv(course, ps_id, entries, name=str):
    path = course.root / "grades" / f"{ps_id}-leaderboard.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    header, rows = table(entries, name)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def plot(course, ps_id, entries, name=str):
    """A horizontal bar per student with an accuracy, best at the top, coloured by tiers reached."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranked = [e for e in entries if e.accuracy is not None]
    names = [name(e.student) for e in ranked]
    max_tiers = len(tier_cells(course, ps_id))
    colours = plt.get_cmap("viridis")
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.35 * max(len(ranked), 1)))
    bars = ax.barh(range(len(ranked)), [e.accuracy for e in ranked],
                   color=[colours(e.tiers / max(max_tiers, 1)) for e in ranked])
    for bar, e in zip(bars, ranked):
        ax.text(bar.get_width() + 0.005, bar.get_y() + bar.get_height() / 2,
                f"{e.accuracy:.3f}  ({e.tiers} tier{'s' if e.tiers != 1 else ''})", va="center", fontsize=8)
    ax.set_yticks(range(len(ranked)), [notebooks.plot_label(name) for name in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("test accuracy measured by the grader")
    missing = len(entries) - len(ranked)
    ax.set_title(f"{ps_id} leaderboard" + (f" ({missing} without a measured accuracy)" if missing else ""))
    fig.tight_layout()
    path = course.root / "grades" / f"{ps_id}-leaderboard.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def format_table(entries, name=str):
    width = max([len("student")] + [len(name(e.student)) for e in entries])
    lines = [f"{'rank':>4}  {'student':<{width}}  {'accuracy':>8}  {'tiers':>5}  {'points':>6}  note",
             "-" * (width + 42)]
    for rank, e in zip(ranks(entries), entries):
        shown = name(e.student)
        accuracy = "-" if e.accuracy is None else f"{e.accuracy:.4f}"
        lines.append(f"{'' if rank is None else rank:>4}  {shown:<{width}}  {accuracy:>8}  {e.tiers:>5}  "
                     f"{e.points:>6g}  {e.note}")
    return "\n".join(lines)


def leaderboard(course, ps_id, students=None, anonymous=False):
    """Collects, writes the CSV and the plot; returns (entries, csv path, png path)."""
    entries = collect(course, ps_id, students)
    name = namer(course, anonymous)
    return entries, write_csv(course, ps_id, entries, name), plot(course, ps_id, entries, name)
