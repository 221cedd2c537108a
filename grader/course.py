"""The course directory: problem-set ids, where things live, and how nbgrader is run.

The repository root is an nbgrader course directory. Every path here is relative to a course
root, so the same code works on the real course and on the throwaway copies that `grader check`
and the tests build.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil

# nbgrader assignment ids, in course order. A problem set "exists" once its source notebook does.
PROBLEM_SETS = ("ps1_pytorch_intro", "ps2_cnn_resnet", "ps3_conv1d_numpy", "ps4_analytic")

# One environment variable switches every notebook to offline data and short training
# (docs/smoke-mode.md). The notebooks read it; grader sets it for the runs it starts.
SMOKE_ENV = "DLCOURSE_SMOKE"

REPO_ROOT = Path(__file__).resolve().parent.parent


class Course:
    """Paths inside one nbgrader course directory."""

    def __init__(self, root="."):
        self.root = Path(root).resolve()

    def source_notebook(self, ps_id):
        return self.root / "source" / ps_id / f"{ps_id}.ipynb"

    def release_notebook(self, ps_id):
        return self.root / "release" / ps_id / f"{ps_id}.ipynb"

    def submitted_notebook(self, student, ps_id):
        return self.root / "submitted" / student / ps_id / f"{ps_id}.ipynb"

    def autograded_notebook(self, student, ps_id):
        return self.root / "autograded" / student / ps_id / f"{ps_id}.ipynb"

    def feedback_html(self, student, ps_id):
        return self.root / "feedback" / student / ps_id / f"{ps_id}.html"

    def grades_csv(self, ps_id):
        return self.root / "grades" / f"{ps_id}.csv"

    def similarity_html(self, ps_id):
        """The page `grader similarity` writes (grader/similarity.py); the class report links to it."""
        return self.root / "grades" / f"{ps_id}-similarity" / "similarity.html"

    @property
    def db_path(self):
        """The SQLite gradebook's file (meaningful only when db_url is a sqlite:/// URL)."""
        url = self.db_url
        return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else self.root / "gradebook.db"

    @property
    def db_url(self):
        """nbgrader_config.py's CourseDirectory.db_url, a relative SQLite path made absolute.

        The default is the course's own gradebook.db; several graders can share one PostgreSQL
        gradebook instead (docs/grading.md).
        """
        url = "sqlite:///gradebook.db"
        config = self.root / "nbgrader_config.py"
        if config.exists():
            from traitlets.config.loader import PyFileConfigLoader

            url = PyFileConfigLoader(config.name, path=str(self.root)).load_config().CourseDirectory.get("db_url", url)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            url = f"sqlite:///{self.root / url[len('sqlite:///'):]}"
        return url

    def existing_problem_sets(self):
        return [ps for ps in PROBLEM_SETS if self.source_notebook(ps).exists()]

    def students(self, ps_id):
        """Student ids with a submission folder for this problem set, sorted."""
        submitted = self.root / "submitted"
        if not submitted.is_dir():
            return []
        return sorted(p.name for p in submitted.iterdir() if (p / ps_id).is_dir())

    def resolve_ids(self, ps_ids):
        """The requested ids, or every existing problem set; unknown ids are an error."""
        if not ps_ids:
            return self.existing_problem_sets()
        for ps in ps_ids:
            if ps not in PROBLEM_SETS:
                raise SystemExit(f"unknown problem set {ps!r}; the ids are: {', '.join(PROBLEM_SETS)}")
            if not self.source_notebook(ps).exists():
                raise SystemExit(f"{ps} has no source notebook yet ({self.source_notebook(ps)})")
        return list(ps_ids)


def copy_course_skeleton(course, dest, ps_ids):
    """A fresh course directory at dest with the config and the given source notebooks."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(course.root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for ps in ps_ids:
        shutil.copytree(course.source_notebook(ps).parent, dest / "source" / ps, dirs_exist_ok=True)
    return Course(dest)


def run_nbgrader(course, args, *, smoke=False, timeout=None):
    """Runs `nbgrader ARGS` in the course root with this interpreter; returns CompletedProcess.

    A subprocess per call keeps nbgrader's global state (config, logging, the kernel it starts)
    out of our process, exactly as when an instructor types the command.
    """
    env = dict(os.environ, MPLBACKEND="Agg")
    # nbgrader runs the `alembic` command of its own environment: put it on PATH even when
    # the virtual environment was not activated.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if smoke:
        env[SMOKE_ENV] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=course.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def kill_tree(pid):
    """Kills a process and all its descendants.

    nbgrader's kernel runs in a session of its own, so killing nbgrader alone would leave a
    student's runaway kernel using a core while the rest of the class is graded.
    """
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    family = parent.children(recursive=True) + [parent]
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)
