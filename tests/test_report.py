"""`grader report` and `grader export` on a small graded class of the fixture problem set tiny.

The class is chosen so that every number in the report is known from the scenarios themselves
(tests/fixtures/hostile/, see EXPECTED in test_hostile_submissions.py), not from the report code:

    correct              all three tests pass                              5/5
    blank, blank-2       every test fails with NotImplementedError         0/5
    wrong-mean-square    test_add and test_together pass                   3/5
    metadata-stripped    repaired, then all pass                           5/5
    monkeypatches-allclose  integrity flags, every test scores zero        0/5
    truncated-upload     unreadable: no test results                       0/5
"""

import csv
import os
import re
import shutil
import subprocess

import pytest

from grader import cli, report
from grader.autograde import default_limits, grade_batch, write_csv
from grader.course import REPO_ROOT
from tests.conftest import TINY, submit_scenario, tiny_course

CLASS = ["correct", "blank", "blank-2", "wrong-mean-square", "metadata-stripped", "monkeypatches-allclose",
         "truncated-upload"]
EXECUTED = 6  # all but the unreadable upload
PASSED = {"test_add": 3, "test_mean_square": 2, "test_together": 3}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tiny_course(tmp_path_factory.mktemp("report") / "course")
    for student in CLASS:
        submit_scenario(course, "blank" if student == "blank-2" else student, student=student)
    limits = default_limits(course, 2)
    limits.cell_timeout_s = 30
    results = grade_batch(course, TINY, CLASS, workers=2, limits=limits, progress=False)
    write_csv(course, TINY, results)
    return course, report.write_report(course, TINY)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.e2e
def test_pass_rates_hardest_first_with_the_most_common_failure(graded_class):
    course, html_path = graded_class
    tests = read_csv(html_path.parent / "tests.csv")
    assert [t["grade_id"] for t in tests] == ["test_mean_square", "test_add", "test_together"]
    for t in tests:
        assert (int(t["passed"]), int(t["attempted"])) == (PASSED[t["grade_id"]], EXECUTED), t
        assert float(t["pass_rate"]) == pytest.approx(PASSED[t["grade_id"]] / EXECUTED, abs=0.005)
        # Two blank notebooks fail every test the same way; every other failure is a single student's.
        assert t["most_common_failure"].startswith("NotImplementedError") and t["students_with_it"] == "2", t


@pytest.mark.e2e
def test_students_integrity_and_timing_tables(graded_class):
    course, html_path = graded_class
    students = {r["student_id"]: r for r in read_csv(html_path.parent / "students.csv")}
    assert set(students) == set(CLASS)
    assert [float(students[s]["percent"]) for s in ("correct", "wrong-mean-square", "blank")] == [100.0, 60.0, 0.0]
    assert students["truncated-upload"]["status"] == "unreadable"
    findings = read_csv(html_path.parent / "integrity.csv")
    flagged = {f["student_id"] for f in findings if f["kind"] == "integrity flag"}
    repaired = {f["student_id"] for f in findings if f["kind"] == "repair"}
    assert flagged == {"monkeypatches-allclose"}
    assert "metadata-stripped" in repaired and "correct" not in repaired
    timing = read_csv(html_path.parent / "timing.csv")
    assert len(timing) == len(CLASS)
    seconds = [float(t["seconds"]) for t in timing]
    assert seconds == sorted(seconds, reverse=True) and seconds[0] > 0
    assert not (html_path.parent / "leaderboard.csv").exists(), "tiny has no competition"


@pytest.mark.e2e
def test_report_is_one_self_contained_file(graded_class):
    _, html_path = graded_class
    text = html_path.read_text()
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', text)
    assert images == ["score histogram", "pass rate per test", "grading time per notebook"]
    assert not re.search(r'(src|href)="(?!data:)', text), "nothing may load from outside the file"
    assert "monkeypatches-allclose" in text and "NotImplementedError" in text


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Appended to a copy of the report: after loading, lists every image (decoded size) and every
# script error into a <pre> that --dump-dom prints.
PROBE = """<script>
var errors = [];
window.addEventListener('error', function (e) { errors.push(String(e.message || e)); }, true);
window.addEventListener('load', function () {
  var lines = Array.prototype.map.call(document.images, function (img) {
    return 'image ' + img.alt + ' ' + img.naturalWidth + 'x' + img.naturalHeight; });
  var pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = lines.concat(errors.map(function (m) { return 'error ' + m; })).join('\\n');
  document.body.appendChild(pre);
});
</script>"""


@pytest.mark.e2e
def test_report_renders_in_headless_chromium(graded_class, tmp_path):
    if chromium() is None:  # CI installs it and sets GRADER_REQUIRE_BROWSER=1: there a missing one fails
        (pytest.fail if os.environ.get("GRADER_REQUIRE_BROWSER") else pytest.skip)(
            "needs Debian's chromium (.ci/run installs it)")
    _, html_path = graded_class
    probe = tmp_path / "report-probe.html"
    probe.write_text(html_path.read_text().replace("</body>", PROBE + "</body>"))
    flags = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=10000"]
    dom = subprocess.run(flags + ["--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, "the page did not finish loading:\n" + dom.stdout[-1000:] + dom.stderr[-1000:]
    lines = found.group(1).splitlines()
    assert not [line for line in lines if line.startswith("error")], lines
    sizes = {m.group(1): (int(m.group(2)), int(m.group(3)))
             for m in (re.match(r"image (.+) (\d+)x(\d+)$", line) for line in lines) if m}
    assert set(sizes) == {"score histogram", "pass rate per test", "grading time per notebook"}
    assert all(w > 300 and h > 150 for w, h in sizes.values()), sizes  # every figure decoded
    # A screenshot for people to look at: kept under test-output/ (git-ignored).
    shot = tmp_path / "report.png"
    subprocess.run(flags + ["--window-size=1200,2400", f"--screenshot={shot}", html_path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 20_000
    keep = REPO_ROOT / "test-output"
    keep.mkdir(exist_ok=True)
    shutil.copy(shot, keep / "report-screenshot.png")


@pytest.mark.e2e
def test_export_for_an_lms(graded_class, capsys):
    course, _ = graded_class
    # Plain nbgrader export knows only course problem sets for --assignment; tiny is the only one here.
    assert cli.main(["--root", str(course.root), "export", "--to", "grades/lms.csv"]) == 0
    rows = list(csv.reader(open(course.root / "grades" / "lms.csv", newline="")))
    assert rows[0] == ["student_id", "last_name", "first_name", "email", TINY]
    assert rows[1] == ["Points Possible", "", "", "", "6"]  # 5 autograded + 1 by hand
    scores = {r[0]: r[4] for r in rows[2:]}
    # The unreadable upload never reached the gradebook; nothing is graded by hand yet.
    assert scores == {"correct": "5", "blank": "0", "blank-2": "0", "wrong-mean-square": "3",
                      "metadata-stripped": "5", "monkeypatches-allclose": "0"}


def test_report_command_on_a_class_not_graded_yet(tmp_path, capsys):
    from tests.conftest import course_copy

    course = course_copy(tmp_path, wrong_solutions=False)
    assert cli.main(["--root", str(course.root), "report"]) == 0
    assert "ps3_conv1d_numpy: not graded yet (run `grader autograde ps3_conv1d_numpy`)" in capsys.readouterr().out
