"""`grader check ID`: the instructor's quality gate for one problem set.

In a throwaway copy of the course it releases the problem set, submits
- the source notebook itself, twice ("solution" and "solution-again"),
- the blank release ("blank"),
- every instructor-written wrong solution ("wrong-<name>", tests/wrong_solutions/<ID>/),
- every instructor-written right solution ("right-<name>", tests/right_solutions/<ID>/): other
  correct ways to meet the stubs' contracts,
autogrades them all, and compares the scores with what each must get: full autograded marks for
the solution and every right solution, identical scores on both solution runs, zero for the
blank release, and for each wrong solution lost points in the tests it names, with the visible
checks it names failing in the student's own run. Then, without any student, the judge's side:
every hidden test must fail when the notebook answers something degenerate
(grader/degenerate.py): the same flat answer to every call, or the solution's own replies with
one of them damaged.
"""

import fnmatch
import tempfile
from dataclasses import dataclass

from grader import degenerate, notebooks, release, submissions
from grader.autograde import grade_batch, read_replies, sandbox_for_own_code
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


def _lost(tests, messages):
    """Lost tests, named with the message each failed with (when the autograded notebook is at hand)."""
    return ", ".join(f"{t} ({messages[t]})" if t in messages else t for t in tests)


def _full_marks(name, expectation, result, points, messages):
    problem = _not_graded_reason(result)
    missed = [t for t, p in points.items() if result.tests.get(t) != p]
    return Verdict(name, expectation, problem is None and not missed and result.auto == result.max_auto,
                   problem or f"{result.auto:g}/{result.max_auto:g}"
                   + (f"; lost: {_lost(missed, messages.get(name, {}))}" if missed else ""))


def failure_messages(course, ps_id, student):
    """{grade id: the first line of its error} of each test the student's autograded notebook failed."""
    from grader.judge.verdict import METADATA_KEY
    from grader.report import failure_message

    path = course.autograded_notebook(student, ps_id)
    if not path.exists():
        return {}
    return {notebooks.grade_id(c): failure_message(c) for c in notebooks.read(path).cells
            if notebooks.is_autograded_test(c) and not c.metadata.get(METADATA_KEY, {}).get("passed")}


def judge(results, points, wrongs, rights=(), messages=None):
    """Verdicts for the check's submissions. points: {grade_id: max points} of autograded tests;
    messages: {submission: {grade id: failure message}}, shown with unexpected losses. A
    submission missing from results (not graded: `--only`) gets no verdict."""
    verdicts, messages = [], messages or {}
    if "solution" in results:
        verdicts.append(_full_marks("solution", "full autograded marks", results["solution"], points, messages))
        if "solution-again" in results:
            solution, again = results["solution"], results["solution-again"]
            verdicts.append(Verdict("solution-again", "the same score in every test as the first run",
                                    _not_graded_reason(again) is None and again.tests == solution.tests,
                                    _not_graded_reason(again) or f"{again.auto:g}/{again.max_auto:g}"))
        for kind, variants in (("wrong", wrongs), ("right", rights)):
            if not variants:
                verdicts.append(Verdict(f"{kind}-*", f"at least one {kind} solution under tests/{kind}_solutions",
                                        False, "none found"))
    if "blank" in results:
        blank = results["blank"]
        verdicts.append(Verdict("blank", "zero autograded points",
                                _not_graded_reason(blank) is None and blank.auto == 0,
                                _not_graded_reason(blank) or f"{blank.auto:g}/{blank.max_auto:g}"))
    for r in rights:
        if f"right-{r.name}" in results:
            verdicts.append(_full_marks(f"right-{r.name}", f"full autograded marks ({r.description})",
                                        results[f"right-{r.name}"], points, messages))
    for w in wrongs:
        if f"wrong-{w.name}" not in results:
            continue
        r = results[f"wrong-{w.name}"]
        problem = _not_graded_reason(r)
        unknown = [t for t in w.must_lose + w.must_keep + w.visible_fails if t not in points]
        kept = [t for t in w.must_lose if r.tests.get(t, 0.0) >= points.get(t, 0.0)]
        lost = [t for t in w.must_keep if r.tests.get(t, 0.0) < points.get(t, 0.0)]
        unseen = [t for t in w.visible_fails if t not in r.visible_failures]
        ok = problem is None and not unknown and not kept and not lost and not unseen and r.auto < r.max_auto
        detail = problem or "; ".join(filter(None, [
            f"{r.auto:g}/{r.max_auto:g}",
            unknown and f"unknown test ids {unknown}",
            kept and f"kept the points of {kept}",
            lost and f"lost the points of [{_lost(lost, messages.get(f'wrong-{w.name}', {}))}]",
            unseen and f"the visible checks of {unseen} passed in the student's run: the student would not see the bug",
        ]))
        verdicts.append(Verdict(f"wrong-{w.name}", f"loses points ({w.description})", ok, detail))
    return verdicts


def wrong_solutions(course, ps_id):
    return submissions.load_wrong_solutions(submissions.wrong_solutions_dir(course, ps_id))


def right_solutions(course, ps_id):
    return submissions.load_right_solutions(submissions.right_solutions_dir(course, ps_id))


def roster(source_nb, release_nb, wrongs, rights=()):
    """{submission name: notebook}: what the gate grades (see the module's docstring)."""
    nbs = {"solution": source_nb, "solution-again": source_nb, "blank": submissions.blank(release_nb)}
    for w in wrongs:
        nbs[f"wrong-{w.name}"] = submissions.variant(source_nb, release_nb, w)
    for r in rights:
        nbs[f"right-{r.name}"] = submissions.variant(source_nb, release_nb, r)
    return nbs


def gate(course, ps_id, results, wrongs, rights=(), *, smoke=True, replies=None, judge_side=True,
         messages=None):
    """The gate's Verdicts, given the roster's results ({submission name: Result}) graded in
    `course`, which holds the source and the generated release of ps_id. replies: the solution's
    recorded replies to the judge ({grade id: [[kernel, bytes]]}, grade_batch's record_replies),
    for the damaged-replies check; judge_side=False leaves out the checks that need no student
    (judge_checks, which a caller may run apart); messages: {submission name: {grade id: failure
    message}}, by default read from the autograded notebooks of `course`."""
    source_nb = notebooks.read(course.source_notebook(ps_id))
    release_nb = notebooks.read(course.release_notebook(ps_id))
    problems = (release.leaks(source_nb, release_nb) + release.stubs(source_nb, release_nb)
                + release.unjudged(source_nb) + release.helpers_defined_later(source_nb))
    verdicts = [Verdict("release", "no leaked solutions, a stub for every solution, a hidden block in every test",
                        not problems, "; ".join(problems))]
    if judge_side:
        verdicts += judge_checks(source_nb, smoke, replies)
    points = {gid: p for gid, p, kind in notebooks.graded_cells(source_nb) if kind == "autograded"}
    if messages is None:
        messages = {name: failure_messages(course, ps_id, name) for name in results}
    return verdicts + judge(results, points, wrongs, rights, messages)


def check(course, ps_id, *, smoke=True, progress=True, only=None):
    """Runs the gate for one problem set in a throwaway copy of the course; returns its Verdicts.

    only: shell-style patterns (`right-*`, `wrong-dx-*`) that cut the roster down to the matching
    submissions; the judge's checks, which need the solution's replies, run when "solution" is
    among them."""
    wrongs = wrong_solutions(course, ps_id)  # from the course's tests/, which the copy lacks
    rights = right_solutions(course, ps_id)
    with tempfile.TemporaryDirectory(prefix=f"grader-check-{ps_id}-") as tmp:
        work = copy_course_skeleton(course, tmp, [ps_id])
        release.generate(work, ps_id)
        nbs = roster(notebooks.read(work.source_notebook(ps_id)), notebooks.read(work.release_notebook(ps_id)),
                     wrongs, rights)
        if only:
            nbs = {name: nb for name, nb in nbs.items() if any(fnmatch.fnmatchcase(name, p) for p in only)}
            wrongs = [w for w in wrongs if f"wrong-{w.name}" in nbs]
            rights = [r for r in rights if f"right-{r.name}" in nbs]
        for name, nb in nbs.items():
            submissions.write_submission(work, name, ps_id, nb)
        results = {r.student: r for r in grade_batch(work, ps_id, list(nbs), smoke=smoke, progress=progress,
                                                      sandboxed=sandbox_for_own_code('grader check'),
                                                      record_replies=("solution",))}
        graded_solution = "solution" in results
        return gate(work, ps_id, results, wrongs, rights, smoke=smoke, judge_side=graded_solution,
                    replies=read_replies(work, ps_id, "solution") if graded_solution else None)


def judge_checks(source_nb, smoke, replies=None):
    """The judge's side of the gate, without any student: [judge, vacuous, damaged] verdicts.

    - judge: the judge builds its namespaces from the notebook; every import and definition of
      the read-only cells must work there.
    - vacuous: every hidden test must fail when each call into the notebook answers the same
      degenerate value (None, 0, nan, an empty list or array, ...: degenerate.FLAT).
    - damaged: with the solution's recorded replies (replies: {grade id: [[kernel, bytes]]}),
      each hidden test that calls the notebook must pass when they are replayed as they were,
      and fail when one of them is damaged (degenerate.reply_mutants): a nested container
      emptied or cut short, every number replaced by 0, NaN or a huge value. Without replies
      this verdict fails: the gate cannot tell.
    """
    import asyncio
    import os

    from grader.course import SMOKE_ENV
    from grader.judge.client import JudgeServer, JudgeSession, JudgeTimeout, JudgeUnavailable, RpcFailure
    from grader.prepare import judge_spec

    env = dict(os.environ, MPLBACKEND="Agg", **({SMOKE_ENV: "1"} if smoke else {}))
    setup = "the read-only cells' imports and definitions work in the judge"
    vacuous = "no hidden test passes when the notebook answers nothing useful"
    damaged = "every hidden test passes on the solution's replies and fails when one is damaged"
    try:
        server = JudgeServer(judge_spec(source_nb, threads=1), env)
    except JudgeUnavailable as error:
        return [Verdict(name, what, False, str(error))
                for name, what in (("judge", setup), ("vacuous", vacuous), ("damaged", damaged))]
    failed = [f"{line}: {why}" for line, why, definition in server.problems if definition]
    hidden = [(notebooks.grade_id(cell), notebooks.hidden_source(cell.source)) for cell in source_nb.cells
              if notebooks.is_autograded_test(cell) and notebooks.hidden_source(cell.source) is not None]

    async def outcome(grade_id, block, answer):
        """The verdict of the hidden block when its n-th call is answered by answer(n) (reply bytes,
        or None: no answer); None when it ran out of time."""
        calls = [0]

        async def rpc(payload, seconds, which):
            data = answer(calls[0])
            calls[0] += 1
            if data is None:
                raise RpcFailure("GraderReplayError", "the test made more calls than the solution answered")
            return data

        session = await JudgeSession.open(server)
        try:
            return await session.test(grade_id, block, rpc, 120)
        except JudgeTimeout:
            return None
        finally:
            await session.close()

    def replay(sequence):
        return lambda n: sequence[n][1] if n < len(sequence) else None

    async def all_of(jobs):
        """[(grade id, what, its verdict or None)] of jobs [(grade id, what, answer)], a few at a time
        (the judge forks a child per session)."""
        gate = asyncio.Semaphore(max(1, min(4, os.cpu_count() or 1)))

        async def one(grade_id, what, answer):
            async with gate:
                return grade_id, what, await outcome(grade_id, blocks[grade_id], answer)
        return await asyncio.gather(*(one(*job) for job in jobs))

    blocks = dict(hidden)

    async def flat():
        jobs = [(grade_id, shown, lambda n, data=data: data) for grade_id, _ in hidden
                for shown, data in degenerate.flat_answers()]
        return [f"{grade_id} passes when every call answers {shown}"
                for grade_id, shown, verdict in await all_of(jobs) if verdict and verdict.get("passed")]

    async def deep():
        recorded = {grade_id: (replies or {}).get(grade_id) for grade_id, _ in hidden}
        recorded = {grade_id: r for grade_id, r in recorded.items() if r}  # tests that call the notebook
        found, replayable = [], []
        for grade_id, _, baseline in await all_of([(g, None, replay(r)) for g, r in recorded.items()]):
            if baseline and baseline.get("passed"):
                replayable.append(grade_id)
                continue
            why = "it ran out of time" if not baseline else f"{baseline.get('ename')}: {baseline.get('evalue')}"
            found.append(f"{grade_id} fails on the solution's own replies, replayed ({why}): its verdict "
                         f"depends on more than what the notebook answers")
        jobs = []
        for grade_id in replayable:
            damaged, total = degenerate.reply_mutants(recorded[grade_id])
            jobs += [(grade_id, label, replay(sequence)) for label, sequence in damaged]
            if total > len(damaged):
                sampled.append(f"{grade_id}: {len(damaged)} of {total}")
        return found + [f"{grade_id} passes when {label}"
                        for grade_id, label, verdict in await all_of(jobs) if verdict and verdict.get("passed")]

    sampled = []  # tests with more damaged answers than degenerate.MAX_PER_TEST: a spread of them is tried

    try:
        empty = asyncio.run(flat())
        broken = asyncio.run(deep()) if replies is not None else ["the solution's replies were not recorded"]
    finally:
        server.close()
    more = f" (and {len(broken) - 20} more)" if len(broken) > 20 else ""
    if sampled:
        more += f"{'; ' if broken else ''}damaged answers tried, a spread of them where there were many: " + ", ".join(sampled)
    return [Verdict("judge", setup, not failed, "; ".join(failed)),
            Verdict("vacuous", vacuous, not empty, "; ".join(empty[:5])),
            Verdict("damaged", damaged, not broken, "; ".join(broken[:20]) + more)]


def format_verdicts(ps_id, verdicts):
    width = max(len(v.submission) for v in verdicts)
    lines = [f"grader check {ps_id}"]
    for v in verdicts:
        lines.append(f"  {'PASS' if v.ok else 'FAIL'}  {v.submission:<{width}}  {v.expectation}"
                     + (f"  [{v.detail}]" if v.detail else ""))
    return "\n".join(lines)
