"""The `grader` command line (also `python -m grader`). Run it at the course root."""

import argparse
import os
import sys

from grader import __version__
from grader.course import PROBLEM_SETS, Course


def cmd_release(args):
    from grader import colab
    from grader.release import release

    course, failed = Course(args.root), False
    for ps_id in course.resolve_ids(args.ids):
        problems = release(course, ps_id, execute_release=not args.no_run)
        print(f"{ps_id}: {'released' if not problems else 'released with problems'} "
              f"-> {course.release_notebook(ps_id).relative_to(course.root)}")
        for problem in problems:
            print(f"  - {problem}")
        failed |= bool(problems)
    if colab.update_readme(course):
        print("README.md: the table of problem sets and their Colab badges was updated")
    return int(failed)


def cmd_check(args):
    from grader.check import check, format_verdicts

    course, failed = Course(args.root), False
    for ps_id in course.resolve_ids(args.ids):
        verdicts = check(course, ps_id, smoke=not args.full, only=args.only)
        print(format_verdicts(ps_id, verdicts))
        failed |= not all(v.ok for v in verdicts)
    return int(failed)


def cmd_autograde(args):
    from grader.autograde import NO_SANDBOX_WARNING, NoSandbox, format_table, grade_batch, write_csv

    course = Course(args.root)
    (ps_id,) = course.resolve_ids([args.id])
    students = args.student or None
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    try:
        results = grade_batch(course, ps_id, students, smoke=args.smoke, workers=args.workers,
                              scheduler=args.scheduler, gpu=args.gpu, force=args.force,
                              data_dir=args.data or os.environ.get("DLCOURSE_DATA", ""), sandboxed=not args.no_sandbox)
    except NoSandbox as error:
        print(error, file=sys.stderr)
        return 2
    if not results:
        print(f"no submissions found under submitted/*/{ps_id}")
        return 1
    path = write_csv(course, ps_id, results)
    print(format_table(results))
    isolation = sorted({r.isolation for r in results if r.isolation})
    print(f"\nsandbox: {'; '.join(isolation) or 'no notebook was executed'}")
    print(f"grades written to {path.relative_to(course.root)}")
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    return 0


def cmd_leaderboard(args):
    from grader.leaderboard import format_table, has_competition, leaderboard, namer

    course = Course(args.root)
    (ps_id,) = course.resolve_ids([args.id])
    if not has_competition(course, ps_id):
        print(f"{ps_id} has no competition")
        return 1
    entries, csv_path, png_path = leaderboard(course, ps_id, anonymous=args.anonymous)
    if not entries:
        print(f"no submissions found under submitted/*/{ps_id}")
        return 1
    print(format_table(entries, namer(course, args.anonymous)))
    print(f"\nleaderboard written to {csv_path.relative_to(course.root)} and {png_path.relative_to(course.root)}")
    return 0


def cmd_report(args):
    from grader.report import write_report

    course = Course(args.root)
    for ps_id in course.resolve_ids(args.ids):
        if not course.grades_csv(ps_id).exists():
            print(f"{ps_id}: not graded yet (run `grader autograde {ps_id}`)")
            continue
        path = write_report(course, ps_id)
        print(f"{ps_id}: report written to {path.relative_to(course.root)} (CSVs beside it)")
    return 0


def cmd_similarity(args):
    from grader.leaderboard import namer
    from grader.similarity import format_top, write

    course = Course(args.root)
    (ps_id,) = course.resolve_ids([args.id])
    if not course.students(ps_id):
        print(f"no submissions found under submitted/*/{ps_id}")
        return 1
    result, html_path, csv_path = write(course, ps_id, anonymous=args.anonymous, top=args.top)
    compared = sum(not s.note for s in result.submissions)
    print(f"{ps_id}: {compared} of {len(result.submissions)} submissions compared, {len(result.pairs)} pairs "
          f"(pairs to look at, not findings)")
    if result.pairs:
        print(format_top(result, namer(course, args.anonymous), args.top))
    print(f"\nwritten to {html_path.relative_to(course.root)} and {csv_path.relative_to(course.root)}")
    return 0


def cmd_export(args):
    from grader.course import run_nbgrader

    course = Course(args.root)
    dest = (course.root / args.to).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    extra = [f"--assignment={a}" for a in args.assignment or []]
    proc = run_nbgrader(course, ["export", "--exporter=grader.export.LmsExportPlugin", f"--to={dest}", *extra])
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
        return proc.returncode
    print(f"gradebook exported to {dest} (one row per student, one column per problem set)")
    return 0


def cmd_sandbox(args):
    from grader import cgroups, sandbox

    problem = sandbox.isolation_problem()
    if problem:
        print(f"no sandbox: {problem}")
        return 1
    print(f"sandbox: {sandbox.isolation()}")
    if cgroups.place() is None:
        print("no cgroup here: the worker watches each sandbox's memory instead. For cgroup limits as an "
              "ordinary user on a systemd machine, run the grader in a delegated scope: "
              "systemd-run --user --scope -p Delegate=yes grader autograde ...")
    return 0


def cmd_demo(args):
    from grader.demo import demo

    return demo(Course(args.root), smoke=not args.full)


def build_parser():
    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    parser.add_argument("--root", default=".", help="the course directory (default: current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    ids_help = f"problem set ids (default: every one that exists): {', '.join(PROBLEM_SETS)}"

    p = sub.add_parser("release", help="generate the release notebooks and check them")
    p.add_argument("ids", nargs="*", help=ids_help)
    p.add_argument("--no-run", action="store_true", help="skip running the release notebook")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("check", help="quality gate: solution and right solutions full marks, blank zero, "
                                     "wrong solutions lose points")
    p.add_argument("ids", nargs="*", help=ids_help)
    p.add_argument("--full", action="store_true", help="grade in full mode instead of smoke mode")
    p.add_argument("--only", action="append", metavar="PATTERN",
                   help="grade only the matching submissions: solution, blank, wrong-NAME, right-NAME; "
                        "shell patterns such as 'right-*' (repeatable)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("autograde", help="grade every submitted/*/ID in batch")
    p.add_argument("id", help="the problem set id")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--smoke", action="store_true", help="run the notebooks in smoke mode (short training)")
    p.add_argument("--workers", type=int, help="notebooks graded at once on this machine (default: one per core)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler to send the work to")
    p.add_argument("--gpu", action="store_true", help="run only on Dask workers that declare a GPU resource")
    p.add_argument("--force", action="store_true", help="re-grade submissions already graded unchanged")
    p.add_argument("--data", help="read-only folder of pre-downloaded datasets for full mode "
                                  "(default: $DLCOURSE_DATA)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="grade even where kernels cannot be sandboxed (no bubblewrap or no user namespaces): "
                        "student code then runs with your own rights; say so in the CSV's isolation column")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("leaderboard", help="rank the class by the competition accuracy measured in autograding")
    p.add_argument("id", help="the problem set id (one with a competition: ps2_cnn_resnet)")
    p.add_argument("--anonymous", action="store_true", help="show stable pseudonyms instead of student ids")
    p.set_defaults(func=cmd_leaderboard)

    p = sub.add_parser("report", help="HTML report and CSVs of a graded class (grades/ID-report/)")
    p.add_argument("ids", nargs="*", help=ids_help)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("similarity", help="pairs of submissions whose code overlaps, to look at "
                                          "(grades/ID-similarity/)")
    p.add_argument("id", help="the problem set id")
    p.add_argument("--anonymous", action="store_true", help="show stable pseudonyms instead of student ids")
    p.add_argument("--top", type=int, default=10, help="pairs printed and shown side by side (default: 10)")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("export", help="the gradebook as a CSV for a learning-management system")
    p.add_argument("--to", default="grades/lms.csv", help="the CSV to write (default: grades/lms.csv)")
    p.add_argument("--assignment", action="append", help="export only this problem set (repeatable)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("sandbox", help="say whether student kernels can be sandboxed here, and if not, why")
    p.set_defaults(func=cmd_sandbox)

    p = sub.add_parser("demo", help="release, a synthetic class, batch autograding and results")
    p.add_argument("--full", action="store_true", help="run the notebooks in full mode instead of smoke mode")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
