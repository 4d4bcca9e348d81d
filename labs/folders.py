"""Your own images: a folder with one sub-folder per class, checked, cleaned and loaded with Keras.

    report = labs.folders.scan_image_folder("my_photos")          # what is in it, one line per problem
    train, val = labs.folders.load_image_folder("my_photos")      # Keras datasets, 80% / 20%
    train.class_names                                             # ['cat', 'dog'], sorted as Keras sorts
    X, y = labs.folders.to_arrays(val)                            # uint8 (N, 96, 96, 3), int64 (N,)

The folder looks like ``my_photos/cat/*.jpg``, ``my_photos/dog/*.jpg``: each sub-folder is a
class, named after it (spaces and accents are fine). Real folders are messy, so before Keras
sees a file ``scan_image_folder`` opens it with Pillow (only the formats JPEG, PNG, GIF, BMP,
WebP and TIFF; never a format that runs a program, such as EPS) and sorts out:

* unreadable images (a truncated JPEG), files that are not images (a text file named .jpg),
  images too large to open safely (decompression bombs), images smaller than ``min_size``
  pixels on a side, files with other extensions, hidden files (``.DS_Store``, ``._photo.jpg``),
  files outside a class folder and class folders left empty: all skipped and reported;
* images Keras would read wrongly or not at all (greyscale, transparency, palette, CMYK,
  16-bit, WebP/TIFF, an EXIF rotation): kept, converted to RGB.

``load_image_folder`` then builds a cleaned mirror of the folder in the cache
(``$KERAS_HOME/datasets/image_folders/<folder>-<hash>``, default ``~/.keras/...``): the good
files hard-linked (or copied), the converted ones saved as RGB PNG. The mirror is named after
the folder's path and every file's size and modification time, so a second call reuses it and
an edited folder gets a new one (the old one is removed). Your folder is never modified.
``keras.utils.image_dataset_from_directory`` reads the mirror; the datasets' ``file_paths``
name your original files.

Command line::

    python -m labs.folders my_photos      # print the scan report
"""

import argparse
import contextlib
import difflib
import io
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

from . import config
from ._folderscan import (HEIC_ADVICE, IMAGE_EXTENSIONS, MAX_PIXELS, PROBLEMS, FolderReport, cached_report,
                          inspect_image_file, list_folder, mirror_folder, mirror_path, mirrored_name, open_image,
                          scan_listing, shown, to_rgb)
from ._deprecation import relocated
from ._validate import require_bool, require_class_names, require_file, require_image_size, require_int, require_number_between, describe

__all__ = [
    "FolderReport",
    "MIN_SIZE",
    "MAX_PIXELS",
    "IMAGE_EXTENSIONS",
    "HEIC_ADVICE",
    "scan_image_folder",
    "clean_copy",
    "split_train_validation",
    "load_image_folder",
    "load_image_file",
    "to_arrays",
    "main",
]

MIN_SIZE = 16  # images smaller than this on a side are skipped (a 1x1 "image" teaches nothing)
# --------------------------------------------------------------------------- scanning


def scan_image_folder(directory, min_size=MIN_SIZE):
    """Open every file of a class-per-sub-folder image folder and return a FolderReport of what is usable.

    directory: a folder holding one sub-folder per class (``photos/cat/*.jpg``, ``photos/dog/*.jpg``).
    min_size: images smaller than this many pixels in height or width are skipped.
    Nothing is modified; ``print(report)`` shows one line per kind of problem and the images kept per class.
    """
    root = _require_directory(directory)
    min_size = require_int(min_size, "min_size", minimum=1)
    listing = list_folder(root)
    cached = cached_report(mirror_path(root, min_size, listing))
    return cached if cached is not None else scan_listing(root, min_size, listing)[0]


def clean_copy(directory, min_size=MIN_SIZE):
    """Return the folder of a cleaned copy of ``directory``, for ``keras.utils.image_dataset_from_directory``.

    The copy holds the images scan_image_folder keeps, under the same class folders (converted to RGB
    where Keras could not read them as they are); skipped files are left out. It is built once in
    $KERAS_HOME/datasets/image_folders and reused while the folder is unchanged. Your folder is never written.
    """
    root = _require_directory(directory)
    _require_class_folders(root)
    report = mirror_folder(root, require_int(min_size, "min_size", minimum=1))
    return Path(report.mirror)


def split_train_validation(labels, validation_fraction, seed):
    """Split positions into (train_index, val_index), class by class: notebook 12's exercise 1.

    labels: 1-D int array. Each class sends round(validation_fraction × its count) images to validation,
    at least 1 when it has 2 or more; which ones is drawn from np.random.default_rng(seed).
    Both results are sorted int arrays; together they hold every position once.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be a 1-D array of int class labels, got {describe(labels)}.")
    validation_fraction = require_number_between(validation_fraction, "validation_fraction", 0, 1, low_ok=False,
                                                 expected="a fraction between 0 and 1 such as 0.2")
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    val_parts = [np.zeros(0, dtype=int)]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        count = round(validation_fraction * len(members))
        val_parts.append(members[:max(count, 1) if len(members) >= 2 else count])
    val_index = np.sort(np.concatenate(val_parts))
    return np.setdiff1d(np.arange(len(labels)), val_index), val_index


# --------------------------------------------------------------------------- the mirror


# --------------------------------------------------------------------------- loading


def load_image_folder(directory, image_size=(96, 96), validation_split=0.2, seed=config.SEED, batch_size=32,
                      shuffle=True, verbose=True, *, class_names=None, min_size=MIN_SIZE):
    """Scan a class-per-sub-folder image folder and return Keras datasets of its usable images.

    Returns (train, validation) split by ``seed`` (``validation_split`` of the images go to
    validation), or one dataset when validation_split is None (an external test folder: pass
    shuffle=False to keep the files' order, and class_names=train.class_names so its labels
    mean the same classes). Batches are (images float32 (B, height, width, 3) with values
    0-255, labels int32 (B,)), as ``keras.utils.image_dataset_from_directory`` gives them; each
    dataset has ``class_names`` and ``file_paths`` (your original files, in the dataset's order
    when shuffle=False). image_size: (height, width) every image is resized to. verbose: print
    the scan report. min_size: smaller images are skipped. Your folder is never modified.
    """
    root = _require_directory(directory)
    image_size = require_image_size(image_size)
    if validation_split is not None:
        validation_split = require_number_between(validation_split, "validation_split", 0, 1, low_ok=False,
                                                expected="a fraction between 0 and 1 such as 0.2, or None")
    seed = require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    shuffle, verbose = require_bool(shuffle, "shuffle"), require_bool(verbose, "verbose")
    min_size = require_int(min_size, "min_size", minimum=1)
    if validation_split is not None and not shuffle:
        raise ValueError(f"shuffle=False with validation_split={validation_split:g} would put the last files, in "
                         "class order, into validation (mostly the last class). Keep shuffle=True, or pass "
                         "validation_split=None for a folder you only evaluate on.")
    if class_names is not None:
        class_names = require_class_names(class_names)
    _require_class_folders(root)
    report = mirror_folder(root, min_size)
    if verbose:
        print(report.summary())
    names = _classes_to_load(report, class_names)
    for name in names:  # a class the folder lacks stays an (empty) class, so labels keep their meaning
        (Path(report.mirror) / name).mkdir(exist_ok=True)
    if validation_split is not None:
        _require_split_sizes(report.num_images, validation_split)

    from ._keras import import_keras

    keras = import_keras()
    options = dict(labels="inferred", label_mode="int", class_names=names, color_mode="rgb", batch_size=batch_size,
                   image_size=image_size, shuffle=shuffle, seed=seed, verbose=False)
    with contextlib.redirect_stdout(io.StringIO()):  # Keras says "Using 9 files for training." even when quiet
        if validation_split is None:
            datasets = [keras.utils.image_dataset_from_directory(report.mirror, **options)]
        else:
            datasets = list(keras.utils.image_dataset_from_directory(report.mirror, validation_split=validation_split,
                                                                     subset="both", **options))
    sources = _source_paths(report)
    for dataset in datasets:
        dataset.file_paths = [sources[os.path.normpath(path)] for path in dataset.file_paths]
        dataset.report = report
    if verbose:
        sizes = " and ".join(f"{len(d.file_paths)} {what}" for d, what in
                             zip(datasets, ("training images", "validation images") if len(datasets) == 2
                                 else ("images",)))
        split = f" (validation_split={validation_split:g}, seed={seed})" if validation_split is not None else ""
        print(f"Loaded {sizes}{split}, resized to {image_size[0]}x{image_size[1]}.")
    return tuple(datasets) if len(datasets) == 2 else datasets[0]


def _require_directory(directory, name="directory"):
    """Return ``directory`` as an absolute Path after checking it is an existing folder."""
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (a string or pathlib.Path), got {describe(directory)}.")
    path = Path(directory).expanduser()
    if not path.exists():
        hint = ""
        if path.parent.is_dir():
            close = difflib.get_close_matches(path.name, [p.name for p in path.parent.iterdir()], n=3)
            hint = f" Did you mean {', '.join(repr(str(path.parent / c)) for c in close)}?" if close else ""
        raise FileNotFoundError(f"{name}: the folder {str(path)!r} does not exist "
                                f"(the current folder is {os.getcwd()!r}).{hint}")
    if not path.is_dir():
        hint = " Unzip it first and pass the folder it contains." if zipfile.is_zipfile(path) else ""
        raise ValueError(f"{name} must be a folder with one sub-folder per class, but {str(path)!r} is a file.{hint}")
    return path.resolve()


def _require_class_folders(root):
    """Raise before any image is opened if ``root`` has fewer than two class sub-folders."""
    folders = sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith("."))
    layout = (f"Put each class's images in a sub-folder named after the class: "
              f"{shown(root / 'cat')}/..., {shown(root / 'dog')}/...")
    if not folders:
        files = sum(1 for e in os.scandir(root) if e.is_file() and not e.name.startswith("."))
        raise ValueError(f"directory {shown(root)!r} has no class sub-folders (it holds {files} files directly). "
                         + layout)


def _classes_to_load(report, class_names):
    """Return the classes to give Keras, raising if fewer than two are usable (or a class is unknown)."""
    usable = report.class_names
    if class_names is not None:
        unknown = [name for name in usable if name not in class_names]
        if unknown:
            raise ValueError(f"the folder has classes that class_names lacks: {unknown}; the model knows only "
                             f"{class_names}. Remove those folders or train with them.")
        if not usable:
            raise ValueError(f"no usable images in {shown(report.directory)!r}:\n{report.summary()}")
        return class_names
    if len(usable) < 2:
        folders = sorted(report.kept)
        found = (f"only one class folder, {folders[0]!r}" if len(folders) == 1 else
                 f"{len(folders)} class folders but usable images in {len(usable)} "
                 f"({', '.join(map(repr, usable)) or 'none'})")
        raise ValueError(f"a classifier needs at least two classes, and {shown(report.directory)!r} has "
                         f"{shown(found)}. Add a sub-folder of images per class.\n{report.summary()}")
    return usable


def _require_split_sizes(num_images, validation_split):
    """Raise when the split would leave the training or the validation set empty (as Keras rounds it)."""
    num_validation = int(validation_split * num_images)
    if num_validation == 0 or num_validation == num_images:
        raise ValueError(f"validation_split={validation_split:g} of {num_images} images leaves "
                         f"{num_validation} for validation and {num_images - num_validation} for training; both need "
                         "at least one. Add images or change validation_split.")


def _source_paths(report):
    """Return {mirror file path: original file path} for every kept image."""
    mirror, root = Path(report.mirror), Path(report.directory)
    return {os.path.normpath(mirror / mirrored_name(relative, relative in report.converted)): str(root / relative)
            for files in report.kept.values() for relative in files}


def load_image_file(path, image_size=None):
    """Read one image file as the loader does; return float32 (height, width, 3) with values 0-255.

    The file is checked and converted exactly as scan_image_folder / load_image_folder do it
    (greyscale, transparency, CMYK, ... become RGB), then resized to image_size (height, width)
    with Keras' bilinear resize, when given: the resize image_dataset_from_directory applies, without a
    crop, so one file is seen exactly as the folder's images were in training (labs.pretrained.prepare_photo
    is the other resize: the ImageNet evaluation crop, for a photo shown to an ImageNet network).
    """
    path = require_file(path, "path", "an image file")
    if image_size is not None:
        image_size = require_image_size(image_size)
    problem, detail, reasons = inspect_image_file(path, min_size=1)
    if problem:
        words = PROBLEMS[problem].replace(" (skipped)", "").format(min_size=1)
        raise ValueError(f"{shown(path)} cannot be used as an image: {words}" + (f" ({detail})." if detail else "."))

    import tensorflow as tf

    if reasons:
        with open_image(path) as image:
            pixels = np.asarray(to_rgb(image))
    else:  # as Keras reads a kept file
        pixels = tf.io.decode_image(path.read_bytes(), channels=3, expand_animations=False)
    pixels = tf.cast(pixels, tf.float32)
    if image_size is not None:
        pixels = tf.image.resize(pixels, image_size, method="bilinear")
    return pixels.numpy()


def to_arrays(dataset):
    """Return every (image, label) of a Keras dataset as arrays: X uint8 (N, H, W, 3), y int64 (N,).

    For scikit-learn baselines. A shuffled dataset comes out in a new order each time (X and y stay paired).
    """
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a dataset from load_image_folder, got {describe(dataset)}.")
    images, labels = [], []
    for element in dataset.as_numpy_iterator():
        if not (isinstance(element, tuple) and len(element) == 2):
            raise ValueError("dataset must yield (images, labels) pairs, as load_image_folder's datasets do.")
        batch, label = element
        batch = batch if batch.ndim == 4 else batch[None]
        images.append(np.clip(np.round(batch), 0, 255).astype(np.uint8))
        labels.append(np.asarray(label, dtype=np.int64).reshape(-1))
    if not images:
        raise ValueError("dataset is empty: it holds no images.")
    return np.concatenate(images), np.concatenate(labels)


# --------------------------------------------------------------------------- command line


def main(argv=None):
    """Print the scan report of the image folder named on the command line."""
    parser = argparse.ArgumentParser(prog="python -m labs.folders", description=main.__doc__)
    parser.add_argument("directory", help="a folder with one sub-folder of images per class")
    parser.add_argument("--min-size", type=int, default=MIN_SIZE, help="skip images smaller than this on a side")
    args = parser.parse_args(argv)
    try:
        print(scan_image_folder(args.directory, min_size=args.min_size))
    except (FileNotFoundError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


# --- old names, kept until 2027-03-31: a trained model's files moved to labs.saving

__getattr__ = relocated(__name__, {name: f"labs.saving.{name}" for name in (
    "ImagePredictions", "predict_image_files", "keras_archive_problem", "load_keras_model")})


if __name__ == "__main__":
    sys.exit(main())
