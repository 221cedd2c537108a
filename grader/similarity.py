"""`grader similarity ID`: which pairs of submissions share code, as a page of pairs to look at.

Reads each student's submitted notebook (submitted/<student>/<ID>/<ID>.ipynb) the way the
grader does before grading (grader/prepare.py: links, huge files and broken JSON are refused,
damaged notebooks are aligned with the release), but never runs it. From the code cells that
hold answers (nbgrader `solution: true`) it keeps the lines the student wrote: every line that
the release's copy of that cell already had is starter code and is left out. Markdown answers
are not compared. Writes, under grades/<ID>-similarity/:

    similarity.html  one self-contained page: how to read it, the ranked pairs, and the top
                     pairs' code side by side with the shared passages highlighted
    similarity.csv   every compared pair, most overlapping first

The comparison is copydetect's (MIT, on PyPI): the code is tokenized with Pygments, names
become one letter each (so renaming variables changes nothing), comments and white space are
dropped, and every k-gram of what remains is a fingerprint (winnowing, as in MOSS). A
maintained library made for this job is easier to trust than a home-made diff, and its
token-level matching is insensitive to renaming and to moving functions around.

Three things are set aside before pairs are compared, so that they cannot make a pair look
alike: the release's code (starter code, also where a student pasted it elsewhere), passages
found in many submissions (COMMON_SHARE: what "everyone writes the same way"), and students
with no code of their own left (an unchanged release, for instance), who are listed instead.
The page never accuses anyone: it says which pairs overlap, by how much, and where.
"""

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field

from copydetect.detector import CodeFingerprint, compare_files
from copydetect.utils import get_token_coverage
from jinja2 import Environment

from grader import leaderboard, notebooks

# copydetect's noise threshold k, in tokens of the filtered code (a name, an operator, a bracket
# and a keyword letter each count; white space and comments do not). No passage shorter than k
# can match, so a one-line formula (`return (in_width - kernel_size) // stride + 1` filters to
# 17 tokens, `shifted = logits - logits.max(axis=1, keepdims=True)` to 19) produces no match at
# all, while a copied function body (hundreds of tokens) produces many. 25 is copydetect's own
# default, which its author tuned on student code.
NOISE_THRESHOLD = 25
# The guarantee threshold equals k: the winnowing window is one k-gram, so every k-gram is a
# fingerprint. Submissions are short, so this costs little, and it makes the result independent of
# which hashes winnowing would keep; that choice depends on Python's string hashes, which change
# from one process to the next, so a wider window would change the numbers from run to run.
GUARANTEE_THRESHOLD = NOISE_THRESHOLD
WINDOW = GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1

# A fingerprint found in at least this share of the compared submissions (and in at least
# COMMON_MIN of them) is common: the obvious way to write something, or a source the whole
# class used. It is set aside like starter code. A copy shared by a few students stays far
# below it in any class big enough for the rule to apply (MOSS has the same rule, `-m`).
COMMON_SHARE = 0.4
COMMON_MIN = 5

# The overlap of a pair is divided by at least 2 * MIN_TOKENS tokens (about eight lines of code
# each), so that two students who wrote little cannot score high on the two or three lines they
# happen to share; a copied function of that size or more still scores close to 1.
MIN_TOKENS = 200

# Own code longer than this (far more than any answer to a problem set) is not compared: the
# tokenizer and every pair would pay for it. The page lists the student, to be looked at by hand.
MAX_CODE_CHARS = 200_000

TABLE_ROWS = 50  # pairs in the page's table; the CSV has every pair
CELL_HEADER = "# ---- cell {} ----"  # a comment: shown on the page, ignored by the tokenizer


@dataclass
class Submission:
    student: str
    code: str = ""  # the student's own lines of the solution cells: what is compared
    note: str = ""  # why the student is not compared; empty when compared
    tokens: int = 0  # tokens of own code left once starter code and common passages are set aside
    in_solution: float = 0.0  # share of the own code also found in the instructor's solution
    fingerprint: object = field(default=None, repr=False)


@dataclass
class Pair:
    a: Submission
    b: Submission
    matched_a: int  # tokens of a's code that also appear in b
    matched_b: int
    spans_a: list  # [(start, end)] character ranges of a.code that match b
    spans_b: list

    @property
    def overlap(self):
        """The share of the two codes, taken together, found in both: 1.0 for identical code of
        MIN_TOKENS or more each; low when a short answer matches a small part of a long one."""
        return (self.matched_a + self.matched_b) / max(self.a.tokens + self.b.tokens, 2 * MIN_TOKENS)

    @property
    def a_in_b(self):
        return self.matched_a / max(1, self.a.tokens)

    @property
    def b_in_a(self):
        return self.matched_b / max(1, self.b.tokens)

    def longest_lines(self):
        """Lines of the longest shared passage (counted in a's code)."""
        return max((self.a.code.count("\n", s, e) + 1 for s, e in self.spans_a), default=0)


@dataclass
class Comparison:
    submissions: list  # every student, compared or not
    pairs: list  # [Pair], most overlapping first
    common_threshold: int  # a fingerprint in this many submissions is common
    common_fingerprints: int  # how many were set aside as common


# ---------------------------------------------------------------- what is compared

def own_lines(source, starter):
    """The lines of a cell's source that are not lines of the release's cell (the starter code)."""
    given = {line.strip() for line in starter.splitlines()}
    return [line.rstrip() for line in source.splitlines() if line.strip() and line.strip() not in given]


def own_code(nb, release_nb):
    """The own lines of every code solution cell, each cell under a header comment, in order."""
    starters = notebooks.cells_by_grade_id(release_nb)
    parts = []
    for cell in nb.cells:
        gid = notebooks.grade_id(cell)
        if cell.cell_type != "code" or not notebooks.is_solution(cell) or gid not in starters:
            continue
        lines = own_lines(cell.source, starters[gid].source)
        if lines:
            parts.append("\n".join([CELL_HEADER.format(gid), *lines]))
    return "\n\n".join(parts)


def read_code(course, ps_id, student, release_nb):
    """(own code, note) of a submission; the note says why nothing could be read."""
    from grader import prepare  # the grader's defensive reader; it never runs the notebook

    try:
        repaired, _ = prepare.load(course, ps_id, student, release_nb)
    except prepare.Unreadable as error:
        return "", f"not read: {error}"
    except Exception as error:  # noqa: BLE001 - one odd upload must not stop the report
        return "", f"not read: {type(error).__name__}: {str(error)[:200]}"
    code = own_code(repaired.notebook, release_nb)
    if len(code) > MAX_CODE_CHARS:
        return "", (f"not compared: the answer cells hold {len(code):,} characters of code, more than the "
                    f"{MAX_CODE_CHARS:,} compared; look at this notebook by hand")
    return code, ""


def instructor_code(course, ps_id, release_nb):
    """The instructor's own lines of the solution cells (markers removed), as own_code reads a student's."""
    source_nb = notebooks.read(course.source_notebook(ps_id))
    for cell in source_nb.cells:
        cell.source = notebooks.strip_markers(notebooks.visible_source(cell.source))
    return own_code(source_nb, release_nb)


# ---------------------------------------------------------------- fingerprints and pairs

def fingerprint(label, code, drop=frozenset()):
    """copydetect's fingerprint of code, without the hashes in drop.

    The hashes are dropped here rather than through copydetect's `boilerplate` argument: that one
    intersects with np.intersect1d(assume_unique=True), and a submission that repeats a passage is
    not unique, so a repeated passage would lose fingerprints even when it is no starter code.
    """
    fp = CodeFingerprint(label, NOISE_THRESHOLD, WINDOW, language="python", fp=io.StringIO(code))
    if drop:
        fp.hashes = fp.hashes - drop
        fp.hash_idx = {h: i for h, i in fp.hash_idx.items() if h not in drop}
        fp.token_coverage = get_token_coverage(fp.hash_idx, NOISE_THRESHOLD, len(fp.filtered_code))
    return fp


def _spans(slices, code):
    """copydetect's slices (2 x N, character positions in the original code) as [(start, end)]."""
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    return [(max(0, int(s)), min(len(code), int(e))) for s, e in zip(slices[0], slices[1]) if e > s]


def compare_pair(a, b):
    """The Pair of two compared submissions."""
    _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(a.fingerprint, b.fingerprint)
    return Pair(a, b, round(sim_a * a.tokens), round(sim_b * b.tokens),
                _spans(slices_a, a.code), _spans(slices_b, b.code))


def compare(course, ps_id, students=None):
    """Reads the class and compares every pair of submissions with code of their own."""
    release_nb = notebooks.read(course.release_notebook(ps_id))
    starter = "\n".join(c.source for c in release_nb.cells if c.cell_type == "code")
    starter_hashes = fingerprint("release", starter).hashes
    solution = fingerprint("solution", instructor_code(course, ps_id, release_nb), starter_hashes)

    subs = []
    for student in course.students(ps_id) if students is None else students:
        code, note = read_code(course, ps_id, student, release_nb)
        sub = Submission(student, code, note)
        sub.fingerprint = fingerprint(student, code, starter_hashes)
        if not note and not sub.fingerprint.hashes:
            sub.note = "no code of their own: the answer cells hold starter code only, or almost nothing"
        if not sub.note:
            sub.in_solution = compare_files(sub.fingerprint, solution)[1][0] if solution.hashes else 0.0
        subs.append(sub)

    compared = [s for s in subs if not s.note]
    threshold = max(COMMON_MIN, math.ceil(COMMON_SHARE * len(compared)))
    counts = Counter(h for s in compared for h in s.fingerprint.hashes)
    common = frozenset(h for h, n in counts.items() if n >= threshold)
    for sub in compared:
        sub.fingerprint = fingerprint(sub.student, sub.code, starter_hashes | common)
        sub.tokens = int(sub.fingerprint.token_coverage)
        if not sub.tokens:
            sub.note = (f"no code of their own beyond what {threshold} or more submissions share "
                        f"(the usual way to write it, or a source many used)")
    compared = [s for s in compared if not s.note]
    pairs = [compare_pair(a, b) for i, a in enumerate(compared) for b in compared[i + 1:]]
    pairs.sort(key=lambda p: (-p.overlap, -(p.matched_a + p.matched_b), p.a.student, p.b.student))
    return Comparison(subs, pairs, threshold, len(common))


# ---------------------------------------------------------------- CSV and HTML

CSV_HEADER = ["rank", "student_a", "student_b", "overlap", "a_in_b", "b_in_a", "matched_tokens_a",
              "matched_tokens_b", "tokens_a", "tokens_b", "longest_shared_lines"]


def csv_rows(result, name=str):
    return [[rank, name(p.a.student), name(p.b.student), f"{p.overlap:.3f}", f"{p.a_in_b:.3f}", f"{p.b_in_a:.3f}",
             p.matched_a, p.matched_b, p.a.tokens, p.b.tokens, p.longest_lines()]
            for rank, p in enumerate(result.pairs, start=1)]


def segments(code, spans):
    """[(text, shared)] pieces of code, in order: what to highlight."""
    out, at = [], 0
    for start, end in sorted(spans):
        start = max(start, at)
        if start > at:
            out.append((code[at:start], False))
        if end > start:
            out.append((code[start:end], True))
        at = max(at, end)
    if at < len(code):
        out.append((code[at:], False))
    return out


def reason(pair, name):
    """Why the pair is listed, in words."""
    text = (f"{pair.a_in_b:.0%} of {name(pair.a.student)}'s own code ({pair.matched_a} of {pair.a.tokens} tokens) "
            f"also appears in {name(pair.b.student)}'s, and {pair.b_in_a:.0%} of {name(pair.b.student)}'s "
            f"({pair.matched_b} of {pair.b.tokens}) in {name(pair.a.student)}'s; the longest shared passage "
            f"is {pair.longest_lines()} line{'s' if pair.longest_lines() != 1 else ''}.")
    if min(pair.a.in_solution, pair.b.in_solution) >= 0.5:
        text += (f" Both also match the instructor's solution ({pair.a.in_solution:.0%} and "
                 f"{pair.b.in_solution:.0%}): the shared code may be that solution.")
    return text


PAGE = Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ ps_id }}: code similarity</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .note { color: #555; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #fafafa; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
mark { background: #ffe08a; }
</style></head><body>
<h1>{{ ps_id }}: code similarity</h1>
<p>This page lists pairs of submissions whose code overlaps, as pairs <b>to look at</b>. An overlap
is not evidence of misconduct: students may have worked together where that is allowed, learned
from the same source, or written the one obvious solution. Read both codes, and the course's rules,
before drawing any conclusion.</p>
<p class="note">What is compared: the lines each student wrote in the answer code cells (written
answers in Markdown are not compared). Left out: the release's starter code, and code found in
{{ threshold }} or more submissions ({{ common }} fingerprint{{ "s" if common != 1 }}: the usual
way to write something, or a source many used). Code is compared as tokens, so renamed variables, comments, spacing and the order
of functions make no difference; no passage shorter than {{ k }} tokens counts.</p>
<p class="note"><b>overlap</b>: the share of the two codes, taken together, that is found in both
(1.00 for identical code; a short answer that matches a small part of a long one scores low, and
two codes shorter than {{ min_tokens }} tokens each, about eight lines, count as that long, so
that a few shared lines cannot score high on their own).
<b>a in b</b>: the share of a's code found in b. <b>tokens</b>: the size of each student's own code.
{{ compared }} submissions compared, {{ npairs }} pairs{% if npairs > rows|length %}; the first
{{ rows|length }} are shown (similarity.csv has every pair){% endif %}.</p>
<h2>Pairs, most overlapping first</h2>
{% if rows %}<table><thead><tr>{% for h in header %}<th>{{ h|replace("_", " ") }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p>Fewer than two submissions have code of their own: there is nothing to compare.</p>{% endif %}
{% if skipped %}<h2>Not compared</h2><table><thead><tr><th>student</th><th>why</th></tr></thead><tbody>
{% for student, note in skipped %}<tr><td>{{ student }}</td><td>{{ note }}</td></tr>{% endfor %}</tbody></table>{% endif %}
{% for pair in shown %}<h2 id="pair-{{ loop.index }}">{{ loop.index }}. {{ pair.a }} and {{ pair.b }}: overlap {{ pair.overlap }}</h2>
<p>Listed because {{ pair.reason }} Shared passages are highlighted.</p>
<div class="pair">{% for side in pair.sides %}<div><b>{{ side.name }}</b>
<pre>{% for text, shared in side.segments %}{% if shared %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}</pre></div>{% endfor %}</div>
{% endfor %}
</body></html>
""")


def render_html(ps_id, result, name=str, top=10):
    shown = []
    for p in result.pairs[:top]:
        if not p.matched_a:
            break
        shown.append({"a": name(p.a.student), "b": name(p.b.student), "overlap": f"{p.overlap:.2f}",
                      "reason": reason(p, name),
                      "sides": [{"name": name(s.student), "segments": segments(s.code, spans)}
                                for s, spans in ((p.a, p.spans_a), (p.b, p.spans_b))]})
    return PAGE.render(
        ps_id=ps_id, header=CSV_HEADER, rows=csv_rows(result, name)[:TABLE_ROWS], npairs=len(result.pairs),
        compared=sum(not s.note for s in result.submissions), common=result.common_fingerprints,
        threshold=result.common_threshold, k=NOISE_THRESHOLD, min_tokens=MIN_TOKENS, shown=shown,
        skipped=sorted((name(s.student), s.note) for s in result.submissions if s.note))


def write(course, ps_id, *, anonymous=False, top=10, students=None):
    """Compares the class and writes similarity.html and similarity.csv; returns (result, html, csv)."""
    result = compare(course, ps_id, students)
    name = leaderboard.namer(course, anonymous)
    html_path = course.similarity_html(ps_id)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path = html_path.with_suffix(".csv")
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(result, name))
    html_path.write_text(render_html(ps_id, result, name, top), encoding="utf-8")
    return result, html_path, csv_path


def format_top(result, name=str, top=10):
    """The first pairs as a plain-text table for the terminal."""
    rows = [(name(p.a.student), name(p.b.student), p) for p in result.pairs[:top]]
    width = max([len("student")] + [len(x) for a, b, _ in rows for x in (a, b)])
    lines = [f"{'rank':>4}  {'student a':<{width}}  {'student b':<{width}}  overlap  a in b  b in a",
             "-" * (2 * width + 36)]
    for rank, (a, b, p) in enumerate(rows, start=1):
        lines.append(f"{rank:>4}  {a:<{width}}  {b:<{width}}  {p.overlap:>7.3f}  {p.a_in_b:>6.3f}  {p.b_in_a:>6.3f}")
    return "\n".join(lines)
