"""Kernel side of the judge: what the grader puts into the student's kernel. Untrusted by design.

Its source is sent into every grading kernel before the student's code runs (the kernel cannot
import `grader`: the course directory is not in its sandbox); `install(name)` then binds an
agent to `builtins.<name>`. For each call the grader makes while a hidden test runs (see
grader/judge/student.py), the worker executes `<name>.run("<base64>")` silently in the kernel
and reads `<name>.reply` back as a Jupyter user expression.

A request is a pickle made by the grader (judge -> kernel may carry code and objects: this is
the student's process, which may see a test's inputs). A reply is plain data only, packed by
`encode()` below: numbers, strings, bytes, lists, tuples, dicts, NumPy arrays and tensors, as
msgpack with a few extension types. The student can replace any of this code, so nothing here
is trusted: grader/judge/wire.py's `decode()` reads the reply with limits, runs no code, and
builds fresh NumPy arrays and tensors; a student's object never reaches the grader.

This module imports only the standard library at the top, and msgpack, NumPy and torch lazily.
"""

# Extension type codes of the reply format (shared with grader/judge/wire.py).
EXT_NDARRAY, EXT_TENSOR, EXT_SCALAR, EXT_TUPLE, EXT_BIGINT, EXT_COMPLEX, EXT_CALLABLE, EXT_SET = range(1, 9)
TENSOR_DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
                 "bool", "complex64", "complex128")


def encode(value):
    """value as reply bytes; raises TypeError for anything that is not plain data."""
    import msgpack

    def pack(item):
        return msgpack.packb(item, default=default, use_bin_type=True, strict_types=True)

    def default(item):
        numpy = _module("numpy")
        torch = _module("torch")
        if numpy is not None and isinstance(item, numpy.ndarray):
            if item.dtype.kind not in "biufc" or item.dtype.fields is not None:
                raise TypeError(f"cannot send a NumPy array of dtype {item.dtype} to the grader")
            if not item.flags.c_contiguous:
                item = item.copy(order="C")  # (ascontiguousarray would turn a 0-d array into 1-d)
            return msgpack.ExtType(EXT_NDARRAY, pack([item.dtype.str, list(item.shape), item.tobytes()]))
        if numpy is not None and isinstance(item, numpy.generic):
            if item.dtype.kind not in "biufc":
                raise TypeError(f"cannot send a NumPy {item.dtype} scalar to the grader")
            return msgpack.ExtType(EXT_SCALAR, pack([item.dtype.str, item.tobytes()]))
        if torch is not None and isinstance(item, torch.Tensor):
            name = str(item.dtype).replace("torch.", "")
            if name not in TENSOR_DTYPES:
                raise TypeError(f"cannot send a tensor of dtype {item.dtype} to the grader")
            data = item.detach().cpu().contiguous()
            if name == "bfloat16":
                data = data.view(torch.int16)
            return msgpack.ExtType(EXT_TENSOR, pack([name, list(item.shape), data.numpy().tobytes()]))
        if isinstance(item, bool):
            return bool(item)
        if isinstance(item, int):
            if -2**63 <= item < 2**64:
                return int(item)
            return msgpack.ExtType(EXT_BIGINT, pack(str(int(item))))
        if isinstance(item, float):
            return float(item)
        if isinstance(item, complex):
            return msgpack.ExtType(EXT_COMPLEX, pack([item.real, item.imag]))
        if isinstance(item, str):
            return str(item)
        if isinstance(item, (bytes, bytearray)):
            return bytes(item)
        if isinstance(item, tuple):
            return msgpack.ExtType(EXT_TUPLE, pack(list(item)))
        if isinstance(item, (set, frozenset)):
            return msgpack.ExtType(EXT_SET, pack(list(item)))
        if isinstance(item, list):
            return list(item)
        if isinstance(item, dict):
            return dict(item)
        if isinstance(item, Callable):
            return msgpack.ExtType(EXT_CALLABLE, pack(item.name))
        raise TypeError(f"cannot send a {type(item).__qualname__} to the grader: return numbers, strings, "
                        f"lists, tuples, dicts, NumPy arrays or tensors")

    return pack(value)


class Callable:
    """Stands for a notebook function or class that the grader asked for by name."""

    def __init__(self, name):
        self.name = name


def _module(name):
    import sys

    return sys.modules.get(name)


def install(name):
    """Binds the agent to builtins.<name>; the grader's calls go through it."""
    import base64
    import builtins
    import pickle

    shell = get_ipython()  # noqa: F821 - defined in the kernel

    class Unpickler(pickle.Unpickler):
        # Functions the grader sends are rebuilt with the notebook's namespace as their globals.
        def persistent_load(self, pid):
            if pid == "user_ns":
                return shell.user_ns
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")

    class Agent:
        reply = ""

        def run(self, request):
            import io

            try:
                op, target, args, kwargs = Unpickler(io.BytesIO(base64.b64decode(request))).load()
                if op == "run":
                    value = target(*args, **kwargs)
                elif op == "map":  # target(item) for each item; a failing item does not stop the rest
                    value = []
                    for item in args[0]:
                        try:
                            result = target(item)
                            encode(result)
                            value.append((True, result))
                        except BaseException as error:  # noqa: BLE001 - SystemExit too: it fails only its case
                            value.append((False, (type(error).__name__, str(error)[:2000])))
                elif target not in shell.user_ns:
                    raise NameError(f"the notebook defines no {target!r}: run the cell that defines it, "
                                    f"and keep the name the problem set asks for")
                elif op == "call":
                    value = shell.user_ns[target](*args, **kwargs)
                else:  # "get": the value itself, or a stand-in for a function or class
                    value = shell.user_ns[target]
                    if callable(value) and not _plain(value):
                        value = Callable(target)
                reply = {"value": value}
                try:
                    data = encode(reply)
                except TypeError as error:
                    data = encode({"error": ["TypeError", str(error)]})
            except BaseException as error:  # noqa: BLE001 - the student's error is the answer
                data = encode({"error": [type(error).__name__, str(error)[:4000]]})
            self.reply = base64.b64encode(data).decode("ascii")
            return None

    setattr(builtins, name, Agent())


def _plain(value):
    """True for values encode() sends as data (a tensor is callable-free, a module is not)."""
    try:
        encode(value)
        return True
    except Exception:  # noqa: BLE001
        return False
