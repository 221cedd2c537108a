"""Worker side of the judge: the judge server of this process, and one job's session with it.

The worker (grader/execute.py) owns both the student's kernel and the judge session. When a
test cell's visible part has run in the kernel, the worker sends the cell's hidden block to the
judge and relays the judge's `student` calls to the kernel until the verdict comes back. The
judge and the kernel never talk to each other directly, and only the worker decides when either
has run out of time.
"""

import asyncio
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

from grader.judge import runner


GRACE_S = 10  # after a failed student call, the judge's test gets this long to finish


class JudgeUnavailable(RuntimeError):
    """The judge server could not start (a fault of the grader or of the problem set)."""


class JudgeTimeout(Exception):
    """A hidden test ran past its time in the judge."""


class RpcFailure(Exception):
    """The kernel could not answer a student call: it died, timed out or lost the agent."""

    def __init__(self, ename, message, crashed=False, tampering=""):
        super().__init__(f"{ename}: {message}")
        self.ename, self.message, self.crashed, self.tampering = ename, message, crashed, tampering


class JudgeServer:
    def __init__(self, spec, env):
        self.folder = tempfile.mkdtemp(prefix="judge-")
        self.path = os.path.join(self.folder, "judge.sock")
        self.process = subprocess.Popen([sys.executable, "-m", "grader.judge.runner", self.path],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env=env, cwd=self.folder)
        self.process.stdin.write(json.dumps(spec).encode() + b"\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 300)
        line = self.process.stdout.readline() if ready else b""
        if not line.startswith(b"ready "):
            self.close()
            raise JudgeUnavailable("the grader's judge process did not start (is the problem set's setup cell "
                                   "importable in the grading environment?)")
        self.problems = json.loads(line[len(b"ready "):])

    def alive(self):
        return self.process.poll() is None

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


_server = None
_server_key = None


def server_for(spec, env):
    """This process's judge server for spec (one at a time: a new spec replaces the old server)."""
    global _server, _server_key
    key = json.dumps([spec, sorted(env.items())], sort_keys=True)
    if _server is None or _server_key != key or not _server.alive():
        if _server is not None:
            _server.close()
        _server, _server_key = None, None
        _server = JudgeServer(spec, env)
        _server_key = key
    return _server


class JudgeSession:
    """One job's connection to a fresh child of the judge server."""

    def __init__(self, reader, writer, pid):
        self.reader, self.writer, self.pid = reader, writer, pid

    @classmethod
    async def open(cls, server):
        reader, writer = await asyncio.open_unix_connection(server.path)
        session = cls(reader, writer, None)
        hello = await asyncio.wait_for(session._recv(), 60)
        session.pid = hello["pid"]
        return session

    async def _recv(self):
        (size,) = struct.unpack(">I", await self.reader.readexactly(4))
        return runner.unpack(await self.reader.readexactly(size))

    async def _send(self, message):
        self.writer.write(runner.pack(message))
        await self.writer.drain()

    async def test(self, name, source, rpc, timeout):
        """The verdict of one hidden block. rpc(payload, seconds_left, kernel) -> reply bytes, or RpcFailure.

        Raises JudgeTimeout when the block runs out of time in the judge itself; the session is
        then unusable (its child is killed).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await self._send({"op": "test", "name": name, "source": source})
        failures = []
        while True:
            remaining = deadline - loop.time()
            try:
                message = await asyncio.wait_for(self._recv(), max(remaining, 0.01))
            except asyncio.TimeoutError:
                self.kill()
                raise JudgeTimeout(f"the hidden test ran longer than {timeout:g} s") from None
            if message.get("op") == "verdict":
                verdict = {k: v for k, v in message.items() if k != "op"}
                verdict["failures"] = failures  # RpcFailures seen: crashes and tampering
                return verdict
            try:
                data = await rpc(message["payload"], max(deadline - loop.time(), 0.01), message.get("kernel", "main"))
                await self._send({"op": "reply", "data": data})
            except RpcFailure as failure:
                failures.append(failure)
                await self._send({"op": "reply", "error": [failure.ename, failure.message]})
                deadline = max(deadline, loop.time() + GRACE_S)  # time for the test to report the failure

    def kill(self):
        """Stops a child that is still working (never after close: its pid may have been reused)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def close(self):
        """Ends the job: the child exits when its connection closes."""
        try:
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 5)
        except Exception:  # noqa: BLE001
            pass
