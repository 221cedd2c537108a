"""Memory and process limits for a whole sandbox, through cgroups, wherever the grader may make them.

A job's cgroup holds the launcher and everything it starts (grader/sandbox.py writes the
launcher's pid into it), so the kernel and every process it forks share one memory limit (tmpfs
pages included: they are charged to the cgroup that wrote them) and one process count.

Where job cgroups go, tried in order (`place()`):

1. The top of the hierarchy, where this user may write it: usually root. cgroup v1 (one hierarchy
   per controller, e.g. /sys/fs/cgroup/memory) or v2 (/sys/fs/cgroup, when memory and pids are
   enabled for its children).
2. A subtree delegated to this user, that holds the grader's own processes. This is how an
   ordinary user gets cgroups:
   - v2 with systemd: `systemd-run --user --scope -p Delegate=yes grader autograde ...` (or a
     service with `Delegate=yes`). v2 allows no processes in a cgroup whose controllers are
     handed to children, so the grader first moves its own processes into a leaf, `grader-self`,
     then enables memory and pids below; job cgroups are the leaf's siblings.
   - v1: a cgroup the administrator created and gave to the user (`chown -R`), with the user's
     processes in it (.ci/run does this for its unprivileged test user).
3. Nowhere: then the worker's watch and rlimits limit the sandbox (grader/execute.py).

Job cgroups are named `grader-job-*`. A worker that is killed cannot remove its own; the next
job sweeps empty ones older than an hour.

Standard library only, like grader/sandbox.py.
"""

import functools
import os
import signal
import time
from dataclasses import dataclass

CONTROLLERS = ("memory", "pids")
JOB_PREFIX = "grader-job-"
LEAF = "grader-self"          # v2, delegated: where the grader's own processes move to
STALE_SECONDS = 3600


@dataclass(frozen=True)
class Place:
    """Where job cgroups are created. dirs: controller -> parent folder (v2: the same folder)."""
    version: str   # "v1" or "v2"
    dirs: tuple    # ((controller, folder), ...)
    how: str       # "top of the hierarchy" or "delegated to this user"

    def describe(self, controller):
        return f"cgroup {self.version}, {self.how}" if controller in dict(self.dirs) else None


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _writable(folder, *files):
    return os.access(folder, os.W_OK | os.X_OK) and all(os.access(os.path.join(folder, f), os.W_OK) for f in files)


def mounts(mountinfo="/proc/self/mountinfo"):
    """{"v2": (mount root, mount point)} and {controller: (mount root, mount point)} for v1."""
    found = {}
    for line in _read(mountinfo).splitlines():
        fields = line.split()
        dash = fields.index("-")
        fstype, options = fields[dash + 1], fields[dash + 3].split(",")
        root, point = fields[3], fields[4]
        if fstype == "cgroup2":
            found.setdefault("v2", (root, point))
        elif fstype == "cgroup":
            for controller in CONTROLLERS:
                if controller in options:
                    found.setdefault(controller, (root, point))
    return found


def own_cgroups(proc_cgroup="/proc/self/cgroup"):
    """This process's cgroup paths: {"v2": path} and {controller: path} for v1."""
    own = {}
    for line in _read(proc_cgroup).splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0" and not controllers:
            own["v2"] = path
        for controller in controllers.split(","):
            if controller in CONTROLLERS:
                own[controller] = path
    return own


def _folder(mount, path):
    """The folder of cgroup `path` in a hierarchy mounted as (root, point); None outside it."""
    root, point = mount
    if root != "/" and path != root and not path.startswith(root.rstrip("/") + "/"):
        return None
    return os.path.normpath(os.path.join(point, path[len(root.rstrip("/")):].lstrip("/")))


def _v2(top, own):
    """Place for cgroup v2: the top where writable and ready, else a delegated subtree of our own."""
    def has_controllers(folder, name):
        return set(CONTROLLERS) <= set(_read(os.path.join(folder, name)).split())

    if _writable(top, "cgroup.subtree_control") and has_controllers(top, "cgroup.subtree_control"):
        return Place("v2", tuple((c, top) for c in CONTROLLERS), "top of the hierarchy")
    if own is None:
        return None
    delegated = os.path.dirname(own) if os.path.basename(own) == LEAF else own
    if (os.path.normpath(delegated) == os.path.normpath(top)
            or not _writable(delegated, "cgroup.procs", "cgroup.subtree_control")
            or not has_controllers(delegated, "cgroup.controllers")):
        return None
    if not has_controllers(delegated, "cgroup.subtree_control"):
        leaf = os.path.join(delegated, LEAF)
        os.makedirs(leaf, exist_ok=True)
        for _ in range(5):  # a process forked meanwhile makes the write fail (EBUSY): move it too
            for pid in _read(os.path.join(delegated, "cgroup.procs")).split():
                try:
                    _write(os.path.join(leaf, "cgroup.procs"), pid)
                except OSError:
                    pass  # ended meanwhile
            try:
                _write(os.path.join(delegated, "cgroup.subtree_control"), " ".join(f"+{c}" for c in CONTROLLERS))
                break
            except OSError:
                time.sleep(0.05)
        else:
            return None
    return Place("v2", tuple((c, delegated) for c in CONTROLLERS), "delegated to this user")


def _v1(found, own):
    """Place for cgroup v1: per controller, the top where writable, else our own cgroup if it is ours."""
    dirs, how = [], set()
    for controller in CONTROLLERS:
        if controller not in found:
            continue
        top = found[controller][1]
        mine = _folder(found[controller], own[controller]) if controller in own else None
        if _writable(top, "cgroup.procs"):
            dirs.append((controller, top))
            how.add("top of the hierarchy")
        elif mine and _writable(mine, "cgroup.procs"):
            dirs.append((controller, mine))
            how.add("delegated to this user")
    return Place("v1", tuple(dirs), " and ".join(sorted(how))) if dirs else None


@functools.cache
def place(mountinfo="/proc/self/mountinfo", proc_cgroup="/proc/self/cgroup"):
    """Where this process may create job cgroups (a Place), or None. Found once per process."""
    try:
        found, own = mounts(mountinfo), own_cgroups(proc_cgroup)
        if any(c in found for c in CONTROLLERS):  # v1, or hybrid: the controllers are v1's
            return _v1(found, own)
        if "v2" in found:
            top = found["v2"][1]
            return _v2(top, _folder(found["v2"], own["v2"]) if "v2" in own else None)
    except (OSError, ValueError):
        pass
    return None


def describe(controller):
    """How `controller` ("memory" or "pids") is limited by cgroups here, or None."""
    where = place()
    return where.describe(controller) if where else None


def create(name, memory_bytes, max_pids):
    """Creates the job's cgroups; returns {controller: folder} for those that could be made."""
    where = place()
    if where is None:
        return {}
    made = {}
    # The limit first; then no swap beyond it, where the kernel accounts swap (optional).
    settings = {"memory": {"v1": [("memory.limit_in_bytes", memory_bytes), ("memory.memsw.limit_in_bytes", memory_bytes)],
                           "v2": [("memory.max", memory_bytes), ("memory.swap.max", 0)]},
                "pids": {"v1": [("pids.max", max_pids)], "v2": [("pids.max", max_pids)]}}
    for controller, parent in where.dirs:
        sweep(parent)
        folder = os.path.join(parent, JOB_PREFIX + name)
        try:
            os.makedirs(folder, exist_ok=True)
            for i, (file, value) in enumerate(settings[controller][where.version]):
                try:
                    _write(os.path.join(folder, file), str(value))
                except OSError:
                    if i == 0:
                        raise
            made[controller] = folder
        except OSError:
            remove([folder])
    return made


def enter(folders):
    """Moves this process into the job's cgroups (the launcher does, before it starts bubblewrap)."""
    for folder in folders:
        _write(os.path.join(folder, "cgroup.procs"), str(os.getpid()))


def remove(folders):
    """Kills whatever is left in the job's cgroups, then removes them."""
    for folder in folders:
        try:
            pids = _read(os.path.join(folder, "cgroup.procs")).split()
        except OSError:
            continue
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    for folder in folders:
        for _ in range(50):
            try:
                os.rmdir(folder)
                break
            except FileNotFoundError:
                break
            except OSError:  # busy until the last killed process is reaped
                time.sleep(0.1)


def sweep(parent, older_than=STALE_SECONDS):
    """Removes job cgroups left by killed workers: empty, and older than a job can run."""
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(JOB_PREFIX) and e.is_dir()]
    except OSError:
        return
    for entry in entries:
        try:
            if time.time() - entry.stat().st_mtime > older_than and not _read(os.path.join(entry.path, "cgroup.procs")).strip():
                os.rmdir(entry.path)
        except OSError:
            pass
