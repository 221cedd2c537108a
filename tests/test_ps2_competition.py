"""The ps2 competition is graded from the weights a student submits, on the grader's side.

End to end with nbgrader: the perfect notebook is submitted with a ps2_competition.pt next to it.
If the grader retrained instead of loading, the tiers would be earned; they must not be.
"""

import os

import pytest
import torch

from grader import leaderboard, notebooks, release, submissions
from grader.autograde import grade_batch
from tests.conftest import course_copy

PS2 = "ps2_cnn_resnet"
CHECKPOINT = "ps2_competition.pt"
TIERS = ["test_competition_tier1", "test_competition_tier2", "test_competition_tier3"]


def solution_namespace(source_nb):
    """The notebook's own model builders, as smoke mode defines them (the grader's mode here)."""
    saved = os.environ.get("DLCOURSE_SMOKE")
    os.environ["DLCOURSE_SMOKE"] = "1"
    try:
        return notebooks.run_cells(source_nb, ["setup", "models_solution", "training_solution", "fit",
                                               "resnet_solution", "competition_baseline", "competition_solution"])
    finally:
        if saved is None:
            del os.environ["DLCOURSE_SMOKE"]
        else:
            os.environ["DLCOURSE_SMOKE"] = saved


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("competition"), [PS2], wrong_solutions=False)
    release.generate(course, PS2)
    source_nb = notebooks.read(course.source_notebook(PS2))
    release_nb = notebooks.read(course.release_notebook(PS2))
    ns = solution_namespace(source_nb)
    torch.manual_seed(0)
    checkpoints = {
        "untrained-weights": ns["build_competition_model"]().state_dict(),
        "weights-of-another-model": ns["baseline_model"]().state_dict(),
    }
    for student, state in checkpoints.items():
        submissions.write_submission(course, student, PS2, submissions.perfect(source_nb, release_nb))
        torch.save(state, course.submitted_notebook(student, PS2).parent / CHECKPOINT)
    results = {r.student: r for r in grade_batch(course, PS2, list(checkpoints), smoke=True, progress=False)}
    return course, results


@pytest.mark.e2e
def test_submitted_weights_are_loaded_not_retrained(graded):
    course, results = graded
    r = results["untrained-weights"]
    assert r.status == "graded", r.message
    full = {gid: p for gid, p, kind in notebooks.graded_cells(notebooks.read(course.source_notebook(PS2)))
            if kind == "autograded"}
    assert [gid for gid in full if r.tests[gid] < full[gid]] == TIERS, "only the competition tiers may be lost"
    graded_nb = notebooks.read(course.autograded_notebook("untrained-weights", PS2))
    out = "".join(o.get("text", "") for o in notebooks.cells_by_grade_id(graded_nb)["competition_train_or_load"].outputs)
    assert "Loaded the weights saved in ps2_competition.pt" in out
    accuracy = leaderboard.measured_accuracy(graded_nb)
    assert accuracy is not None and accuracy < 0.3, f"an untrained model measured {accuracy}"


@pytest.mark.e2e
def test_weights_that_do_not_fit_the_model_get_a_clear_message_and_lose_only_the_competition(graded):
    course, results = graded
    r = results["weights-of-another-model"]
    assert r.status == "graded", r.message
    lost_points = sorted(gid for gid, score in r.tests.items() if score == 0 and gid.startswith("test_"))
    assert lost_points == sorted(["test_competition_checkpoint"] + TIERS)
    graded_nb = notebooks.read(course.autograded_notebook("weights-of-another-model", PS2))
    errors = [o for o in notebooks.cells_by_grade_id(graded_nb)["competition_train_or_load"].outputs
              if o.output_type == "error"]
    assert errors and "does not fit the model that build_competition_model() builds now" in errors[0].evalue
    assert leaderboard.measured_accuracy(graded_nb) is None
