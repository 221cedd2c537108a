"""A test cell's outputs, written so that nbgrader's scoring reads exactly the judge's verdict.

nbgrader scores an autograded test cell from its outputs (`nbgrader.utils.determine_grade`): no
points when an output is an error or goes to stderr; a fraction of the points when the first
execute_result holds a number; all the points otherwise. In the student's kernel all of these
can be produced by student code (a stub can publish an execute_result before it raises; a
thread can print to stderr), so the worker rewrites a test cell's outputs after the judge has
decided (`finalize`):

- what the kernel displayed stays, made inert for scoring: execute_result becomes display_data,
  stderr becomes stdout, and the kernel's error outputs are removed;
- what the judge's test printed is added (and kept in the cell's metadata, which the kernel
  cannot write, for tools that read a measured number, such as `grader leaderboard`);
- then exactly one error output when the test failed: the visible checks' error from the
  kernel if they failed (they can only cost points), otherwise the judge's.

A test cell earns its points when, and only when, the judge passed it and its visible checks
did not fail.
"""

import nbformat

METADATA_KEY = "dlcourse_judge"


def error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def visible_error(cell, reply_status):
    """(ename, evalue) when the visible checks failed in the kernel, else None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return str(output.get("ename", "Error"))[:200], str(output.get("evalue", ""))[:2000]
    if reply_status == "error":
        return "Error", "the visible checks of this cell failed"
    return None


def no_hidden_block(grade_id):
    return {"passed": False, "ename": "GraderTestError", "stdout": "", "failures": [],
            "evalue": f"{grade_id} has no hidden block, so nothing outside the student's kernel checked it; "
                      f"the instructor must add one (docs/authoring.md)"}


def finalize(cell, verdict, visible):
    """Rewrites a test cell's outputs and metadata from the verdict and the visible checks' error."""
    outputs = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error":
            continue
        if kind == "execute_result":
            output = nbformat.v4.new_output("display_data", data=output.get("data", {}),
                                            metadata=output.get("metadata", {}))
        elif kind == "stream" and output.get("name") != "stdout":
            output = nbformat.v4.new_output("stream", name="stdout", text=output.get("text", ""))
        outputs.append(output)
    printed = verdict.get("stdout") or ""
    if printed:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=printed))
    passed = bool(verdict.get("passed")) and visible is None
    if visible is not None:
        outputs.append(error_output(*visible))
    elif not verdict.get("passed"):
        outputs.append(error_output(str(verdict.get("ename") or "Error"), str(verdict.get("evalue") or "")))
    cell.outputs = outputs
    cell.metadata[METADATA_KEY] = {"passed": passed, "judge_passed": bool(verdict.get("passed")),
                                   "visible_passed": visible is None, "printed": printed}
    return passed


SELF_CHECK = "self_check"  # grade id of the notebook's last cell (docs/authoring.md)


def write_self_check(nb):
    """Replaces the self-check cell's output in a graded notebook by the grader's own account.

    The self-check, run in the student's kernel, can only know the visible checks; in a graded
    notebook the student reads it in the feedback next to the score, so there it says what the
    verdicts were, and its total is the autograded score.
    """
    cells = [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("nbgrader", {})
             .get("grade_id") == SELF_CHECK]
    if not cells:
        return
    lines, earned, total = [], 0.0, 0.0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        points = float(meta.get("points", 0))
        passed = bool(cell.metadata.get(METADATA_KEY, {}).get("passed"))
        earned += points if passed else 0.0
        total += points
        mark, note = ("ok", "passed") if passed else ("X", "FAILED: read the message under its cell")
        lines.append(f"{mark:>3}  {meta.get('grade_id', ''):<30} {points:>2g} pt  {note}")
    lines.append(f"\nGraded: {earned:g} of {total:g} autograded points, hidden tests included.")
    cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
