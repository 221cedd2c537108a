"""grader/colab_grading.ipynb, the instructor's notebook for grading on a Colab runtime.

Run here as on an instructor's machine: not on Colab, so the clone, the installation, Drive and
the upload are skipped, and the parameters cell points at a throwaway course and a zip of a
small class (a perfect student, a blank one, and one who submitted under a folder of their own).
"""

import csv
import re
import zipfile

import pytest
from nbclient import NotebookClient

from grader import colab, notebooks, sandbox, submissions
from grader.course import REPO_ROOT
from tests.conftest import course_copy

NOTEBOOK = REPO_ROOT / "grader" / "colab_grading.ipynb"
PS = "ps4_analytic"  # the quickest problem set to grade


def parameters_cell(nb):
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return cell


def test_notebook_is_committed_without_outputs_and_names_the_course_repository(repo_course):
    nb = notebooks.read(NOTEBOOK)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    source = parameters_cell(nb).source
    assert f'REPOSITORY = "{colab.settings(repo_course)["repository"]}"' in source, \
        "the notebook's default repository must be pyproject.toml's [tool.dl-course] repository"
    assert "USE_DRIVE = False" in source and "NO_SANDBOX = False" in source, "Drive only when asked; no silent downgrade"


@pytest.mark.e2e
def test_grades_an_uploaded_zip_and_shows_the_report(tmp_path):
    course = course_copy(tmp_path, (PS,), wrong_solutions=False)
    for name in ("release", "gradebook.db"):
        assert not (course.root / name).exists()
    from grader import release

    release.generate(course, PS)  # only to build the submissions: the notebook releases again
    source_nb, release_nb = (notebooks.read(course.source_notebook(PS)), notebooks.read(course.release_notebook(PS)))
    zipped = tmp_path / "class.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr(f"perfect-student/{PS}.ipynb", notebooks.nbformat.writes(submissions.perfect(source_nb, release_nb)))
        z.writestr(f"blank-student/{PS}.ipynb", notebooks.nbformat.writes(submissions.blank(release_nb)))

    nb = notebooks.read(NOTEBOOK)
    cell = parameters_cell(nb)
    cell.source = re.sub(r'^PROBLEM_SET = .*$', f'PROBLEM_SET = "{PS}"', cell.source, flags=re.M)
    cell.source = re.sub(r'^SUBMISSIONS_ZIP = .*$', f'SUBMISSIONS_ZIP = "{zipped}"', cell.source, flags=re.M)
    cell.source = re.sub(r'^SMOKE = .*$', "SMOKE = True", cell.source, flags=re.M)
    cell.source = re.sub(r'^COURSE_DIR = .*$', f'COURSE_DIR = "{course.root}"', cell.source, flags=re.M)
    sandboxed = sandbox.can_isolate()
    cell.source = re.sub(r'^NO_SANDBOX = .*$', f"NO_SANDBOX = {not sandboxed}", cell.source, flags=re.M)
    executed = NotebookClient(nb, timeout=900, kernel_name="python3",
                              resources={"metadata": {"path": str(tmp_path)}}).execute()

    text = "\n".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "2 submissions: blank-student, perfect-student" in text
    assert ("sandbox: bubblewrap" if sandboxed else "no sandbox:") in text, "the probe says what it found"
    with open(course.grades_csv(PS), newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert rows["perfect-student"]["autograded_score"] == rows["perfect-student"]["autograded_max"] != "0"
    assert rows["blank-student"]["autograded_score"] == "0"
    assert rows["blank-student"]["isolation"].startswith("bubblewrap" if sandboxed else "NONE")
    shown = [o for c in executed.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert any(f"{PS}: class report" in o["data"]["text/html"] for o in shown), "the report is displayed"
    assert (course.root / "grades" / "lms.csv").exists() and (course.root / "grades.zip").exists()
