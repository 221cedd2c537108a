"""Degenerate answers: what a notebook that solves nothing, or solves it only in form, might send
back to a hidden test. `grader check` requires every hidden test to fail on each of them.

Two families:

- flat: every call into the notebook answers the same value: None, 0, NaN, an empty list or an
  empty array, ... (`FLAT`);
- deep: the solution's own replies, recorded while the gate graded the source notebook, damaged
  in one way (`reply_mutants`): one nested container emptied, or its last element dropped; one
  part of a record (a tuple or dict) replaced by NaN, or flipped if it is True or False; every
  number in the answer replaced by 0, by NaN or by a huge value; the whole answer replaced by
  None; each case of a `student.map` turned into an error. Replies of the same structure (the
  same call in a loop over cases, the cases of a `student.map`) are damaged together, as the
  parts of one answer. A list's elements are taken to be alike (only the first and the last are
  damaged); a record's parts are each damaged.

A hidden test that passes on one of them checks nothing about that part of the answer: a loop or
`all()` over a list whose length the student's code chose, a `zip` that stops at the shorter
list, a comparison that NaN defeats, a part of the answer the test never reads. A submission
could aim its answers at such a gap.

Runs in the grader (the judge's side of the gate); decodes replies with grader/judge/wire.py and
packs damaged ones with the kernel's own encoder, so that the judge reads them exactly as it reads
a kernel's.
"""

import math

import numpy as np
import torch

from grader.judge import agent, wire

# What a notebook that solves nothing might answer to every call a hidden test makes.
FLAT = [None, 0, 0.0, float("nan"), True, "", [], (), {}, "numpy.zeros(0)", "torch.zeros(0)"]
HUGE = 1e30
MAX_PER_TEST = 80    # damaged replies tried per hidden test, spread over all (judge_checks says how many)
RECORD_SAMPLE = 6    # parts of a larger tuple or dict (a state_dict) that are damaged one by one


def flat_answers():
    """[(label, reply bytes)]: each FLAT answer, as a kernel would send it for any call."""
    built = {"numpy.zeros(0)": np.zeros(0), "torch.zeros(0)": torch.zeros(0)}
    return [(repr(a), agent.encode({"value": built.get(a, a) if isinstance(a, str) and a else a})) for a in FLAT]


# --- the structure of a reply ------------------------------------------------------------------------

def _is_map_reply(value):
    """student.map's reply: one (True, answer) or (False, (ename, message)) per case."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(e, tuple) and len(e) == 2 and type(e[0]) is bool for e in value)


def _answers(value):
    """The answers a reply holds: each successful case of a map, or the one value of any other call."""
    if _is_map_reply(value):
        return [e[1] for e in value if e[0] is True]
    return [value]


def _rebuild(value, answer_fn):
    """The reply with answer_fn applied to each of its answers (see _answers)."""
    if _is_map_reply(value):
        return [(True, answer_fn(e[1])) if e[0] is True else e for e in value]
    return answer_fn(value)


def _is_array(x):
    return isinstance(x, (np.ndarray, torch.Tensor)) and x.ndim >= 1


def _children(x):
    if isinstance(x, dict):
        return list(x.items())
    if isinstance(x, (list, tuple)):
        return list(enumerate(x))
    return []


def _paths(x, path=()):
    """(path, node) for x and every node below it, path being the keys from x. Every part of a
    small record (a tuple or a dict) is followed; of a list, whose elements are alike, only the
    first and the last; of a large record (a state_dict), RECORD_SAMPLE parts spread over it."""
    yield path, x
    children = _children(x)
    if isinstance(x, list) and len(children) > 2:
        children = [children[0], children[-1]]
    elif len(children) > RECORD_SAMPLE:
        step = (len(children) - 1) / (RECORD_SAMPLE - 1)
        children = [children[round(k * step)] for k in range(RECORD_SAMPLE)]
    for key, child in children:
        yield from _paths(child, path + (key,))


def _is_container(x):
    return isinstance(x, (dict, list, tuple, set)) or _is_array(x)


def _is_number(x):
    return isinstance(x, (int, float, np.number)) and not isinstance(x, bool)


def signature(x):
    """The structure of a value (types, dict keys, nesting), without sizes or numbers: calls whose
    replies share it are damaged once."""
    if isinstance(x, dict):
        return ("dict", tuple((str(k), signature(v)) for k, v in list(x.items())[:8]))
    if isinstance(x, (list, tuple)):
        inner = tuple(sorted({signature(v) for v in x[:8]}, key=repr))
        return (type(x).__name__, inner)
    if _is_array(x):
        return (type(x).__name__, x.ndim)
    return type(x).__name__


# --- damage ------------------------------------------------------------------------------------------

def _at(x, path, fn):
    """x with the node at path replaced by fn(node); containers are copied, never changed in place."""
    if not path:
        return fn(x)
    key, rest = path[0], path[1:]
    if isinstance(x, dict):
        return {k: (_at(v, rest, fn) if k == key else v) for k, v in x.items()}
    items = [(_at(v, rest, fn) if i == key else v) for i, v in enumerate(x)]
    return tuple(items) if isinstance(x, tuple) else items


def _emptied(x):
    if isinstance(x, dict):
        return {}
    if isinstance(x, (list, tuple, set)):
        return type(x)()
    return x[:0]


def _dropped(x):
    if isinstance(x, dict):
        return dict(list(x.items())[:-1])
    if isinstance(x, set):
        return set(list(x)[:-1])
    return x[:-1]


def _numbers(x, kind):
    """x with every number in it (arrays and tensors included) replaced: kind is 0, "nan" or "huge"."""
    if isinstance(x, bool) or x is None or isinstance(x, (str, bytes)):
        return x
    if isinstance(x, (int, float, np.number)):
        if kind == 0:
            return type(x)(0) if isinstance(x, (int, float)) else x * 0
        return math.nan if kind == "nan" else (HUGE if isinstance(x, (float, np.floating)) else 2**62)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "iufc":
            return x
        if kind == 0:
            return np.zeros_like(x)
        fill = math.nan if kind == "nan" else HUGE
        return np.full(x.shape, fill, dtype=x.dtype if x.dtype.kind in "fc" else np.float64)
    if isinstance(x, torch.Tensor):
        if x.dtype == torch.bool:
            return x
        if kind == 0:
            return torch.zeros_like(x)
        fill = math.nan if kind == "nan" else HUGE
        return torch.full(x.shape, fill, dtype=x.dtype if x.dtype.is_floating_point else torch.float64)
    if isinstance(x, dict):
        return {k: _numbers(v, kind) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return type(x)(_numbers(v, kind) for v in x)
    return x


def _same(a, b):
    """Whether two decoded replies are equal (a damage that changes nothing is no test)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, torch.Tensor):
        return a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(torch.nan_to_num(a), torch.nan_to_num(b)))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def _plain(x):
    """A decoded value made encodable again (the kernel's encoder names notebook callables its own way)."""
    if isinstance(x, wire.NotebookCallable):
        return agent.Callable(x.name)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return type(x)(_plain(v) for v in x)
    return x


def _damages(sample, is_map=False):
    """[(label, damage)] for answers structured like sample; damage(answer) -> the damaged answer."""
    found = []

    def at(path, fn):
        def damage(answer):
            try:
                return _at(answer, path, fn)
            except (KeyError, IndexError, TypeError):  # an answer of another structure
                return answer
        return damage

    for path, node in _paths(sample):
        where = "the answer" + "".join(f"[{k!r}]" for k in path)
        if _is_container(node):
            found.append((f"{where} emptied", at(path, _emptied)))
            found.append((f"{where} with its last element dropped", at(path, _dropped)))
        if path and isinstance(node, bool):
            found.append((f"{where} flipped", at(path, lambda b: not b)))
        elif path and (_is_number(node) or _is_array(node)):
            found.append((f"{where} replaced by NaN", at(path, lambda x: _numbers(x, "nan"))))
    for kind, label in ((0, "0"), ("nan", "NaN"), ("huge", "a huge value")):
        found.append((f"every number in the answer replaced by {label}", lambda answer, kind=kind: _numbers(answer, kind)))
    found.append(("the answer replaced by None", lambda answer: None))
    return found


def value_mutants(value):
    """[(label, damaged value)] for one decoded reply value (a map's cases are damaged alike; its
    own list, one answer per case, is the grader's and stays)."""
    answers = _answers(value)
    if not answers:
        return []
    damaged = [(label, _rebuild(value, damage)) for label, damage in _damages(answers[0])]
    return [(label, d) for label, d in damaged if not _same(d, value)]


def reply_mutants(replies, limit=MAX_PER_TEST):
    """Damaged versions of one hidden test's recorded replies: ([(label, replies')], how many
    there were before at most limit of them, spread over all, were kept).

    replies: [[kernel, reply bytes], ...] in call order. Each damage is applied to every reply of
    one structure (see signature): a loop of calls over cases is damaged as a whole, as the cases
    of one student.map are.
    """
    values, groups = {}, {}
    for index, (kernel, data) in enumerate(replies):
        try:
            decoded = wire.decode(data)
        except wire.MalformedReply:
            continue
        if not (isinstance(decoded, dict) and set(decoded) == {"value"}):
            continue
        values[index] = decoded["value"]
        answers = _answers(decoded["value"])
        groups.setdefault(signature(answers[0] if answers else decoded["value"]), []).append(index)
    out = []
    for indices in groups.values():
        first = values[indices[0]]
        answers = _answers(first)
        if not answers:
            continue
        calls = "call" + ("s " if len(indices) > 1 else " ") + ", ".join(str(i + 1) for i in indices)
        damages = _damages(answers[0])
        if _is_map_reply(first):
            damages.append(("every case an error", None))
        for label, damage in damages:
            damaged, changed = [list(r) for r in replies], False
            for i in indices:
                if damage is None:  # only for maps: each case answered by an error instead of a value
                    new = [(False, ("GraderDamagedAnswer", "a damaged answer")) for _ in values[i]]
                else:
                    new = _rebuild(values[i], damage)
                if not _same(new, values[i]):
                    damaged[i][1] = agent.encode({"value": _plain(new)})
                    changed = True
            if changed:
                out.append((f"{calls}: {label}", damaged))
    if len(out) > limit:  # spread over every call and part, rather than the first ones only
        step = (len(out) - 1) / (limit - 1)
        return [out[round(k * step)] for k in range(limit)], len(out)
    return out, len(out)
