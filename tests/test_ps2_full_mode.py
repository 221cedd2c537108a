"""ps2's full-mode data paths (MNIST through torchvision, CIFAR-10's Python batches), on tiny fake copies.

CI has no network and no GPU, so the full-size run cannot happen here. These tests run the
notebook's locked data cells in full mode on files laid out exactly as torchvision stores the
real datasets, which catches a wrong attribute or shape in the code students run on Colab.
"""

import pickle
import struct
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

from grader import notebooks

PS2 = "ps2_cnn_resnet"


def write_fake_mnist(root, num_train=64, num_test=32):
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in [("train", num_train), ("t10k", num_test)]:
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">iiii", 2051, n, 28, 28) + images.tobytes())
        labels = (np.arange(n) % 10).astype(np.uint8)
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">ii", 2049, n) + labels.tobytes())


def write_fake_cifar(root, per_batch=20):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
                 "labels": [i % 10 for i in range(per_batch)]}
        (folder / name).write_bytes(pickle.dumps(batch))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": [f"class{i}" for i in range(10)]}))


@pytest.fixture(scope="module")
def full_mode(repo_course, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    write_fake_mnist(data)
    write_fake_cifar(data)
    # As in the grader's sandbox: the competition's test batch is withheld from the notebook.
    withheld = notebooks.read(repo_course.source_notebook(PS2)).metadata["dlcourse"]["withheld_data"]
    assert withheld == ["cifar-10-batches-py/test_batch"]
    (data / withheld[0]).rename(data / "test_batch.withheld")
    matplotlib.use("Agg")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLCOURSE_SMOKE", "0")
        mp.setenv("DLCOURSE_DATA", str(data))
        nb = notebooks.read(repo_course.source_notebook(PS2))
        yield notebooks.run_cells(nb, ["setup", "digit_data", "models_solution", "training_solution", "fit",
                                       "cifar_data", "resnet_solution", "counting_solution",
                                       "competition_baseline", "competition_solution"])


def test_digit_variants_from_mnist(full_mode):
    assert not full_mode["SMOKE"] and full_mode["CANVAS"] == 40
    for name, (train_set, test_set) in full_mode["digit_variants"].items():
        X, y = train_set.tensors
        assert X.shape == (64, 1, 40, 40) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1, name
        assert len(test_set) == 32
    centred = full_mode["digit_variants"]["centred"][0].tensors[0]
    assert centred[:, :, :6].abs().sum() == 0, "a centred 28x28 digit leaves a 6-pixel margin on a 40x40 canvas"


def test_cifar_training_set_loads_without_the_test_batch(full_mode):
    X, y = full_mode["cifar_tensors"](full_mode["cifar_train"])
    assert X.shape == (100, 3, 32, 32) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1
    assert y.dtype == torch.int64 and y.shape == (100,) and y[:10].tolist() == list(range(10))
    first = pickle.loads((Path(full_mode["DATA_DIR"]) / "cifar-10-batches-py" / "data_batch_1").read_bytes())
    assert torch.equal(X[0], torch.from_numpy(first["data"][0]).view(3, 32, 32).float() / 255), (
        "the images must be the batches' bytes, channels first, divided by 255")
    assert "cifar_test" not in full_mode and "test_loader" not in full_mode, "the notebook never loads the test set"


def test_the_grader_loads_the_competition_test_set(full_mode):
    folder = Path(full_mode["DATA_DIR"]) / "cifar-10-batches-py"
    (folder.parent / "test_batch.withheld").rename(folder / "test_batch")
    try:
        X, y = full_mode["competition_test_set"]()
    finally:
        (folder / "test_batch").rename(folder.parent / "test_batch.withheld")
    assert X.shape == (20, 3, 32, 32) and y.shape == (20,)


def test_full_size_reference_model_fits_the_checkpoint_limit(full_mode):
    model = full_mode["build_competition_model"]()
    megabytes = sum(t.numel() * t.element_size() for t in model.state_dict().values()) / 2**20
    assert megabytes < 50, f"the full-mode reference checkpoint would be {megabytes:.1f} MB"
    assert model.eval()(torch.rand(2, 3, 32, 32)).shape == (2, 10)
