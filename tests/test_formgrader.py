"""Hand grading in nbgrader's formgrader, end to end, as an instructor does it (README, *Grade by hand*).

One student's ps4_analytic (the instructor's solution, so every autograded test passes: 36 of 36,
and 16 points of written derivations are left to grade by hand) is graded by `grader autograde`'s
engine in its sandbox. Then, at the course root:

1. `jupyter lab` starts (as the README says) on a free localhost port with a token, with the
   formgrader that nbgrader's installation enables (no extra configuration), reading the course's
   nbgrader_config.py and gradebook from its working folder, the course root;
2. headless Chromium, driven by Selenium, opens /formgrader and goes where an instructor goes:
   Manage Assignments -> the problem set's submissions -> Manual Grading -> ps4_analytic -> the
   notebook -> Submission #1, types a score and a comment into one written answer (`cost_derivation`)
   and waits until the page says both were saved (a screenshot at every step, under
   <tmp_path>/screenshots, copied to test-output/formgrader-screenshots/; the path is printed);
3. the gradebook, `grader export` and `nbgrader generate_feedback` are checked.

What each check catches:

- the formgrader lists the assignment and the student's submission with the autograded score
  (36 / 52): the gradebook rows `grader autograde` writes (assignment, submission, grades) are the
  ones nbgrader's pages read, and the server found the course's gradebook;
- the grading page shows the student's written answer and the autograded tests' scores in their
  cells: the autograded notebook's cells carry the grade ids the gradebook knows (a notebook whose
  nbgrader metadata was lost, or whose ids differ, renders without them);
- the score and the comment are saved (nbgrader's own "saved" event, after the server answered),
  and land in the gradebook on that answer only: the other derivations are still ungraded;
- the page raises no JavaScript error except MathJax's, which it loads from a CDN (unreachable on
  an offline grading machine: formulas then stay LaTeX source, scores and comments still save);
- `grader export` counts the hand-given points in the student's total (36 + 1.5 = 37.5 of 52);
- the feedback page shows the comment and the new total, says where hidden tests ran, and holds
  none of the hidden tests' lines, compared on the page's text (tags removed: code on the page is
  split into highlighting spans, so comparing raw HTML would miss a leak); a visible test line is
  found the same way, so the comparison does see code.

Needs Debian's `chromium` and `chromium-driver` and the pinned `selenium` (no browser or driver is
downloaded). Without them the test is skipped, saying what is missing; with GRADER_REQUIRE_BROWSER=1
(.ci/run sets it) it fails instead.
"""

import contextlib
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from grader import cli, notebooks, release, submissions
from grader.autograde import grade_batch, write_csv
from grader.course import REPO_ROOT, kill_tree, run_nbgrader
from grader.gradebook import course_id
from tests.conftest import course_copy, hidden_lines, page_text, require_sandbox

PS = "ps4_analytic"
STUDENT = "alice"
ANSWER = "cost_derivation"      # a written derivation, 2 points, graded by hand
SCORE = 1.5
COMMENT = "Both multiplication counts are right; say why the input batch gets no gradient."
AUTO, MANUAL = 36, 16           # ps4's autograded and hand-graded points
ANSWER_PHRASE = "about three forward passes"  # in the model answer the perfect student submits
VISIBLE_TEST_LINE = 'assert inference_mults(1, 2, 3) == 12, "one 3x2 by 2x2 product: 3 * 2 * 2 = 12 multiplications"'


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromedriver():
    return shutil.which("chromedriver") or next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
                                                 if os.access(p, os.X_OK)), None)


def browser_problem():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (pinned in requirements.txt)"
    if chromium() is None:
        return "needs Debian's chromium (.ci/run installs it)"
    if chromedriver() is None:
        return "needs Debian's chromium-driver (.ci/run installs it)"
    return None


def require_browser():
    """Skips where there is no browser to drive, saying what is missing; GRADER_REQUIRE_BROWSER=1
    (set by .ci/run) makes that a failure instead."""
    problem = browser_problem()
    if problem and os.environ.get("GRADER_REQUIRE_BROWSER"):
        pytest.fail(f"GRADER_REQUIRE_BROWSER is set, but the formgrader test {problem}")
    if problem:
        pytest.skip(problem)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(root, tmp):
    """`jupyter lab` at the course root on a free localhost port with a token; stopped on exit."""
    token, port = secrets.token_hex(16), free_port()
    config_dir = tmp / "jupyter-config"   # the user's ~/.jupyter stays out; nbgrader's installed config applies
    config_dir.mkdir()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
               PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    log = open(tmp / "jupyter-server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                             f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}"],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({proc.returncode}):\n{(tmp / 'jupyter-server.log').read_text()[-3000:]}")
            try:
                request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer in 180 s:\n{(tmp / 'jupyter-server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
        log.close()


@contextlib.contextmanager
def headless_chromium(tmp):
    """Debian's chromium through Debian's chromedriver (given explicitly: Selenium downloads nothing)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver(), log_output=str(tmp / "chromedriver.log")),
                              options=options)
    try:
        driver.set_page_load_timeout(120)
        yield driver
    finally:
        driver.quit()


@pytest.mark.e2e
def test_an_answer_graded_by_hand_in_the_formgrader_reaches_gradebook_export_and_feedback(tmp_path):
    require_browser()
    require_sandbox()
    from nbgrader.api import Gradebook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    course = course_copy(tmp_path, (PS,), wrong_solutions=False)
    release.generate(course, PS)
    source_nb = notebooks.read(course.source_notebook(PS))
    release_nb = notebooks.read(course.release_notebook(PS))
    submissions.write_submission(course, STUDENT, PS, submissions.perfect(source_nb, release_nb))
    (result,) = grade_batch(course, PS, [STUDENT], smoke=True, workers=1, progress=False)
    write_csv(course, PS, [result])
    assert (result.status, result.auto, result.max_auto, result.manual_max) == ("graded", AUTO, AUTO, MANUAL), result
    (answer_cell,) = [c for c in source_nb.cells if notebooks.grade_id(c) == ANSWER]
    assert answer_cell.cell_type == "markdown" and ANSWER_PHRASE in answer_cell.source
    by_hand = {gid: points for gid, points, kind in notebooks.graded_cells(source_nb) if kind == "manual"}
    assert by_hand[ANSWER] == 2 and sum(by_hand.values()) == MANUAL
    other_answers = sorted(set(by_hand) - {ANSWER})

    shots = tmp_path / "screenshots"
    shots.mkdir()
    keep = REPO_ROOT / "test-output" / "formgrader-screenshots"  # git-ignored; pytest's tmp folders rotate
    shutil.rmtree(keep, ignore_errors=True)
    print(f"\nformgrader screenshots: {shots} (copied to {keep})")
    step = iter(range(1, 100))

    def screenshot(driver, name, element=None):
        if element is not None:  # after the page's own scrolling (leaving a field scrolls to the next)
            WebDriverWait(driver, 10).until(lambda d: not d.execute_script("return $('body, html').is(':animated')"))
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        driver.save_screenshot(str(shots / f"{next(step):02d}-{name}.png"))

    with jupyter_server(course.root, tmp_path) as (url, token), headless_chromium(tmp_path) as driver:
        try:
            request = urllib.request.Request(f"{url}/formgrader/api/assignments",
                                             headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert [a["name"] for a in json.load(response)] == [PS], "the formgrader reads the course's gradebook"
        except urllib.error.HTTPError as error:
            pytest.fail(f"no formgrader at {url}/formgrader ({error}): `jupyter server extension list` should show "
                        f"nbgrader.server_extensions.formgrader enabled")
        wait = WebDriverWait(driver, 60, poll_frequency=0.1)

        def click_link(href_end):
            wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a[href$="{href_end}"]'))).click()

        def table_row(text):
            return wait.until(EC.presence_of_element_located((By.XPATH, f"//tbody/tr[td[contains(., '{text}')]]")))

        try:
            driver.get(f"{url}/formgrader?token={token}")
            wait.until(EC.url_contains("/formgrader/manage_assignments"))
            row = table_row(PS)
            assert row.find_element(By.CSS_SELECTOR, f'a[href$="/formgrader/manage_submissions/{PS}"]').text == "1"
            screenshot(driver, "manage-assignments")

            click_link(f"/formgrader/manage_submissions/{PS}")
            row = table_row(STUDENT)
            assert "needs manual grading" in row.text and f"{AUTO} / {AUTO + MANUAL}" in row.text, row.text
            screenshot(driver, "manage-submissions")

            click_link("/formgrader/gradebook")
            table_row(PS)
            screenshot(driver, "manual-grading")
            click_link(f"/formgrader/gradebook/{PS}")
            table_row(PS)
            screenshot(driver, "manual-grading-assignment")
            click_link(f"/formgrader/gradebook/{PS}/{PS}")
            wait.until(EC.element_to_be_clickable((By.LINK_TEXT, "Submission #1")))
            screenshot(driver, "manual-grading-notebook")
            driver.find_element(By.LINK_TEXT, "Submission #1").click()

            # The grading page: wait until it has fetched the grades and comments (and, where MathJax
            # loads, until it has typeset and focused the first input, so it cannot steal the focus).
            wait.until(lambda d: d.execute_script(
                "return typeof formgrader !== 'undefined' && !!formgrader.grades && formgrader.grades.loaded"
                " && !!formgrader.comments && formgrader.comments.loaded"
                " && (typeof MathJax === 'undefined' || MathJax.loaded !== false)"))
            score = driver.find_element(By.ID, ANSWER)
            cell = score.find_element(By.XPATH, "ancestor::div[contains(@class, 'nbgrader_cell')]")
            assert ANSWER_PHRASE in cell.text, "the student's written answer is shown where it is graded"
            assert "needs_manual_grade" in score.get_attribute("class") and score.get_attribute("value") == ""
            autograded = driver.find_element(By.ID, "test_inference_mults")
            assert autograded.get_attribute("placeholder") == "1", "an autograded test shows its score in its cell"
            screenshot(driver, "grading-page", cell)

            driver.execute_script("window.savedCount = 0;"
                                  "$(document).on('finished_saving', function () { window.savedCount += 1; });")
            score.click()
            score.send_keys(str(SCORE), Keys.TAB)      # leaving the field saves it
            wait.until(lambda d: d.execute_script("return window.savedCount") >= 1)
            glyph = cell.find_element(By.CSS_SELECTOR, ".score-saved")
            assert "glyphicon-ok" in glyph.get_attribute("class")
            screenshot(driver, "score-saved", cell)

            comment = driver.find_element(By.ID, f"{ANSWER}-comment")
            comment.click()
            comment.send_keys(COMMENT, Keys.TAB)
            wait.until(lambda d: d.execute_script("return window.savedCount") >= 2)
            assert "glyphicon-ok" in cell.find_element(By.CSS_SELECTOR, ".comment-saved").get_attribute("class")
            screenshot(driver, "comment-saved", cell)
            errors = [e["message"] for e in driver.get_log("browser")
                      if e["level"] == "SEVERE" and "mathjax" not in e["message"].lower()]
            assert not errors, f"the grading page raised errors: {errors}"

            driver.get(f"{url}/formgrader/manage_submissions/{PS}")
            row = table_row(STUDENT)
            assert f"{AUTO + SCORE:g} / {AUTO + MANUAL}" in row.text, row.text
            screenshot(driver, "manage-submissions-after")
        except Exception:
            driver.save_screenshot(str(shots / "failure.png"))
            (shots / "failure.html").write_text(driver.page_source)
            raise
        finally:
            shutil.copytree(shots, keep, dirs_exist_ok=True)

    with Gradebook(course.db_url, course_id(course)) as gb:
        grade = gb.find_grade(ANSWER, PS, PS, STUDENT)
        assert (grade.manual_score, grade.score, grade.needs_manual_grade) == (SCORE, SCORE, False)
        assert gb.find_comment(ANSWER, PS, PS, STUDENT).manual_comment == COMMENT
        assert [gb.find_grade(a, PS, PS, STUDENT).manual_score for a in other_answers] == [None] * len(other_answers)
        submission = gb.find_submission(PS, STUDENT)
        assert (submission.score, submission.max_score) == (AUTO + SCORE, AUTO + MANUAL)

    assert cli.main(["--root", str(course.root), "export"]) == 0
    with open(course.root / "grades" / "lms.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student_id", "last_name", "first_name", "email", PS]
    assert rows[1] == ["Points Possible", "", "", "", f"{AUTO + MANUAL}"]
    assert rows[2:] == [[STUDENT, "", "", "", f"{AUTO + SCORE:g}"]]

    proc = run_nbgrader(course, ["generate_feedback", PS, "--student", STUDENT])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    feedback = course.feedback_html(STUDENT, PS).read_text()
    text = page_text(feedback)
    assert COMMENT in text, "the instructor's comment reaches the student"
    assert f"Score: {AUTO + SCORE} / {AUTO + MANUAL:.1f}" in text and f"Score: {SCORE} / 2.0" in text
    assert "hidden tests ran here" in text
    assert VISIBLE_TEST_LINE in text, "visible test code is found on the page, so a leak would be too"
    hidden = hidden_lines(source_nb)
    assert len(hidden) > 20
    leaked = sorted(line for line in hidden if line in text)
    assert not leaked, f"hidden test lines in the feedback: {leaked[:3]}"
