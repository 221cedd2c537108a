"""grader/cgroups.py: where job cgroups go (parsed from fake /proc files and a fake v2 tree), and,
on a machine that has them, that a job cgroup really limits memory and processes.

An ordinary user's delegated subtree is proved for real by .ci/run, which gives its test user a
cgroup and sets GRADER_EXPECT_CGROUPS=delegated (see test_the_expected_cgroups_are_used).
"""

import os
import subprocess
import sys
import textwrap

import pytest

from grader import cgroups

HYBRID_MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
HYBRID_CGROUP = "9:name=systemd:/\n8:pids:/grading/alice\n3:cpu,cpuacct:/\n4:memory:/grading/alice\n0::/\n"


def _files(tmp_path, mountinfo, cgroup):
    (tmp_path / "mountinfo").write_text(mountinfo)
    (tmp_path / "cgroup").write_text(cgroup)
    return str(tmp_path / "mountinfo"), str(tmp_path / "cgroup")


def test_the_grader_finds_its_own_cgroups_in_every_hierarchy(tmp_path):
    mountinfo, cgroup = _files(tmp_path, HYBRID_MOUNTINFO, HYBRID_CGROUP)
    assert cgroups.mounts(mountinfo) == {"memory": ("/", "/sys/fs/cgroup/memory"), "pids": ("/", "/sys/fs/cgroup/pids"),
                                         "v2": ("/", "/sys/fs/cgroup/unified")}
    assert cgroups.own_cgroups(cgroup) == {"memory": "/grading/alice", "pids": "/grading/alice", "v2": "/"}
    # a container's mount shows only its own subtree: the path is relative to the mount's root
    assert cgroups._folder(("/docker/abc", "/sys/fs/cgroup"), "/docker/abc/job") == "/sys/fs/cgroup/job"
    assert cgroups._folder(("/docker/abc", "/sys/fs/cgroup"), "/docker/abcdef") is None
    assert cgroups._folder(("/", "/sys/fs/cgroup/memory"), "/grading/alice") == "/sys/fs/cgroup/memory/grading/alice"


def _v2_tree(tmp_path, controllers="cpu memory pids", enabled="", procs="101\n102\n"):
    """A fake unified hierarchy with the grader in /user.slice/grading.scope (delegated to it)."""
    top = tmp_path / "cg"
    scope = top / "user.slice" / "grading.scope"
    scope.mkdir(parents=True)
    (top / "cgroup.subtree_control").write_text("cpu\n")  # the top: no memory for its children
    (scope / "cgroup.controllers").write_text(controllers)
    (scope / "cgroup.subtree_control").write_text(enabled)
    (scope / "cgroup.procs").write_text(procs)
    mountinfo, cgroup = _files(tmp_path, f"41 31 0:38 / {top} rw - cgroup2 cgroup2 rw\n",
                               "0::/user.slice/grading.scope\n")
    return scope, mountinfo, cgroup


def test_a_delegated_v2_subtree_gets_a_leaf_for_the_grader_and_controllers_for_jobs(tmp_path):
    scope, mountinfo, cgroup = _v2_tree(tmp_path)
    place = cgroups.place.__wrapped__(mountinfo, cgroup)
    assert place == cgroups.Place("v2", (("memory", str(scope)), ("pids", str(scope))), "delegated to this user")
    # v2 allows no processes where controllers are handed down: the grader's moved to the leaf first
    assert (scope / cgroups.LEAF / "cgroup.procs").read_text() == "102"  # the last one written
    assert (scope / "cgroup.subtree_control").read_text() == "+memory +pids"
    assert place.describe("memory") == "cgroup v2, delegated to this user"


def test_a_worker_already_in_the_leaf_uses_the_same_subtree(tmp_path):
    scope, mountinfo, _ = _v2_tree(tmp_path, enabled="memory pids")
    (tmp_path / "cgroup").write_text(f"0::/user.slice/grading.scope/{cgroups.LEAF}\n")
    place = cgroups.place.__wrapped__(mountinfo, str(tmp_path / "cgroup"))
    assert dict(place.dirs)["memory"] == str(scope) and not (scope / cgroups.LEAF).exists()


def test_no_cgroups_where_the_controllers_are_not_delegated(tmp_path):
    scope, mountinfo, cgroup = _v2_tree(tmp_path, controllers="cpu")
    assert cgroups.place.__wrapped__(mountinfo, cgroup) is None
    assert not (scope / cgroups.LEAF).exists(), "nothing may be moved when it cannot be used"


def test_no_cgroups_without_a_cgroup_filesystem(tmp_path):
    mountinfo, cgroup = _files(tmp_path, "31 23 0:28 / /tmp rw - tmpfs tmpfs rw\n", "0::/\n")
    assert cgroups.place.__wrapped__(mountinfo, cgroup) is None


# --- for real, where this machine lets the grader make cgroups ----------------------------------

def _here():
    where = cgroups.place()
    if where is None:
        if os.environ.get("GRADER_EXPECT_CGROUPS"):
            pytest.fail("GRADER_EXPECT_CGROUPS is set, but no cgroup can be made here")
        pytest.skip("no cgroup hierarchy this user may write (the worker's watch limits memory instead)")
    return where


def test_the_expected_cgroups_are_used():
    """CI's delegated run sets GRADER_EXPECT_CGROUPS=delegated: the subtree given to its ordinary
    user must be found and used, not silently replaced by the watch."""
    expected = os.environ.get("GRADER_EXPECT_CGROUPS")
    if not expected:
        pytest.skip("GRADER_EXPECT_CGROUPS is not set (CI sets it where cgroups were given to the user)")
    where = _here()
    assert expected in where.how and {"memory", "pids"} <= set(dict(where.dirs)), where


def _run_in(folders, code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=60, preexec_fn=lambda: cgroups.enter(folders))


def test_a_job_cgroup_limits_the_memory_of_all_its_processes():
    _here()
    made = cgroups.create(f"test-memory-{os.getpid()}", 256 * 2**20, 64)
    assert "memory" in made, made
    try:
        # two children of 160 MiB each: either fits 256 MiB alone, together they do not
        done = _run_in([made["memory"]], """
            import os, time
            kids = []
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    block = b"x" * (160 * 2**20)
                    time.sleep(3)
                    os._exit(0)
                kids.append(pid)
            print([os.waitpid(pid, 0)[1] for pid in kids])
        """)
        statuses = eval(done.stdout) if done.returncode == 0 else None
        assert statuses is None or any(os.WIFSIGNALED(s) for s in statuses), (done.returncode, done.stdout)
    finally:
        cgroups.remove(sorted(set(made.values())))
    assert not any(os.path.exists(f) for f in made.values())


def test_a_job_cgroup_limits_its_processes():
    _here()
    made = cgroups.create(f"test-pids-{os.getpid()}", 2**30, 8)
    assert "pids" in made, made
    try:
        done = _run_in([made["pids"]], """
            import os, time
            started = 0
            try:
                for _ in range(30):
                    if os.fork() == 0:
                        time.sleep(2)
                        os._exit(0)
                    started += 1
            except OSError:
                pass
            print(started)
        """)
        assert int(done.stdout) < 8, done
    finally:
        cgroups.remove(sorted(set(made.values())))


def test_a_killed_workers_empty_cgroups_are_swept():
    where = _here()
    parent = dict(where.dirs)["memory"]
    stale = os.path.join(parent, f"{cgroups.JOB_PREFIX}stale-{os.getpid()}")
    os.makedirs(stale)
    busy = cgroups.create(f"busy-{os.getpid()}", 2**30, 64)
    sleeper = subprocess.Popen(["sleep", "30"], preexec_fn=lambda: cgroups.enter(sorted(set(busy.values()))))
    try:
        cgroups.sweep(parent, older_than=-1)
        assert not os.path.exists(stale)
        assert os.path.exists(busy["memory"]), "a cgroup with processes in it is a running job's"
    finally:
        sleeper.kill()
        sleeper.wait()
        cgroups.remove(sorted(set(busy.values())))
