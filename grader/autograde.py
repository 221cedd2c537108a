"""`grader autograde ID`: grade every submitted/*/ID in parallel, each in a sandbox.

The coordinator (this process) prepares each submission with nbgrader's sanitizing steps
(grader/prepare.py), hands the jobs to Dask workers that execute them in sandboxed kernels
(grader/execute.py, grader/sandbox.py), and, as results come back, alone writes the gradebook
(nbgrader's SaveAutoGrades on the executed notebook), the autograded notebook, and a record of
the result. A submission that cannot be read, crashes its kernel or hangs costs only its own
grade: the batch goes on, and the student's row in the grades CSV says what went wrong.

Batches resume: a submission whose files, source notebook and mode are unchanged since it was
last graded is not graded again (`force=True` re-grades); its recorded result is reported.
"""

import csv
import itertools
import json
import os
import shutil
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field

import nbformat
import psutil
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning
from tqdm import tqdm

from grader import inert, notebooks, prepare, sandbox
from grader.execute import Limits, run_job
from grader.gradebook import course_config, course_id, submission_scores
from grader.judge import verdict as verdicts


@dataclass
class Result:
    student: str
    status: str  # "graded", "unreadable", "failed" or "timeout"
    message: str = ""
    seconds: float = 0.0
    auto: float = 0.0
    max_auto: float = 0.0
    manual_max: float = 0.0
    late_penalty: float = 0.0                     # nbgrader's late-submission plugin, as configured
    tests: dict = field(default_factory=dict)
    startup_seconds: float = 0.0
    isolation: str = ""
    judge_seconds: float = 0.0                    # spent on hidden tests (see grader/execute.py's Outcome)
    numpy_only_seconds: float = 0.0
    worker: str = ""                              # the Dask worker that graded it
    repairs: list = field(default_factory=list)   # what grader/repair.py changed, in words
    flags: list = field(default_factory=list)     # tampering seen: "where: what was found" (scores unaffected)
    visible_failures: list = field(default_factory=list)  # tests whose visible checks failed in the student's run


def default_workers():
    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)


def default_limits(course, workers):
    """Limits from nbgrader_config.py (Execute.timeout) and the machine's size."""
    limits = Limits()
    timeout = course_config(course).Execute.get("timeout")
    if timeout:
        limits.cell_timeout_s = float(timeout)
    limits.memory_bytes = int(min(limits.memory_bytes, psutil.virtual_memory().total * 0.8 / workers))
    limits.threads = max(1, (os.cpu_count() or 1) // workers)
    return limits


def _record_path(course, ps_id, student):
    return course.root / "grades" / ".results" / ps_id / f"{student}.json"


def _recorded(course, ps_id, student, key):
    """The recorded Result of an unchanged, already graded submission, or None."""
    path = _record_path(course, ps_id, student)
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if record.get("key") != key or submission_scores(course, ps_id, student) is None:
        return None
    return Result(**record["result"])


def _record(course, ps_id, result, key):
    path = _record_path(course, ps_id, result.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "result": asdict(result)}, indent=1))
    os.replace(tmp, path)  # atomic: a killed batch leaves the old record or the new one


def replies_path(course, ps_id, student):
    """Where grade_batch(record_replies=...) keeps a submission's replies to the judge."""
    return course.root / "grades" / ".replies" / ps_id / f"{student}.msgpack"


def _write_replies(course, ps_id, student, replies):
    import msgpack

    path = replies_path(course, ps_id, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgpack.packb(replies, use_bin_type=True))


def read_replies(course, ps_id, student):
    """{grade id: [[kernel, reply bytes], ...]} in call order, as the student's kernels answered
    the judge's calls during the last grading with record_replies; {} when none were kept."""
    import msgpack

    path = replies_path(course, ps_id, student)
    return msgpack.unpackb(path.read_bytes(), raw=False) if path.exists() else {}


def _open_submission(course, ps_id, student):
    """Creates the student and the submission in the gradebook, as nbgrader autograde does."""
    stamp = course.submitted_notebook(student, ps_id).parent / "timestamp.txt"
    with warnings.catch_warnings(), Gradebook(course.db_url, course_id(course)) as gb:
        # nbgrader's own update_or_create_submission trips a harmless SQLAlchemy autoflush warning.
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(student)
        timestamp = _timestamp(stamp)
        if timestamp is not None:
            gb.update_or_create_submission(ps_id, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(ps_id, student)


def _timestamp(stamp):
    """The submission time from timestamp.txt (nbgrader's format), or None: a link, a folder, a
    huge file or text that is no time counts as no timestamp."""
    if stamp.is_symlink() or not stamp.is_file() or stamp.stat().st_size > 200:
        return None
    try:
        return parse_utc(stamp.read_text(errors="replace").strip())
    except (ValueError, OverflowError, TypeError):
        return None


def _save(course, ps_id, student, executed_nb):
    """Writes the autograded folder, then the grades (nbgrader's SaveAutoGrades): a folder that
    cannot be written leaves the gradebook as it was."""
    dest = course.autograded_notebook(student, ps_id).parent
    if dest.exists():
        shutil.rmtree(dest)
    submitted = course.submitted_notebook(student, ps_id).parent

    def skipped(folder, names):  # notebooks are written below; links and special files are never copied
        return [n for n in names if n.endswith(".ipynb") or n == ".ipynb_checkpoints"
                or os.path.islink(os.path.join(folder, n))
                or not (os.path.isfile(os.path.join(folder, n)) or os.path.isdir(os.path.join(folder, n)))]

    shutil.copytree(submitted, dest, ignore=skipped)
    for name, data in prepare.side_files(course.source_notebook(ps_id).parent, f"{ps_id}.ipynb").items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(data)
    inert.neutralise(executed_nb)  # feedback and the formgrader render it in the instructor's browser
    notebooks.write(executed_nb, dest / f"{ps_id}.ipynb")
    # Only a graded submission reaches the gradebook: an unreadable or failed one leaves it as it was.
    _open_submission(course, ps_id, student)
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": ps_id, "notebook": ps_id,
                              "student": student}}
    config = course_config(course)  # as `nbgrader autograde` does: the course's settings, late penalties included
    SaveAutoGrades(config=config).preprocess(executed_nb, resources)
    AssignLatePenalties(config=config).preprocess(executed_nb, resources)


def _collect(course, ps_id, outcome, limits):
    """Turns a worker's Outcome into a Result, writing the gradebook and autograded folder."""
    if outcome.error:
        return Result(outcome.student, "failed", f"grading failed: {outcome.error}", outcome.seconds,
                      startup_seconds=outcome.startup_seconds, isolation=outcome.isolation)
    executed = nbformat.reads(outcome.notebook, as_version=4)
    _save(course, ps_id, outcome.student, executed)
    scores = submission_scores(course, ps_id, outcome.student)
    cells = [c for c in executed.cells if c.cell_type == "code"]
    visible_failures = [notebooks.grade_id(c) for c in cells if notebooks.is_autograded_test(c)
                        and c.metadata.get(verdicts.METADATA_KEY, {}).get("visible_passed") is False]
    not_run = [c for c in cells if any(o.get("ename") == "GraderCellNotRun" for o in c.get("outputs", []))]
    notes = [f"{_cell_name(executed, i)}: {why}" for i, why in outcome.crashes]
    flags = [f"{_cell_name(executed, i) if i is not None else 'notebook'}: {why}" for i, why in outcome.flags]
    if flags:
        notes.insert(0, f"INTEGRITY: tampering seen in the student's kernel ({flags[0]}); the scores are the "
                        f"grader's own verdicts")
    status = "graded"
    if not_run and "time limit" in not_run[0].outputs[0].evalue:
        status = "timeout"
        notes.append(f"the notebook ran longer than {limits.notebook_timeout_s:g} s; "
                     f"{len(not_run)} cells did not run and their tests score zero")
    elif not_run:
        notes.append(f"{len(not_run)} cells did not run (too many crashes)")
    if scores["late_penalty"]:
        notes.append(f"late: a penalty of {scores['late_penalty']:g} points (nbgrader's late-submission plugin)")
    return Result(outcome.student, status, "; ".join(notes), outcome.seconds, scores["auto"],
                  scores["max_auto"], scores["manual_max"], scores["late_penalty"], scores["tests"],
                  outcome.startup_seconds, outcome.isolation, worker=outcome.worker, flags=flags,
                  judge_seconds=outcome.judge_seconds, numpy_only_seconds=outcome.numpy_only_seconds,
                  visible_failures=visible_failures)


def _cell_name(nb, index):
    grade_id = notebooks.grade_id(nb.cells[index])
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


def _run_jobs(jobs, *, workers, scheduler, gpu, on_done, on_error):
    """Runs run_job on every job of the iterable jobs: in this process for one worker, else on a
    Dask cluster. Jobs are drawn from the iterable (prepared) only as workers are ready for them.
    A job that raises or whose worker dies is retried once (Dask's retries=1); then
    on_error(job, message) gets it, and the batch goes on."""
    jobs = iter(jobs)
    first = next(jobs, None)  # none to run (all unreadable or already graded): no cluster to start
    if first is None:
        return
    jobs = itertools.chain([first], jobs)
    if scheduler is None and workers <= 1:
        for job in jobs:
            try:
                on_done(run_job(job))
            except Exception as error:  # noqa: BLE001 - run_job reports the student's failures itself
                on_error(job, f"{type(error).__name__}: {error}")
        return
    import logging

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        # With --gpu, one worker per local GPU, each declaring it (run_job picks its device).
        gpus = {"n_workers": min(workers, local_gpu_count()), "resources": {"GPU": 1}} if gpu else {}
        cluster = LocalCluster(**{"n_workers": workers, "threads_per_worker": 1, "processes": True, "memory_limit": 0,
                                  "dashboard_address": None, "silence_logs": logging.ERROR, **gpus})
    client = Client(scheduler or cluster)
    # GPU runners are workers started with `--resources GPU=1`: jobs that need one go there.
    resources = {"GPU": 1} if gpu else None
    ahead = 2 * max(1, sum(client.nthreads().values()))  # jobs prepared ahead of the workers

    def submit(job):
        future = client.submit(run_job, job, key=f"grade-{job.ps_id}-{job.student}-{time.time_ns()}",
                               resources=resources, retries=1, pure=False)
        pending[future.key] = job
        return future

    try:
        pending = {}
        running = as_completed([submit(job) for job in itertools.islice(jobs, ahead)])
        for future in running:
            job = pending.pop(future.key)
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died twice, or a job that raised twice
                on_error(job, f"{type(error).__name__}: {error}")
            else:
                on_done(outcome)
            for job in jobs:  # one finished: prepare and send the next
                running.add(submit(job))
                break
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class NoSandbox(SystemExit):
    """Kernels cannot be sandboxed here, and the grader did not ask for --no-sandbox."""


NO_SANDBOX_WARNING = ("WARNING: --no-sandbox: student code runs with your own rights. It can read and change "
                      "your files, the gradebook and other students' grades, and leave processes behind. "
                      "Grade only code you trust this way.")


def require_sandbox(sandboxed):
    """Stops before grading when kernels cannot be sandboxed and the grader did not opt out."""
    problem = sandbox.isolation_problem() if sandboxed else None
    if problem:
        raise NoSandbox(f"cannot grade safely: {problem}.\nTo grade anyway, with student code running under "
                        f"your own user and rights, pass --no-sandbox.")


def sandbox_for_own_code(what):
    """For grading the pack's own notebooks (`grader check`, `grader demo`): the sandbox where
    there is one, else a loud note and none. Submissions from students always need one."""
    problem = sandbox.isolation_problem()
    if problem:
        print(f"NOTE: no sandbox on this machine ({problem}). {what} grades only notebooks the pack made "
              f"itself, so it goes on without one; `grader autograde` will refuse to grade students' work "
              f"until the sandbox works.", file=sys.stderr)
    return problem is None


def local_gpu_count():
    """The NVIDIA GPUs of this machine, as `nvidia-smi -L` lists them (0 without the tool)."""
    import subprocess
    try:
        listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 0
    return sum(line.startswith("GPU ") for line in listing.splitlines())


def grade_batch(course, ps_id, students=None, *, smoke=False, progress=True, workers=None,
                scheduler=None, gpu=False, force=False, limits=None, data_dir="", sandboxed=True,
                record_replies=()):
    """Grades the given students (default: every submitted one); returns their Results in order.

    workers: parallel kernels on this machine (default: one per core); scheduler: the address
    of an existing Dask cluster to use instead; gpu: jobs need a worker with a GPU resource;
    force: re-grade submissions already graded unchanged; sandboxed=False (--no-sandbox): run
    kernels without bubblewrap; otherwise grading stops (NoSandbox) where there is none;
    record_replies: students whose kernels' replies to the judge are kept (read_replies), for
    `grader check`, which replays the solution's replies to the hidden tests, damaged.
    """
    students = course.students(ps_id) if students is None else list(students)
    if not students:
        return []
    if not course.release_notebook(ps_id).exists():
        raise SystemExit(f"{ps_id} has not been released: run `grader release {ps_id}` first")
    workers = workers or default_workers()
    if gpu and scheduler is None and local_gpu_count() == 0:
        raise SystemExit("--gpu: this machine has no GPU (`nvidia-smi -L` lists none). Grade on a machine with "
                         "NVIDIA GPUs, or pass --scheduler with the address of a Dask cluster whose GPU workers "
                         "were started with `--resources GPU=1`.")
    limits = limits or default_limits(course, workers)
    limits.gpu = gpu
    limits.on_worker = scheduler is not None  # a cluster's machines: memory and threads are set where the job runs
    limits.sandbox = limits.sandbox and sandboxed
    if scheduler is None:  # a cluster's workers check for themselves (grader/execute.py's run_job)
        require_sandbox(limits.sandbox)
    source_nb = notebooks.read(course.source_notebook(ps_id))
    cells = notebooks.graded_cells(source_nb)
    max_auto = sum(points for _, points, kind in cells if kind == "autograded")
    release_nb = notebooks.read(course.release_notebook(ps_id))
    results, keys, repairs = {}, {}, {}
    bar = tqdm(total=len(students), desc=f"autograde {ps_id}", unit="nb", disable=not progress)

    def done(result):
        results[result.student] = result
        bar.set_postfix_str(result.student)
        bar.update()

    def prepared_jobs():
        """Each submission's job, prepared when a worker is ready for it; a submission that cannot be
        prepared gets its row here and costs nobody else anything."""
        for student in students:
            start = time.monotonic()
            try:
                job = _prepare(student, start)
            except prepare.Unreadable as error:
                done(Result(student, "unreadable", str(error), time.monotonic() - start))
                continue
            except Exception as error:  # noqa: BLE001 - any other damage: this row only
                done(Result(student, "unreadable", f"could not read the submission ({type(error).__name__}: "
                                                   f"{error})"[:300], time.monotonic() - start,
                            repairs=repairs.get(student, [])))
                continue
            if job is not None:
                yield job

    def _prepare(student, start):
        fixed, notes = prepare.load(course, ps_id, student, release_nb)
        keys[student] = prepare.submission_key(course, ps_id, student, smoke, limits, data_dir)
        recorded = None if force else _recorded(course, ps_id, student, keys[student])
        if recorded:
            done(recorded)
            return None
        repairs[student] = notes + fixed.log + fixed.unplaced
        job = prepare.make_job(course, ps_id, student, fixed.notebook, smoke=smoke, limits=limits,
                               data_dir=data_dir, source_nb=source_nb)
        job.record_replies = student in record_replies
        return job

    def on_done(outcome):
        try:
            result = _collect(course, ps_id, outcome, limits)
            result.repairs = repairs[outcome.student]
            if outcome.replies:
                _write_replies(course, ps_id, outcome.student, outcome.replies)
        except Exception as error:  # noqa: BLE001
            result = Result(outcome.student, "failed", f"could not record the grade: {error}"[:300],
                            outcome.seconds)
        if result.status in ("graded", "timeout"):
            _record(course, ps_id, result, keys[outcome.student])
        done(result)

    def on_error(job, message):
        done(Result(job.student, "failed", f"grading failed twice (the worker died or the job raised): "
                                           f"{message}"[:300], repairs=repairs.get(job.student, [])))

    sandbox.reap_orphans()  # sandboxes a killed batch left behind (see sandbox.orphans)
    _run_jobs(prepared_jobs(), workers=min(workers, len(students)), scheduler=scheduler, gpu=gpu,
              on_done=on_done, on_error=on_error)
    sandbox.reap_orphans()  # and those of a worker that died during this one
    bar.close()
    for result in results.values():
        result.max_auto = result.max_auto or max_auto  # an ungraded submission scores 0 out of the full total
    return [results[s] for s in students]


# The grades CSV's columns before one column per graded cell (its grade id: the points earned).
CSV_COLUMNS = ("student_id", "status", "autograded_score", "autograded_max", "late_penalty", "manual_points_pending",
               "seconds", "startup_seconds", "integrity_flags", "repairs", "message", "isolation", "visible_failures")


def write_csv(course, ps_id, results):
    """grades/<ID>.csv: one row per student, with a column per graded cell."""
    source_nb = notebooks.read(course.source_notebook(ps_id))
    cells = notebooks.graded_cells(source_nb)
    path = course.grades_csv(ps_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(CSV_COLUMNS) + [gid for gid, _, _ in cells])
        max_auto = sum(points for _, points, kind in cells if kind == "autograded")
        manual = sum(points for _, points, kind in cells if kind == "manual")
        for r in results:
            writer.writerow([r.student, r.status, f"{r.auto:g}", f"{max_auto:g}", f"{r.late_penalty:g}", f"{manual:g}",
                             f"{r.seconds:.1f}", f"{r.startup_seconds:.1f}", " | ".join(r.flags),
                             " | ".join(r.repairs), r.message, r.isolation, " ".join(r.visible_failures)]
                            + [f"{r.tests.get(gid, 0.0):g}" for gid, _, _ in cells])
    return path


def format_table(results):
    """A plain-text table of the batch, one line per student."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'status':<10}  {'score':>11}  {'time':>6}  note",
             "-" * (width + 45)]
    for r in results:
        score = f"{r.auto:g}/{r.max_auto:g}"
        note = r.message or (f"+{r.manual_max:g} pts to grade by hand" if r.manual_max else "")
        if r.repairs:
            note += f" [{len(r.repairs)} repairs: {r.repairs[0]}{' ...' if len(r.repairs) > 1 else ''}]"
        lines.append(f"{r.student:<{width}}  {r.status:<10}  {score:>11}  {r.seconds:5.1f}s  {note}")
    return "\n".join(lines)
