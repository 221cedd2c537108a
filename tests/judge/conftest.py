"""A stand-in for the student's kernel: the real agent, in this process, over a plain namespace.

The agent (grader/judge/agent.py) runs in the kernel as source text; here the same source runs in a
namespace whose get_ipython() returns an object with a user_ns, so the judge's calls can be
tested without Jupyter. What the judge gets back is still the agent's reply bytes.
"""

import base64
import types
from pathlib import Path

import pytest

AGENT_SOURCE = (Path(__file__).resolve().parents[2] / "grader" / "judge" / "agent.py").read_text()


class FakeKernel:
    def __init__(self, user_ns=None):
        self.user_ns = {"__name__": "__main__", "__builtins__": __builtins__}
        self.user_ns.update(user_ns or {})
        shell = types.SimpleNamespace(user_ns=self.user_ns)
        namespace = {"__name__": "grader_agent", "get_ipython": lambda: shell}
        exec(compile(AGENT_SOURCE, "grader_agent", "exec"), namespace)
        self.name = "_agent_for_tests"
        namespace["install"](self.name)
        import builtins

        self.agent = getattr(builtins, self.name)

    def define(self, source):
        exec(source, self.user_ns)

    def channel(self, payload, kernel="main"):
        self.agent.run(base64.b64encode(payload).decode())
        return base64.b64decode(self.agent.reply)


@pytest.fixture
def kernel():
    return FakeKernel()
