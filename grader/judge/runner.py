"""The judge process: runs hidden tests, never student code. `python -m grader.judge.runner SOCKET`.

One judge server runs per grading worker and problem set. It reads the judge's spec (JSON on
stdin: the instructor's cells, from the source notebook), builds two namespaces once,

- the judge's globals: what the read-only cells define (grader/judge/slicing.py decides which
  statements run), plus `student` (grader/judge/student.py) and `solution`;
- `solution`: the same with the instructor's solution cells, for tests that compare a student's
  model with the reference one ("load the student's weights into the solution's network"),

prints "ready", and then forks one child per grading job that connects to SOCKET, so that every
submission is judged from the same fresh state without paying for imports again.

A child runs each hidden block it is sent as the body of a function (so that the functions it
sends to the student close over its variables), with `global` for what later tests share, and
answers with a verdict: passed, or the exception's name and message, and what the test printed.
While a test runs, each `student` call goes to the worker as an "rpc" message; the worker runs
it in the student's kernel and sends back the kernel's reply bytes (or an error).

Messages are length-prefixed msgpack maps, between trusted processes.
"""

import ast
import builtins
import contextlib
import io
import json
import os
import resource
import socketserver
import struct
import sys
import threading
import types

import msgpack

from grader.judge import slicing, wire
from grader.judge.student import Student, StudentError

MAX_OUTPUT = 64 * 1024


# --- framing (shared with grader/judge/client.py) -----------------------------------------------

def pack(message):
    data = msgpack.packb(message, use_bin_type=True)
    return struct.pack(">I", len(data)) + data


def unpack(data):
    return msgpack.unpackb(data, raw=False)


def _recv_exactly(sock, size):
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv(sock):
    (size,) = struct.unpack(">I", _recv_exactly(sock, 4))
    return unpack(_recv_exactly(sock, size))


def send(sock, message):
    sock.sendall(pack(message))


# --- the judge ---------------------------------------------------------------------------------------

class Solution:
    """Read-only attribute access to the solution namespace (`solution.make_cnn`)."""

    def __init__(self, namespace):
        object.__setattr__(self, "_namespace", namespace)

    def __getattr__(self, name):
        try:
            value = self._namespace[name]
        except KeyError:
            raise AttributeError(f"the solution defines no {name!r}") from None
        if isinstance(value, types.FunctionType):  # what it builds (a reference network) is marked too
            return lambda *args, **kwargs: wire.mark_solution(value(*args, **kwargs))
        return value

    def __setattr__(self, name, value):
        raise AttributeError("the solution namespace is read-only")


def compile_block(source, name):
    """The hidden block as the body of a function __hidden_test__ (its variables become closures)."""
    body = slicing.parse(source) if source.strip() else []
    function = ast.FunctionDef(name="__hidden_test__", args=ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=body or [ast.Pass()], decorator_list=[], returns=None)
    module = ast.fix_missing_locations(ast.Module(body=[function], type_ignores=[]))
    return compile(module, f"<hidden test {name}>", "exec")


class Judge:
    def __init__(self, spec):
        callables = set(spec["callables"])
        self.globals = {"__name__": wire.JUDGE_MODULE, "__builtins__": builtins}
        self.problems = slicing.run_cells(spec["base"], self.globals, callables)
        solution = {"__name__": wire.SOLUTION_MODULE, "__builtins__": builtins}
        self.problems += slicing.run_cells(spec["solution"], solution, callables)
        self.globals["solution"] = Solution(solution)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    def run_test(self, name, source, channel):
        """Runs one hidden block; returns its verdict as a dict."""
        self.globals["student"] = Student(channel, self.globals)
        out = io.StringIO()
        verdict = {"passed": True}
        try:
            code = compile_block(source, name)
            namespace = self.globals
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                exec(code, namespace)  # noqa: S102 - instructor code
                namespace.pop("__hidden_test__")()
        except StudentError as error:
            verdict = {"passed": False, "ename": error.ename, "evalue": error.message, "tampering": error.tampering}
        except wire.LeakError as error:
            verdict = {"passed": False, "ename": "GraderTestError", "evalue": f"the hidden test is faulty: {error}"}
        except Exception as error:  # noqa: BLE001 - AssertionError or any other failure fails the test
            verdict = {"passed": False, "ename": type(error).__name__, "evalue": str(error)[:4000]}
        finally:
            self.globals.pop("__hidden_test__", None)
        verdict["stdout"] = out.getvalue()[:MAX_OUTPUT]
        return verdict

    def serve_connection(self, sock):
        """One grading job: tests in, verdicts out, student calls relayed through the worker."""
        send(sock, {"op": "hello", "pid": os.getpid()})

        def channel(payload, kernel):
            send(sock, {"op": "rpc", "payload": payload, "kernel": kernel})
            message = recv(sock)
            if message.get("error"):
                ename, evalue = message["error"]
                raise StudentError(ename, evalue)
            return message["data"]

        while True:
            try:
                message = recv(sock)
            except (EOFError, OSError):
                return
            if message.get("op") != "test":
                return
            send(sock, {"op": "verdict", **self.run_test(message["name"], message["source"], channel)})


def limit_memory(extra_bytes):
    """Caps this process's address space at what it uses now plus extra_bytes (Linux).

    A judge decodes data the student's kernel chose, and may build large arrays from it: the cap
    turns any blow-up into a MemoryError in the test that caused it (the test fails), never into a
    grading machine out of memory. Each job's judge has the same budget as its kernel.
    """
    if not extra_bytes:
        return
    try:
        with open("/proc/self/status") as status:
            used = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration):
        return
    resource.setrlimit(resource.RLIMIT_AS, (used + int(extra_bytes),) * 2)


def serve(socket_path, spec):
    # Whatever instructor code prints (setup cells print versions) must not reach the worker's
    # pipe, which carries only the "ready" line.
    ready = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")
    threads = int(spec.get("threads", 1))
    try:
        import torch

        torch.set_num_threads(1)  # no thread pool before forking; each child sets its own
    except ImportError:
        torch = None
    judge = Judge(spec)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            if torch is not None:
                torch.set_num_threads(threads)
            limit_memory(spec.get("memory_bytes"))
            judge.serve_connection(self.request)

    class Server(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
        block_on_close = False

    server = Server(socket_path, Handler)
    ready.write("ready " + json.dumps(judge.problems) + "\n")
    ready.close()

    def exit_with_parent():  # the worker closes our stdin when it goes (or dies)
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    server.serve_forever()


def main():
    socket_path = sys.argv[1]
    spec = json.loads(sys.stdin.buffer.readline())
    serve(socket_path, spec)


if __name__ == "__main__":
    main()
