"""The adversarial suite: honest, damaged and hostile submissions graded in one parallel batch.

Fixtures: tests/fixtures/hostile/submitted-<scenario>.ipynb, made from the fixture problem set
`tiny` by tests/fixtures/hostile/build.py. tiny has 5 autograded points: test_add (1),
test_mean_square (2) and test_together (2), plus one hand-graded point. Every scenario is graded
once, in a single batch on the Dask engine (so hostile notebooks run next to honest ones), and
each test asserts the exact score and flag its scenario must get.
"""

import json
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import psutil
import pytest

from grader import cgroups, notebooks, sandbox
from grader.autograde import default_limits, grade_batch
from tests.conftest import HOSTILE as FIXTURES
from tests.conftest import TINY as PS
from tests.conftest import (hidden_lines, page_text, require_sandbox, started_by_another_test_worker, submit_scenario,
                            tiny_course)

PS3 = "ps3_conv1d_numpy"
# The same families on ps3 (33 autograded points): tests/fixtures/hostile/ps3/submitted-<scenario>.ipynb.
EXPECTED_PS3 = {
    "replaces-do-execute": ("graded", 0, True),             # blank: was 33/33 when the tests ran in the kernel
    "partial-credit-execute-result": ("graded", 0, False),  # blank: was 33/33
    "spoofed-numpy-array": ("graded", 27, False),           # Conv1D.forward returns zeros that equal anything: loses test_forward
    "echoes-hidden-tests": ("graded", 33, False),           # correct, and finds no hidden test to print
}
FULL = 5

# scenario: (status, autograded score, flagged by the integrity check). What each one catches
# is in the comment: the wrong answer a sloppier grader would give.
EXPECTED = {
    # honest
    "correct": ("graded", 5, False),
    "blank": ("graded", 0, False),
    "wrong-mean-square": ("graded", 3, False),        # test_together cannot see this mistake
    # damaged by editors: plain nbgrader scores these 0 or stops the batch
    "metadata-stripped": ("graded", 5, False),
    "duplicated-cell-ids": ("graded", 5, False),
    "cells-reordered": ("graded", 5, False),
    "cell-type-changed": ("graded", 5, False),
    "test-cell-deleted": ("graded", 5, False),
    "renamed-file": ("graded", 5, False),
    "truncated-upload": ("unreadable", 0, False),
    # hostile: none may earn a point its answers do not earn
    "rewrites-gradebook": ("graded", 0, False),       # its answers are wrong; the write must fail
    "reads-source-and-others": ("graded", 5, False),  # correct answers, and it must find nothing
    "monkeypatches-allclose": ("graded", 0, True),    # plain nbgrader: 5
    "input-transformer": ("graded", 0, True),         # plain nbgrader: 5
    "ast-transformer": ("graded", 0, True),           # plain nbgrader: 5
    "custom-exception-handler": ("graded", 0, True),  # plain nbgrader: 5
    "rigged-eq": ("graded", 0, False),                # add(1, 2) returns an object equal to everything: plain nbgrader 1
    "redefines-numpy": ("graded", 0, False),          # np rebound to a fake whose allclose is always True: the
                                                      # judge never uses the notebook's np
    "detects-grading": ("graded", 0, False),          # sees no grading marker, so it cannot cheat only then
    "os-exit": ("graded", 5, False),                  # plain nbgrader: the notebook is not graded
    "sys-exit": ("graded", 5, False),
    "infinite-loop-ignoring-interrupts": ("graded", 1, False),  # loses what depends on the looping cell
    "memory-bomb": ("graded", 5, False),
    "fork-bomb": ("graded", 5, False),
    "prints-megabytes": ("graded", 5, False),
    "reseeds": ("graded", 5, False),
    "writes-outside": ("graded", 5, False),
    "kills-other-processes": ("graded", 5, False),
    "displays-active-content": ("graded", 5, False),  # scripts in outputs and a markdown answer: made inert
    "forks-to-multiply-memory": ("graded", 5, False),  # the job's memory, not each process's, is limited
    "creates-many-files": ("graded", 5, False),        # files are limited, not only bytes
    "leaves-a-daemon": ("graded", 5, False),          # and the daemon dies with the sandbox
    "fills-the-disk": ("graded", 5, False),           # stopped at the job's disk quota, and nothing is left
    # verdicts out of the student's reach: every test is decided by the judge, outside the kernel
    "replaces-do-execute": ("graded", 0, True),       # blank; the kernel answers "ok" to test cells without running them
    "replaces-execute-handler": ("graded", 0, True),  # the same through the kernel's table of request handlers
    "filters-session-send": ("graded", 0, True),      # blank; error messages dropped, error replies turned into "ok"
    "partial-credit-execute-result": ("graded", 0, False),  # stubs publish 1.0 (nbgrader's partial credit), then raise
    "partial-credit-then-exit": ("graded", 2, False),  # add publishes 1.0 and kills the kernel: was 1 point for
                                                       # test_add; mean_square is right (2)
    "spoofed-numpy-array": ("graded", 0, False),      # wrong values in a fake numpy.ndarray that equals anything
    "torch-function-tensor": ("graded", 0, False),    # wrong values in a tensor whose __torch_function__ says yes
    "shadows-builtins": ("graded", 0, False),         # wrong answers; abs, float and isinstance rebound in the notebook
    "patches-between-checks": ("graded", 0, False),   # wrong answers; a thread makes np.allclose True, then restores it
    "echoes-hidden-tests": ("graded", 5, False),      # correct; prints the kernel's history and its callers' source
}
OUTSIDE_TARGETS = [Path("/tmp/tiny-was-here"), Path("~/tiny-was-here").expanduser(),
                   Path("/var/tmp/tiny-was-here"), Path(sys.prefix) / "tiny-was-here.pth"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    for target in OUTSIDE_TARGETS:
        target.unlink(missing_ok=True)
    require_sandbox()
    course = tiny_course(tmp_path_factory.mktemp("hostile") / "course")
    scenarios = list(EXPECTED)
    for scenario in scenarios:
        submit_scenario(course, scenario)
    limits = default_limits(course, 2)
    limits.cell_timeout_s = 15
    limits.notebook_timeout_s = 120
    limits.memory_bytes = 2 * 2**30
    results = {r.student: r for r in grade_batch(course, PS, scenarios, workers=2, limits=limits, progress=False)}
    return course, results, limits


@pytest.mark.e2e
@pytest.mark.parametrize("scenario", list(EXPECTED))
def test_scenario_gets_exactly_its_score(graded, scenario):
    course, results, _ = graded
    status, score, flagged = EXPECTED[scenario]
    r = results[scenario]
    assert (r.status, r.auto, bool(r.flags)) == (status, score, flagged), (r.message, r.tests, r.flags)
    if status == "graded":
        assert r.max_auto == FULL


@pytest.fixture(scope="module")
def graded_ps3(tmp_path_factory):
    from grader import release
    from tests.conftest import course_copy

    course = course_copy(tmp_path_factory.mktemp("hostile-ps3"), [PS3], wrong_solutions=False)
    release.generate(course, PS3)
    for scenario in EXPECTED_PS3:
        folder = course.root / "submitted" / scenario / PS3
        folder.mkdir(parents=True)
        shutil.copy(FIXTURES / "ps3" / f"submitted-{scenario}.ipynb", folder / f"{PS3}.ipynb")
    results = {r.student: r for r in grade_batch(course, PS3, list(EXPECTED_PS3), smoke=True, workers=2,
                                                 progress=False)}
    return course, results


@pytest.mark.e2e
@pytest.mark.parametrize("scenario", list(EXPECTED_PS3))
def test_ps3_scenario_gets_exactly_its_score(graded_ps3, scenario):
    _, results = graded_ps3
    status, score, flagged = EXPECTED_PS3[scenario]
    r = results[scenario]
    assert (r.status, r.auto, bool(r.flags)) == (status, score, flagged), (r.message, r.tests, r.flags)
    if scenario == "spoofed-numpy-array":
        assert [t for t, points in r.tests.items() if points == 0 and t.startswith("test_")] == ["test_forward"]


def _kernel_outputs(course, ps_id, student):
    """Everything the student's kernel produced in the autograded notebook (not the judge's verdicts)."""
    nb = notebooks.read(course.autograded_notebook(student, ps_id))
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        judge = cell.metadata.get("dlcourse_judge", {})
        for output in cell.outputs:
            text = str(output.get("text", "")) + json.dumps(output.get("data", {}))
            texts.append(text.replace(judge.get("printed", "") or "\0", ""))
    return "\n".join(texts)


@pytest.mark.e2e
def test_no_hidden_test_reaches_the_students_kernel(graded, graded_ps3):
    """The kernel never receives a hidden block: a thread echoing the kernel's input history and a
    function printing the source of every frame that calls it print none of it."""
    for (course, results), ps_id in [(graded[:2], PS), (graded_ps3, PS3)]:
        hidden = hidden_lines(notebooks.read(course.source_notebook(ps_id)))
        assert len(hidden) > 5
        spy = _kernel_outputs(course, ps_id, "echoes-hidden-tests")
        assert "HISTORY:" in spy and "CALLER:" in spy, "the attack did not run"
        for student in results:
            if results[student].status != "graded":
                continue
            leaked = [line for line in hidden if line in _kernel_outputs(course, ps_id, student)]
            assert not leaked, f"{student} saw hidden test lines: {leaked[:3]}"


@pytest.mark.e2e
def test_flags_and_repairs_say_what_happened(graded):
    _, results, _ = graded
    assert "numpy.allclose" in results["monkeypatches-allclose"].flags[0]
    assert "input transformers" in results["input-transformer"].flags[0]
    assert "AST transformers" in results["ast-transformer"].flags[0]
    assert "custom exception handler" in results["custom-exception-handler"].flags[0]
    assert "the kernel's methods changed" in results["replaces-do-execute"].flags[0]
    assert "the kernel's request handlers changed" in results["replaces-execute-handler"].flags[0]
    assert "the kernel session's methods changed" in results["filters-session-send"].flags[0]
    assert "metadata restored" in results["metadata-stripped"].repairs[0]
    assert any("copies of the cell" in line for line in results["duplicated-cell-ids"].repairs)
    assert any("moved back" in line for line in results["cells-reordered"].repairs)
    assert any("cell type changed back" in line for line in results["cell-type-changed"].repairs)
    assert any("restored from the release" in line for line in results["test-cell-deleted"].repairs)
    assert "Copy of tiny.ipynb" in results["renamed-file"].repairs[0]
    assert "not valid JSON" in results["truncated-upload"].message
    assert not results["correct"].repairs and not results["correct"].flags
    assert "the kernel died" in results["os-exit"].message and "cell" in results["os-exit"].message
    # The memory cgroup's OOM killer (or, without one, RLIMIT_AS) stops the bomb; on a loaded
    # machine filling the memory can outlast the cell timeout first. Either way it is cell 3.
    bomb = results["memory-bomb"].message
    if cgroups.describe("memory"):  # with RLIMIT_AS it is a MemoryError in the cell
        assert bomb.startswith("cell 3:") and ("the kernel died" in bomb or "longer than" in bomb), bomb
    assert "longer than 15 s" in results["infinite-loop-ignoring-interrupts"].message


def _outputs(course, student):
    nb = notebooks.read(course.autograded_notebook(student, PS))
    return "\n".join(str(o.get("text", "")) + str(o.get("evalue", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)


@pytest.mark.e2e
def test_gradebook_holds_only_what_the_grader_observed(graded):
    course, results, _ = graded
    db = sqlite3.connect(course.db_path)
    top = db.execute("SELECT MAX(auto_score), MAX(manual_score) FROM grade").fetchone()
    assert top[0] <= 2 and top[1] is None, "a student's sqlite write reached the gradebook"
    assert "gradebooks found: []" in _outputs(course, "rewrites-gradebook")


@pytest.mark.e2e
def test_student_code_cannot_see_source_or_other_students(graded):
    course, _, _ = graded
    text = _outputs(course, "reads-source-and-others")
    assert "search done" in text and "STOLEN" not in text


@pytest.mark.e2e
def test_nothing_student_code_wrote_outlives_its_run(graded):
    course, _, _ = graded
    assert "wrote" not in _outputs(course, "writes-outside").replace("wrote /tmp", "").replace(
        "wrote /var/tmp", "").replace("wrote /dev/shm", "").replace(f"wrote {Path('~').expanduser()}", "")
    for target in OUTSIDE_TARGETS:
        assert not target.exists(), f"{target} outlived the sandbox"


@pytest.mark.e2e
def test_no_process_outlives_its_sandbox(graded):
    """leaves-a-daemon double-forks into a session of its own (`sleep 424242`); the sandbox's PID
    namespace ends with its kernel, and the daemon with it."""
    course, _, _ = graded
    assert "daemon started" in _outputs(course, "leaves-a-daemon"), "the attack did not run"
    left = [p.info["pid"] for p in psutil.process_iter(["pid", "cmdline"])
            if "424242" in " ".join(p.info["cmdline"] or [])]
    assert not left, f"the daemon outlived its sandbox: {left}"


@pytest.mark.e2e
def test_memory_and_files_are_limited_per_sandbox(graded):
    """Three children of 0.9 GiB each fit a per-process limit but not the job's 2 GiB (a memory
    cgroup, or the worker's watch where there is none); 300,000 empty files cost no disk but
    kernel memory, and are stopped at Limits.files."""
    course, results, _ = graded
    assert "all children kept their memory" not in _outputs(course, "forks-to-multiply-memory")
    assert "created them all" not in _outputs(course, "creates-many-files")
    assert "files, more than the limit" in results["creates-many-files"].message, results["creates-many-files"].message


@pytest.mark.e2e
def test_the_disk_quota_holds(graded):
    """fills-the-disk writes 8 files of 255 MiB and more elsewhere: the job's tmpfs quota stops it."""
    from grader.execute import Limits

    course, _, limits = graded
    text = _outputs(course, "fills-the-disk")
    assert "No space left on device" in text, text
    written = int(text.split("wrote ")[1].split(" MiB")[0]) * 2**20
    assert limits.disk_bytes == Limits().disk_bytes == 2**30
    assert limits.disk_bytes / 2 < written <= limits.disk_bytes + sandbox.SHM_BYTES


@pytest.mark.e2e
def test_links_in_a_submission_are_not_followed(tmp_path):
    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct", "linker")
    folder = course.root / "submitted" / "linker" / PS
    (folder / "gradebook-link.txt").symlink_to(course.db_path)
    (folder / "notes.txt").write_text("my notes")
    (result,) = grade_batch(course, PS, ["linker"], workers=1, progress=False)
    assert result.auto == FULL
    graded_folder = course.autograded_notebook("linker", PS).parent
    assert (graded_folder / "notes.txt").read_text() == "my notes"
    assert not (graded_folder / "gradebook-link.txt").exists() and not (graded_folder / "gradebook-link.txt").is_symlink()


@pytest.mark.e2e
def test_no_grading_marker_is_visible(graded):
    course, _, _ = graded
    assert "grading detected: False []" in _outputs(course, "detects-grading")


@pytest.mark.e2e
def test_output_is_capped(graded):
    course, _, limits = graded
    size = course.autograded_notebook("prints-megabytes", PS).stat().st_size
    assert size < 2 * limits.output_bytes, f"the autograded notebook holds {size} bytes of output"
    assert "was dropped" in _outputs(course, "prints-megabytes")


@pytest.mark.e2e
def test_no_process_outlives_the_batch(graded):
    """Every kernel (and fork) started for the batch is gone. A kernel runs as this user (in its
    user namespace) or, when grading as root, as a user id of its own above SANDBOX_UID_BASE."""
    mine = os.getuid()
    leftovers = [p.info for p in psutil.process_iter(["pid", "cmdline", "uids"])
                 if "ipykernel_launcher" in " ".join(p.info["cmdline"] or [])
                 and f"{sandbox.IPC}/kernel.json" in (p.info["cmdline"] or [])
                 and (p.info["uids"].real == mine if mine else p.info["uids"].real >= sandbox.SANDBOX_UID_BASE)
                 and not started_by_another_test_worker(p.info["pid"])]
    assert not leftovers


@pytest.mark.e2e
def test_grading_again_gives_identical_results(graded):
    course, results, limits = graded
    again = {r.student: r for r in grade_batch(course, PS, ["correct", "wrong-mean-square", "monkeypatches-allclose"],
                                               workers=2, limits=limits, force=True, progress=False)}
    for student, r in again.items():
        assert (r.auto, r.tests, bool(r.flags)) == (results[student].auto, results[student].tests,
                                                    bool(results[student].flags))


@pytest.mark.e2e
def test_finished_submissions_are_not_graded_again(graded):
    course, results, limits = graded
    (course.root / "submitted" / "correct" / PS / "extra.txt").write_text("changed")  # re-grade this one
    again = {r.student: r for r in grade_batch(course, PS, ["correct", "blank"], workers=2, limits=limits,
                                               progress=False)}
    assert again["blank"].seconds == results["blank"].seconds, "an unchanged submission was graded again"
    assert again["correct"].seconds != results["correct"].seconds and again["correct"].auto == FULL
    os.remove(course.root / "submitted" / "correct" / PS / "extra.txt")


@pytest.mark.e2e
def test_the_hostile_search_finds_the_gradebook_outside_the_sandbox(graded):
    """The attack is real: the same search, run by the grader's own process, finds the gradebook."""
    course, _, _ = graded
    nb = notebooks.read(FIXTURES / "submitted-rewrites-gradebook.ipynb")
    (attack,) = [c.source for c in nb.cells if "def search" in c.source]
    namespace = {}
    exec(attack.split("import sqlite3")[0], namespace)
    assert str(course.db_path) in [str(Path(p).resolve()) for p in namespace["search"]("gradebook.db")]


@pytest.mark.e2e
def test_feedback_shows_messages_but_not_hidden_tests(graded):
    from grader.course import run_nbgrader

    course, _, _ = graded
    proc = run_nbgrader(course, ["generate_feedback", PS, "--student", "wrong-mean-square", "--force"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = course.feedback_html("wrong-mean-square", PS).read_text()
    assert "mean_square([1, 2, 3]) is 14/3" in html, "the failed visible test's message is shown"
    # On the page's text, not its HTML: highlighted code is split into spans, where "rtol=1e-12"
    # would never appear as such even if the hidden test were shown.
    text = page_text(html)
    assert "assert add(1, 2) == 3" in text, "the visible test's code is shown (so the text can show code)"
    assert "default_rng" not in text and "rtol=1e-12" not in text, "hidden test code leaked into feedback"
    assert "hidden tests ran here" in html
    autograded = course.autograded_notebook("wrong-mean-square", PS).read_text()
    assert "default_rng" in autograded, "instructors still see the hidden tests"


@pytest.mark.e2e
def test_student_scripts_never_reach_an_instructors_browser(graded):
    """displays-active-content shows HTML with a script and an onerror handler, JavaScript and an
    SVG with a script, and writes a markdown answer with both: none of them survives into the
    autograded notebook that feedback and the formgrader render, nor into the feedback page."""
    from grader.course import run_nbgrader

    course, _, _ = graded
    submitted = (course.submitted_notebook("displays-active-content", PS)).read_text()
    assert "pwned-by-markdown" in submitted, "the attack is in the submission"
    proc = run_nbgrader(course, ["generate_feedback", PS, "--student", "displays-active-content", "--force"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    nb = notebooks.read(course.autograded_notebook("displays-active-content", PS))
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert not {"application/javascript", "image/svg+xml"} & set(output.get("data", {}))
            html = output.get("data", {}).get("text/html", "")
            assert "pwned" not in _scripts(html) + _active_handlers(html), html
        if cell.cell_type == "markdown":
            assert "pwned" not in _scripts(cell.source) + _active_handlers(cell.source), cell.source
    assert "pwned-by-markdown" in notebooks.cells_by_grade_id(nb)["why"].source, "the answer's text is kept"
    page = course.feedback_html("displays-active-content", PS).read_text()
    assert "pwned" not in _scripts(page) + _active_handlers(page)
    html = course.feedback_html("displays-active-content", PS).read_text()
    assert "<b>bold</b>" in html, "inert HTML is still shown"


def _scripts(html):
    """The text of every real <script> element of an HTML page (not escaped ones)."""
    return " ".join(re.findall(r"<script[^>]*>(.*?)</script>", html, re.S))


def _active_handlers(html):
    """The value of every real on...= attribute of a real tag."""
    return " ".join(re.findall(r"<[a-zA-Z][^<>]*\son\w+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", html))


@pytest.mark.e2e
def test_csv_lists_flags_repairs_and_isolation(graded):
    import csv

    from grader.autograde import write_csv

    course, results, _ = graded
    rows = {row["student_id"]: row for row in csv.DictReader(open(write_csv(course, PS, list(results.values()))))}
    assert "numpy.allclose" in rows["monkeypatches-allclose"]["integrity_flags"]
    assert rows["monkeypatches-allclose"]["test_add"] == "0"
    assert "metadata restored" in rows["metadata-stripped"]["repairs"]
    assert rows["correct"]["integrity_flags"] == "" and rows["correct"]["repairs"] == ""
    assert rows["correct"]["isolation"] == sandbox.isolation() and rows["correct"]["isolation"].startswith("bubblewrap")
