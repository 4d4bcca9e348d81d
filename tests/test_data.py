"""labs.data: the registry, the offline loaders, cache layouts, and the messages when data are missing."""

import dataclasses
import io
import os
import pickle
import socket
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from labs import _datasets, data
from labs.data import DatasetNotAvailable, available_offline, load_dataset, load_photo, status_table
from labs.download import compute_sha256

SYLLABUS_NAMES = {"mnist_small", "mnist", "fashion_mnist", "digits", "photos", "shapes", "cifar10", "cats_vs_dogs"}
OFFLINE_LABELLED = ["mnist_small", "digits", "shapes"]
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
MNIST_SHA = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def closed_port():
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def offline(monkeypatch, tmp_path, closed_port):
    """An empty Keras cache, no extra folders, and every download pointed at a closed loopback port."""
    keras_home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("LABS_DATASET_MIRROR", f"http://127.0.0.1:{closed_port}")
    monkeypatch.delenv("LABS_DATA_DIR", raising=False)
    monkeypatch.setattr(_datasets, "SYSTEM_DIRS", {})
    return keras_home / "datasets"


@pytest.fixture
def debian_fashion():
    """Return Debian's Fashion-MNIST folder; skip when it is absent, except on CI where it must exist."""
    if all((DEBIAN_FASHION / name).is_file() for name in FASHION_FILES):
        return DEBIAN_FASHION
    reason = f"Debian's dataset-fashion-mnist is not installed ({DEBIAN_FASHION} is missing)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI installs it (make data / tools/install_offline_data.sh).")
    pytest.skip(f"{reason}; install it with: sudo apt install dataset-fashion-mnist")


def _trust(monkeypatch, name, path):
    """Make the registry accept the file at ``path`` as dataset ``name``'s only file."""
    info = data.REGISTRY[name]
    spec = dataclasses.replace(info.files[0], sha256=(compute_sha256(path),))
    monkeypatch.setitem(data.REGISTRY, name, dataclasses.replace(info, files=(spec,)))


def _fake_mnist_npz(path):
    """Write a tiny file in Keras' mnist.npz layout: 6 train and 3 test digits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    np.savez(path, x_train=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8), y_train=np.arange(6, dtype=np.uint8),
             x_test=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), y_test=np.arange(3, dtype=np.uint8))
    return path


# --------------------------------------------------------------------------- registry


def test_registry_holds_every_syllabus_dataset():
    assert SYLLABUS_NAMES <= set(data.REGISTRY)


@pytest.mark.parametrize("name", sorted(SYLLABUS_NAMES))
def test_registry_entries_are_complete(name):
    info = data.REGISTRY[name]
    assert info.name == name and info.title and info.source and info.split
    assert info.offline in ("bundled", "generated", "files")
    assert isinstance(info.image_shape, tuple) and len(info.image_shape) in (2, 3)
    assert all(isinstance(c, str) for c in info.class_names)
    assert (info.offline == "files") == bool(info.files)
    assert callable(info.loader), f"{name} has no loader: mark its function @_loads({name!r})"
    for spec in info.files:
        assert spec.url.startswith("https://")
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in spec.sha256)


def test_every_download_has_a_recorded_hash_except_cats_vs_dogs():
    unverified = {name for name, info in data.REGISTRY.items() if any(not spec.sha256 for spec in info.files)}
    assert unverified == {"cats_vs_dogs"}


def test_unknown_dataset_name_lists_the_known_ones():
    with pytest.raises(ValueError) as info:
        load_dataset("MNIST")
    assert all(name in str(info.value) for name in SYLLABUS_NAMES)
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_dataset(None)


def test_unknown_option_names_the_accepted_ones():
    with pytest.raises(TypeError, match="seed") as info:
        load_dataset("mnist_small", seed=1)
    assert "limit" in str(info.value)


@pytest.mark.parametrize("limit, error", [(0, ValueError), (-3, ValueError), ("10", TypeError), (2.5, TypeError)])
def test_bad_limit_raises(limit, error):
    with pytest.raises(error, match="limit"):
        load_dataset("digits", limit=limit)


# --------------------------------------------------------------------------- always-offline sets


@pytest.mark.parametrize("name", OFFLINE_LABELLED)
def test_offline_sets_load_with_the_documented_layout(name):
    ds = load_dataset(name)
    info = data.REGISTRY[name]
    assert isinstance(ds, data.Dataset) and ds.name == name and ds.description
    assert ds.class_names == info.class_names
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        assert X.dtype == np.uint8 and y.dtype == np.int64
        assert X.shape[1:] == info.image_shape and X.shape[0] == y.shape[0] and y.ndim == 1
        assert X.min() == 0 and X.max() == 255
        assert set(np.unique(y)) == set(range(len(info.class_names)))
    assert name in repr(ds) and len(repr(ds)) < 200


def test_mnist_small_split_is_4000_1000_stratified_and_repeatable():
    ds = load_dataset("mnist_small")
    assert len(ds.X_train) == 4000 and len(ds.X_test) == 1000
    assert np.bincount(ds.y_train).tolist() == [400] * 10
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    again = load_dataset("mnist_small")
    assert np.array_equal(ds.X_train, again.X_train) and np.array_equal(ds.y_test, again.y_test)
    assert not np.array_equal(ds.y_train, np.sort(ds.y_train))  # shuffled, not grouped by class


def test_stratified_subset_is_nested_and_its_holdout_is_disjoint_and_fixed():
    y = np.repeat(np.arange(4), 50)
    small, held = data.stratified_subset(y, 40, np.random.default_rng(3), holdout_per_class=5)
    big, held_again = data.stratified_subset(y, 80, np.random.default_rng(3), holdout_per_class=5)
    assert set(small) <= set(big) and np.array_equal(held, held_again)
    assert not set(big) & set(held) and np.bincount(y[held]).tolist() == [5] * 4
    assert np.bincount(y[big]).tolist() == [20] * 4
    assert np.array_equal(data.stratified_subset(y, 40, np.random.default_rng(3)), small)  # the holdout draws nothing


def test_digits_are_rescaled_from_0_16_to_0_255():
    ds = load_dataset("digits")
    assert ds.X_train.shape == (1438, 8, 8) and ds.X_test.shape == (359, 8, 8)
    allowed = set(np.rint(np.arange(17) * 255 / 16).astype(int))
    assert set(np.unique(ds.X_train)) <= allowed


def test_limit_keeps_the_first_examples_of_each_split():
    ds = load_dataset("digits", limit=50)
    assert ds.X_train.shape == (50, 8, 8) and ds.y_test.shape == (50,)


def test_shapes_passes_options_through_and_splits():
    ds = load_dataset("shapes", n=300, test_size=0.2, size=16, clutter=True, classes=("circle", "square"))
    assert ds.X_train.shape == (240, 16, 16, 3) and ds.X_test.shape == (60, 16, 16, 3)
    assert ds.class_names == ("circle", "square")
    assert np.bincount(ds.y_test).tolist() == [30, 30]


@pytest.mark.parametrize("test_size", [0, 1, 1.5, "0.2", True])
def test_shapes_rejects_a_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_dataset("shapes", n=30, test_size=test_size)


def test_shapes_rejects_bad_generator_options():
    with pytest.raises(TypeError, match="rotation must be True or False"):
        load_dataset("shapes", n=30, rotation="no")


# --------------------------------------------------------------------------- photos


def test_photos_is_a_dataset_with_a_class_per_photo():
    photos = load_dataset("photos", image_size=64)
    assert isinstance(photos, data.Dataset) and photos.class_names == tuple(data.PHOTOS)
    assert {"astronaut", "chelsea", "coffee", "rocket", "camera"} <= set(photos.class_names)
    assert photos.X_train.shape == (len(data.PHOTOS), 64, 64, 3) and photos.X_train.dtype == np.uint8
    assert photos.y_train.tolist() == list(range(len(data.PHOTOS))) and photos.y_train.dtype == np.int64
    assert photos.X_test.shape == (0, 64, 64, 3) and photos.y_test.shape == (0,)
    chelsea = photos.X_train[photos.class_names.index("chelsea")]  # 300 x 451: its centre 300 x 300, resized
    centre = load_photo("chelsea")[:, 75:375].astype(float)
    assert abs(chelsea.mean() - centre.mean()) < 2 and abs(chelsea[:, :32].mean() - centre[:, :150].mean()) < 2
    grey = load_dataset("photos", grey=True, limit=2)
    assert grey.X_train.shape == (2, 128, 128) and grey.class_names == photos.class_names


def test_photos_image_size_is_checked():
    with pytest.raises(ValueError, match="image_size"):
        load_dataset("photos", image_size=8)
    with pytest.raises(TypeError, match="image_size"):
        load_dataset("photos", image_size=64.0)


def test_load_photo_gives_rgb_or_grey():
    assert load_photo("astronaut").shape == (512, 512, 3)
    camera = load_photo("camera")
    assert camera.shape == (512, 512, 3) and (camera[..., 0] == camera[..., 2]).all()
    assert load_photo("camera", grey=True).shape == (512, 512)
    grey_cat = load_photo("cat", grey=True)
    assert grey_cat.shape == (300, 451) and grey_cat.dtype == np.uint8
    assert np.array_equal(load_photo("cat"), load_photo("chelsea"))


def test_load_photo_rejects_bad_arguments():
    with pytest.raises(ValueError, match="astronaut"):
        load_photo("dog")
    with pytest.raises(TypeError, match="grey"):
        load_photo("coffee", grey="yes")
    with pytest.raises(TypeError, match="grey"):
        load_dataset("photos", colour=False)


# ------------------------------------------------------------- Fashion-MNIST: Debian, LABS_DATA_DIR, mirror


def test_fashion_mnist_loads_from_the_debian_folder(debian_fashion, offline, monkeypatch):
    monkeypatch.setattr(_datasets, "SYSTEM_DIRS", {"fashion_mnist": (debian_fashion,)})
    ds = load_dataset("fashion_mnist")
    assert ds.X_train.shape == (60000, 28, 28) and ds.X_test.shape == (10000, 28, 28)
    assert ds.X_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert ds.class_names[0] == "T-shirt/top" and len(ds.class_names) == 10
    assert not offline.exists()  # nothing was downloaded


def test_labs_data_dir_is_searched(debian_fashion, offline, monkeypatch, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    for name in FASHION_FILES:
        (folder / name).symlink_to(debian_fashion / name)
    assert available_offline()["fashion_mnist"] is False
    monkeypatch.setenv("LABS_DATA_DIR", str(folder))
    assert available_offline()["fashion_mnist"] is True
    assert str(folder) in status_table()
    assert load_dataset("fashion_mnist", limit=10).X_test.shape == (10, 28, 28)


def test_fashion_mnist_downloads_through_a_mirror_into_the_keras_layout(debian_fashion, offline, monkeypatch,
                                                                         tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "fashion-mnist").mkdir(parents=True)
    for name in FASHION_FILES:
        (mirror / "fashion-mnist" / name).symlink_to(debian_fashion / name)
    monkeypatch.setenv("LABS_DATASET_MIRROR", mirror.as_uri())
    assert load_dataset("fashion_mnist").y_test.shape == (10000,)
    assert sorted(p.name for p in (offline / "fashion-mnist").iterdir()) == sorted(FASHION_FILES)
    monkeypatch.setenv("LABS_DATASET_MIRROR", "http://127.0.0.1:9")  # now the cache alone must do
    assert available_offline()["fashion_mnist"] is True


def test_a_corrupt_file_in_labs_data_dir_is_reported_and_left_alone(offline, monkeypatch, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(b"not the real file")
    monkeypatch.setenv("LABS_DATA_DIR", str(folder))
    with pytest.raises(DatasetNotAvailable, match="does not match"):
        load_dataset("fashion_mnist")
    assert (folder / "train-labels-idx1-ubyte.gz").exists()


# --------------------------------------------------------------------------- offline with nothing cached


def test_offline_with_nothing_cached_says_exactly_what_to_do(offline):
    with pytest.raises(DatasetNotAvailable) as info:
        load_dataset("mnist")
    message = str(info.value)
    assert "python -m labs.data fetch mnist" in message
    assert str(offline / "mnist.npz") in message  # where it looked and where to copy the file
    assert MNIST_SHA in message
    assert "LABS_DATASET_MIRROR" in message and "127.0.0.1" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no deep traceback
    assert not offline.exists() or not any(offline.iterdir())  # no partial file


def test_offline_fashion_mnist_suggests_the_debian_package(offline):
    with pytest.raises(DatasetNotAvailable) as info:
        load_dataset("fashion_mnist")
    assert "sudo apt install dataset-fashion-mnist" in str(info.value)
    assert "python -m labs.data fetch fashion_mnist" in str(info.value)


def test_download_false_never_touches_the_network(offline):
    with pytest.raises(DatasetNotAvailable, match="download=False"):
        load_dataset("cifar10", download=False)


def test_available_offline_reports_every_dataset(offline):
    status = available_offline()
    assert set(status) == set(data.REGISTRY)
    assert all(isinstance(value, bool) for value in status.values())
    assert status["mnist_small"] and status["digits"] and status["photos"] and status["shapes"]
    assert not status["mnist"] and not status["cifar10"] and not status["cats_vs_dogs"]
    table = status_table()
    assert all(name in table for name in data.REGISTRY)


# --------------------------------------------------------------------------- files in the Keras cache layout


def test_an_unknown_mnist_npz_in_the_keras_cache_is_detected(offline):
    fake = _fake_mnist_npz(offline / "mnist.npz")
    with pytest.raises(DatasetNotAvailable) as info:
        load_dataset("mnist", download=False)
    message = str(info.value)
    assert f"{fake}: found, but its sha256 {compute_sha256(fake)} does not match the expected {MNIST_SHA}" in message
    assert fake.exists()  # nothing is deleted unless a download is attempted


def test_a_corrupt_cached_file_is_removed_when_fetching_again(offline):
    fake = _fake_mnist_npz(offline / "mnist.npz")
    with pytest.raises(DatasetNotAvailable) as info:
        load_dataset("mnist")
    assert "does not match" in str(info.value) and "was removed" in str(info.value)
    assert not fake.exists()


def test_mnist_loads_from_the_keras_cache_layout(offline, monkeypatch):
    fake = _fake_mnist_npz(offline / "mnist.npz")
    _trust(monkeypatch, "mnist", fake)
    assert available_offline()["mnist"] is True
    ds = load_dataset("mnist")
    assert ds.X_train.shape == (6, 28, 28) and ds.X_test.shape == (3, 28, 28)
    assert ds.y_train.dtype == np.int64 and ds.X_train.dtype == np.uint8


def _fake_cifar_archive(path, per_batch=2):
    """Write a tiny cifar-10-python.tar.gz: 5 train batches and a test batch with recognisable pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for index, batch in enumerate([f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]):
            images = np.zeros((per_batch, 3, 32, 32), dtype=np.uint8)
            images[:, 0] = index  # red channel holds the batch number
            images[:, 2, 0, 1] = 200  # blue pixel at row 0, column 1
            payload = pickle.dumps({b"data": images.reshape(per_batch, -1), b"labels": [index] * per_batch})
            member = tarfile.TarInfo(f"cifar-10-batches-py/{batch}")
            member.size = len(payload)
            archive.addfile(member, io.BytesIO(payload))
    return path


def test_cifar10_reads_the_keras_3_archive_name(offline, monkeypatch):
    archive = _fake_cifar_archive(offline / "cifar-10-batches-py-target_archive")
    _trust(monkeypatch, "cifar10", archive)
    ds = load_dataset("cifar10")
    assert ds.X_train.shape == (10, 32, 32, 3) and ds.X_test.shape == (2, 32, 32, 3)
    assert ds.X_train[:, :, :, 0].max() == 4 and (ds.X_test[:, :, :, 0] == 5).all()
    assert (ds.X_train[:, 0, 1, 2] == 200).all() and ds.X_train[:, 1, 0, 2].max() == 0
    assert ds.y_train.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4] and ds.class_names[0] == "airplane"


def _fake_cats_and_dogs_zip(path):
    """Write a tiny cats_and_dogs_filtered.zip: red cats and blue dogs, 2 train and 1 validation each."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for split, count in (("train", 2), ("validation", 1)):
            for animal, colour in (("cats", (250, 0, 0)), ("dogs", (0, 0, 250))):
                for i in range(count):
                    buffer = io.BytesIO()
                    Image.new("RGB", (40, 30), colour).save(buffer, format="JPEG")
                    archive.writestr(f"cats_and_dogs_filtered/{split}/{animal}/{animal[:-1]}.{i}.jpg",
                                     buffer.getvalue())
    return path


def test_cats_vs_dogs_refuses_unverified_data(offline):
    archive = _fake_cats_and_dogs_zip(offline / "cats_and_dogs_filtered.zip")
    with pytest.raises(DatasetNotAvailable) as info:
        load_dataset("cats_vs_dogs")
    message = str(info.value)
    assert "no verified SHA-256" in message and "sha256=" in message
    assert f"{archive}: found (sha256 {compute_sha256(archive)})" in message
    assert available_offline()["cats_vs_dogs"] is False


def test_cats_vs_dogs_loads_with_a_hash_the_user_vouches_for(offline):
    archive = _fake_cats_and_dogs_zip(offline / "cats_and_dogs_filtered.zip")
    ds = load_dataset("cats_vs_dogs", sha256=compute_sha256(archive), image_size=16)
    assert ds.X_train.shape == (4, 16, 16, 3) and ds.X_test.shape == (2, 16, 16, 3)
    red_is_cat = ds.X_train[:, 8, 8, 0] > ds.X_train[:, 8, 8, 2]
    assert np.array_equal(red_is_cat, ds.y_train == 0) and ds.class_names == ("cat", "dog")
    with pytest.raises(ValueError, match="sha256"):
        load_dataset("cats_vs_dogs", sha256="abc")


# --------------------------------------------------------------------------- command line


def test_cli_status_and_fetch(offline, capsys):
    assert data.main(["status"]) == 0
    assert "mnist_small" in capsys.readouterr().out
    assert data.main(["fetch", "shapes"]) == 0
    assert data.main(["fetch", "mnist"]) == 1
    err = capsys.readouterr().err
    assert "python -m labs.data fetch mnist" in err and "Traceback" not in err
    assert data.main(["fetch", "nonsense"]) == 1
    assert "Unknown dataset" in capsys.readouterr().err


def test_python_dash_m_labs_data_status_runs(tmp_path):
    env = {**os.environ, "KERAS_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "labs.data", "status"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "fashion_mnist" in result.stdout and "Traceback" not in result.stderr
