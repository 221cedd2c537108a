"""The sandbox one student's kernel runs in: `python -m grader.sandbox SPEC.json -- KERNEL ARGV...`.

jupyter_client starts this launcher instead of the kernel (see grader/execute.py). It reads the
job's spec, shuts the kernel in, and then becomes the kernel with `execve`. What it uses:

- Linux, running as root (the usual grading container or runner):
  - new mount, network, PID, IPC and UTS namespaces. In the new mount namespace the kernel is
    chrooted into a fresh tmpfs that holds only the operating system's folders (/usr, /etc, /lib,
    ... read-only), the Python installation (read-only, so no student can drop a .pth file into
    site-packages for the next one) and the job's own folder (read-write), plus empty /tmp and
    /dev/shm. The course directory, the gradebook, source/, other students' files and home
    folders are not in it at all, and whatever the kernel writes outside its folder vanishes with
    the namespace. The network namespace has no interfaces up; the kernel talks to the grader
    over Unix sockets in the job folder. In the PID namespace the kernel is
    process 1: it cannot see or signal other students' kernels, and when it dies every process
    it started dies with it.
  - a user id of its own (SANDBOX_UID_BASE + the launcher's pid: unique among running sandboxes)
    instead of root, so RLIMIT_NPROC counts this kernel's processes only.
  - a cgroup per job (memory and pids controllers, v1 or v2) when /sys/fs/cgroup is writable;
    the out-of-memory killer then stops this kernel only.
- Otherwise (not root, not Linux): only the resource limits below and a fresh working folder.
  `isolation()` says which, and the grades CSV records it.

Resource limits are set in every case: file size, open files, no core dumps, processes
(RLIMIT_NPROC, only with a user id of the job's own: it counts per user) and, when no cgroup
limits memory and no GPU is in use, address space (RLIMIT_AS; CUDA reserves huge address
ranges, so it is not used on GPU runners).

This module imports only the standard library: it runs before every kernel.
"""

import ctypes
import functools
import json
import os
import resource
import signal
import sys
import tempfile

SANDBOX_UID_BASE = 200_000

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


@functools.cache
def can_isolate():
    """True when this process may create namespaces and mount in them: Linux, as root, and a
    machine that allows it. Some containers run their processes as root without that right
    (no CAP_SYS_ADMIN, or a seccomp filter); there the sandbox falls back to rlimits rather
    than failing every kernel. Found out once per process, in a child that tries."""
    if not (sys.platform.startswith("linux") and os.geteuid() == 0):
        return False
    target = tempfile.mkdtemp(prefix="grader-probe-")
    try:
        pid = os.fork()
        if pid == 0:  # the child tries what launch() and _build_root() do first, then exits
            try:
                _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS),
                       "unshare")
                _mount(None, "/", None, MS_REC | MS_PRIVATE)
                _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
            except BaseException:  # noqa: BLE001 - any failure means: no isolation here
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0
    finally:
        os.rmdir(target)


def isolation():
    """A short description of the isolation a sandbox gets on this machine."""
    if can_isolate():
        return "namespaces (mount, network, pid, ipc), own uid, " + (
            "cgroup memory+pids limits" if cgroup_root() else "rlimits (no writable cgroup)")
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        return "rlimits only (this machine does not let root create namespaces, as in some containers)"
    return "rlimits only (grader is not running as root on Linux)"


# --- cgroups -----------------------------------------------------------------------------------

def cgroup_root():
    """("v2", path) or ("v1", {controller: path}) for a writable cgroup hierarchy, else None."""
    base = "/sys/fs/cgroup"
    if os.path.exists(f"{base}/cgroup.controllers"):
        controllers = open(f"{base}/cgroup.controllers").read().split()
        if {"memory", "pids"} <= set(controllers) and os.access(base, os.W_OK):
            return ("v2", base)
        return None
    paths = {c: f"{base}/{c}" for c in ("memory", "pids")}
    if all(os.path.isdir(p) and os.access(p, os.W_OK) for p in paths.values()):
        return ("v1", paths)
    return None


def create_cgroup(name, memory_bytes, max_pids):
    """Creates the job's cgroup(s); returns the list of their folders ([] when unavailable)."""
    root = cgroup_root()
    if root is None:
        return []
    version, where = root
    try:
        if version == "v2":
            path = os.path.join(where, name)
            os.makedirs(path, exist_ok=True)
            _write(f"{path}/memory.max", str(memory_bytes))
            _write(f"{path}/memory.swap.max", "0", optional=True)
            _write(f"{path}/pids.max", str(max_pids))
            return [path]
        memory, pids = os.path.join(where["memory"], name), os.path.join(where["pids"], name)
        os.makedirs(memory, exist_ok=True)
        os.makedirs(pids, exist_ok=True)
        _write(f"{memory}/memory.limit_in_bytes", str(memory_bytes))
        _write(f"{pids}/pids.max", str(max_pids))
        return [memory, pids]
    except OSError:
        return []  # e.g. v2 with controllers not delegated to this subtree


def remove_cgroups(paths):
    """Kills whatever is left in the job's cgroups, then removes them."""
    for path in paths:
        try:
            for pid in open(f"{path}/cgroup.procs").read().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        except OSError:
            continue
    for path in paths:
        for _ in range(50):
            try:
                os.rmdir(path)
                break
            except FileNotFoundError:
                break
            except OSError:  # busy until the last killed process is reaped
                import time
                time.sleep(0.1)


def _write(path, text, optional=False):
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError:
        if not optional:
            raise


# --- the launcher --------------------------------------------------------------------------------

# What the kernel sees of the machine: the operating system's files, read-only. Everything else
# (the course, the repository, home folders, other jobs, /tmp) is simply not there.
SYSTEM_DIRS = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt", "sys")


def _bind(source_fd_or_path, target, read_only, recursive=False):
    os.makedirs(target, mode=0o755, exist_ok=True)
    _mount(source_fd_or_path, target, None, MS_BIND | (MS_REC if recursive else 0))
    if read_only:
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)


def _build_root(spec):
    """In the new mount namespace: a fresh root holding only what the kernel needs; chroot to it.

    The root is a tmpfs with the system folders and the Python installation bound read-only, the
    job's folder bound read-write at its own path, a fresh /proc (of the new PID namespace), /dev
    (without the host's /dev/shm) and empty /tmp and /dev/shm.
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = spec["root_dir"]
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0755")
    for name in SYSTEM_DIRS:
        host = f"/{name}"
        if os.path.islink(host):
            os.symlink(os.readlink(host), f"{root}/{name}")
        elif os.path.isdir(host):
            _bind(host, f"{root}/{name}", read_only=True, recursive=name == "sys")
    _bind("/dev", f"{root}/dev", read_only=False)
    for name in ("tmp", "dev/shm"):  # before the job's folder, which may live under /tmp
        os.makedirs(f"{root}/{name}", exist_ok=True)
        _mount("tmpfs", f"{root}/{name}", "tmpfs", MS_NOSUID | MS_NODEV, "size=256m,mode=1777")
    for path in sorted(set(spec["keep_ro"]), key=len):
        if os.path.isdir(path):
            _bind(path, root + path, read_only=True)
    for path in spec.get("hide", []):  # an empty folder in place of a package, an empty file in place of a file
        if os.path.isdir(root + path):
            _mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0555")
        elif os.path.isfile(root + path):
            _bind("/dev/null", root + path, read_only=True)
    for path in spec["keep_rw"]:
        _bind(path, root + path, read_only=False)
    os.makedirs(f"{root}/proc", exist_ok=True)
    _mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV)
    os.chroot(root)


def _set_limits(spec, uid):
    limits = spec["limits"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if uid is not None:  # counted per user: only meaningful with a uid of the job's own
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"],) * 2)
    if limits.get("address_space_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["address_space_bytes"],) * 2)


def _become_kernel(spec, argv, uid):
    work = spec["work_dir"]
    _set_limits(spec, uid)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.chdir(work)
    os.execve(argv[0], argv, spec["env"])


def _chown_tree(path, uid):
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def launch(spec, argv):
    for path in spec.get("cgroups", []):
        _write(f"{path}/cgroup.procs", str(os.getpid()))
    if not spec["isolate"]:
        _become_kernel(spec, argv, None)
    uid = SANDBOX_UID_BASE + os.getpid()
    for path in spec["keep_rw"]:
        _chown_tree(path, uid)
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS),
           "unshare")
    child = os.fork()
    if child == 0:  # process 1 of the new PID namespace
        _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
        _build_root(spec)
        _become_kernel(spec, argv, uid)
    # The launcher stays as the parent jupyter_client knows: it passes signals on and exits
    # with the kernel's status. Process 1 only receives signals it handles, and ipykernel
    # handles SIGINT, so interrupts work; SIGKILL of the launcher's process group kills both.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, lambda signum, frame: os.kill(child, signum))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def main():
    spec_path, separator, *argv = sys.argv[1:]
    assert separator == "--", "usage: python -m grader.sandbox SPEC.json -- KERNEL ARGV..."
    with open(spec_path) as f:
        spec = json.load(f)
    launch(spec, argv)


if __name__ == "__main__":
    main()
