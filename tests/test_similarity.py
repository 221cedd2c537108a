"""`grader similarity`: pairs of submissions whose code overlaps, on the demo class plus planted students.

The class is the ps3 demo class (grader.demo.make_class, nothing graded) plus students whose
relation to each other is known by construction:

    ana   an honest solution written differently from the instructor's (helpers, tensordot,
          einsum); a comment in it holds a <script> tag
    ben   ana's answer cells, verbatim                                   copy
    cai   ana's code with every name changed, the helper functions and
          the two methods of Conv1DFast in the other order               copy
    dan, eve, hal   honest students who each write their own code, but coincide on the
          centred-difference lines (as the instructor does: everyone writes them that way) and on
          the one-line softmax formula `probs = np.exp(shifted) / ...`; hal answered little
    gus   the release, unchanged (like demo-blank)
    ivy   a link to ana's notebook, not a file

The demo students are the instructor's solution with one region changed, so they share most of
their code with each other: in this class (14 of 21 submissions) the instructor's solution is
"common" and set aside like starter code, which leaves the demo students only their own changes.
The tests require that every planted copy ranks above every demo pair and every honest pair, and
that they are told apart by a wide margin (COPY >= 0.8 against LOW < 0.3).
"""

import copy
import csv
import os
import re
import shutil
import subprocess
import sys

import pytest

from grader import demo, leaderboard, notebooks, report, similarity, submissions
from grader.cli import main
from grader.course import REPO_ROOT
from tests.conftest import PS3, course_copy

COPY = 0.8  # every planted copy scores at least this
LOW = 0.3  # every pair with an honest planted student (other than ana's copies) scores below this
STUB = "# YOUR CODE HERE\n{indent}raise NotImplementedError()"

ANA = {
    "out_width": ["return 1 + (in_width - kernel_size) // stride"],
    "conv1d_forward": ["""\
n_batch, _, width = x.shape
n_out = conv1d_out_width(width, self.kernel_size, self.stride)
result = np.empty((n_batch, self.out_channel, n_out))
for i in range(n_batch):
    for t in range(n_out):
        seg = x[i, :, t * self.stride: t * self.stride + self.kernel_size]
        for o in range(self.out_channel):
            result[i, o, t] = (seg * self.W[o]).sum() + self.b[o]
return result"""],
    "conv1d_backward": ["""\
n, c_out, w_out = delta.shape
K = self.kernel_size
dx = np.zeros_like(x, dtype=float)
dW = np.zeros(self.W.shape)
for t in range(w_out):
    lo = t * self.stride
    piece = x[:, :, lo:lo + K]  # (n, c_in, K)
    dW += np.einsum("no,nck->ock", delta[:, :, t], piece)
    dx[:, :, lo:lo + K] += np.einsum("no,ock->nck", delta[:, :, t], self.W)
self.dW = dW
self.db = np.sum(delta, axis=(0, 2))
return dx"""],
    "numerical_gradient": ["""\
flat = x.reshape(-1)
out = grad.reshape(-1)
for i in range(flat.size):
    keep = flat[i]
    flat[i] = keep + h
    up = f(x)
    flat[i] = keep - h
    down = f(x)
    flat[i] = keep
    out[i] = (up - down) / (2 * h)"""],
    "softmax_cross_entropy": ["""\
z = logits - np.max(logits, axis=1, keepdims=True)
e = np.exp(z)
p = e / e.sum(axis=1, keepdims=True)
n = len(y)
loss = -np.mean(np.log(p[range(n), y]))
grad = p.copy()
grad[range(n), y] -= 1
return float(loss), grad / n"""],
}

# Ana's Conv1DFast cell, written whole: two helper functions above the class.
ANA_FAST = '''\
def _patches(x, width, step):
    # (batch, channels, positions, width) view of the windows </pre><script>alert("ana")</script>
    n, c, w = x.shape
    count = (w - width) // step + 1
    s0, s1, s2 = x.strides
    return np.lib.stride_tricks.as_strided(x, shape=(n, c, count, width), strides=(s0, s1, s2 * step, s2))


def _fold(grad_patches, shape, step):
    # adds each window's gradient back onto the input positions it came from
    n, c, count, width = grad_patches.shape
    out = np.zeros(shape)
    for j in range(width):
        out[:, :, j:j + step * count:step] += grad_patches[:, :, :, j]
    return out


class Conv1DFast(Conv1D):
    # Same interface and results as Conv1D, without Python loops over batch, channels or positions.

    def forward(self, x):
        # x: (batch, in_channel, in_width) -> y: (batch, out_channel, out_width)
        self.x = x
        p = _patches(x, self.kernel_size, self.stride)
        out = np.tensordot(p, self.W, axes=([1, 3], [1, 2]))  # (n, count, out_channel)
        return out.transpose(0, 2, 1) + self.b.reshape(1, -1, 1)

    def backward(self, delta):
        # delta: (batch, out_channel, out_width) -> dx: (batch, in_channel, in_width)
        # Sets self.dW and self.db like Conv1D.backward.
        x = self.x
        p = _patches(x, self.kernel_size, self.stride)
        self.db = delta.sum(axis=2).sum(axis=0)
        self.dW = np.tensordot(delta, p, axes=([0, 2], [0, 2]))
        g = np.tensordot(delta, self.W, axes=([1], [0]))  # (n, count, in_channel, width)
        return _fold(g.transpose(0, 2, 1, 3), x.shape, self.stride)
'''

# Cai: ana's code, every name of ana's own changed, helpers and methods in the other order.
CAI_RENAMES = [("n_batch", "num_examples"), ("n_out", "positions"), ("result", "output"), ("seg", "window_slice"),
               ("c_out", "chans"), ("w_out", "steps"), ("piece", "chunk"), ("dW", "gradW"), ("lo", "begin"),
               ("flat", "values"), ("keep", "orig"), ("up", "f_hi"), ("down", "f_lo"),
               ("_patches", "_sliding"), ("_fold", "_overlap_add"), ("grad_patches", "pieces"), ("count", "num")]


def rename(code):
    for old, new in CAI_RENAMES:
        code = re.sub(rf"\b{old}\b", new, code)
    return code.replace("self.gradW", "self.dW")  # the attribute's name is the interface's


def cai_fast():
    helpers, cls = ANA_FAST.split("class Conv1DFast")
    patches, fold = helpers.strip().split("\n\n\n")
    head, forward, backward = re.split(r"\n(?=    def )", "class Conv1DFast" + cls)
    return rename(f"{fold}\n\n\n{patches}\n\n\n{head}\n{backward.rstrip()}\n\n{forward.rstrip()}\n")


CENTRED = """\
for {i} in np.ndindex(*x.shape):
    {old} = x[{i}]
    x[{i}] = {old} + h
    {a} = f(x)
    x[{i}] = {old} - h
    {b} = f(x)
    x[{i}] = {old}
    grad[{i}] = ({a} - {b}) / (2 * h)"""
FORMULA = "probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)"

DAN = {
    "out_width": ["return (in_width - kernel_size) // stride + 1"],
    "conv1d_forward": ["""\
N, C, L = x.shape
L_out = (L - self.kernel_size) // self.stride + 1
out = []
for sample in x:
    rows = []
    for weights, bias in zip(self.W, self.b):
        rows.append([np.vdot(sample[:, s:s + self.kernel_size], weights) + bias
                     for s in range(0, self.stride * L_out, self.stride)])
    out.append(rows)
return np.array(out)"""],
    "numerical_gradient": [CENTRED.format(i="idx", old="old", a="fp", b="fm")],
    "softmax_cross_entropy": [f"""\
m = logits.max(axis=1, keepdims=True)
shifted = logits - m
{FORMULA}
N = logits.shape[0]
picked = probs[np.arange(N), y]
loss = float(np.mean(-np.log(picked)))
d = probs.copy()
d[np.arange(N), y] = d[np.arange(N), y] - 1
return loss, d / N"""],
}
EVE = {
    "out_width": ["return (in_width - kernel_size) // stride + 1"],
    "conv1d_forward": ["""\
size, step = self.kernel_size, self.stride
batch = x.shape[0]
span = (x.shape[2] - size) // step + 1
y = np.zeros((batch, self.out_channel, span))
for b_i in range(batch):
    for oc in range(self.out_channel):
        full = sum(np.correlate(x[b_i, ic], self.W[oc, ic], mode="valid") for ic in range(self.in_channel))
        y[b_i, oc] = full[::step][:span] + self.b[oc]
return y"""],
    "numerical_gradient": [CENTRED.format(i="pos", old="saved", a="plus", b="minus")],
    "softmax_cross_entropy": [f"""\
shifted = logits - logits.max(axis=1, keepdims=True)
{FORMULA}
onehot = np.eye(logits.shape[1])[y]
loss = -np.sum(onehot * np.log(probs)) / len(y)
return float(loss), (probs - onehot) / len(y)"""],
}
HAL = {
    "out_width": ["return (in_width - kernel_size) // stride + 1"],
    "softmax_cross_entropy": [f"""\
shifted = logits - logits.max(axis=1, keepdims=True)
{FORMULA}
return -np.log(probs[np.arange(len(y)), y]).mean(), probs"""],
}

COPIES = [{"ana", "ben"}, {"ana", "cai"}, {"ben", "cai"}]


def answered(release_nb, answers, whole=None):
    """The release with each listed stub replaced by code (re-indented like the stub), and the
    cells in whole (grade id -> source) replaced whole."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = notebooks.grade_id(cell)
        if whole and gid in whole:
            cell.source = whole[gid]
            continue
        for code in answers.get(gid, []):
            indent = re.search(r"( *)# YOUR CODE HERE", cell.source).group(1)
            body = "\n".join(indent + line if line else "" for line in code.split("\n"))
            cell.source = cell.source.replace(indent + STUB.format(indent=indent), body, 1)
    return nb


def build_class(root):
    """The demo class plus the planted students (module docstring); returns the course."""
    course = course_copy(root)
    shutil.copytree(REPO_ROOT / "release" / PS3, course.release_notebook(PS3).parent)
    demo.make_class(course, PS3)
    release_nb = notebooks.read(course.release_notebook(PS3))
    ana = answered(release_nb, ANA, {"conv1d_fast": ANA_FAST})
    cai_answers = {gid: [rename(code) for code in codes] for gid, codes in ANA.items()}
    planted = {
        "ana": ana, "ben": copy.deepcopy(ana), "cai": answered(release_nb, cai_answers, {"conv1d_fast": cai_fast()}),
        "dan": answered(release_nb, DAN), "eve": answered(release_nb, EVE), "hal": answered(release_nb, HAL),
        "gus": submissions.blank(release_nb),
    }
    for student, nb in planted.items():
        submissions.write_submission(course, student, PS3, nb)
    link = course.submitted_notebook("ivy", PS3)
    link.parent.mkdir(parents=True)
    os.symlink(course.submitted_notebook("ana", PS3), link)
    return course


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    course = build_class(tmp_path_factory.mktemp("similarity"))
    result, html_path, csv_path = similarity.write(course, PS3, top=5)
    return course, result, html_path, csv_path


def pair_of(result, a, b):
    return next(p for p in result.pairs if {p.a.student, p.b.student} == {a, b})


def rank_of(result, a, b):
    return next(i for i, p in enumerate(result.pairs) if {p.a.student, p.b.student} == {a, b})


# ---------------------------------------------------------------- what is compared

def test_own_lines_leave_the_starter_code_out():
    """Catches comparing whole cells: the signature, comments and the stub every student has would
    then make every pair of students look alike."""
    starter = "def f(x):\n    # explain\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    answer = "def f(x):\n    # explain\n    y = x * 2\n\n    return y + 1"
    assert similarity.own_lines(answer, starter) == ["    y = x * 2", "    return y + 1"]
    assert similarity.own_lines(starter, starter) == []


def test_a_shared_one_line_formula_alone_makes_no_match():
    """Catches a noise threshold (k) so small that a line everybody writes the same way counts as
    shared code: two different functions that share only such a line must not match at all."""
    for line in ("shifted = logits - logits.max(axis=1, keepdims=True)",
                 "return (in_width - kernel_size) // stride + 1"):
        one = similarity.fingerprint("one", f"z = np.asarray(a)\n{line}\nloss = -np.log(p[np.arange(len(y)), y]).mean()")
        two = similarity.fingerprint("two", f"onehot = np.eye(c)[y]\n{line}\nreturn float(-np.sum(onehot * q))")
        assert similarity.compare_files(one, two)[0] == 0, line
        assert similarity.compare_files(one, one)[0] > 0  # the same code does match


# ---------------------------------------------------------------- the planted class

def test_copies_rank_first(compared):
    """Catches a comparison that renaming or reordering defeats (cai would rank low), one that
    lets the instructor's solution, which the demo students share, outrank real copies, and a
    ranking that is not by overlap."""
    _, result, _, _ = compared
    assert [{p.a.student, p.b.student} for p in result.pairs[:3]] == COPIES
    assert pair_of(result, "ana", "ben").overlap == pytest.approx(1.0)
    for a, b in map(sorted, COPIES):
        assert pair_of(result, a, b).overlap >= COPY, (a, b, pair_of(result, a, b))
    overlaps = [p.overlap for p in result.pairs]
    assert overlaps == sorted(overlaps, reverse=True)


def test_coinciding_honest_answers_rank_low(compared):
    """Catches keeping passages everybody writes the same way (the centred difference), a
    symmetric score that lets a short answer (hal's) score high (the larger direction: hal's two
    shared lines are 47% of hal's code), and k-grams so short that the shared softmax formula
    counts for much."""
    _, result, _, _ = compared
    last_copy = max(rank_of(result, *sorted(pair)) for pair in COPIES)
    honest = [p for p in result.pairs if {p.a.student, p.b.student} & {"dan", "eve", "hal"}]
    assert len(honest) > 40  # each of the three with everyone compared
    for rank, pair in enumerate(result.pairs):
        if pair in honest:
            assert pair.overlap < LOW, (pair.a.student, pair.b.student, pair.overlap, pair.a_in_b, pair.b_in_a)
            assert rank > last_copy
    for a, b in [("dan", "eve"), ("dan", "hal"), ("eve", "hal")]:  # they do share lines, which count for little
        assert 0 < pair_of(result, a, b).overlap < LOW


def test_demo_students_rank_below_the_copies(compared):
    """Catches treating code shared by most of the class as evidence: the demo students are the
    instructor's solution with one change each, and must not outrank the planted copies."""
    _, result, _, _ = compared
    demo_pairs = [p for p in result.pairs if p.a.student.startswith("demo-") or p.b.student.startswith("demo-")]
    assert demo_pairs and max(p.overlap for p in demo_pairs) < min(pair_of(result, *sorted(c)).overlap
                                                                   for c in COPIES)
    perfect = next(s for s in result.submissions if s.student == "demo-perfect")
    assert "share" in perfect.note, "the instructor's solution, unchanged, is all common code"


def test_blank_linked_and_unreadable_submissions_are_listed_not_compared(compared):
    """Catches ranking two unchanged releases as identical copies, following a link to another
    student's notebook (ivy would be a perfect copy of ana), and stopping on a damaged upload."""
    _, result, html_path, _ = compared
    notes = {s.student: s.note for s in result.submissions}
    assert "starter code only" in notes["gus"] and "starter code only" in notes["demo-blank"]
    assert notes["ivy"].startswith("not read") and "link" in notes["ivy"]
    assert notes["demo-damaged-upload"].startswith("not read")
    in_pairs = {s for p in result.pairs for s in (p.a.student, p.b.student)}
    assert not in_pairs & {"gus", "demo-blank", "ivy", "demo-damaged-upload", "demo-perfect"}
    page = html_path.read_text()
    for student in ("gus", "ivy", "demo-damaged-upload"):
        assert f"<td>{student}</td>" in page


def test_page_escapes_student_code_and_loads_nothing(compared):
    """Catches writing student code into the page unescaped: ana's comment holds a <script> tag,
    which must show as text. The page is one file: nothing loads from elsewhere."""
    _, _, html_path, _ = compared
    page = html_path.read_text()
    assert "<script" not in page.lower()
    assert "&lt;/pre&gt;&lt;script&gt;alert(" in page
    assert not re.search(r'(src|href)="', page)
    assert "to look at" in page and "not evidence" in page  # it never accuses
    assert page.count('<div class="pair">') == 5  # --top pairs side by side
    assert "<mark>" in page


def test_csv_has_every_pair_ranked(compared):
    """Catches a CSV that misses pairs, misorders them or disagrees with the page's numbers."""
    _, result, _, csv_path = compared
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == similarity.CSV_HEADER
    n = sum(not s.note for s in result.submissions)
    assert len(rows) == n * (n - 1) // 2 == len(result.pairs)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    first = rows[0]
    assert {first["student_a"], first["student_b"]} == {"ana", "ben"}
    assert first["overlap"] == first["a_in_b"] == first["b_in_a"] == "1.000"
    assert first["matched_tokens_a"] == first["tokens_a"] == first["tokens_b"] != "0"
    overlaps = [float(r["overlap"]) for r in rows]
    assert overlaps == sorted(overlaps, reverse=True)


def test_output_is_the_same_in_another_process(compared):
    """Catches results that depend on Python's string hashes (copydetect hashes k-grams with
    hash(), salted per process): a winnowing window wider than one k-gram would change them."""
    course, _, html_path, csv_path = compared
    before = html_path.read_bytes(), csv_path.read_bytes()
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(course.root), "similarity", PS3,
                           "--top", "5"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (html_path.read_bytes(), csv_path.read_bytes()) == before


# ---------------------------------------------------------------- command line and anonymity

@pytest.fixture
def small_class(tmp_path):
    course = course_copy(tmp_path, wrong_solutions=False)
    shutil.copytree(REPO_ROOT / "release" / PS3, course.release_notebook(PS3).parent)
    release_nb = notebooks.read(course.release_notebook(PS3))
    for student, answers in (("ana", ANA), ("ben", ANA), ("dan", DAN), ("eve", EVE)):
        submissions.write_submission(course, student, PS3, answered(release_nb, answers))
    return course


def test_anonymous_shows_pseudonyms_only(small_class):
    """Catches an --anonymous that leaves student ids in the CSV or on the page."""
    _, html_path, csv_path = similarity.write(small_class, PS3, anonymous=True)
    text = html_path.read_text() + csv_path.read_text()
    for student in ("ana", "ben", "dan", "eve"):
        assert not re.search(rf"\b{student}\b", text), student
    secret = leaderboard.course_secret(small_class)
    assert leaderboard.pseudonym("ana", secret) in text and leaderboard.pseudonym("eve", secret) in text


def test_cli_prints_the_files_and_the_top_pairs(small_class, capsys):
    """Catches a command that is not wired up, writes elsewhere, or ignores --top."""
    assert main(["--root", str(small_class.root), "similarity", PS3, "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert f"grades/{PS3}-similarity/similarity.html" in out and f"grades/{PS3}-similarity/similarity.csv" in out
    table = [line.split() for line in out.splitlines() if re.match(r"\s+\d+\s", line)]
    assert len(table) == 2 and set(table[0][1:3]) == {"ana", "ben"} and table[0][3] == "1.000"
    assert small_class.similarity_html(PS3).is_file()


def test_huge_code_is_listed_not_compared(small_class, monkeypatch):
    """Catches a comparison that tokenizes whatever size a student pastes in: the class would wait
    on one notebook; such code is listed for a look by hand instead."""
    monkeypatch.setattr(similarity, "MAX_CODE_CHARS", 400)  # every student's own code is longer
    result = similarity.compare(small_class, PS3)
    assert [s.note.startswith("not compared") and "by hand" in s.note for s in result.submissions] == [True] * 4
    assert result.pairs == []


def test_cli_without_submissions(tmp_path, capsys):
    """Catches a command that writes an empty page instead of saying there is nothing to compare."""
    course = course_copy(tmp_path, wrong_solutions=False)
    assert main(["--root", str(course.root), "similarity", PS3]) == 1
    assert "no submissions found" in capsys.readouterr().out


# ---------------------------------------------------------------- the class report links to the page

def test_class_report_links_to_the_page_when_it_exists(small_class):
    """Catches a report that never links to the similarity page, links when there is none, or
    links with an absolute path (which breaks when grades/ is moved or mailed)."""
    grades = small_class.grades_csv(PS3)
    grades.parent.mkdir(parents=True, exist_ok=True)
    grades.write_text("student_id,status,autograded_score,autograded_max,manual_points_pending,seconds,"
                      "startup_seconds,message,integrity_flags,repairs\n"
                      "ana,unreadable,0,10,0,0,0,not a notebook,,\n")
    page = report.write_report(small_class, PS3).read_text()
    assert "similarity.html" not in page
    similarity.write(small_class, PS3)
    page = report.write_report(small_class, PS3).read_text()
    assert f'<a href="../{PS3}-similarity/similarity.html">' in page
    assert report.similarity_link(small_class, PS3, report.report_dir(small_class, PS3)) == \
        f"../{PS3}-similarity/similarity.html"
