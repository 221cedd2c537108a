"""The sandbox one student's kernel runs in: `python -m grader.sandbox SPEC.json -- KERNEL ARGV...`.

jupyter_client starts this launcher instead of the kernel (see grader/execute.py). It reads the
job's spec, sets the limits, and becomes bubblewrap (`bwrap`, Debian's `bubblewrap` package),
which starts the kernel shut in. bubblewrap works for an ordinary user, through unprivileged user
namespaces, and as root. What the kernel gets:

- new user, mount, PID, network, IPC, UTS and cgroup namespaces; no capabilities; no further user
  namespaces; a session of its own; a fresh session keyring; uid 1000 inside. The launcher dies
  with its worker (PR_SET_PDEATHSIG) and bubblewrap's --die-with-parent takes over: the sandbox's
  process 1 dies, and every process the kernel started (a double-forked daemon too) with it.
  There is no network interface; the grader reaches the kernel's Unix sockets through
  /proc/<pid>/root (`host_path`; grader/execute.py holds each by a descriptor).
- a root that holds the operating system's folders, the CPU part of /sys and the Python
  installation, read-only; the course directory, the gradebook, source/, home folders and other
  jobs are not in it at all. bubblewrap's options come from a memory file (--args), so that
  process 1's command line shows no host path.
- one writable place: /tmp, a tmpfs of `disk_bytes` (the job's disk quota), which holds the
  kernel's folder (`WORK`) with the job's files copied in. /dev/shm is a small tmpfs of its own,
  and IPC a tiny one for the sockets; everything else is read-only. Whatever the kernel writes
  vanishes with the sandbox.
- as root, a host user id of its own (SANDBOX_UID_BASE + the launcher's pid), so that no process
  in the sandbox is root on the host, even without capabilities.
- limits: file size, open files, no core dumps; processes (RLIMIT_NPROC set inside the sandbox's
  user namespace, where it counts this sandbox's processes only, and a pids cgroup); memory (a
  memory cgroup where the grader may make one, grader/cgroups.py, else RLIMIT_AS per process, except on GPU workers: CUDA
  reserves huge address ranges; the worker's watch in grader/execute.py limits the whole
  sandbox and its files). Time is the worker's: it kills the sandbox at the cell's or
  notebook's limit.

`isolation_problem()` says why a machine cannot do this, and what to install or enable; grading
then stops unless the grader asked for `--no-sandbox`, where the kernel runs with the grader's own
rights and only the rlimits.

This module imports only the standard library: it runs before every kernel.
"""

import ctypes
import functools
import glob
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from grader import cgroups

SANDBOX_UID_BASE = 200_000
TMP = "/tmp"                  # the job's writable tmpfs, inside the sandbox
WORK = "/tmp/work"            # the kernel's folder: cwd, HOME, TMPDIR
IPC = "/run/kernel"           # the kernel's sockets and connection file (a tiny tmpfs of its own)
SHM_BYTES = 64 * 2**20
SYSTEM_DIRS = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt")
# Of /sys, only what BLAS and PyTorch read to count cores; GPU jobs get all of it (CUDA needs it).
SYS_CPU = "/sys/devices/system/cpu"
GPU_CONTROL_DEVICES = ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset")
# Run inside the sandbox, as the kernel's first process: RLIMIT_NPROC set here counts the
# processes of this user namespace only (set before bwrap, it would count all of the grader's).
# Its stdout and stderr go to /dev/null: the kernel's output travels over its sockets, and fd 2
# would otherwise be the launcher's log, a file on the host outside the disk quota.
INNER = ("import os,resource,sys;n=int(sys.argv[1]);resource.setrlimit(resource.RLIMIT_NPROC,(n,n));"
         "d=os.open('/dev/null',os.O_RDWR);os.dup2(d,1);os.dup2(d,2);os.execv(sys.argv[2],sys.argv[2:])")
INSIDE_UID = 1000  # the same in every sandbox: the host's user id says nothing inside


def find_bwrap():
    return shutil.which("bwrap")


# --- can this machine do it? ---------------------------------------------------------------------

@functools.cache
def isolation_problem():
    """None when kernels can be sandboxed here; else why not, and what to install or enable.

    Found out once per process by starting a real sandbox, as a kernel's would be, around `true`.
    """
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (this is {sys.platform}); grade on a Linux machine or runner"
    bwrap = find_bwrap()
    if bwrap is None:
        return ("bubblewrap is not installed: install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; "
                "Fedora: `sudo dnf install bubblewrap`; conda: `conda install -c conda-forge bubblewrap`)")
    mounts = tempfile.mkdtemp(prefix="sandbox-probe-")
    os.chmod(mounts, 0o711)
    spec = {"isolate": True, "bwrap": bwrap, "env": {"PATH": "/usr/bin:/bin"}, "files": {}, "mounts": mounts,
            "parent_pid": os.getpid(),
            "keep_ro": [sys.prefix, sys.base_prefix],
            "hide": [], "cgroups": [], "gpu": False, "info_path": "",
            "limits": {"file_bytes": 2**20, "processes": 64, "address_space_bytes": 0, "disk_bytes": 2**20}}
    try:
        probe = subprocess.run([sys.executable, "-P", "-m", "grader.sandbox", json.dumps(spec), "--", "/bin/true"],
                               capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not be started ({error})"
    finally:
        shutil.rmtree(mounts, ignore_errors=True)
    if probe.returncode == 0:
        return None
    why = (probe.stderr.strip().splitlines() or ["no message"])[-1][:300]
    if "Can't find source path" in why:
        return (f"bubblewrap could not reach a folder it must show the sandbox ({why}): the Python installation "
                f"and the grader's temporary folder (TMPDIR) must be readable and searchable by other users "
                f"when grading as root (chmod o+x on each folder above them)")
    if not any(word in why for word in ("namespace", "ermission", "ot permitted", "uid map")):
        return f"bubblewrap could not start a sandbox here: {why}"
    return (f"bubblewrap cannot create a sandbox on this machine ({why}). Unprivileged user namespaces "
            f"must be allowed: `sysctl kernel.unprivileged_userns_clone=1` (Debian), "
            f"`sysctl user.max_user_namespaces=15000`, or on Ubuntu 24.04 and later "
            f"`sysctl kernel.apparmor_restrict_unprivileged_userns=0`; in a container, run it with "
            f"user namespaces allowed (Docker: `--security-opt seccomp=unconfined`)")


def can_isolate():
    return isolation_problem() is None


def isolation(sandboxed=True):
    """A short description of the isolation a kernel gets on this machine (the CSV's column)."""
    if not sandboxed:
        return ("NONE (--no-sandbox): student code ran with the grader's own rights; "
                "limits: rlimits only (memory, file size)")
    memory, pids = cgroups.describe("memory"), cgroups.describe("pids")
    return ("bubblewrap: user, mount, pid, network, ipc, uts namespaces; disk: tmpfs quota; "
            f"memory: {memory or 'watched by the worker, rlimit per process'}; "
            f"processes: {pids or 'rlimit per sandbox'}")


# --- sandboxes whose worker is gone ---------------------------------------------------------------

def _proc(pid):
    """(cmdline, parent pid, pid-namespace depth) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode(errors="replace")
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        return cmdline, int(status["PPid"]), len(status.get("NSpid", "").split())
    except (OSError, KeyError, ValueError):
        return None


def orphans():
    """Pids of sandboxes whose launcher is gone: bubblewrap's outer process reparented to init,
    or the sandbox's process 1 whose outer bubblewrap died.

    The chain that ends a sandbox with its worker has one gap: bubblewrap's child sets its
    parent-death signal only after it was forked, and never checks whether its parent died in
    between. A worker killed at that instant leaves a whole sandbox running, with nobody to close
    it (one was found after a test killed a batch mid-run). grade_batch reaps such sandboxes when it
    starts and when it ends.
    """
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        me = _proc(int(name))
        if me is None or INNER not in me[0]:
            continue
        cmdline, parent, depth = me
        if depth >= 2:  # the sandbox's process 1 (inside its PID namespace): is its outer bwrap alive?
            outer = _proc(parent)
            if outer is None or INNER not in outer[0]:
                found.append(int(name))
        elif parent == 1:  # an outer bwrap whose launcher's worker died without taking it along
            found.append(int(name))
    return found


def reap_orphans():
    """Kills every orphaned sandbox this user may kill (killing a sandbox's process 1 ends every
    process in it); returns their pids."""
    reaped = []
    for pid in orphans():
        try:
            os.kill(pid, signal.SIGKILL)
            reaped.append(pid)
        except (ProcessLookupError, PermissionError):
            pass
    return reaped


# --- the grader's side of the kernel's sockets ---------------------------------------------------

def host_path(info_path, inside, timeout=30.0):
    """The path on the host of `inside` (a path in the sandbox), once bubblewrap has written the
    sandbox's process id to info_path: /proc/<pid>/root<inside>."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(info_path) as f:
                pid = json.loads(f.read())["child-pid"]
            return f"/proc/{pid}/root{inside}"
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
    raise RuntimeError("the sandbox did not start (bubblewrap wrote no process id)")


# --- the launcher ---------------------------------------------------------------------------------

def _set_limits(limits):
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.get("address_space_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["address_space_bytes"],) * 2)


def _fd(path, flags=os.O_RDONLY):
    fd = os.open(path, flags | os.O_CLOEXEC, 0o600)
    os.set_inheritable(fd, True)
    return str(fd)


MS_BIND, MS_REC, MS_PRIVATE, CLONE_NEWNS = 4096, 16384, 1 << 18, 0x00020000


def _reachable(paths, where):
    """As root, before becoming an unprivileged user: {path: where/<i>}, each path bound at
    where/<i> in a mount namespace of the launcher's own (bubblewrap starts in it, and it ends
    with the sandbox). The user id the sandbox runs under could not look up a path below a folder
    closed to others, such as root's Python in /root; where/<i> it can (where is mode 0711)."""
    libc = ctypes.CDLL(None, use_errno=True)

    def check(result, what):
        if result != 0:
            raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")

    check(libc.unshare(CLONE_NEWNS), "unshare")
    check(libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "mount /")
    sources = {}
    for i, path in enumerate(paths):
        target = os.path.join(where, str(i))
        os.makedirs(target, mode=0o755, exist_ok=True)
        check(libc.mount(path.encode(), target.encode(), None, ctypes.c_ulong(MS_BIND | MS_REC), None), f"bind {path}")
        sources[path] = target
    return sources


def bwrap_args(spec, argv, sources=None):
    """bubblewrap's command line for the kernel argv. Opens (inheritable) the descriptors it names
    (the job's files, the info file). sources: {read-only path: where bubblewrap finds it}."""
    limits = spec["limits"]
    sources = sources or {}
    args = [spec["bwrap"], "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "notebook", "--clearenv", "--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID)]
    for name in SYSTEM_DIRS:
        host = f"/{name}"
        if os.path.islink(host):
            args += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            args += ["--ro-bind", host, host]
    args += ["--ro-bind", "/sys", "/sys"] if spec["gpu"] else ["--ro-bind-try", SYS_CPU, SYS_CPU]
    args += ["--proc", "/proc", "--dev", "/dev"]
    for device in gpu_devices() if spec["gpu"] else []:
        args += ["--dev-bind", device, device]
    args += ["--remount-ro", "/dev", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
             "--size", str(limits["disk_bytes"]), "--tmpfs", TMP, "--dir", WORK,
             "--size", str(2**20), "--tmpfs", IPC]
    # After /tmp's tmpfs, so that a folder under /tmp (the PyTorch-free shim, a dataset) is not covered.
    for path in sorted(set(spec["keep_ro"]), key=len):
        if os.path.isdir(path):
            args += ["--ro-bind", sources.get(path, path), path]
    for path in spec["hide"]:  # an empty folder in place of a package, an empty file in place of a file
        if os.path.isdir(path):
            args += ["--size", "4096", "--tmpfs", path, "--remount-ro", path]
        elif os.path.isfile(path):
            args += ["--ro-bind", "/dev/null", path]
    for inside, host in sorted(spec["files"].items()):
        args += ["--dir", os.path.dirname(inside), "--perms", "0644", "--file", _fd(host), inside]
    args += ["--remount-ro", "/", "--chdir", WORK]
    if spec["info_path"]:
        args += ["--info-fd", _fd(spec["info_path"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]
    for name, value in spec["env"].items():
        args += ["--setenv", name, value]
    return args + ["--", sys.executable, "-I", "-S", "-c", INNER, str(limits["processes"]), *argv]


def gpu_devices():
    """The device files a GPU job needs: the GPUs in CUDA_VISIBLE_DEVICES (the worker's own; all of
    them when it is not a list of indices) and the driver's control devices."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    indices = visible.split(",") if visible and all(i.strip().isdigit() for i in visible.split(",")) else None
    gpus = [f"/dev/nvidia{i.strip()}" for i in indices] if indices is not None else glob.glob("/dev/nvidia[0-9]*")
    return sorted(d for d in {*gpus, *GPU_CONTROL_DEVICES} if os.path.exists(d))


def _die_with(parent_pid):
    """SIGKILL this process when its parent (the worker) dies, even before bubblewrap's own
    --die-with-parent is in place; a parent already gone: exit now."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: kept across execve of bwrap
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def _fresh_keyring():
    """Joins a new, empty session keyring: the worker's keys (tokens, passwords) stay out."""
    number = {"x86_64": 250, "aarch64": 219, "ppc64le": 280, "s390x": 280}.get(os.uname().machine)
    if number is not None:
        ctypes.CDLL(None, use_errno=True).syscall(number, 1, None)  # keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL)


def _args_fd(args):
    """bubblewrap's options in a memory file (`bwrap --args FD`), so that the sandbox's process 1
    shows no host paths (the job's folder, withheld files) in its command line."""
    fd = os.memfd_create("args", 0)
    os.write(fd, b"".join(a.encode() + b"\0" for a in args))
    os.lseek(fd, 0, os.SEEK_SET)
    os.set_inheritable(fd, True)
    return str(fd)


def launch(spec, argv):
    cgroups.enter(spec.get("cgroups", []))
    if not spec["isolate"]:  # --no-sandbox: the kernel itself, with the rlimits only
        _set_limits(spec["limits"])
        os.chdir(spec["work_dir"])
        os.execve(argv[0], argv, spec["env"])
    keep_ro = sorted({path for path in spec["keep_ro"] if os.path.isdir(path)}, key=len)
    root = os.geteuid() == 0
    args = bwrap_args(spec, argv, _reachable(keep_ro, spec["mounts"]) if root else None)
    _set_limits(spec["limits"])  # after bwrap_args opened its descriptors (RLIMIT_NOFILE)
    _fresh_keyring()
    if root:  # bubblewrap then creates the namespaces as this user, without privileges
        uid = SANDBOX_UID_BASE + os.getpid()
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    _die_with(spec.get("parent_pid"))  # after setuid, which clears it
    split = args.index("--")  # bubblewrap takes its options from the file, the command from argv
    os.execv(args[0], [args[0], "--args", _args_fd(args[1:split]), *args[split:]])


def main():
    spec_arg, separator, *argv = sys.argv[1:]
    assert separator == "--", "usage: python -m grader.sandbox SPEC.json -- KERNEL ARGV..."
    if spec_arg.startswith("{"):  # the probe passes its spec inline
        spec = json.loads(spec_arg)
    else:
        with open(spec_arg) as f:
            spec = json.load(f)
    launch(spec, argv)


if __name__ == "__main__":
    main()
