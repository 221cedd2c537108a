"""grader/degenerate.py: the damaged answers `grader check` replays to every hidden test."""

import math

import numpy as np
import torch

from grader import degenerate
from grader.judge import agent, wire


def labels(value):
    return [label for label, _ in degenerate.value_mutants(value)]


def mutant(value, label):
    return dict(degenerate.value_mutants(value))[label]


def test_each_nested_container_is_emptied_and_cut_short_alone():
    value = ([0.5, 0.25], {"w": np.ones(3), "b": torch.ones(2)})
    assert mutant(value, "the answer[0] emptied") == ([], value[1])
    assert mutant(value, "the answer[0] with its last element dropped") == ([0.5], value[1])
    emptied = mutant(value, "the answer[1]['w'] emptied")
    assert emptied[0] == [0.5, 0.25] and emptied[1]["w"].shape == (0,) and torch.equal(emptied[1]["b"], torch.ones(2))
    assert list(mutant(value, "the answer[1] with its last element dropped")[1]) == ["w"]
    assert mutant(value, "the answer emptied") == ()


def test_every_number_is_replaced_by_zero_nan_and_a_huge_value():
    value = {"count": 3, "loss": 0.5, "grad": np.array([1.0, -2.0]), "labels": np.array([1, 2]), "ok": True,
             "name": "x", "w": torch.tensor([1.5], dtype=torch.float32)}
    zero = mutant(value, "every number in the answer replaced by 0")
    assert zero["count"] == 0 and zero["loss"] == 0.0 and not zero["grad"].any() and zero["ok"] is True
    nan = mutant(value, "every number in the answer replaced by NaN")
    assert math.isnan(nan["loss"]) and np.isnan(nan["grad"]).all() and np.isnan(nan["labels"]).all()
    assert torch.isnan(nan["w"]).all() and nan["w"].dtype == torch.float32 and nan["name"] == "x"
    huge = mutant(value, "every number in the answer replaced by a huge value")
    assert huge["loss"] == degenerate.HUGE and huge["count"] > 2**60


def test_each_part_of_a_record_is_damaged_alone_and_a_lists_ends_stand_for_it():
    value = (1.0, 2, True, [0.5, 0.25, 0.125, 0.0625], {"a": np.ones(2), "b": 3.0})
    found = labels(value)
    for part in ("[0]", "[1]", "[4]['a']", "[4]['b']"):
        assert f"the answer{part} replaced by NaN" in found, part
    assert "the answer[2] flipped" in found and mutant(value, "the answer[2] flipped")[2] is False
    assert "the answer[3][0] replaced by NaN" in found and "the answer[3][3] replaced by NaN" in found
    assert "the answer[3][1] replaced by NaN" not in found, "a list's middle elements are like its ends"
    assert mutant(value, "the answer replaced by None") is None


def test_a_map_keeps_one_answer_per_case_and_damages_each():
    # student.map's reply: the grader, not the student, fixes its length; each case's answer is damaged alike
    value = [(True, np.ones(3)), (False, ("ValueError", "bad case")), (True, np.ones(2))]
    for label, damaged in degenerate.value_mutants(value):
        assert len(damaged) == 3 and damaged[1] == value[1], label
    dropped = mutant(value, "the answer with its last element dropped")
    assert dropped[0][1].shape == (2,) and dropped[2][1].shape == (1,)


def test_a_damage_that_changes_nothing_is_left_out():
    assert "every number in the answer replaced by 0" not in labels([0.0, 0])
    assert "the answer emptied" not in labels([])


def test_replies_of_one_structure_are_damaged_together_and_each_structure_alone():
    first = agent.encode({"value": [1.0, 2.0]})
    second = agent.encode({"value": [3.0, 4.0, 5.0]})   # the same structure: one call in a loop over cases
    third = agent.encode({"value": {"a": 1.0}})
    replies = [["main", first], ["main", second], ["numpy", third]]
    damaged, total = degenerate.reply_mutants(replies)
    found = dict(damaged)
    assert total == len(damaged)
    assert {label.split(":")[0] for label in found} == {"calls 1, 2", "call 3"}
    dropped = found["calls 1, 2: the answer with its last element dropped"]
    assert [wire.decode(data)["value"] for _, data in dropped[:2]] == [[1.0], [3.0, 4.0]]
    assert dropped[2] == replies[2] and [kernel for kernel, _ in dropped] == ["main", "main", "numpy"]
    assert wire.decode(found["call 3: every number in the answer replaced by NaN"][2][1])["value"]["a"] != 1.0


def test_the_cases_of_a_map_may_all_become_errors_and_a_limit_is_reported():
    replies = [["main", agent.encode({"value": [(True, 1.0), (True, 2.0)]})]]
    damaged, _ = degenerate.reply_mutants(replies)
    errors = dict(damaged)["call 1: every case an error"]
    assert all(entry[0] is False for entry in wire.decode(errors[0][1])["value"])
    record = {f"k{i}": float(i) for i in range(60)}   # a large record: a spread of its parts is damaged
    labels_of_record = [label for label, _ in degenerate.reply_mutants([["main", agent.encode({"value": record})]])[0]]
    parts = sorted({label.split("'")[1] for label in labels_of_record if "replaced by NaN" in label and "'" in label})
    assert len(parts) == degenerate.RECORD_SAMPLE and "k0" in parts and "k59" in parts
    many = [(i, float(i)) for i in range(40)]   # a list of 40 records: more damages than the limit
    some, total = degenerate.reply_mutants([["main", agent.encode({"value": tuple(x for pair in many for x in pair)})]], limit=10)
    assert len(some) == 10 and total > 10 and some[0][0] != some[-1][0]


def test_flat_answers_are_replies_the_judge_reads():
    decoded = [wire.decode(data)["value"] for _, data in degenerate.flat_answers()]
    assert decoded[0] is None and [] in decoded and any(isinstance(v, np.ndarray) and v.size == 0 for v in decoded)
