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
# A model that learns nothing and looks for the test labels where a hidden test used to keep them:
# in its callers' frames and among every tensor alive in its process.
LABEL_FINDER = """class LabelFinder(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        import gc, sys
        n, frame, found = len(x), sys._getframe(1), []
        while frame is not None:
            found += [v for v in frame.f_locals.values() if isinstance(v, torch.Tensor)]
            frame = frame.f_back
        found += [o for o in gc.get_objects() if isinstance(o, torch.Tensor)]
        for labels in found:
            if labels.dtype == torch.int64 and labels.dim() == 1 and len(labels) >= n and labels.numel() \\
                    and 0 <= int(labels.min()) and int(labels.max()) < 10:
                return F.one_hot(labels[:n].to(x.device), 10).float() * self.scale
        return torch.zeros(n, 10, device=x.device) * self.scale

return LabelFinder()"""


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
    cheat = notebooks.filled_release(release_nb, source_nb, {("competition_solution", 1): LABEL_FINDER,
                                                             ("competition_solution", 2): "pass"})
    submissions.write_submission(course, "reads-labels-from-its-callers", PS2, cheat)
    checkpoints["reads-labels-from-its-callers"] = None
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
def test_a_model_that_looks_for_the_labels_finds_none(graded):
    """The competition's test labels never enter the student's process: a model that searches its
    callers' frames and every live tensor for them predicts from the training labels at best."""
    course, results = graded
    r = results["reads-labels-from-its-callers"]
    assert r.status == "graded", r.message
    assert [r.tests[t] for t in TIERS] == [0, 0, 0]
    accuracy = leaderboard.measured_accuracy(notebooks.read(course.autograded_notebook(r.student, PS2)))
    assert accuracy is not None and accuracy < 0.3, f"a model that learned nothing measured {accuracy}"


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
