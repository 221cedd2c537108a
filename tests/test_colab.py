"""The student's Colab path: badges, the title cell, the self-check, and a Colab-like run.

The Colab-like run builds a clean virtual environment holding only what Colab preinstalls that
the course uses (torch, torchvision, numpy, matplotlib, scikit-learn, tqdm, and the ipykernel
every Jupyter runtime has), with no nbgrader and no `grader`, and runs each release notebook
with the solutions filled in, in smoke mode, in a folder that holds nothing but the notebook.
"""

import importlib.metadata
import os
import re
import subprocess
import sys

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from grader import colab, notebooks, submissions
from grader.course import REPO_ROOT, SMOKE_ENV, Course

HERE = Course(REPO_ROOT).existing_problem_sets()
COLAB_PACKAGES = ["torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "tqdm"]


def test_readme_table_has_a_badge_per_problem_set_from_the_one_setting(repo_course):
    text = (REPO_ROOT / "README.md").read_text()
    block = text.split(colab.README_BEGIN, 1)[1].split(colab.README_END, 1)[0].strip()
    assert block == colab.readme_table(repo_course, HERE), "README badges are stale: run `grader release`"
    repository = colab.settings(repo_course)["repository"]
    owner_repo = repository.removeprefix("https://github.com/")
    for ps in HERE:
        assert (f"https://colab.research.google.com/github/{owner_repo}/blob/main/release/{ps}/{ps}.ipynb"
                in block)


@pytest.mark.parametrize("ps_id", HERE)
def test_release_opens_with_badge_title_goals_and_points(repo_course, ps_id):
    first = notebooks.read(repo_course.release_notebook(ps_id)).cells[0].source.split("\n")
    assert first[0] == colab.badge(repo_course, ps_id)
    text = "\n".join(first)
    assert re.search(r"^# Problem set \d: ", text, re.M)
    assert "**You will learn to**" in text and "**Points:**" in text


@pytest.mark.parametrize("ps_id", HERE)
def test_introduction_says_how_to_keep_and_hand_in_the_notebook(repo_course, ps_id):
    """Colab opens a read-only copy, and students submit the file itself: each introduction says
    how, with Colab's own menu names."""
    text = " ".join(notebooks.read(repo_course.release_notebook(ps_id)).cells[0].source.split())
    assert "*File → Save a copy in Drive*" in text and "*File → Download → Download .ipynb*" in text
    assert f"`{ps_id}.ipynb`" in text


def fake_colab(folder):
    """A stand-in for the `google.colab` package: drive.mount makes the folder, files.download
    records what it was asked to download."""
    import types

    calls = {"mount": [], "download": []}
    colab_module = types.ModuleType("google.colab")
    colab_module.drive = types.SimpleNamespace(
        mount=lambda path: (calls["mount"].append(path), os.makedirs(os.path.join(path, "MyDrive"), exist_ok=True)))
    colab_module.files = types.SimpleNamespace(download=lambda path: calls["download"].append(path))
    google = types.ModuleType("google")
    google.colab = colab_module
    return {"google": google, "google.colab": colab_module}, calls


def test_on_colab_the_competition_weights_go_to_drive_and_are_downloaded(tmp_path, monkeypatch):
    """ps2's checkpoint survives a recycled Colab runtime: with Drive mounted it is saved there
    (not in /content), downloaded right after saving, and loaded from there on the next run."""
    import torch

    nb = notebooks.read(REPO_ROOT / "source" / "ps2_cnn_resnet" / "ps2_cnn_resnet.ipynb")
    cells = notebooks.cells_by_grade_id(nb)
    drive = str(tmp_path / "drive")
    modules, calls = fake_colab(drive)
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.chdir(tmp_path)
    trained = []
    ns = {"os": os, "time": __import__("time"), "torch": torch, "nn": torch.nn, "IN_COLAB": True,
          "device": torch.device("cpu"), "cifar_train": None,
          "build_competition_model": lambda: torch.nn.Linear(3, 2),
          "train_competition_model": lambda model, data, device: trained.append(model),
          "count_parameters": lambda model: sum(p.numel() for p in model.parameters())}
    for run in range(2):
        exec(cells["competition_drive"].source.replace("/content/drive", drive), ns)
        exec(cells["competition_train_or_load"].source, ns)
    saved = os.path.join(drive, "MyDrive", "dl-course", "ps2_competition.pt")
    assert calls["mount"] == [drive, drive] and ns["COMPETITION_CHECKPOINT"] == saved and os.path.exists(saved)
    assert len(trained) == 1, "the second run loads the weights from Drive instead of training again"
    assert calls["download"] == [saved], "downloaded once, right after it was saved"
    assert not (tmp_path / "ps2_competition.pt").exists(), "nothing is left in the runtime's own folder"


def test_badge_follows_the_setting(tmp_path):
    course = Course(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.dl-course]\nrepository = "https://github.com/uni/dl-2027"\n'
                                             'branch = "spring"\n')
    assert colab.colab_url(course, "ps3_conv1d_numpy") == (
        "https://colab.research.google.com/github/uni/dl-2027/blob/spring/release/ps3_conv1d_numpy/ps3_conv1d_numpy.ipynb")
    nb = notebooks.read(REPO_ROOT / "release" / "ps3_conv1d_numpy" / "ps3_conv1d_numpy.ipynb")
    colab.add_badge(nb, colab.badge(course, "ps3_conv1d_numpy"))
    lines = nb.cells[0].source.split("\n")
    assert lines[0].endswith("/blob/spring/release/ps3_conv1d_numpy/ps3_conv1d_numpy.ipynb)")
    assert sum("Open In Colab" in line for line in lines) == 1, "the old badge is replaced, not kept"
    from nbgrader.utils import compute_checksum
    assert nb.cells[0].metadata.nbgrader.checksum == compute_checksum(nb.cells[0])


@pytest.mark.parametrize("ps_id", HERE)
def test_every_test_cell_reports_to_the_self_check(repo_course, ps_id):
    nb = notebooks.read(repo_course.source_notebook(ps_id))
    tests = {gid: points for gid, points, kind in notebooks.graded_cells(nb) if kind == "autograded"}
    cells = notebooks.cells_by_grade_id(nb)
    for gid, points in tests.items():
        lines = cells[gid].source.split("\n")
        assert lines[0] == f"# Test {gid} ({points:g} point{'s' if points != 1 else ''})", gid
        assert lines[-1] == f'visible_tests_passed("{gid}")', gid
    last = nb.cells[-1]
    assert notebooks.grade_id(last) == "self_check"
    listed = re.findall(r'^    "(\w+)": (\d+),$', last.source, re.M)
    assert {g: float(p) for g, p in listed} == tests


def test_self_check_tells_passed_failed_and_not_run_apart():
    """The self-check judges each test by the last run of its cell."""
    source = notebooks.read(REPO_ROOT / "source" / "ps4_analytic" / "ps4_analytic.ipynb")
    setup, check = source.cells[1], source.cells[-1]
    helper = check.source.split("\n\n\nself_check(")[0]
    nb = notebooks.nbformat.v4.new_notebook(cells=[
        new_code_cell("get_ipython().run_line_magic('matplotlib', 'agg')"), setup, new_code_cell(helper),
        new_code_cell('# Test test_a (2 points)\nvisible_tests_passed("test_a")'),
        new_code_cell('# Test test_b (1 point)\nvisible_tests_passed("test_b")'),
        new_code_cell('# Test test_b (1 point)\nassert False, "now it fails"\nvisible_tests_passed("test_b")'),
        new_code_cell('self_check({"test_a": 2, "test_b": 1, "test_c": 3})')])
    executed = NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert re.search(r"ok  test_a\s+2 pt  visible checks pass", text), text
    assert re.search(r"X  test_b\s+1 pt  FAILED", text), text
    assert re.search(r"-  test_c\s+3 pt  not run yet", text), text
    assert "Visible checks pass for 2 of 6 autograded points" in text


@pytest.fixture(scope="module")
def colab_like_python(tmp_path_factory):
    """A virtual environment with only Colab's packages (pinned as in requirements.txt) and ipykernel."""
    pins = dict(line.split("==") for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    venv = tmp_path_factory.mktemp("colab") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    wanted = [f"{name}=={pins[name]}" for name in COLAB_PACKAGES]
    wanted.append(f"ipykernel=={importlib.metadata.version('ipykernel')}")
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", *wanted], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return python


def run_in(python, nb, folder, timeout=600):
    """Executes nb with a kernel of the given interpreter, with folder as its working directory."""
    kernels = folder.parent / "kernels"
    spec = kernels / "kernels" / "colab-like"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        '{"argv": ["%s", "-m", "ipykernel_launcher", "-f", "{connection_file}"], '
        '"display_name": "Colab-like", "language": "python"}' % python)
    home = folder.parent / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(home), SMOKE_ENV: "1", "MPLBACKEND": "Agg",
           "LANG": "C.UTF-8"}
    # The test runner's thread limit (tests/conftest.py, under pytest-xdist) is not a package: keep it.
    env.update({k: os.environ[k] for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ})
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(kernels)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="colab-like", allow_errors=False,
                                resources={"metadata": {"path": str(folder)}})
        return client.execute(env=env)
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH")
        else:
            os.environ["JUPYTER_PATH"] = old


ISOLATION_CHECK = """import importlib.util, os, sys
missing = [m for m in ("grader", "nbgrader") if importlib.util.find_spec(m) is not None]
assert not missing, f"the Colab-like kernel must not see {missing}"
assert os.listdir(".") == ["%s"], os.listdir(".")
print(sys.executable)"""


@pytest.mark.e2e
@pytest.mark.parametrize("ps_id", HERE)
def test_release_with_solutions_runs_on_colab_packages_alone(colab_like_python, repo_course, ps_id, tmp_path):
    nb = submissions.perfect(notebooks.read(repo_course.source_notebook(ps_id)),
                             notebooks.read(repo_course.release_notebook(ps_id)))
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / f"{ps_id}.ipynb").write_text(notebooks.nbformat.writes(nb))
    nb.cells.insert(0, new_code_cell(ISOLATION_CHECK % f"{ps_id}.ipynb"))
    executed = run_in(colab_like_python, nb, folder)  # raises CellExecutionError on any failing cell
    assert str(colab_like_python.parent.parent) in executed.cells[0].outputs[0]["text"]
    summary = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    total = sum(p for _, p, kind in notebooks.graded_cells(nb) if kind == "autograded")
    assert f"Visible checks pass for {total:g} of {total:g} autograded points" in summary, summary
