"""grader/sandbox.py: bubblewrap's command line, the probe's messages, and what happens without one.

The sandbox's guarantees against hostile code (no daemon survives, the disk quota, nothing
outside is visible or writable) are proved end to end in tests/test_hostile_submissions.py.
"""

import csv
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader import sandbox
from grader.autograde import NoSandbox, grade_batch
from grader.cli import main
from tests.conftest import TINY, submit_scenario, tiny_course

LIMITS = {"file_bytes": 2**20, "processes": 64, "address_space_bytes": 0, "disk_bytes": 3 * 2**20}


def _spec(**changes):
    return {"isolate": True, "bwrap": "/usr/bin/bwrap", "env": {"A": "1"}, "files": {}, "keep_ro": [],
            "hide": [], "cgroups": [], "gpu": False, "info_path": "", "mounts": "", "limits": LIMITS, **changes}


def _after(args, flag):
    return [args[i + 1] for i, a in enumerate(args) if a == flag]


def _has(args, *seq):
    return any(args[i:i + len(seq)] == list(seq) for i in range(len(args)))


def test_bwrap_shuts_every_namespace_and_leaves_one_writable_place():
    args = sandbox.bwrap_args(_spec(), ["/kernel", "-f", "x"])
    for flag in ("--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in args
    assert _after(args, "--cap-drop") == ["ALL"]
    # the tmpfs mounts and their sizes, in order: /dev/shm, the job's quota at /tmp, the sockets
    assert _after(args, "--tmpfs") == ["/dev/shm", sandbox.TMP, sandbox.IPC]
    assert _after(args, "--size") == [str(sandbox.SHM_BYTES), str(LIMITS["disk_bytes"]), str(2**20)]
    # the root and /dev become read-only after everything is mounted on them
    assert args.index("--remount-ro") < args.index("/dev/shm") and _after(args, "--remount-ro")[-1] == "/"
    assert args[args.index("--") + 1:][-3:] == ["/kernel", "-f", "x"]
    assert _after(args, "--setenv") == ["A"] and _after(args, "--chdir") == [sandbox.WORK]
    assert _after(args, "--uid") == _after(args, "--gid") == [str(sandbox.INSIDE_UID)]
    assert _has(args, "--ro-bind-try", sandbox.SYS_CPU, sandbox.SYS_CPU) and "/sys" not in args  # CPU jobs


def test_a_gpu_job_sees_only_its_own_gpu(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    monkeypatch.setattr(sandbox.os.path, "exists", lambda path: True)  # as on a machine with GPUs 0-3
    monkeypatch.setattr(sandbox.glob, "glob", lambda pattern: [f"/dev/nvidia{i}" for i in range(4)])
    assert sandbox.gpu_devices() == sorted(["/dev/nvidia1", *sandbox.GPU_CONTROL_DEVICES])
    args = sandbox.bwrap_args(_spec(gpu=True), ["/k"])
    assert _has(args, "--dev-bind", "/dev/nvidia1", "/dev/nvidia1") and "/dev/nvidia0" not in args
    assert _has(args, "--ro-bind", "/sys", "/sys")  # CUDA reads the PCI tree


def test_files_are_copied_in_and_folders_bound_read_only(tmp_path):
    (tmp_path / "model.pt").write_bytes(b"weights")
    args = sandbox.bwrap_args(_spec(files={f"{sandbox.WORK}/model.pt": str(tmp_path / "model.pt")},
                                    keep_ro=[str(tmp_path)], hide=[str(tmp_path / "model.pt")]), ["/k"])
    fd = int(_after(args, "--file")[0])
    assert os.read(fd, 100) == b"weights" and os.get_inheritable(fd)
    assert args[args.index("--file") + 2] == f"{sandbox.WORK}/model.pt"
    assert _has(args, "--ro-bind", str(tmp_path), str(tmp_path))
    assert _has(args, "--ro-bind", "/dev/null", str(tmp_path / "model.pt"))


@pytest.fixture
def probe_with(monkeypatch):
    """Runs the probe with a stand-in for bwrap (None: not installed). The stand-in lives where
    the sandbox's own user id (as root: not root) may run it."""
    folder = Path(tempfile.mkdtemp(prefix="fake-bwrap-"))
    folder.chmod(0o755)

    def run(script):
        path = None
        if script is not None:
            path = folder / "bwrap"
            path.write_text(f"#!/bin/sh\n{script}\n")
            path.chmod(0o755)
        monkeypatch.setattr(sandbox, "find_bwrap", lambda: path and str(path))
        sandbox.isolation_problem.cache_clear()
        return sandbox.isolation_problem()

    yield run
    sandbox.isolation_problem.cache_clear()
    shutil.rmtree(folder)


def test_the_probe_says_what_to_install(probe_with):
    assert "apt-get install bubblewrap" in probe_with(None)


def test_the_probe_says_what_to_enable(probe_with):
    problem = probe_with("echo 'bwrap: No permissions to create new namespace, likely because the kernel does "
                         "not allow non-privileged user namespaces.' >&2; exit 1")
    assert "No permissions to create new namespace" in problem and "unprivileged_userns_clone" in problem


def test_the_probe_passes_where_the_sandbox_starts(probe_with):
    assert probe_with('shift $(($# - 1)); exec "$1"') is None  # runs the command it is given, unsandboxed


def test_grader_sandbox_says_how_memory_is_limited_and_how_to_get_cgroups(probe_with, monkeypatch, capsys):
    from grader import cgroups

    probe_with('shift $(($# - 1)); exec "$1"')
    monkeypatch.setattr(cgroups, "place", lambda: None)
    assert main(["sandbox"]) == 0
    out = capsys.readouterr().out
    assert "memory: watched by the worker" in out and "systemd-run --user --scope -p Delegate=yes" in out
    monkeypatch.setattr(cgroups, "place", lambda: cgroups.Place("v2", (("memory", "/x"), ("pids", "/x")),
                                                                "delegated to this user"))
    assert main(["sandbox"]) == 0
    out = capsys.readouterr().out
    assert "memory: cgroup v2, delegated to this user" in out and "systemd-run" not in out


@pytest.fixture
def tiny_on_the_command_line(monkeypatch):
    from grader import course

    monkeypatch.setattr(course, "PROBLEM_SETS", course.PROBLEM_SETS + (TINY,))


def test_autograde_stops_before_grading_without_a_sandbox(probe_with, tiny_on_the_command_line, tmp_path, capsys):
    probe_with(None)
    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct")
    with pytest.raises(NoSandbox, match="(?s)apt-get install bubblewrap.*--no-sandbox"):
        grade_batch(course, TINY, ["correct"], workers=1, progress=False)
    assert main(["--root", str(course.root), "autograde", TINY]) == 2
    assert "pass --no-sandbox" in capsys.readouterr().err
    assert not course.grades_csv(TINY).exists() and not course.autograded_notebook("correct", TINY).exists()


@pytest.mark.e2e
def test_no_sandbox_grades_and_says_so_at_the_start_at_the_end_and_in_the_csv(probe_with, tiny_on_the_command_line,
                                                                               tmp_path, capsys):
    probe_with(None)
    course = tiny_course(tmp_path / "course")
    submit_scenario(course, "correct")
    assert main(["--root", str(course.root), "autograde", TINY, "--no-sandbox", "--workers", "1"]) == 0
    assert capsys.readouterr().err.count("WARNING: --no-sandbox") == 2
    (row,) = csv.DictReader(open(course.grades_csv(TINY)))
    assert row["autograded_score"] == "5" and row["isolation"].startswith("NONE (--no-sandbox)")


def _alive(marker):
    import psutil

    return [p.pid for p in psutil.process_iter(["cmdline", "status"])
            if marker in " ".join(p.info["cmdline"] or []) and p.info["status"] != psutil.STATUS_ZOMBIE]


def test_a_sandbox_whose_launcher_died_is_reaped(tmp_path):
    """bubblewrap's child arms its parent-death signal only after it is forked, and never checks
    whether its parent died in between: a worker killed at that instant leaves a whole sandbox
    running that nobody will close (one was found after a test killed a batch mid-run). Made here
    on purpose: a sandbox without --die-with-parent whose outer bubblewrap is killed. Catches a
    reaper that misses it, and one that also kills a sandbox whose launcher is alive."""
    import subprocess
    import sys
    import time

    from tests.conftest import require_sandbox

    require_sandbox()
    spec = _spec(bwrap=sandbox.find_bwrap(), keep_ro=[sys.prefix, sys.base_prefix], mounts=str(tmp_path))
    lost_args = sandbox.bwrap_args(spec, ["/bin/sleep", "4243"])
    lost_args.remove("--die-with-parent")
    lost = subprocess.Popen(lost_args, close_fds=False, start_new_session=True)
    kept = subprocess.Popen(sandbox.bwrap_args(spec, ["/bin/sleep", "4244"]), close_fds=False, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (_alive("sleep 4243") and _alive("sleep 4244")):
            time.sleep(0.1)
        assert sandbox.orphans() == [], "a sandbox whose launcher is alive is no orphan"
        lost.kill()  # the outer bubblewrap dies; its child (the sandbox's process 1) stays
        lost.wait()
        time.sleep(0.5)
        assert _alive("sleep 4243"), "the sandbox should have outlived its outer bubblewrap (no --die-with-parent)"
        assert len(sandbox.reap_orphans()) == 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive("sleep 4243"):
            time.sleep(0.1)
        assert not _alive("sleep 4243"), "the orphaned sandbox is still running"
        assert _alive("sleep 4244"), "the reaper killed a sandbox whose launcher is alive"
    finally:
        for process in (lost, kept):
            process.kill()
            process.wait()
