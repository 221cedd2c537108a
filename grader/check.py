"""`grader check ID`: the instructor's quality gate for one problem set.

In a throwaway copy of the course it releases the problem set, submits
- the source notebook itself, twice ("solution" and "solution-again"),
- the blank release ("blank"),
- every instructor-written wrong solution ("wrong-<name>"),
autogrades them all with nbgrader, and compares the scores with what each must get:
full autograded marks, identical scores on both solution runs, zero for the blank release,
and lost points for each wrong solution, in the tests it names.
"""

import tempfile
from dataclasses import dataclass

from grader import notebooks, release, submissions
from grader.autograde import grade_batch, sandbox_for_own_code
from grader.course import copy_course_skeleton


@dataclass
class Verdict:
    submission: str
    expectation: str
    ok: bool
    detail: str = ""


def _not_graded_reason(result):
    if result.status != "graded":
        return f"not graded: {result.status}: {result.message}"
    return None


def judge(results, points, wrongs):
    """Verdicts for the check's submissions. points: {grade_id: max points} of autograded tests."""
    verdicts = []
    solution, again, blank = results["solution"], results["solution-again"], results["blank"]
    problem = _not_graded_reason(solution)
    missed = [t for t, p in points.items() if solution.tests.get(t) != p]
    verdicts.append(Verdict("solution", "full autograded marks",
                            problem is None and not missed and solution.auto == solution.max_auto,
                            problem or f"{solution.auto:g}/{solution.max_auto:g}"
                            + (f"; lost: {', '.join(missed)}" if missed else "")))
    verdicts.append(Verdict("solution-again", "the same score in every test as the first run",
                            _not_graded_reason(again) is None and again.tests == solution.tests,
                            _not_graded_reason(again) or f"{again.auto:g}/{again.max_auto:g}"))
    verdicts.append(Verdict("blank", "zero autograded points",
                            _not_graded_reason(blank) is None and blank.auto == 0,
                            _not_graded_reason(blank) or f"{blank.auto:g}/{blank.max_auto:g}"))
    if not wrongs:
        verdicts.append(Verdict("wrong-*", "at least one wrong solution under tests/wrong_solutions",
                                False, "none found"))
    for w in wrongs:
        r = results[f"wrong-{w.name}"]
        problem = _not_graded_reason(r)
        unknown = [t for t in w.must_lose + w.must_keep if t not in points]
        kept = [t for t in w.must_lose if r.tests.get(t, 0.0) >= points.get(t, 0.0)]
        lost = [t for t in w.must_keep if r.tests.get(t, 0.0) < points.get(t, 0.0)]
        ok = problem is None and not unknown and not kept and not lost and r.auto < r.max_auto
        detail = problem or "; ".join(filter(None, [
            f"{r.auto:g}/{r.max_auto:g}",
            unknown and f"unknown test ids {unknown}",
            kept and f"kept the points of {kept}",
            lost and f"lost the points of {lost}",
        ]))
        verdicts.append(Verdict(f"wrong-{w.name}", f"loses points ({w.description})", ok, detail))
    return verdicts


def wrong_solutions(course, ps_id):
    return submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps_id))


def roster(source_nb, release_nb, wrongs):
    """{submission name: notebook}: what the gate grades (see the module's docstring)."""
    nbs = {"solution": source_nb, "solution-again": source_nb, "blank": submissions.blank(release_nb)}
    for w in wrongs:
        nbs[f"wrong-{w.name}"] = submissions.wrong(source_nb, release_nb, w)
    return nbs


def gate(course, ps_id, results, wrongs, *, smoke=True):
    """The gate's Verdicts, given the roster's results ({submission name: Result}) graded in
    `course`, which holds the source and the generated release of ps_id."""
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    problems = (release.leaks(source_nb, release_nb) + release.stubs(source_nb, release_nb)
                + release.unjudged(source_nb) + release.helpers_defined_later(source_nb))
    verdicts = [Verdict("release", "no leaked solutions, a stub for every solution, a hidden block in every test",
                        not problems, "; ".join(problems)), *judge_checks(source_nb, smoke)]
    points = {gid: p for gid, p, kind in notebooks.graded_cells(source_nb) if kind == "autograded"}
    return verdicts + judge(results, points, wrongs)


def check(course, ps_id, *, smoke=True, progress=True):
    """Runs the gate for one problem set in a throwaway copy of the course; returns its Verdicts."""
    wrongs = wrong_solutions(course, ps_id)  # from the course's tests/, which the copy lacks
    with tempfile.TemporaryDirectory(prefix=f"grader-check-{ps_id}-") as tmp:
        work = copy_course_skeleton(course, tmp, [ps_id])
        release.generate(work, ps_id)
        nbs = roster(notebooks.read(work.source_notebook(ps_id)), notebooks.read(work.release_notebook(ps_id)), wrongs)
        for name, nb in nbs.items():
            submissions.write_submission(work, name, ps_id, nb)
        results = {r.student: r for r in grade_batch(work, ps_id, smoke=smoke, progress=progress,
                                                      sandboxed=sandbox_for_own_code('grader check'))}
        return gate(work, ps_id, results, wrongs, smoke=smoke)


# What a notebook that solves nothing might answer to every call a hidden test makes.
DEGENERATE_ANSWERS = [None, 0, 0.0, float("nan"), True, "", [], (), {}, "numpy.zeros(0)", "torch.zeros(0)"]


def judge_checks(source_nb, smoke):
    """The judge's side of the gate, without any student: [setup verdict, vacuity verdict].

    - judge: the judge builds its namespaces from the notebook; every import and definition of
      the read-only cells must work there.
    - vacuous: every hidden test must fail when each call into the notebook answers something
      degenerate (None, 0, nan, an empty list or array, ...): a test that passes then checks
      nothing for some answers (a loop over an empty result, `all([])`, a comparison that NaN
      defeats), and a submission could aim its answers at the gap.
    """
    import asyncio
    import os

    import numpy
    import torch

    from grader.course import SMOKE_ENV
    from grader.judge import agent
    from grader.judge.client import JudgeServer, JudgeSession, JudgeTimeout, JudgeUnavailable
    from grader.prepare import judge_spec

    env = dict(os.environ, MPLBACKEND="Agg", **({SMOKE_ENV: "1"} if smoke else {}))
    setup = "the read-only cells' imports and definitions work in the judge"
    vacuous = "no hidden test passes when the notebook answers nothing useful"
    try:
        server = JudgeServer(judge_spec(source_nb, threads=1), env)
    except JudgeUnavailable as error:
        return [Verdict("judge", setup, False, str(error)), Verdict("vacuous", vacuous, False, str(error))]
    failed = [f"{line}: {why}" for line, why, definition in server.problems if definition]
    hidden = [(notebooks.grade_id(cell), notebooks.hidden_source(cell.source)) for cell in source_nb.cells
              if notebooks.is_autograded_test(cell) and notebooks.hidden_source(cell.source) is not None]
    answers = [{"numpy.zeros(0)": numpy.zeros(0), "torch.zeros(0)": torch.zeros(0)}.get(a, a) if isinstance(a, str)
               and a else a for a in DEGENERATE_ANSWERS]

    async def passing():
        found = []
        for grade_id, block in hidden:
            for answer, shown in zip(answers, DEGENERATE_ANSWERS):
                reply = agent.encode({"value": answer})

                async def rpc(payload, seconds, which, reply=reply):
                    return reply

                session = await JudgeSession.open(server)
                try:
                    verdict = await session.test(grade_id, block, rpc, 120)
                except JudgeTimeout:
                    continue
                finally:
                    await session.close()
                if verdict.get("passed"):
                    found.append(f"{grade_id} passes when every call answers {shown!r}")
        return found

    try:
        empty = asyncio.run(passing())
    finally:
        server.close()
    return [Verdict("judge", setup, not failed, "; ".join(failed)),
            Verdict("vacuous", vacuous, not empty, "; ".join(empty[:5]))]


def format_verdicts(ps_id, verdicts):
    width = max(len(v.submission) for v in verdicts)
    lines = [f"grader check {ps_id}"]
    for v in verdicts:
        lines.append(f"  {'PASS' if v.ok else 'FAIL'}  {v.submission:<{width}}  {v.expectation}"
                     + (f"  [{v.detail}]" if v.detail else ""))
    return "\n".join(lines)
