"""`grader report ID`: where a class stands, as one self-contained HTML file and a few CSVs.

Reads what `grader autograde` left behind: grades/<ID>.csv (one row per student of the last
batch) and the notebooks nbgrader executed (autograded/<student>/<ID>/), from which it takes
the message each failed test printed. Writes, under grades/<ID>-report/:

    report.html    every table and figure below, images embedded (one file to mail or upload)
    students.csv   per student: status, points, percent, seconds, flags, repairs, message
    tests.csv      per autograded test: pass rate, hardest first, with the most common failure
    timing.csv     grading time per notebook (kernel start-up included)
    integrity.csv  integrity flags and repairs, one row per finding
    leaderboard.csv (problem sets with a competition) the ranking of `grader leaderboard`

When `grader similarity ID` has written grades/<ID>-similarity/similarity.html, the report links
to it (a relative link, so the two folders can be moved together).

A test "passes" when it earned all its points. Pass rates count the submissions that were
executed (status graded or timeout); an unreadable upload has no test results, so it appears
in the score histogram (at 0) and in the student table, not in the pass rates.
"""

import base64
import csv
import html
import io
import os
from collections import Counter
from dataclasses import dataclass, field

from grader import leaderboard, notebooks

EXECUTED = ("graded", "timeout")


@dataclass
class TestStats:
    grade_id: str
    points: float
    attempted: int = 0  # executed submissions
    passed: int = 0
    failures: Counter = field(default_factory=Counter)  # failure message -> students

    @property
    def pass_rate(self):
        return self.passed / self.attempted if self.attempted else 0.0

    def common_failure(self):
        """(message, count) of the most frequent failure, or ("", 0)."""
        return self.failures.most_common(1)[0] if self.failures else ("", 0)


def read_grades(course, ps_id):
    """The rows of grades/<ID>.csv, as dicts; SystemExit when the class is not graded yet."""
    path = course.grades_csv(ps_id)
    if not path.exists():
        raise SystemExit(f"{path.relative_to(course.root)} does not exist: run `grader autograde {ps_id}` first")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def failure_message(cell):
    """What a test cell reported when it failed: the first line of its error, shortened."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = (output.get("evalue") or "").strip().splitlines()
            text = f"{output.get('ename', 'Error')}: {value[0] if value else ''}".rstrip(": ")
            return text if len(text) <= 140 else text[:137] + "..."
    return "no error shown (the cell earned no points: see the student's integrity flags)"


def test_stats(course, ps_id, rows):
    """[TestStats] for each autograded test, hardest (lowest pass rate) first."""
    cells = notebooks.graded_cells(notebooks.read(course.source_notebook(ps_id)))
    stats = {gid: TestStats(gid, points) for gid, points, kind in cells if kind == "autograded"}
    for row in rows:
        if row["status"] not in EXECUTED:
            continue
        executed = None
        for gid, s in stats.items():
            s.attempted += 1
            if float(row.get(gid) or 0) >= s.points:
                s.passed += 1
                continue
            if executed is None:
                executed = _autograded_cells(course, ps_id, row["student_id"])
            cell = executed.get(gid)
            s.failures[failure_message(cell) if cell is not None else "test cell missing from the graded notebook"] += 1
    order = {gid: i for i, gid in enumerate(stats)}
    return sorted(stats.values(), key=lambda s: (s.pass_rate, order[s.grade_id]))


def _autograded_cells(course, ps_id, student):
    try:
        return notebooks.cells_by_grade_id(notebooks.read(course.autograded_notebook(student, ps_id)))
    except Exception:  # noqa: BLE001 - missing or unreadable: every failure reads "missing"
        return {}


def percent(row):
    total = float(row["autograded_max"] or 0)
    return 100.0 * float(row["autograded_score"] or 0) / total if total else 0.0


def integrity_rows(rows):
    """[(student, kind, finding)] for every integrity flag and every repair."""
    out = []
    for row in rows:
        for kind, column in (("integrity flag", "integrity_flags"), ("repair", "repairs")):
            out += [(row["student_id"], kind, item.strip()) for item in (row.get(column) or "").split(" | ")
                    if item.strip()]
    return out


# ---------------------------------------------------------------- figures (matplotlib, PNG bytes)

def _png(fig):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def histogram_png(ps_id, rows):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist([percent(r) for r in rows], bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001],
            color="#4c72b0", edgecolor="white")
    ax.set_xlabel("autograded score (% of the autograded points)")
    ax.set_ylabel("students")
    ax.set_xlim(0, 100)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{ps_id}: score distribution ({len(rows)} submissions)")
    return _png(fig)


def pass_rates_png(ps_id, stats):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.28 * max(len(stats), 1)))
    ax.barh(range(len(stats)), [100 * s.pass_rate for s in stats],
            color=[plt.get_cmap("RdYlGn")(s.pass_rate) for s in stats])
    ax.set_yticks(range(len(stats)), [f"{s.grade_id} ({s.points:g})" for s in stats], fontsize=8)
    ax.invert_yaxis()  # hardest at the top
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions passing (%)")
    ax.set_title(f"{ps_id}: tests, hardest first")
    return _png(fig)


def timing_png(ps_id, rows):
    plt = _pyplot()
    ordered = sorted(rows, key=lambda r: -float(r["seconds"] or 0))
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.28 * max(len(ordered), 1)))
    seconds = [float(r["seconds"] or 0) for r in ordered]
    startup = [float(r.get("startup_seconds") or 0) for r in ordered]
    ax.barh(range(len(ordered)), seconds, color="#dd8452", label="total")
    ax.barh(range(len(ordered)), startup, color="#8172b3", label="kernel start-up")
    ax.set_yticks(range(len(ordered)), [notebooks.plot_label(r["student_id"]) for r in ordered], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("seconds to grade the notebook")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{ps_id}: grading time per notebook")
    return _png(fig)


# ---------------------------------------------------------------- CSVs and HTML

def _write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _table(header, rows):
    head = "".join(f"<th>{html.escape(str(h).replace('_', ' '))}</th>" for h in header)  # CSV names, readable
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(png, alt):
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>'


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 8em; }
.card b { display: block; font-size: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top;
         max-width: 30em; overflow-wrap: anywhere; }
th { background: #f4f4f4; overflow-wrap: normal; } img { max-width: 100%; } figure { margin: 0.5em 0; }
"""


def build(course, ps_id):
    """Everything the report shows: a dict of tables (header, rows) and figures (PNG bytes)."""
    rows = read_grades(course, ps_id)
    stats = test_stats(course, ps_id, rows)
    executed = [r for r in rows if r["status"] in EXECUTED]
    scores = sorted(percent(r) for r in rows)
    seconds = sorted(float(r["seconds"] or 0) for r in executed)
    summary = {
        "submissions": len(rows),
        "graded": len(executed),
        "not graded": len(rows) - len(executed),
        "median score": f"{scores[len(scores) // 2]:.0f}%" if scores else "-",
        "median time": f"{seconds[len(seconds) // 2]:.1f} s" if seconds else "-",
        "flagged": sum(bool(r.get("integrity_flags")) for r in rows),
        "repaired": sum(bool(r.get("repairs")) for r in rows),
    }
    tables = {
        "students": (["student_id", "status", "autograded_score", "autograded_max", "percent",
                      "manual_points_pending", "seconds", "message"],
                     [[r["student_id"], r["status"], r["autograded_score"], r["autograded_max"], f"{percent(r):.1f}",
                       r["manual_points_pending"], r["seconds"], r["message"]]
                      for r in sorted(rows, key=lambda r: (-percent(r), r["student_id"]))]),
        "tests": (["grade_id", "points", "passed", "attempted", "pass_rate", "most_common_failure", "students_with_it"],
                  [[s.grade_id, f"{s.points:g}", s.passed, s.attempted, f"{s.pass_rate:.2f}", *s.common_failure()]
                   for s in stats]),
        "timing": (["student_id", "status", "seconds", "startup_seconds"],
                   [[r["student_id"], r["status"], r["seconds"], r.get("startup_seconds", "")]
                    for r in sorted(rows, key=lambda r: -float(r["seconds"] or 0))]),
        "integrity": (["student_id", "kind", "finding"], integrity_rows(rows)),
    }
    figures = {"histogram": histogram_png(ps_id, rows), "tests": pass_rates_png(ps_id, stats),
               "timing": timing_png(ps_id, rows)}
    if leaderboard.has_competition(course, ps_id):
        entries = leaderboard.collect(course, ps_id, [r["student_id"] for r in rows])
        tables["leaderboard"] = leaderboard.table(entries)
        figures["leaderboard"] = leaderboard.plot(course, ps_id, entries).read_bytes()
    return summary, tables, figures


def similarity_link(course, ps_id, folder):
    """The link from a page in folder to `grader similarity`'s page, relative; None when it was not made."""
    page = course.similarity_html(ps_id)
    return os.path.relpath(page, folder).replace(os.sep, "/") if page.is_file() else None


def render_html(ps_id, summary, tables, figures, similarity_href=None):
    cards = "".join(f'<div class="card">{html.escape(k)}<b>{html.escape(str(v))}</b></div>' for k, v in summary.items())
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{ps_id}: class report</title>",
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(ps_id)}: class report</h1>",
             "<p class='meta'>From grades/" + html.escape(ps_id) + ".csv and the autograded notebooks. "
             "Autograded points only: answers graded by hand are not included.</p>",
             f"<div class='cards'>{cards}</div>",
             "<h2>Scores</h2>", _figure(figures["histogram"], "score histogram"),
             "<h2>Tests, hardest first</h2>",
             "<p>A test passes when it earns all its points. Pass rates count the executed submissions; "
             "the failure is the first line of the error the test printed.</p>",
             _figure(figures["tests"], "pass rate per test"), _table(*tables["tests"])]
    if "leaderboard" in tables:
        parts += ["<h2>Competition leaderboard</h2>", _figure(figures["leaderboard"], "competition leaderboard"),
                  _table(*tables["leaderboard"])]
    header, rows = tables["integrity"]
    parts += ["<h2>Integrity flags and repairs</h2>",
              _table(header, rows) if rows else "<p>No submission was flagged or repaired.</p>"]
    if similarity_href:
        parts += [f"<p><a href=\"{html.escape(similarity_href)}\">Code similarity</a>: pairs of submissions "
                  "whose code overlaps, to look at (<code>grader similarity</code>).</p>"]
    parts += ["<h2>Grading time</h2>", _figure(figures["timing"], "grading time per notebook"),
              "<h2>Students</h2>", _table(*tables["students"]), "</body></html>"]
    return "\n".join(parts)


def report_dir(course, ps_id):
    return course.root / "grades" / f"{ps_id}-report"


def write_report(course, ps_id):
    """Writes grades/<ID>-report/ (report.html and the CSVs); returns the HTML's path."""
    summary, tables, figures = build(course, ps_id)
    folder = report_dir(course, ps_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        _write_csv(folder / f"{name}.csv", header, rows)
    path = folder / "report.html"
    path.write_text(render_html(ps_id, summary, tables, figures, similarity_link(course, ps_id, folder)),
                    encoding="utf-8")
    return path
