"""Runs one prepared submission in a sandboxed kernel and returns the executed notebook.

This is the task a Dask worker runs (`run_job`). It touches nothing but a temporary folder of its
own: the coordinator (grader/autograde.py) prepared the notebook, and it alone reads the result
and writes the gradebook.

Every code cell runs in order, with errors allowed, as nbgrader's Execute does, with three
differences:
- a cell that kills the kernel (`os._exit`, a segfault, the out-of-memory killer) or runs past
  its timeout is marked with an error that says so; a fresh kernel then re-runs the cells before
  it and goes on after it, so such a cell costs only itself and the tests that depend on it;
- a code cell that never ran (the notebook's wall-clock limit, too many crashes) gets an error
  output too, so that nbgrader's rule "a test cell without an error earns its points" cannot
  reward a test that was never executed;
- output beyond `Limits.output_bytes` is dropped, with a note in the cell.
"""

import ast
import asyncio
import hashlib
import json
import logging
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader import harden, sandbox
from grader.course import SMOKE_ENV, kill_tree

# nbclient logs every timeout and dead kernel as an error; the outcome reports them instead.
QUIET_LOG = logging.getLogger("grader.execute.nbclient")
QUIET_LOG.setLevel(logging.CRITICAL)

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
    gpu: bool = False                    # set on GPU workers: no address-space limit (CUDA)


@dataclass
class Job:
    student: str
    ps_id: str
    notebook: str                          # the sanitized notebook, as JSON text
    files: dict = field(default_factory=dict)  # {relative path: bytes} placed next to it
    smoke: bool = False
    limits: Limits = field(default_factory=Limits)
    test_cells: list = field(default_factory=list)  # indices of the autograded test cells
    guarded: list = field(default_factory=lambda: ["numpy", "torch"])  # packages the tests use
    hardened: dict = field(default_factory=dict)  # {test cell index: source to run} (grader/harden.py)
    protect: dict = field(default_factory=dict)   # {instructor cell index: names to record after it}
    reads: dict = field(default_factory=dict)     # {test cell index: protected names it reads}
    data_dir: str = ""                     # read-only datasets for full mode (DLCOURSE_DATA)


@dataclass
class Outcome:
    student: str
    notebook: str = ""              # the executed notebook, as JSON text
    crashes: list = field(default_factory=list)  # [(cell index, what happened)]
    flags: list = field(default_factory=list)    # [(test cell index, what the integrity check found)]
    seconds: float = 0.0
    startup_seconds: float = 0.0    # spent starting kernels, before any student code ran
    isolation: str = ""
    worker: str = ""                # the Dask worker that ran the job ("" when run in-process)
    error: str = ""                 # the job itself failed (not the student's code)


def _error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradingClient(NotebookClient):
    """nbclient's executor with a cap on the output a notebook may produce."""

    def __init__(self, *args, output_limit, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_limit = output_limit
        self.output_bytes = 0
        self.truncated_cells = set()

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
        if content.get("status") == "error" and not any(o.output_type == "error" for o in cell.outputs):
            cell.outputs.append(_error_output(str(content.get("ename", "Error"))[:200],
                                              str(content.get("evalue", ""))[:2000]))
        return super()._check_raise_for_error(cell, cell_index, exec_reply)


PROBE_SOURCE = (Path(__file__).parent / "integrity_probe.py").read_text()


async def _silent(client, code, user_expressions=None, timeout=60):
    """Runs code (or evaluates user expressions) without output or history; returns the reply."""
    msg_id = client.kc.execute(code, silent=True, store_history=False,
                               user_expressions=user_expressions or {})
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the kernel did not answer the grader's integrity check")
        try:
            reply = await client.kc.shell_channel.get_msg(timeout=remaining)
        except queue.Empty:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


class Integrity:
    """The tamper check of one kernel (grader/integrity_probe.py)."""

    def __init__(self):
        self.name = "_" + secrets.token_hex(8)
        self.secret = secrets.token_hex(16)

    async def install(self, client, packages):
        reply = await _silent(client, f"{PROBE_SOURCE}\ninstall({self.name!r}, {self.secret!r}, "
                                      f"{tuple(packages)!r})\ndel install\n")
        if reply.get("status") != "ok":
            raise RuntimeError(f"the integrity check could not be installed: {reply.get('evalue')}")

    async def protect(self, client, names):
        await _silent(client, "", {"r": f"{self.name}.protect({list(names)!r})"}, timeout=30)

    async def problems(self, client, names=()):
        """"" when the kernel is as it was (and names still are what the instructor bound), else what changed."""
        challenge = secrets.token_hex(8)
        try:
            reply = await _silent(client, "", {"r": f"{self.name}({challenge!r}, {list(names)!r})"}, timeout=30)
            value = reply["user_expressions"]["r"]
            answer = ast.literal_eval(value["data"]["text/plain"]) if value.get("status") == "ok" else ""
        except (TimeoutError, KeyError, ValueError, SyntaxError):
            answer = ""
        proof, _, problems = str(answer).partition(":")
        expected = hashlib.sha256(f"{self.secret}:{challenge}".encode()).hexdigest()[:16]
        if proof != expected:
            return "the grader's integrity check was removed or replaced"
        return problems


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through grader.sandbox's launcher."""

    spec_path = ""

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-m", "grader.sandbox", self.spec_path, "--", *cmd]


def _kernel_env(job, work):
    python_bin = str(Path(sys.executable).parent)
    threads = str(job.limits.threads)
    env = {
        "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{work}/.config/matplotlib", "TMPDIR": work,
        "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONSAFEPATH": "1", "IPYTHONDIR": f"{work}/../ipython",
    }
    if job.smoke:
        env[SMOKE_ENV] = "1"
    if job.data_dir:
        env["DLCOURSE_DATA"] = job.data_dir
    if "CUDA_VISIBLE_DEVICES" in os.environ:  # set per GPU worker by the cluster
        env["CUDA_VISIBLE_DEVICES"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return env


class Sandbox:
    """One kernel in its own folder: job/ipc (sockets, connection file) and job/work (its cwd)."""

    def __init__(self, job, base):
        self.job = job
        self.root = Path(tempfile.mkdtemp(dir=base))  # neutral names: nothing says "grading"
        self.work = self.root / "work"
        self.ipc = self.root / "ipc"
        for folder in (self.work, self.ipc, self.root / "ipython", self.root / "rootfs"):
            folder.mkdir()
        for name, data in job.files.items():
            target = (self.work / name).resolve()
            if self.work.resolve() in target.parents:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        limits = job.limits
        isolate = sandbox.can_isolate()
        self.cgroups = sandbox.create_cgroup(f"grader-{self.root.name}", limits.memory_bytes,
                                             limits.processes) if isolate else []
        no_memory_cgroup = not self.cgroups
        spec = {
            "isolate": isolate,
            "work_dir": str(self.work),
            "env": _kernel_env(job, str(self.work)),
            "keep_rw": [str(self.root)],
            "root_dir": str(self.root / "rootfs"),
            "keep_ro": sorted({sys.prefix, sys.base_prefix} | ({job.data_dir} if job.data_dir else set())),
            "cgroups": self.cgroups,
            "limits": {"file_bytes": limits.file_bytes, "processes": limits.processes,
                       "address_space_bytes": limits.memory_bytes if no_memory_cgroup and not limits.gpu else 0},
        }
        spec_path = self.root / "sandbox.json"
        spec_path.write_text(json.dumps(spec))
        self.km = SandboxKernelManager(transport="ipc", ip=str(self.ipc / "kernel"),
                                       connection_file=str(self.ipc / "kernel.json"))
        self.km.spec_path = str(spec_path)

    async def start(self):
        await self.km.start_kernel(cwd=str(self.work), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    async def close(self):
        pid = self.km.provisioner.pid if self.km.provisioner else None
        try:
            await asyncio.wait_for(self.km.shutdown_kernel(now=True), 20)
        except Exception:  # noqa: BLE001 - whatever state the kernel is in, it goes
            pass
        if pid:
            kill_tree(pid)
        sandbox.remove_cgroups(self.cgroups)


async def _run(job, base, outcome):
    nb = nbformat.reads(job.notebook, as_version=4)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for i in code:
        nb.cells[i].outputs = []
    deadline = time.monotonic() + job.limits.notebook_timeout_s
    crashed = {}   # cell index -> message
    flags = {}     # test cell index -> what the integrity check found
    done = 0       # how many of `code` have been dealt with
    restarts = 0
    output_limit = job.limits.output_bytes
    while done < len(code) and restarts <= MAX_RESTARTS and time.monotonic() < deadline:
        box = Sandbox(job, base)
        started = time.monotonic()
        try:
            await box.start()
            client = GradingClient(nb, km=box.km, timeout=job.limits.cell_timeout_s, allow_errors=True,
                                   interrupt_on_timeout=False, record_timing=False, log=QUIET_LOG,
                                   output_limit=output_limit, resources={"metadata": {"path": str(box.work)}})
            async with client.async_setup_kernel(cleanup_kc=True):
                integrity = Integrity()
                await integrity.install(client, job.guarded)
                outcome.startup_seconds += time.monotonic() - started
                # After a crash, the cells before it run again in the fresh kernel.
                todo = [i for i in code[:done] if i not in crashed] + code[done:]
                for i in todo:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    client.timeout = max(1, int(min(job.limits.cell_timeout_s, remaining)))
                    tampered = await integrity.problems(client, job.reads.get(i, ())) if i in job.test_cells else ""
                    cell = nb.cells[i]
                    original = cell.source
                    if i in job.hardened:  # run the guarded comparisons; the notebook keeps its text
                        cell.source = job.hardened[i].replace(harden.PLAIN, f"{integrity.name}.plain")
                    try:
                        await client.async_execute_cell(cell, i)
                    except (DeadKernelError, CellTimeoutError, asyncio.TimeoutError, RuntimeError) as error:
                        timed_out = not isinstance(error, DeadKernelError) and "timed out" in str(error).lower()
                        message = (f"this cell ran longer than {client.timeout} s and was stopped" if timed_out
                                   else "the kernel died while running this cell (os._exit, a crash, "
                                        "or more memory than the limit)")
                        crashed[i] = message
                        nb.cells[i].outputs.append(_error_output("GraderCellAborted", message))
                        done = code.index(i) + 1
                        restarts += 1
                        break
                    finally:
                        cell.source = original
                    done = max(done, code.index(i) + 1)
                    if i in job.protect:
                        await integrity.protect(client, job.protect[i])
                    if tampered:  # the test ran against tampered functions: it earns nothing
                        flags[i] = tampered
                        nb.cells[i].outputs.append(_error_output("GraderIntegrityError", tampered))
                output_limit = max(0, output_limit - client.output_bytes)
        finally:
            await box.close()
    for i in code[done:]:
        why = ("the notebook's time limit was reached before this cell ran" if time.monotonic() >= deadline
               else "not run: the kernel crashed too many times")
        nb.cells[i].outputs = [_error_output("GraderCellNotRun", why)]
    outcome.crashes = sorted(crashed.items())
    outcome.flags = sorted(flags.items())
    outcome.notebook = nbformat.writes(nb)


def _worker_name():
    try:
        from distributed import get_worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return ""


def run_job(job):
    """Executes job's notebook in a sandbox; returns an Outcome (never raises)."""
    start = time.monotonic()
    outcome = Outcome(job.student, isolation=sandbox.isolation(), worker=_worker_name())
    base = tempfile.mkdtemp()
    os.chmod(base, 0o711)  # sandbox users must reach their own folder, and list nothing
    try:
        asyncio.run(_run(job, base, outcome))
    except Exception as error:  # noqa: BLE001 - reported as the job's failure, not the student's
        outcome.error = f"{type(error).__name__}: {error}"[:500]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    outcome.seconds = time.monotonic() - start
    return outcome
