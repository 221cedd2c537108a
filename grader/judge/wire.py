"""What crosses between the judge and the student's kernel, and in which format.

Judge -> kernel (`ship`): a pickle, made with cloudpickle, of the function a hidden test runs in
the student's notebook and of its arguments. Functions defined by hidden tests or read-only
cells are rebuilt there with the notebook's namespace as their globals (a persistent reference
that grader/judge/agent.py resolves), so the names they read are the notebook's, while the
variables of the test they close over travel with them as copies. Nothing from the instructor's
solution may be shipped, nor any object a solution function built: `ship` refuses them (LeakError).

Kernel -> judge (`decode`): plain data only, in the msgpack format of agent.encode(). Decoding
runs no code: builtin values, and NumPy arrays and tensors built afresh from raw bytes with a
whitelisted dtype, within size and depth limits. Anything else is a MalformedReply.
"""

import math
import sys
import types
import weakref

import cloudpickle
import msgpack

from grader.judge import agent

MAX_REPLY_BYTES = 56 * 2**20  # ps2's largest answer: a 50 MiB checkpoint's bytes
MAX_DEPTH = 16   # nested tuples, sets, arrays: each level is unpacked from its own copy
SOLUTION_MODULE = "__solution__"
JUDGE_MODULE = "__judge__"


class MalformedReply(Exception):
    """The kernel's answer is not plain data in the agreed format."""


class LeakError(Exception):
    """A hidden test tried to send the instructor's solution into the student's kernel."""


# --- kernel -> judge -------------------------------------------------------------------------------

def decode(data):
    """The plain value packed in data (bytes from the student's kernel); raises MalformedReply."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_REPLY_BYTES:
        raise MalformedReply("the reply is missing or too large")
    depth = [0]

    def unpack(raw):
        depth[0] += 1
        try:
            if depth[0] > MAX_DEPTH:
                raise MalformedReply("the reply is nested too deeply")
            return msgpack.unpackb(raw, raw=False, strict_map_key=False, ext_hook=ext, use_list=True)
        finally:
            depth[0] -= 1

    def ext(code, raw):
        if code == agent.EXT_NDARRAY:
            dtype, shape, buffer = _fields(unpack(raw), (str, list, bytes))
            return _array(dtype, shape, buffer)
        if code == agent.EXT_SCALAR:
            dtype, buffer = _fields(unpack(raw), (str, bytes))
            return _array(dtype, [], buffer)[()]
        if code == agent.EXT_TENSOR:
            name, shape, buffer = _fields(unpack(raw), (str, list, bytes))
            return _tensor(name, shape, buffer)
        if code == agent.EXT_TUPLE:
            return tuple(_fields(unpack(raw), None))
        if code == agent.EXT_SET:
            return set(_fields(unpack(raw), None))
        if code == agent.EXT_BIGINT:
            text = unpack(raw)
            if not isinstance(text, str) or len(text) > 4000 or not text.lstrip("-").isdigit():
                raise MalformedReply("a malformed integer")
            return int(text)
        if code == agent.EXT_COMPLEX:
            real, imag = _fields(unpack(raw), (float, float))
            return complex(real, imag)
        if code == agent.EXT_CALLABLE:
            name = unpack(raw)
            if not isinstance(name, str) or not name.isidentifier():
                raise MalformedReply("a malformed name")
            return NotebookCallable(name)
        raise MalformedReply(f"unknown extension type {code}")

    try:
        return unpack(bytes(data))
    except MalformedReply:
        raise
    except (ValueError, TypeError, msgpack.UnpackException, RecursionError, MemoryError, OverflowError) as error:
        raise MalformedReply(f"the reply is not plain data ({type(error).__name__})") from None


class NotebookCallable:
    """A function or class of the student's notebook, named by the kernel's reply to a `get`."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<the notebook's {self.name}>"


def _fields(items, kinds):
    if not isinstance(items, list) or (kinds is not None and (
            len(items) != len(kinds) or not all(isinstance(v, k) for v, k in zip(items, kinds)))):
        raise MalformedReply("a malformed array, tensor or tuple")
    return items


def _shape(shape):
    if len(shape) > 32 or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
        raise MalformedReply("a malformed shape")
    return tuple(shape)


def _array(dtype, shape, buffer):
    import numpy as np

    try:
        kind = np.dtype(dtype)
    except TypeError:
        raise MalformedReply(f"unknown dtype {dtype!r}") from None
    if kind.kind not in "biufc" or kind.fields is not None or kind.subdtype is not None or kind.str != dtype:
        raise MalformedReply(f"dtype {dtype!r} is not plain numbers")
    shape = _shape(shape)
    if math.prod(shape) * kind.itemsize != len(buffer):
        raise MalformedReply("an array's data does not match its shape")
    return np.frombuffer(buffer, dtype=kind).reshape(shape).copy()


def _tensor(name, shape, buffer):
    import torch

    if name not in agent.TENSOR_DTYPES:
        raise MalformedReply(f"tensor dtype {name!r} is not plain numbers")
    if name == "bfloat16":
        return torch.from_numpy(_array("<i2", shape, buffer)).view(torch.bfloat16)
    dtype = getattr(torch, name)
    numpy_dtype = torch.empty(0, dtype=dtype).numpy().dtype.str
    return torch.from_numpy(_array(numpy_dtype, shape, buffer))


# --- judge -> kernel --------------------------------------------------------------------------------

# Objects that the solution's functions built (a reference network and its parts): never shipped.
# (by identity: id -> weak reference; comparing tensors with == would compare their values)
_solution_objects = {}


def _remember(item):
    try:
        key = id(item)
        _solution_objects[key] = weakref.ref(item, lambda _, key=key: _solution_objects.pop(key, None))
        return True
    except TypeError:  # not weak-referenceable (numbers, strings, tuples): plain data, harmless
        return False


def mark_solution(value):
    """Remembers value (and the modules and tensors inside it) as built by the solution."""
    items = list(value) if isinstance(value, (list, tuple, set)) else list(value.values()) if isinstance(value, dict) else []
    for item in items + [value]:
        if not _remember(item):
            continue
        for name in ("modules", "parameters", "buffers"):
            if callable(getattr(item, name, None)):
                for part in getattr(item, name)():
                    _remember(part)
    return value


def _from_solution(obj):
    ref = _solution_objects.get(id(obj))
    return ref is not None and ref() is obj


class _UserNamespace:
    """Pickled as a persistent reference: the student's notebook namespace, in the kernel."""


USER_NS = _UserNamespace()


class _Pickler(cloudpickle.Pickler):
    def __init__(self, file, judge_globals):
        super().__init__(file, protocol=5)
        self.judge_globals = judge_globals

    def persistent_id(self, obj):
        return "user_ns" if obj is USER_NS else None

    def reducer_override(self, obj):
        if _from_solution(obj):
            raise LeakError(f"a hidden test may not send the solution's {type(obj).__qualname__} (built by a "
                            f"solution function) into the student's kernel")
        if isinstance(obj, type) and getattr(obj, "__module__", None) == SOLUTION_MODULE:
            raise LeakError(f"a hidden test may not send the solution's {obj.__qualname__} into the student's "
                            f"kernel")
        if isinstance(obj, types.FunctionType):
            module = obj.__globals__.get("__name__")
            if module == SOLUTION_MODULE:
                raise LeakError(f"a hidden test may not send the solution's {obj.__qualname__} into the student's "
                                f"kernel")
            if obj.__globals__ is self.judge_globals:
                if obj.__kwdefaults__:
                    raise ValueError(f"{obj.__qualname__}: functions sent to the student's kernel may not have "
                                     f"keyword-only defaults")
                # Rebuilt in the kernel over the notebook's namespace; closures travel as copies.
                return (types.FunctionType, (obj.__code__, USER_NS, obj.__name__, obj.__defaults__, obj.__closure__))
        compact = _compact_tensor(obj)
        if compact is not None:
            return compact.__reduce_ex__(self.proto)
        return super().reducer_override(obj)


def _compact_tensor(obj):
    """A copy of a tensor that views a larger storage, holding only its own elements; else None.

    A tensor pickles its whole storage: a slice `images[i:i + 500]` of 10,000 CIFAR images would
    carry all 10,000 (measured: 12 MB instead of 3 MB per call of ps2's competition test, about
    4 s each, as the kernel parses the request). NumPy arrays pickle only their own elements.
    """
    torch = sys.modules.get("torch")
    if torch is None or type(obj) is not torch.Tensor or obj.layout != torch.strided or obj.requires_grad \
            or obj.is_quantized or obj.device.type == "meta":
        return None
    if obj.untyped_storage().nbytes() <= obj.numel() * obj.element_size():
        return None
    return obj.clone(memory_format=torch.contiguous_format)


def ship(request, judge_globals):
    """request as pickle bytes for the agent; raises LeakError for solution code."""
    import io

    buffer = io.BytesIO()
    _Pickler(buffer, judge_globals).dump(request)
    return buffer.getvalue()
