"""Runs one prepared submission: its cells in a sandboxed kernel, its hidden tests in the judge.

This is the task a Dask worker runs (`run_job`). It touches nothing but temporary folders of its
own: the coordinator (grader/autograde.py) prepared the notebook, and it alone reads the result
and writes the gradebook.

Every code cell runs in order in the student's kernel, with errors allowed, as nbgrader's Execute
does; a test cell runs there without its hidden block (the kernel never receives hidden test
code). Then the worker sends the hidden block to the judge (grader/judge/), a process that holds
only instructor code, and relays the judge's calls into the student's notebook until the verdict
comes back. A test cell earns its points when the judge's verdict is "passed" and its visible
checks did not fail in the kernel; the worker writes the cell's outputs so that nbgrader's
scoring reads exactly that (grader/judge/verdict.py). Further:
- a cell that kills the kernel (`os._exit`, a segfault, the out-of-memory killer) or runs past
  its timeout, in the kernel or when the judge calls it, is marked with an error that says so; a
  fresh kernel then re-runs the cells before it and goes on after it, so such a cell costs only
  itself and the tests that depend on it;
- a code cell that never ran (the notebook's wall-clock limit, too many crashes) gets an error
  output too, so that nbgrader's rule "a test cell without an error earns its points" cannot
  reward a test that was never executed;
- output beyond `Limits.output_bytes` is dropped, with a note in the cell.
"""

import ast
import asyncio
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader import cgroups, notebooks, sandbox
from grader.course import SMOKE_ENV, kill_tree
from grader.judge import client as judge_client
from grader.judge import verdict as verdicts
from grader.judge import slicing
from grader.judge.client import RpcFailure
from grader.judge.kernel import KernelCalls

# nbclient logs every timeout and dead kernel as an error; the outcome reports them instead.
QUIET_LOG = logging.getLogger("grader.execute.nbclient")
QUIET_LOG.setLevel(logging.CRITICAL)

CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
# A kernel that crashes this many times is not restarted again; its remaining cells count as not run.
MAX_RESTARTS = 3


@dataclass
class Limits:
    """What one notebook may use. Defaults suit the course's notebooks in smoke mode on a laptop."""
    cell_timeout_s: float = 300          # nbgrader_config.py's Execute.timeout overrides this
    notebook_timeout_s: float = 30 * 60  # the whole notebook, restarts included
    memory_bytes: int = 6 * 2**30
    processes: int = 512                 # threads count as processes for these limits
    file_bytes: int = 256 * 2**20        # the largest file the notebook may write
    output_bytes: int = 2 * 2**20        # text and images kept from the notebook's outputs
    threads: int = 1                     # torch/BLAS threads per kernel (cores / workers)
    disk_bytes: int = 2**30              # the job's disk quota: everything the kernel writes (grader/sandbox.py)
    files: int = 200_000                 # files and folders the kernel may create (each costs kernel memory)
    sandbox: bool = True                 # False only with --no-sandbox: the kernel runs with the grader's rights
    on_worker: bool = False              # memory and threads are a share of the worker's machine (limits_here)
    gpu: bool = False                    # set on GPU workers: no address-space limit (CUDA)


@dataclass
class Job:
    student: str
    ps_id: str
    notebook: str                          # the sanitized notebook, as JSON text
    files: dict = field(default_factory=dict)  # {relative path: bytes} placed next to it
    smoke: bool = False
    limits: Limits = field(default_factory=Limits)
    hidden: dict = field(default_factory=dict)  # {test cell index: its hidden block, from the source notebook}
    judge: dict = field(default_factory=dict)   # the judge's spec (grader/judge/runner.py)
    guarded: list = field(default_factory=lambda: ["numpy", "torch"])  # packages the probe watches
    data_dir: str = ""                     # read-only datasets for full mode (DLCOURSE_DATA)
    withheld: list = field(default_factory=list)  # files under data_dir the kernel must not see (test labels)
    record_replies: bool = False           # keep the kernel's replies to the judge (`grader check` replays them)


@dataclass
class Outcome:
    student: str
    notebook: str = ""              # the executed notebook, as JSON text
    crashes: list = field(default_factory=list)  # [(cell index, what happened)]
    flags: list = field(default_factory=list)    # [(cell index or None, tampering seen)]: no effect on scores
    seconds: float = 0.0
    startup_seconds: float = 0.0    # spent starting kernels, before any student code ran
    judge_seconds: float = 0.0      # spent on hidden tests (the judge and its calls into the kernels)
    numpy_only_seconds: float = 0.0  # of which in the kernel without PyTorch (its start-up included)
    isolation: str = ""
    worker: str = ""                # the Dask worker that ran the job ("" when run in-process)
    error: str = ""                 # the job itself failed (not the student's code)
    replies: dict = field(default_factory=dict)  # with job.record_replies: {grade id: [[kernel, reply bytes]]}


class GradingClient(NotebookClient):
    """nbclient's executor with a cap on the output a notebook may produce."""

    def __init__(self, *args, output_limit, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_limit = output_limit
        self.output_bytes = 0
        self.truncated_cells = set()
        self.reply_status = {}  # cell index -> the status of the kernel's execute reply

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "error":  # always kept (it decides the cell's grade), but short
            content = msg["content"]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-30:]]
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            return super().output(outs, msg, display_id, cell_index)
        self.output_bytes += len(json.dumps(msg.get("content", {})))
        if self.output_bytes <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if cell_index not in self.truncated_cells:
            self.truncated_cells.add(cell_index)
            outs.append(nbformat.v4.new_output(
                "stream", name="stderr",
                text=f"[grader: output beyond {self.output_limit // 1024} KiB was dropped]\n"))
        return None

    def _check_raise_for_error(self, cell, cell_index, exec_reply):
        # The reply's status decides, not only what reached the output stream: a cell that
        # failed gets an error output even if the student's code suppressed the traceback.
        content = (exec_reply or {}).get("content", {})
        self.reply_status[cell_index] = content.get("status")
        if content.get("status") == "error" and not any(o.output_type == "error" for o in cell.outputs):
            cell.outputs.append(verdicts.error_output(str(content.get("ename", "Error"))[:200],
                                              str(content.get("evalue", ""))[:2000]))
        return super()._check_raise_for_error(cell, cell_index, exec_reply)


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through grader.sandbox's launcher, and reaches its sockets in the sandbox.

    In a sandbox the kernel reads its connection file at sandbox.IPC and creates its sockets
    there, in its own mount namespace; the grader connects to them through /proc/<pid>/root
    (sandbox.host_path), once bubblewrap has said which process holds that namespace.
    """

    spec_path = ""
    info_path = ""        # where bubblewrap writes the sandbox's process id; "" without a sandbox
    inside_connection_file = ""
    host_ip = ""          # self.ip as the grader reaches it

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.channel_urls = {}   # {channel: URL through a descriptor this process holds}
        self.socket_fds = []

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if self.info_path:
            cmd = [self.inside_connection_file if arg == self.connection_file else arg for arg in cmd]
        # -P: the kernel's folder (the launcher's cwd) is not on the launcher's import path.
        return [sys.executable, "-P", "-m", "grader.sandbox", self.spec_path, "--", *cmd]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        self.host_ip = self.ip
        if self.info_path:
            await self._find_sockets()

    async def _find_sockets(self):
        """Waits for the kernel's five sockets in the sandbox, then holds each by a descriptor
        (O_PATH, not following links) and connects through /proc/self/fd/N. This happens before
        any student code runs; afterwards, a link the student puts in a socket's place cannot send
        the grader's reconnections anywhere else (to a socket on the host, say)."""
        deadline = time.monotonic() + 60
        paths = {}
        while time.monotonic() < deadline:
            if self.provisioner.process.poll() is not None:
                raise RuntimeError("the sandbox did not start: bubblewrap exited "
                                   f"with status {self.provisioner.process.returncode}")
            try:
                if not paths:
                    root = sandbox.host_path(self.info_path, "", timeout=0)
                    self.host_ip = root + self.ip
                    paths = {c: f"{self.host_ip}-{getattr(self, f'{c}_port')}" for c in CHANNELS}
                if all(os.path.exists(p) for p in paths.values()):
                    break
            except RuntimeError:
                pass
            await asyncio.sleep(0.02)
        else:
            raise RuntimeError("the kernel in the sandbox did not open its sockets within 60 s")
        for channel, path in paths.items():
            fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
                raise RuntimeError(f"the kernel's {channel} socket is not a socket")
            self.socket_fds.append(fd)
            self.channel_urls[channel] = f"ipc:///proc/self/fd/{fd}"

    def _make_url(self, channel):  # the manager's own control socket
        return self.channel_urls.get(channel) or super()._make_url(channel)

    def client(self, **kwargs):
        client = super().client(**{"ip": self.host_ip or self.ip, **kwargs})
        client.channel_urls = dict(self.channel_urls)
        return client

    def close_socket_fds(self):
        for fd in self.socket_fds:
            os.close(fd)
        self.socket_fds.clear()

    def cleanup_ipc_files(self):
        if not self.info_path:  # in a sandbox the sockets vanish with it
            super().cleanup_ipc_files()


def _kernel_env(job, work, ipython_dir):
    python_bin = str(Path(sys.executable).parent)
    threads = str(job.limits.threads)
    env = {
        "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{work}/.config/matplotlib", "TMPDIR": work,
        "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONSAFEPATH": "1", "IPYTHONDIR": ipython_dir,
    }
    if job.smoke:
        env[SMOKE_ENV] = "1"
    if job.data_dir:
        env["DLCOURSE_DATA"] = job.data_dir
    if "CUDA_VISIBLE_DEVICES" in os.environ:  # set per GPU worker by the cluster
        env["CUDA_VISIBLE_DEVICES"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return env


NUMPY_ONLY_MESSAGE = ("PyTorch is not available here: the grader runs this part of your notebook without it, "
                      "because it must be written with NumPy only")
NUMPY_ONLY_SHIM = f"raise ImportError({NUMPY_ONLY_MESSAGE!r})\n"
# Bound in the kernel without PyTorch in place of the names the setup cell could not import, so that
# code using them says why instead of failing with a NameError.
NUMPY_ONLY_NAMES = f"""
class _NoTorch:
    def __getattr__(self, name):
        raise ImportError({NUMPY_ONLY_MESSAGE!r})
    def __call__(self, *args, **kwargs):
        raise ImportError({NUMPY_ONLY_MESSAGE!r})
torch = nn = F = torchvision = _NoTorch()
del _NoTorch
"""


def _torch_free():
    """(folders of installed PyTorch packages to hide, a read-only folder whose torch package
    raises ImportError). The shim comes first on sys.path; under isolation the real packages are
    also hidden from the mount namespace, so taking the shim off sys.path finds nothing."""
    import importlib.util

    global _SHIM
    hide = []
    for name in ("torch", "torchvision", "torchaudio", "functorch"):
        spec = importlib.util.find_spec(name)
        hide += list(spec.submodule_search_locations or []) if spec else []
    if _SHIM is None or not Path(_SHIM).exists():
        _SHIM = tempfile.mkdtemp(prefix="numpy-only-")
        for name in ("torch", "torchvision"):
            os.makedirs(f"{_SHIM}/{name}")
            Path(f"{_SHIM}/{name}/__init__.py").write_text(NUMPY_ONLY_SHIM)
        for folder, _, files in os.walk(_SHIM):
            os.chmod(folder, 0o555)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o444)
    return hide, _SHIM


_SHIM = None


class Sandbox:
    """One kernel: its files, connection file and launcher's log in a folder of the worker's
    (job/work, job/ipc), and, with `Limits.sandbox`, the kernel in bubblewrap (grader/sandbox.py),
    which gets copies of the files in its own tmpfs; without, the kernel runs in job/work itself.

    without_torch: the kernel cannot import PyTorch (student.numpy_only, grader/judge/student.py).
    """

    def __init__(self, job, base, without_torch=False):
        self.job = job
        self.root = Path(tempfile.mkdtemp(dir=base))  # neutral names: nothing says "grading"
        self.work = self.root / "work"
        self.ipc = self.root / "ipc"
        for folder in (self.work, self.ipc, self.root / "ipython", self.root / "mounts"):
            folder.mkdir(mode=0o700)
        # As root the sandbox starts under a user id of its own, which must reach job/mounts
        # (grader/sandbox.py's _reachable), and nothing else of the job's.
        os.chmod(self.root, 0o711)
        os.chmod(self.root / "mounts", 0o711)
        files = {}
        for name, data in job.files.items():
            target = (self.work / name).resolve()
            if self.work.resolve() in target.parents:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                files[f"{sandbox.WORK}/{target.relative_to(self.work.resolve()).as_posix()}"] = str(target)
        limits = job.limits
        isolate = limits.sandbox
        # {controller: folder}: the sandbox's memory and process limits, where cgroups can be made
        self.cgroups = cgroups.create(self.root.name, limits.memory_bytes, limits.processes) if isolate else {}
        no_memory_cgroup = "memory" not in self.cgroups
        env = (_kernel_env(job, sandbox.WORK, f"{sandbox.TMP}/ipython") if isolate
               else _kernel_env(job, str(self.work), str(self.root / "ipython")))
        hide, shim = _torch_free() if without_torch else ([], None)
        if job.data_dir:
            hide += [os.path.join(job.data_dir, path) for path in job.withheld]
        if shim:
            env["PYTHONPATH"] = shim
        connection_file = self.ipc / "kernel.json"
        spec = {
            "isolate": isolate,
            "bwrap": sandbox.find_bwrap() if isolate else None,
            "work_dir": str(self.work),
            "mounts": str(self.root / "mounts"),
            "env": env,
            "files": {**files, f"{sandbox.IPC}/kernel.json": str(connection_file)},
            "keep_ro": sorted({sys.prefix, sys.base_prefix} | ({job.data_dir} if job.data_dir else set())
                              | ({shim} if shim else set())),
            "hide": hide,
            "cgroups": sorted(set(self.cgroups.values())),
            "gpu": limits.gpu,
            "parent_pid": os.getpid(),
            "info_path": str(self.ipc / "sandbox-info.json") if isolate else "",
            "limits": {"file_bytes": limits.file_bytes, "processes": limits.processes, "disk_bytes": limits.disk_bytes,
                       "address_space_bytes": limits.memory_bytes if no_memory_cgroup and not limits.gpu else 0},
        }
        spec_path = self.root / "sandbox.json"
        spec_path.write_text(json.dumps(spec))
        self.km = SandboxKernelManager(transport="ipc", ip=f"{sandbox.IPC}/kernel" if isolate else str(self.ipc / "kernel"),
                                       connection_file=str(connection_file),
                                       client_class="grader.judge.kernel.BoundedKernelClient")
        self.km.spec_path = str(spec_path)
        self.km.info_path = spec["info_path"]
        self.watcher, self.tripped = None, ""  # see watch()
        self.km.inside_connection_file = f"{sandbox.IPC}/kernel.json"

    async def watch(self, interval=0.25):
        """Enforces, from outside, what rlimits cannot: the memory of the whole sandbox (every
        process's resident memory plus its tmpfs contents) when no memory cgroup limits it, and
        the number of files it creates (tmpfs inodes cost kernel memory, whatever their size).
        Over either, the sandbox is killed: the cell reports a dead kernel."""
        limits = self.job.limits
        root = sandbox.host_path(self.km.info_path, "", timeout=30)
        launcher = psutil.Process(self.km.provisioner.pid)
        while True:
            await asyncio.sleep(interval)
            try:
                used = sum(p.memory_info().rss for p in launcher.children(recursive=True))
                files = 0
                for mount in (sandbox.TMP, "/dev/shm", sandbox.IPC):
                    fs = os.statvfs(root + mount)
                    used += (fs.f_blocks - fs.f_bfree) * fs.f_frsize
                    files += fs.f_files - fs.f_ffree
            except (psutil.Error, OSError):
                continue  # a process that just ended; the sandbox itself gone: close() follows
            if files > limits.files or ("memory" not in self.cgroups and used > limits.memory_bytes):
                self.tripped = (f"{files} files, more than the limit of {limits.files}" if files > limits.files
                                else f"{used / 2**30:.1f} GiB of memory, more than the limit of "
                                     f"{limits.memory_bytes / 2**30:.1f} GiB")
                kill_tree(launcher.pid)
                return

    async def start(self):
        with open(self.root / "launcher.log", "wb") as log:
            try:
                await self.km.start_kernel(cwd=str(self.work), stdout=subprocess.DEVNULL,
                                           stderr=log, stdin=subprocess.DEVNULL)
            except RuntimeError as error:
                why = (self.root / "launcher.log").read_text(errors="replace").strip().splitlines()
                raise RuntimeError(f"{error}: {why[-1][:300] if why else 'no message'}") from None
        if self.km.info_path:
            self.watcher = asyncio.get_running_loop().create_task(self.watch())

    async def close(self):
        if self.watcher is not None:
            self.watcher.cancel()
        pid = self.km.provisioner.pid if self.km.provisioner else None
        try:
            await asyncio.wait_for(self.km.shutdown_kernel(now=True), 20)
        except Exception:  # noqa: BLE001 - whatever state the kernel is in, it goes
            pass
        if pid:
            kill_tree(pid)
        self.km.close_socket_fds()
        cgroups.remove(sorted(set(self.cgroups.values())))


def _judge_env(job):
    """The judge's environment: the grader's own, with the notebook's mode and no GPU."""
    env = {k: v for k, v in os.environ.items() if k not in (SMOKE_ENV, "DLCOURSE_DATA", "CUDA_VISIBLE_DEVICES")}
    threads = str(job.limits.threads)
    env.update({"MPLBACKEND": "Agg", "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
                "OPENBLAS_NUM_THREADS": threads, "CUDA_VISIBLE_DEVICES": ""})
    if job.smoke:
        env[SMOKE_ENV] = "1"
    if job.data_dir:
        env["DLCOURSE_DATA"] = job.data_dir
    return env


def _is_crash(error):
    return isinstance(error, (DeadKernelError, CellTimeoutError, asyncio.TimeoutError, RuntimeError))


class _Run:
    """The state of one job across kernel restarts."""

    def __init__(self, job, nb, outcome):
        self.job, self.nb, self.outcome = job, nb, outcome
        self.code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        self.deadline = time.monotonic() + job.limits.notebook_timeout_s
        self.crashed = {}     # cell index -> message
        self.flags = []       # (cell index or None, what)
        self.done = 0         # how many of `code` have been dealt with
        self.restarts = 0
        self.output_limit = job.limits.output_bytes
        self.session = None   # this job's judge (grader/judge/client.py), opened at the first test
        self.numpy = None     # the kernel without PyTorch, started at the first student.numpy_only call
        self.base = None      # the job's temporary folder

    def remaining(self):
        return self.deadline - time.monotonic()

    async def judge(self, grade_id, hidden, call):
        """The judge's verdict on one hidden block; the session is opened, or replaced, as needed."""
        if self.session is None:
            self.session = await judge_client.JudgeSession.open(
                judge_client.server_for(self.job.judge, _judge_env(self.job)))
        timeout = max(1.0, min(self.job.limits.cell_timeout_s, self.remaining()))
        try:
            return await self.session.test(grade_id, hidden, call, timeout)
        except judge_client.JudgeTimeout as error:
            why = ("GraderTimeout", str(error))
        except (asyncio.IncompleteReadError, ConnectionError, EOFError):
            why = ("GraderTestError", "the grader's test process stopped while running this test")
        await self.close_judge()  # its state is unknown: the next test gets a fresh child
        return {"passed": False, "ename": why[0], "evalue": why[1], "stdout": "", "failures": []}

    def numpy_kernel(self):
        if self.numpy is None:
            self.numpy = _NumpyOnlyKernel(self, self.base)
        return self.numpy

    async def close_judge(self):
        if self.session is not None:
            await self.session.close()
            self.session = None

    def crash(self, i, message):
        self.crashed[i] = message
        cell = self.nb.cells[i]
        if notebooks.is_autograded_test(cell):  # its outputs so far are the kernel's: none may score
            verdicts.finalize(cell, {"passed": False, "ename": "GraderCellAborted", "evalue": message, "stdout": ""},
                              None)
        else:
            cell.outputs.append(verdicts.error_output("GraderCellAborted", message))
        self.done = max(self.done, self.code.index(i) + 1)
        self.restarts += 1


async def _execute(client, run, cell, i):
    """Runs one cell's source in the kernel; returns the crash message, or "" when it ran."""
    client.timeout = max(1, int(min(run.job.limits.cell_timeout_s, run.remaining())))
    try:
        await client.async_execute_cell(cell, i)
    except Exception as error:  # noqa: BLE001 - whatever the kernel did to the client, it costs only this cell
        if not _is_crash(error):
            return f"the kernel sent the grader a message it could not read ({type(error).__name__})"
        timed_out = not isinstance(error, DeadKernelError) and "timed out" in str(error).lower()
        return (f"this cell ran longer than {client.timeout} s and was stopped" if timed_out
                else "the kernel died while running this cell (os._exit, a crash, or more memory than the limit)")
    return ""


class _NumpyOnlyKernel:
    """student.numpy_only: a second kernel, without PyTorch, that follows the notebook lazily.

    Before a call from the hidden block of test cell i, it runs the code cells above i that it has
    not run yet (test cells excepted) one top-level statement at a time, errors ignored, so that a
    failing `import torch` costs only that statement. Cells that crashed or hung in the main
    kernel are skipped, as is a cell that crashed or hung here before. Its crashes and timeouts
    fail the call, not the student's main kernel; it is started again (at most MAX_STARTS times).
    """

    MAX_STARTS = 3

    def __init__(self, run, base):
        self.run, self.base = run, base
        self.box = self.client = self.calls = self.context = None
        self.upto = -1      # the last cell index it has run
        self.starts = 0
        self.skip = set()   # cells that crashed or hung in this kernel

    async def call(self, payload, seconds, cell_index):
        started = time.monotonic()
        try:
            if self.client is None:
                await self._start()
            await self._catch_up(cell_index)
            return await self.calls.call(payload, seconds)
        except RpcFailure as failure:
            if failure.crashed:
                await self.close()
            raise RpcFailure(failure.ename, failure.message, crashed=False, tampering=failure.tampering) from None
        except Exception as error:  # noqa: BLE001 - a kernel that would not start costs this call, not the job
            await self.close()
            raise RpcFailure("GraderKernelDied", f"the grader's kernel without PyTorch failed ({type(error).__name__}: "
                                                 f"{str(error)[:200]})") from None
        finally:
            self.run.outcome.numpy_only_seconds += time.monotonic() - started

    async def _start(self):
        if self.starts >= self.MAX_STARTS:
            raise RpcFailure("GraderKernelDied", "the grader's kernel without PyTorch crashed too many times")
        self.starts += 1
        self.upto = -1
        job = self.run.job
        self.box = Sandbox(job, self.base, without_torch=True)
        await self.box.start()
        scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
        self.client = GradingClient(scratch, km=self.box.km, timeout=job.limits.cell_timeout_s, allow_errors=True,
                                    interrupt_on_timeout=False, record_timing=False, log=QUIET_LOG,
                                    output_limit=0, resources={"metadata": {"path": str(self.box.work)}})
        self.context = self.client.async_setup_kernel(cleanup_kc=True)
        await self.context.__aenter__()
        self.calls = KernelCalls(self.client, self.box.km)
        await self.calls.install([p for p in job.guarded if p != "torch"])
        await _execute(self.client, self.run, nbformat.v4.new_code_cell(NUMPY_ONLY_NAMES), 0)

    async def _catch_up(self, cell_index):
        cells = self.run.nb.cells
        for j in self.run.code:
            if j <= self.upto or j >= cell_index:
                continue
            self.upto = j
            if notebooks.is_autograded_test(cells[j]) or j in self.run.crashed or j in self.skip:
                continue
            for statement in slicing.parse(notebooks.visible_source(cells[j].source)):
                cell = nbformat.v4.new_code_cell(ast.unparse(statement))
                crash = await _execute(self.client, self.run, cell, 0)
                if crash:
                    self.skip.add(j)
                    raise RpcFailure("GraderKernelDied", f"the grader's kernel without PyTorch stopped while running "
                                                         f"cell {j} of your notebook: {crash}", crashed=True)

    async def close(self):
        if self.context is not None:
            try:
                await self.context.__aexit__(None, None, None)
            except Exception:  # noqa: BLE001
                pass
        if self.box is not None:
            await self.box.close()
        self.box = self.client = self.calls = self.context = None


async def _test_cell(client, kernel, run, i):
    """A test cell: its visible part in the kernel, its hidden block in the judge; returns a crash message."""
    cell = run.nb.cells[i]
    original = cell.source
    cell.source = notebooks.visible_source(original)
    try:
        crash = await _execute(client, run, cell, i)
    finally:
        cell.source = original
    if crash:
        return crash
    visible_error = verdicts.visible_error(cell, client.reply_status.get(i))
    grade_id = notebooks.grade_id(cell)
    hidden = run.job.hidden.get(i)
    if hidden is None:  # no hidden block: the kernel's word alone would decide, so nothing is earned
        verdict = verdicts.no_hidden_block(grade_id)
    else:
        async def call(payload, seconds, which):
            if which == "numpy":
                reply = await run.numpy_kernel().call(payload, seconds, i)
            else:
                reply = await kernel.call(payload, seconds)
            if run.job.record_replies:
                run.outcome.replies.setdefault(grade_id, []).append([which, reply])
            return reply

        started = time.monotonic()
        verdict = await run.judge(grade_id, hidden, call)
        run.outcome.judge_seconds += time.monotonic() - started
    verdicts.finalize(cell, verdict, visible_error)
    run.flags += [(i, f.tampering) for f in verdict.get("failures", []) if f.tampering]
    if verdict.get("tampering"):
        run.flags.append((i, verdict["tampering"]))
    crashes = [f for f in verdict.get("failures", []) if f.crashed]
    return crashes[0].message if crashes else ""


async def _run(job, base, outcome):
    nb = nbformat.reads(job.notebook, as_version=4)
    for cell in nb.cells:  # only this run's verdicts may stand in a cell's metadata
        cell.metadata.pop(verdicts.METADATA_KEY, None)
    for i in [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]:
        nb.cells[i].outputs = []
    run = _Run(job, nb, outcome)
    run.base = base
    try:
        while run.done < len(run.code) and run.restarts <= MAX_RESTARTS and run.remaining() > 0:
            await _kernel_session(job, base, run)
    finally:
        await run.close_judge()
        if run.numpy is not None:
            await run.numpy.close()
    for i in run.code[run.done:]:
        why = ("the notebook's time limit was reached before this cell ran" if run.remaining() <= 0
               else "not run: the kernel crashed too many times")
        nb.cells[i].outputs = [verdicts.error_output("GraderCellNotRun", why)]
    # Whatever happened above, no test cell reaches nbgrader's scoring with outputs the worker did
    # not write after a verdict: a test that was not judged fails.
    for cell in nb.cells:
        if notebooks.is_autograded_test(cell) and verdicts.METADATA_KEY not in cell.metadata:
            errors = [o for o in cell.outputs if o.get("output_type") == "error" and o.get("ename", "").startswith("Grader")]
            why = (errors[0].ename, errors[0].evalue) if errors else ("GraderCellNotRun", "this test was not judged")
            verdicts.finalize(cell, {"passed": False, "ename": why[0], "evalue": why[1], "stdout": ""}, None)
    verdicts.write_self_check(nb)
    outcome.crashes = sorted(run.crashed.items())
    outcome.flags = run.flags
    outcome.notebook = nbformat.writes(nb)


async def _kernel_session(job, base, run):
    """One kernel: from a fresh start (re-running the cells before a crash) until done or crashed."""
    box = Sandbox(job, base)
    started = time.monotonic()
    try:
        await box.start()
        client = GradingClient(run.nb, km=box.km, timeout=job.limits.cell_timeout_s, allow_errors=True,
                               interrupt_on_timeout=False, record_timing=False, log=QUIET_LOG,
                               output_limit=run.output_limit, resources={"metadata": {"path": str(box.work)}})
        async with client.async_setup_kernel(cleanup_kc=True):
            kernel = KernelCalls(client, box.km)
            await kernel.install(job.guarded)
            run.outcome.startup_seconds += time.monotonic() - started
            # After a crash, the cells before it run again in the fresh kernel, on copies: their
            # outputs and verdicts from the first run stand.
            for i in [i for i in run.code[:run.done] if i not in run.crashed]:
                if run.remaining() <= 0:
                    return
                copy = nbformat.from_dict(json.loads(json.dumps(run.nb.cells[i])))
                copy.source = notebooks.visible_source(copy.source)
                if await _execute(client, run, copy, i):
                    run.crashed[i] = "the kernel died when this cell ran again after a crash"
                    run.restarts += 1
                    return
            for i in run.code[run.done:]:
                if run.remaining() <= 0:
                    return
                cell = run.nb.cells[i]
                crash = (await _test_cell(client, kernel, run, i) if notebooks.is_autograded_test(cell)
                         else await _execute(client, run, cell, i))
                if crash and box.tripped:
                    crash = f"the grader stopped the notebook while this cell ran: {box.tripped}"
                if crash:
                    run.crash(i, crash)
                    return
                run.done = max(run.done, run.code.index(i) + 1)
            tampered = await kernel.tampering()
            if tampered:
                run.flags.append((None, tampered))
        run.output_limit = max(0, run.output_limit - client.output_bytes)
    finally:
        await box.close()


def _worker_name():
    try:
        from distributed import get_worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return ""


def limits_here(limits):
    """The limits for the machine this job runs on. A cluster's worker (limits.on_worker) may not
    be the coordinator's machine: its memory and threads are this machine's share per worker,
    from the memory limit Dask gave the worker (by default: the machine's memory / its workers)."""
    if not limits.on_worker:
        return limits
    import psutil
    try:
        from distributed import get_worker

        share = get_worker().memory_manager.memory_limit
    except (ImportError, ValueError, AttributeError):
        share = None
    total = psutil.virtual_memory().total
    peers = max(1, round(total / share)) if share else 1
    return replace(limits, memory_bytes=int(min(limits.memory_bytes, total * 0.8 / peers)),
                   threads=max(1, (os.cpu_count() or 1) // peers), on_worker=False)


def _gpu_of_this_worker():
    """A local cluster's worker n (grader autograde --gpu) uses GPU n; runners set their own."""
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        return
    name = _worker_name()
    if name.isdigit():
        os.environ["CUDA_VISIBLE_DEVICES"] = name


def run_job(job):
    """Executes job's notebook in a sandbox; returns an Outcome (never raises)."""
    start = time.monotonic()
    job.limits = limits_here(job.limits)
    job.judge = {**job.judge, "threads": job.limits.threads, "memory_bytes": job.limits.memory_bytes}
    if job.limits.gpu:
        _gpu_of_this_worker()
    outcome = Outcome(job.student, isolation=sandbox.isolation(job.limits.sandbox), worker=_worker_name())
    if job.limits.sandbox and not sandbox.can_isolate():  # a worker of a cluster that cannot: no silent downgrade
        outcome.error = f"this worker cannot sandbox kernels: {sandbox.isolation_problem()}"
        return outcome
    if job.limits.sandbox and job.limits.on_worker:  # a cluster's machine: its own killed workers' leftovers
        sandbox.reap_orphans()
    base = tempfile.mkdtemp()
    os.chmod(base, 0o711)  # see Sandbox: the sandbox's user id reaches job/mounts only
    try:
        asyncio.run(_run(job, base, outcome))
    except Exception as error:  # noqa: BLE001 - reported as the job's failure, not the student's
        outcome.error = f"{type(error).__name__}: {error}"[:500]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    outcome.seconds = time.monotonic() - start
    return outcome
