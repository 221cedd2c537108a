"""grader/judge/wire.py: only plain data comes back, and nothing of the solution goes out."""

import io
import pickle

import msgpack
import numpy as np
import pytest
import torch

from grader.judge import agent, wire


def roundtrip(value):
    return wire.decode(agent.encode(value))


def test_plain_values_come_back_as_they_were():
    value = {"n": 3, "x": 2.5, "s": "text", "b": b"\x00\x01", "none": None, "flag": True, "big": 2**80,
             "z": 1 + 2j, "t": (1, (2, 3)), "set": {1, 2}, "list": [1.0, [2.0]], 7: "int key", (1, 2): "tuple key"}
    assert roundtrip(value) == value
    assert isinstance(roundtrip((1, 2)), tuple) and isinstance(roundtrip([1, 2]), list)


@pytest.mark.parametrize("array", [np.arange(12.0).reshape(3, 4), np.array([True, False]), np.arange(5, dtype=np.int8),
                                   np.zeros((0, 3), dtype=np.complex128), np.array(2.5, dtype=np.float32),
                                   np.arange(6.0).reshape(2, 3).T])
def test_arrays_come_back_with_their_dtype_and_shape(array):
    back = roundtrip(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array) and back.flags.writeable


def test_numpy_scalars_keep_their_type():
    assert type(roundtrip(np.float32(1.5))) is np.float32 and type(roundtrip(np.int64(3))) is np.int64


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.bool])
def test_tensors_come_back_as_data(dtype):
    tensor = torch.arange(6).reshape(2, 3).to(dtype)
    back = roundtrip(tensor.clone().requires_grad_(dtype.is_floating_point))
    assert type(back) is torch.Tensor and back.dtype == dtype and torch.equal(back, tensor)
    assert not back.requires_grad, "a tensor crosses as data: no autograd history comes with it"


def test_student_subclasses_arrive_as_plain_arrays():
    class Rigged(np.ndarray):
        def __eq__(self, other):
            return True
    back = roundtrip(np.zeros(3).view(Rigged))
    assert type(back) is np.ndarray and not (back == 1).any()


def test_objects_that_are_not_data_are_refused_by_the_encoder():
    with pytest.raises(TypeError, match="cannot send a object"):
        agent.encode(object())
    with pytest.raises(TypeError, match="dtype object"):
        agent.encode(np.array([object()]))


def ext(code, *fields):
    return msgpack.ExtType(code, msgpack.packb(list(fields), use_bin_type=True))


@pytest.mark.parametrize("payload", [
    b"", b"\xc1", b"not msgpack at all",
    msgpack.packb(ext(agent.EXT_NDARRAY, "|O", [1], b"x" * 8)),                 # object dtype
    msgpack.packb(ext(agent.EXT_NDARRAY, "<f8", [2], b"x" * 8)),                # bytes do not match the shape
    msgpack.packb(ext(agent.EXT_NDARRAY, "<f8", [-1], b"")),                    # negative size
    msgpack.packb(ext(agent.EXT_NDARRAY, "[('a', '<f8')]", [1], b"x" * 8)),     # structured
    msgpack.packb(ext(agent.EXT_TENSOR, "object", [1], b"x")),
    msgpack.packb(ext(agent.EXT_BIGINT, "12e5")),
    msgpack.packb(msgpack.ExtType(99, b"")),                                     # unknown extension
    msgpack.packb(ext(agent.EXT_CALLABLE, "not a name")),
])
def test_malformed_replies_are_refused(payload):
    with pytest.raises(wire.MalformedReply):
        wire.decode(payload)


def test_deeply_nested_replies_are_refused():
    inner = msgpack.packb([])
    for _ in range(200):
        inner = msgpack.packb(msgpack.ExtType(agent.EXT_TUPLE, msgpack.packb([msgpack.ExtType(agent.EXT_TUPLE, inner)])))
    with pytest.raises(wire.MalformedReply):
        wire.decode(inner)


def test_decoding_runs_no_code():
    """A pickle in the reply is data (bytes), never loaded."""
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('ran')",))
    payload = pickle.dumps(Boom())
    assert roundtrip(payload) == payload


def unpickle_in(user_ns, data):
    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            assert pid == "user_ns"
            return user_ns
    return Unpickler(io.BytesIO(data)).load()


def test_shipped_functions_read_the_notebooks_names_and_carry_the_tests_variables():
    judge = {"__name__": wire.JUDGE_MODULE}
    exec("def make():\n    scale = 10\n    return lambda x: helper(x) * scale\n", judge)
    shipped = wire.ship(judge["make"](), judge)
    notebook = {"helper": lambda x: x + 1, "scale": -1, "__builtins__": __builtins__}
    function = unpickle_in(notebook, shipped)
    assert function(2) == 30, "helper is the notebook's, scale is the test's own variable"


def test_nothing_from_the_solution_is_shipped():
    judge = {"__name__": wire.JUDGE_MODULE}
    solution = {"__name__": wire.SOLUTION_MODULE}
    exec("import torch\nclass Net(torch.nn.Module):\n    pass\ndef answer():\n    return 42\n", solution)
    exec("def test(net, answer):\n    return lambda: (net, answer)\n", judge)
    for leak in (solution["answer"], solution["Net"], solution["Net"](), [solution["answer"]],
                 judge["test"](solution["Net"](), 1)):
        with pytest.raises(wire.LeakError):
            wire.ship(("run", leak, (), {}), judge)


def test_nothing_a_solution_function_built_is_shipped():
    judge = {"__name__": wire.JUDGE_MODULE}
    net = wire.mark_solution(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))
    for leak in (net, net[0], net[0].weight, [net]):
        with pytest.raises(wire.LeakError):
            wire.ship(("run", len, (leak,), {}), judge)
    wire.ship(("run", len, (net.state_dict(),), {}), judge)  # weights chosen by the test are its inputs
    wire.ship(("run", len, (torch.nn.Linear(2, 3),), {}), judge)


def test_a_slice_of_a_tensor_is_shipped_without_the_rest_of_its_storage():
    judge = {"__name__": wire.JUDGE_MODULE}
    images = torch.rand(1000, 3, 32, 32)                       # 12 MB
    whole = len(wire.ship(("run", len, (images,), {}), judge))
    part = wire.ship(("run", len, (images[100:200], images[:, 0, :2].T), {}), judge)
    assert len(part) < 0.25 * whole, f"{len(part)} bytes for a tenth of the images and one channel's view"
    _, _, (first, channel), _ = unpickle_in({}, part)
    assert torch.equal(first, images[100:200]) and torch.equal(channel, images[:, 0, :2].T)
    assert channel.shape == (32, 2, 1000) and not first.requires_grad
