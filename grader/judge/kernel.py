"""Worker side of the student's kernel: the agent's installation and each call through it.

Calls travel as silent Jupyter execute requests (no output, no history) whose answer comes back
in the execute reply as a user expression: `<agent>.run("<base64 request>")`, then the value of
`<agent>.reply`, a base64 string. The string is checked to be nothing but base64 before it is
decoded; what it decodes to is read by grader/judge/wire.py. Every call has a deadline, and a
kernel that dies or stops answering ends the call with RpcFailure.

The integrity probe (grader/integrity_probe.py) is installed here too, next to the agent. It no
longer decides any score: verdicts come from the judge. It reports tampering it sees in the
kernel (a replaced comparison function, an input transformer, ...) as a flag for instructors.
"""

import ast
import asyncio
import base64
import hashlib
import queue
import re
import secrets
from pathlib import Path

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

from grader.judge import wire
from grader.judge.client import RpcFailure

AGENT_SOURCE = (Path(__file__).parent / "agent.py").read_text()
PROBE_SOURCE = (Path(__file__).parent.parent / "integrity_probe.py").read_text()
BASE64_REPR = re.compile(r"'([A-Za-z0-9+/=]*)'")
MAX_REPLY_CHARS = 4 * wire.MAX_REPLY_BYTES // 3 + 16
# The largest message frame the grader accepts from a kernel, per channel. A bigger one is dropped
# and the channel disconnected (ZMQ_MAXMSGSIZE); a cell whose reply is lost stops answering and is
# charged as a crash. So nothing a kernel sends makes the grader parse more than this (JSON of
# empty lists grows about 26-fold when parsed: at most about 2 GB for the shell channel, which
# carries the answers to the judge's calls, a base64 string of at most wire.MAX_REPLY_BYTES, and
# for iopub, which carries outputs; ipykernel sends 0.2 s of prints as one message, so a loop
# printing tens of megabytes is legitimate and must arrive, to be cut to Limits.output_bytes).
MAX_MESSAGE_BYTES = {"shell": MAX_REPLY_CHARS + 2**20, "iopub": 64 * 2**20, "stdin": 2**20, "control": 2**20,
                     "hb": 2**20}


class BoundedKernelClient(AsyncKernelClient):
    """jupyter_client's async client whose sockets refuse messages over MAX_MESSAGE_BYTES.

    channel_urls: {channel: URL} set by grader/execute.py's SandboxKernelManager for a sandboxed
    kernel, in place of the addresses built from the connection file."""

    channel_urls = {}

    def _make_url(self, channel):
        return self.channel_urls.get(channel) or super()._make_url(channel)

    def _create_connected_socket(self, channel, identity=None):
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES.get(channel, 2**20))
        try:
            return super()._create_connected_socket(channel, identity)
        finally:
            self.context.setsockopt(zmq.MAXMSGSIZE, -1)


class KernelCalls:
    """The agent and the integrity probe of one kernel, reached through nbclient's client."""

    def __init__(self, client, km):
        self.client, self.km = client, km
        self.agent = "_" + secrets.token_hex(8)
        self.probe = "_" + secrets.token_hex(8)
        self.secret = secrets.token_hex(16)

    async def _execute(self, code, user_expressions, timeout):
        """The reply content of a silent execute request; RpcFailure on death or timeout."""
        msg_id = self.client.kc.execute(code, silent=True, store_history=False, user_expressions=user_expressions)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise RpcFailure("GraderTimeout", f"your code ran longer than {timeout:.0f} s when the grader "
                                                  f"called it", crashed=True)
            try:
                reply = await self.client.kc.shell_channel.get_msg(timeout=min(remaining, 1.0))
                if not (isinstance(reply, dict) and isinstance(reply.get("parent_header"), dict)
                        and isinstance(reply.get("content"), dict)):
                    raise ValueError("a malformed message")
            except (ValueError, KeyError, TypeError) as error:  # the kernel's own making: a crash
                raise RpcFailure("GraderKernelDied", f"the kernel sent the grader something it could not read "
                                                     f"({type(error).__name__})", crashed=True) from None
            except queue.Empty:
                if not await self.km.is_alive():
                    raise RpcFailure("GraderKernelDied", "the kernel died while the grader called your code "
                                                         "(os._exit, a crash, or more memory than the limit)",
                                     crashed=True) from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    async def install(self, packages):
        """Installs the agent and the probe, before any student code runs."""
        # Each in a namespace of its own: the notebook's namespace stays as the student left it.
        code = (f"for _source, _args in [({AGENT_SOURCE!r}, ({self.agent!r},)),\n"
                f"                       ({PROBE_SOURCE!r}, ({self.probe!r}, {self.secret!r}, {tuple(packages)!r}))]:\n"
                f"    _namespace = {{'__name__': 'grader_agent', 'get_ipython': get_ipython}}\n"
                f"    exec(compile(_source, 'grader_agent', 'exec'), _namespace)\n"
                f"    _namespace['install'](*_args)\n"
                f"del _source, _args, _namespace\n")
        reply = await self._execute(code, {}, 120)
        if reply.get("status") != "ok":
            raise RuntimeError(f"the grader's agent could not be installed: {reply.get('evalue')}")

    async def call(self, payload, timeout):
        """Runs one student call; returns the kernel's reply bytes (untrusted)."""
        request = base64.b64encode(payload).decode("ascii")
        content = await self._execute(f"{self.agent}.run({request!r})", {"r": f"{self.agent}.reply"}, timeout)
        value = (content.get("user_expressions") or {}).get("r") or {}
        text = (value.get("data") or {}).get("text/plain", "") if isinstance(value, dict) else ""
        match = BASE64_REPR.fullmatch(text) if isinstance(text, str) and len(text) < MAX_REPLY_CHARS else None
        if content.get("status") != "ok" or value.get("status") != "ok" or match is None:
            raise RpcFailure("GraderProtocolError", "the grader could not call your code: the kernel did not answer "
                                                    "through the grader's agent",
                             tampering="the grader's agent in the kernel was removed, replaced or bypassed")
        return base64.b64decode(match.group(1))

    async def tampering(self):
        """What the probe saw changed since it was installed ("" when nothing, or not answering)."""
        challenge = secrets.token_hex(8)
        try:
            content = await self._execute("", {"r": f"{self.probe}({challenge!r})"}, 30)
        except RpcFailure:
            return ""
        value = (content.get("user_expressions") or {}).get("r") or {}
        text = (value.get("data") or {}).get("text/plain", "") if isinstance(value, dict) else ""
        try:  # a short string's repr (the probe's problems may hold quotes of either kind)
            answer = ast.literal_eval(text) if isinstance(text, str) and len(text) < 100_000 else ""
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            answer = ""
        proof, _, problems = answer.partition(":") if isinstance(answer, str) else ("", "", "")
        if proof != hashlib.sha256(f"{self.secret}:{challenge}".encode()).hexdigest()[:16]:
            return "the grader's integrity probe was removed or replaced"
        return problems
