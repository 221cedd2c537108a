"""Makes what a student wrote or displayed inert before any instructor's view reads it.

nbgrader's feedback pages and its formgrader render the autograded notebook as HTML in the
instructor's browser. A student who displays `HTML("<script>...")` or `Javascript(...)`, or writes
a markdown answer with `<img onerror=...>`, would otherwise run code there, in the instructor's
session. `neutralise` runs nbconvert's SanitizeHTML preprocessor (bleach) over the notebook's
student content, before the autograded copy is written:

- every output of every code cell: JavaScript, SVG and every other active or unknown type is
  removed; HTML and markdown are cleaned down to inert tags (tables stay tables); text, LaTeX,
  JSON, PNG and JPEG are kept as they are;
- every markdown and raw cell a student could edit (the instructor's locked cells are left alone:
  nbgrader restored them from the source).

Scores are not affected: they come from the test cells' error outputs, which are plain text.
"""

from bleach.sanitizer import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from nbconvert.preprocessors.sanitize import SanitizeHTML

from grader import notebooks

# Inert tags that keep a DataFrame's table or formatted text readable; no media, forms or frames.
EXTRA_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "p", "div", "span", "pre", "br",
              "hr", "h1", "h2", "h3", "h4", "h5", "h6", "sub", "sup", "del", "ins", "kbd", "samp", "var", "dl",
              "dt", "dd"}
ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}


def sanitizer():
    return SanitizeHTML(tags=sorted(set(ALLOWED_TAGS) | EXTRA_TAGS), attributes=ATTRIBUTES)


def neutralise(nb):
    """Cleans nb in place (see the module's docstring); returns it."""
    clean = sanitizer()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = clean.sanitize_code_outputs(cell.get("outputs", []))
        elif not notebooks.nbgrader_meta(cell).get("locked"):
            cell.source = clean.sanitize_html_tags(cell.source)
    return nb
