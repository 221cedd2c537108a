"""grader/inert.py: student content is made inert; the instructor's cells and plain outputs are not touched."""

import nbformat

from grader import inert


def _nb():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("display(...)")
    code.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": "<b>ok</b><script>alert(1)</script>",
                                                "text/plain": "<IPython.core.display.HTML object>"}),
        nbformat.v4.new_output("display_data", {"application/javascript": "alert(2)"}),
        nbformat.v4.new_output("display_data", {"image/svg+xml": "<svg><script>alert(3)</script></svg>",
                                                "image/png": "iVBORw0KGgo="}),
        nbformat.v4.new_output("execute_result", {"text/html": "<table><tr><td onclick='alert(4)'>1</td></tr></table>"},
                               execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="<script>printed text stays text</script>"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="<b>x</b>", traceback=[]),
    ]
    answer = nbformat.v4.new_markdown_cell("Because <img src=x onerror=alert(5)> squares are positive.")
    answer.metadata = {"nbgrader": {"grade_id": "why", "solution": True, "grade": True, "locked": False}}
    instructor = nbformat.v4.new_markdown_cell('<details><summary onclick="x()">Hint</summary></details>')
    instructor.metadata = {"nbgrader": {"grade_id": "hint", "locked": True}}
    nb.cells = [code, answer, instructor]
    return nb


def test_active_outputs_are_removed_or_cleaned():
    nb = inert.neutralise(_nb())
    html, js, svg, table, stream, error = nb.cells[0].outputs
    assert "<script>" not in html.data["text/html"] and "<b>ok</b>" in html.data["text/html"]
    assert html.data["text/plain"] == "<IPython.core.display.HTML object>"
    assert dict(js.data) == {}
    assert set(svg.data) == {"image/png"}
    assert "<table>" in table.data["text/html"] and "onclick" not in table.data["text/html"]
    assert stream.text == "<script>printed text stays text</script>"  # rendered as text, escaped by nbconvert
    assert error.evalue == "<b>x</b>"


def test_a_students_markdown_is_cleaned_and_the_instructors_kept():
    nb = inert.neutralise(_nb())
    answer, instructor = nb.cells[1].source, nb.cells[2].source
    assert "<img" not in answer and "squares are positive" in answer
    assert instructor == '<details><summary onclick="x()">Hint</summary></details>'
