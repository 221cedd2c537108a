"""Solution regions: finding, stripping and replacing them; filling a release."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader import notebooks

CELL = """def f(x):
    ### BEGIN SOLUTION
    return x + 1
    ### END SOLUTION

def g(x):
    y = 2
    ### BEGIN SOLUTION
    return x * y
    ### END SOLUTION"""


def meta(gid, **flags):
    base = dict(grade=False, solution=False, locked=False, grade_id=gid, schema_version=3)
    base.update(flags)
    return {"nbgrader": base}


def test_regions_finds_each_region_with_its_indent():
    assert notebooks.regions(CELL) == [(1, 3, "    "), (7, 9, "    ")]


def test_region_lines_and_strip_markers():
    assert notebooks.region_lines(CELL) == ["    return x + 1", "    return x * y"]
    stripped = notebooks.strip_markers(CELL)
    assert "###" not in stripped and "return x * y" in stripped
    namespace = {}
    exec(stripped, namespace)
    assert namespace["f"](1) == 2 and namespace["g"](3) == 6


def test_replace_region_reindents_and_keeps_the_rest():
    replaced = notebooks.replace_region(CELL, 2, "return x - y\n")
    namespace = {}
    exec(notebooks.strip_markers(replaced), namespace)
    assert namespace["f"](1) == 2, "region 1 must be untouched"
    assert namespace["g"](3) == 1


def test_replace_region_rejects_a_missing_region():
    with pytest.raises(ValueError, match="no region 3"):
        notebooks.replace_region(CELL, 3, "pass")


def test_filled_release_puts_the_solution_into_the_release_cells():
    source = new_notebook(cells=[
        new_code_cell(CELL, metadata=meta("sol", solution=True)),
        new_markdown_cell("model answer", metadata=meta("answer", solution=True, grade=True, points=1)),
    ])
    release = new_notebook(cells=[
        new_code_cell("def f(x):\n    raise NotImplementedError()", metadata=meta("sol", solution=True)),
        new_markdown_cell("YOUR ANSWER HERE", metadata=meta("answer", solution=True, grade=True, points=1)),
    ])
    filled = notebooks.filled_release(release, source)
    assert filled.cells[0].source == notebooks.strip_markers(CELL)
    assert filled.cells[1].source == "model answer"
    assert release.cells[0].source.startswith("def f(x):\n    raise"), "the release must not change"
    wrong = notebooks.filled_release(release, source, {("sol", 1): "return 0"})
    assert "return 0" in wrong.cells[0].source and "return x * y" in wrong.cells[0].source
    with pytest.raises(ValueError, match="no such solution region"):
        notebooks.filled_release(release, source, {("sol", 5): "return 0"})


# What each notebook's introduction promises: autograded + graded by hand.
PROMISED_POINTS = {"ps1_pytorch_intro": (30, 4), "ps2_cnn_resnet": (44, 6), "ps3_conv1d_numpy": (33, 2),
                   "ps4_analytic": (36, 16)}


@pytest.mark.parametrize("ps_id", sorted(PROMISED_POINTS))
def test_points_add_up_to_what_the_introduction_promises(repo_course, ps_id):
    nb = notebooks.read(repo_course.source_notebook(ps_id))
    cells = notebooks.graded_cells(nb)
    auto = sum(p for _, p, kind in cells if kind == "autograded")
    manual = sum(p for _, p, kind in cells if kind == "manual")
    assert (auto, manual) == PROMISED_POINTS[ps_id]
    assert f"{auto:g} autograded + {manual:g} graded by hand" in nb.cells[0].source
    assert len({gid for gid, _, _ in cells}) == len(cells), "grade ids must be unique"


def test_source_notebooks_are_valid_and_have_no_outputs(repo_course):
    for ps in repo_course.existing_problem_sets():
        nb = notebooks.read(repo_course.source_notebook(ps))
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{ps}: outputs stored"


def test_run_cells_executes_solution_code():
    nb = new_notebook(cells=[new_code_cell(CELL, metadata=meta("sol", solution=True))])
    assert notebooks.run_cells(nb, ["sol"])["g"](2) == 4
    with pytest.raises(KeyError):
        notebooks.run_cells(nb, ["missing"])


# What Google Colab preinstalls, among the third-party packages the notebooks may use
# ("google" is google.colab, which the setup cells only try to import, to detect Colab).
COLAB_PACKAGES = {"numpy", "torch", "torchvision", "matplotlib", "sklearn", "tqdm", "scipy", "pandas", "google"}


def imported_modules(nb):
    import ast

    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_release_notebooks_import_only_what_colab_has(repo_course):
    """Students run the release with no clone of this repository and no pip install."""
    import sys

    for ps in repo_course.existing_problem_sets():
        outside = imported_modules(notebooks.read(repo_course.release_notebook(ps))) - COLAB_PACKAGES - set(sys.stdlib_module_names)
        assert not outside, f"{ps} imports {sorted(outside)}, which Colab does not preinstall"
