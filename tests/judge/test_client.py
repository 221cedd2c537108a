"""grader/judge/client.py: the judge server forks a fresh judge per job; the worker relays calls."""

import asyncio
import os
import time

import pytest

from grader.judge import client
from grader.judge.client import RpcFailure
from tests.judge.test_runner import SPEC


@pytest.fixture(scope="module")
def server():
    server = client.JudgeServer(SPEC, dict(os.environ))
    yield server
    server.close()


def run(coroutine):
    return asyncio.run(coroutine)


def test_each_job_gets_a_fresh_judge(server, kernel):
    kernel.define("def add_offset(x):\n    return x + 10")

    async def job(block):
        session = await client.JudgeSession.open(server)
        try:
            async def rpc(payload, seconds, which):
                return kernel.channel(payload)
            return await session.test("t", block, rpc, 30), session.pid
        finally:
            await session.close()

    first, pid_one = run(job("global SEEN\nSEEN = student.add_offset(1)\nassert SEEN == 11"))
    second, pid_two = run(job("assert 'SEEN' not in globals(), 'state leaked from another job'"))
    assert first["passed"] and second["passed"], (first, second)
    assert pid_one != pid_two != os.getpid()


def test_a_call_the_kernel_cannot_answer_fails_the_test_and_is_reported(server):
    async def job():
        session = await client.JudgeSession.open(server)
        try:
            async def rpc(payload, seconds, which):
                raise RpcFailure("GraderKernelDied", "the kernel died", crashed=True)
            return await session.test("t", "student.add_offset(1)", rpc, 30)
        finally:
            await session.close()

    verdict = run(job())
    assert not verdict["passed"] and verdict["ename"] == "GraderKernelDied"
    assert [f.crashed for f in verdict["failures"]] == [True]


def test_a_hidden_test_that_runs_too_long_is_stopped(server):
    async def job():
        session = await client.JudgeSession.open(server)
        try:
            with pytest.raises(client.JudgeTimeout):
                await session.test("t", "while True:\n    pass", None, 2)
        finally:
            await session.close()
        return session.pid

    pid = run(job())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("the judge's child still runs")
