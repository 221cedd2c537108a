"""An nbgrader preprocessor for `nbgrader generate_feedback`: results without the hidden tests.

nbgrader's feedback is the autograded notebook as HTML, hidden tests included, and a failed
hidden assertion's traceback quotes the line that failed. nbgrader_config.py adds this
preprocessor to GenerateFeedback, so a student sees each test's points and its message
("AssertionError: add should broadcast"), never the hidden code. The autograded notebook that
instructors open in formgrader keeps everything.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from grader import notebooks

HIDDEN_NOTE = "# (hidden tests ran here; their result is below)"


class HideHiddenTests(NbGraderPreprocessor):
    """Removes hidden-test regions and shortens test tracebacks to their last line."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        hidden = notebooks.regions(cell.source, notebooks.BEGIN_HIDDEN, notebooks.END_HIDDEN)
        if hidden:
            lines = cell.source.split("\n")
            for begin, end, indent in reversed(hidden):
                lines[begin:end + 1] = [indent + HIDDEN_NOTE]
            cell.source = "\n".join(lines)
        if hidden or notebooks.is_autograded_test(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
