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
import hashlib
import io
import json
import os
import re
import shutil
import sys
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import config
from ._validate import (require_bool, require_image_model, require_int, require_list, require_number_between, describe)

__all__ = [
    "FolderReport",
    "ImagePredictions",
    "MIN_SIZE",
    "MAX_PIXELS",
    "IMAGE_EXTENSIONS",
    "scan_image_folder",
    "clean_copy",
    "split_train_validation",
    "keras_archive_problem",
    "load_image_folder",
    "load_image_file",
    "to_arrays",
    "predict_image_files",
    "load_keras_model",
    "main",
]

MIN_SIZE = 16  # images smaller than this on a side are skipped (a 1x1 "image" teaches nothing)
MAX_PIXELS = 89_478_485  # Pillow's own decompression-bomb limit (about 9,500 x 9,500 pixels)
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff")
HEIC_EXTENSIONS = (".heic", ".heif")  # iPhones' default format: neither Pillow nor TensorFlow reads it
HEIC_ADVICE = ("HEIC/HEIF photos: convert them to JPEG first. On a Mac, open them in Preview and use File → Export "
               "(format JPEG), or set Settings → Camera → Formats → Most Compatible on the iPhone before taking "
               "them; on Windows, open them in Photos and use Save as; anywhere, `pip install pillow-heif` and "
               "`heif-convert photo.heic photo.jpg`, or any photo editor's export.")
KERAS_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # what image_dataset_from_directory reads
# Pillow opens only these formats here: none of them runs an external program (EPS would run Ghostscript).
PIL_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")
# Formats TensorFlow decodes (an RGB one goes to Keras as it is; GIFs are palette images, so converted anyway).
KERAS_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "BMP")  # MPO: a camera's JPEG with extra pictures
MIRROR_VERSION = 2  # bump when the mirror's layout or the conversions change
MIRROR_MARKER = ".labs-mirror.json"
EXAMPLES = 3  # file names shown per problem line

# Problem kinds, in the order the report prints them, with the words it uses.
PROBLEMS = {
    "unreadable": "unreadable image (skipped)",
    "not_image": "not an image (skipped)",
    "too_large": f"over {MAX_PIXELS:,} pixels (skipped)",
    "tiny": "under {min_size} pixels on a side (skipped)",
    "heic": "HEIC/HEIF photo, an iPhone's format (skipped: convert it to JPEG; see the note below)",
    "other_extension": "other file type (skipped)",
    "hidden": "hidden, name starts with '.' (skipped)",
    "outside_class": "outside any class folder (skipped)",
    "empty_class": "class folder with no usable image (left out)",
}
MODE_WORDS = {"L": "greyscale", "LA": "greyscale + transparency", "RGBA": "RGBA", "RGBa": "RGBA", "P": "palette",
              "PA": "palette + transparency", "CMYK": "CMYK", "1": "black and white", "I;16": "16-bit",
              "I;16B": "16-bit", "I;16L": "16-bit", "I": "16/32-bit", "F": "32-bit float", "YCbCr": "YCbCr",
              "LAB": "LAB", "HSV": "HSV"}


# --------------------------------------------------------------------------- the report


@dataclass(eq=False)
class FolderReport:
    """What scan_image_folder found: the images kept per class and every file skipped, by problem."""

    directory: str
    min_size: int
    kept: dict  # class name -> tuple of kept files, paths relative to directory ('cat/a.jpg')
    converted: dict  # kept file -> why it was converted to RGB ('RGBA', 'CMYK', ...)
    problems: dict  # problem kind (see PROBLEMS) -> tuple of (file or folder, detail)
    mirror: str = ""  # the cleaned copy Keras reads (set by load_image_folder)
    reused: bool = field(default=False, compare=False)  # True when the mirror was already there

    @property
    def class_names(self):
        """Return the classes with at least one kept image, sorted as Keras sorts them."""
        return [name for name in sorted(self.kept) if self.kept[name]]

    @property
    def num_images(self):
        """Return how many images were kept."""
        return sum(len(files) for files in self.kept.values())

    @property
    def num_skipped(self):
        """Return how many files (and folders) were skipped; empty class folders are not counted."""
        return sum(len(items) for kind, items in self.problems.items() if kind != "empty_class")

    def counts(self):
        """Return {problem kind: number of files}, plus 'converted', for every kind that occurred."""
        found = {kind: len(items) for kind, items in self.problems.items() if items}
        return {**({"converted": len(self.converted)} if self.converted else {}), **found}

    def summary(self):
        """Return the report as text: one line per kind of problem, then the images kept per class."""
        lines = [f"Image folder {_shown(Path(self.directory).name)!r}: {self.num_images} images kept in "
                 f"{len(self.class_names)} classes ({len(self.converted)} converted to RGB), "
                 f"{self.num_skipped} files skipped."]
        rows = []
        if self.converted:
            rows.append(("converted to RGB (kept)", [f"{path} ({why})" for path, why in self.converted.items()]))
        for kind, words in PROBLEMS.items():
            items = self.problems.get(kind, ())
            if items:
                rows.append((words.format(min_size=self.min_size),
                             [f"{path} ({detail})" if detail else path for path, detail in items]))
        width = max((len(words) for words, _ in rows), default=0)
        for words, examples in rows:
            more = f", ... and {len(examples) - EXAMPLES} more" if len(examples) > EXAMPLES else ""
            lines.append(f"  {words:<{width}}  {len(examples):>4}: {_shown(', '.join(examples[:EXAMPLES]))}{more}")
        if self.problems.get("heic"):
            lines.append(f"  Note: {HEIC_ADVICE}")
        lines.append("Images kept per class:" if self.class_names else "No images kept in any class folder.")
        name_width = max((len(_shown(name)) for name in self.class_names), default=0)
        for name in self.class_names:
            lines.append(f"  {_shown(name):<{name_width}}  {len(self.kept[name]):>5}")
        return "\n".join(lines)

    def __str__(self):
        return self.summary()

    def _repr_pretty_(self, printer, cycle):
        """Show the summary in Jupyter (a bare ``report`` at the end of a cell)."""
        printer.text(self.summary())


def _shown(text):
    """Return ``text`` printable anywhere (a file name that is not valid UTF-8 shows its bytes escaped)."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --------------------------------------------------------------------------- scanning


def scan_image_folder(directory, min_size=MIN_SIZE):
    """Open every file of a class-per-sub-folder image folder and return a FolderReport of what is usable.

    directory: a folder holding one sub-folder per class (``photos/cat/*.jpg``, ``photos/dog/*.jpg``).
    min_size: images smaller than this many pixels in height or width are skipped.
    Nothing is modified; ``print(report)`` shows one line per kind of problem and the images kept per class.
    """
    root = _require_directory(directory)
    min_size = require_int(min_size, "min_size", minimum=1)
    listing = _list_folder(root)
    cached = _cached_report(_mirror_path(root, min_size, listing))
    return cached if cached is not None else _scan(root, min_size, listing)[0]


def clean_copy(directory, min_size=MIN_SIZE):
    """Return the folder of a cleaned copy of ``directory``, for ``keras.utils.image_dataset_from_directory``.

    The copy holds the images scan_image_folder keeps, under the same class folders (converted to RGB
    where Keras could not read them as they are); skipped files are left out. It is built once in
    $KERAS_HOME/datasets/image_folders and reused while the folder is unchanged. Your folder is never written.
    """
    root = _require_directory(directory)
    _require_class_folders(root)
    report = _mirror_folder(root, require_int(min_size, "min_size", minimum=1))
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


def _list_folder(root):
    """Return the folder's entries, (kind, relative path, size, mtime_ns): kind 'file', 'class', 'hidden', 'root'."""
    entries = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith("."):
            entries.append(("hidden", entry.name + ("/" if entry.is_dir() else ""), 0, 0))
        elif entry.is_dir():
            entries.append(("class", entry.name, 0, 0))
            for folder, dirnames, filenames in os.walk(entry.path):
                relative = Path(folder).relative_to(root).as_posix()
                for hidden in sorted(d for d in dirnames if d.startswith(".")):
                    entries.append(("hidden", f"{relative}/{hidden}/", 0, 0))
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for filename in sorted(filenames):
                    try:
                        stat = os.stat(os.path.join(folder, filename))
                        size, mtime = stat.st_size, stat.st_mtime_ns
                    except OSError:  # a broken link: opening it will fail and report it as unreadable
                        size, mtime = -1, 0
                    kind = "hidden" if filename.startswith(".") else "file"
                    entries.append((kind, f"{relative}/{filename}", size, mtime))
        else:
            entries.append(("root", entry.name, 0, 0))
    return entries


def _scan(root, min_size, listing):
    """Open every listed file; return the FolderReport and {kept file: whether it must be converted}."""
    kept, converted, plan = {}, {}, {}
    problems = {kind: [] for kind in PROBLEMS}
    for kind, relative, _, _ in listing:
        if kind == "class":
            kept[relative] = []
        elif kind == "hidden":
            problems["hidden"].append((relative, ""))
        elif kind == "root":
            problems["outside_class"].append((relative, ""))
        elif relative.lower().endswith(HEIC_EXTENSIONS):
            problems["heic"].append((relative, ""))
        elif not relative.lower().endswith(IMAGE_EXTENSIONS):
            problems["other_extension"].append((relative, ""))
        else:
            problem, detail, reasons = _inspect(root / relative, min_size)
            if problem:
                problems[problem].append((relative, detail))
            else:
                kept[relative.split("/", 1)[0]].append(relative)
                plan[relative] = bool(reasons)
                if reasons:
                    converted[relative] = ", ".join(reasons)
    for name, files in kept.items():
        if not files:
            had_files = any(k == "file" and r.startswith(name + "/") for k, r, _, _ in listing)
            problems["empty_class"].append((name + "/", "only skipped files" if had_files else "no files"))
    report = FolderReport(str(root), min_size, {name: tuple(files) for name, files in kept.items()}, converted,
                          {kind: tuple(items) for kind, items in problems.items() if items})
    return report, plan


def _open_image(path):
    """Open ``path`` with Pillow in the formats of PIL_FORMATS only (none of them runs a program)."""
    from PIL import Image

    return Image.open(path, formats=PIL_FORMATS)


def _inspect(path, min_size):
    """Return (problem, detail, conversion reasons) for one image file; problem is None when it is usable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open_image(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return "too_large", f"{width}x{height}", ()
                image.verify()  # checks the file's structure without decoding it
            with _open_image(path) as image:  # verify() leaves the image unusable: open it again
                image.load()  # decodes every pixel: a truncated file fails here
                reasons = _conversion_reasons(path, image)
    except UnidentifiedImageError:
        return "not_image", "", ()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:  # Pillow's own guard
        found = re.search(r"\((\d+) pixels\)", str(error))
        return "too_large", f"{int(found.group(1)):,} pixels" if found else "", ()
    except Exception as error:  # Pillow raises many kinds of errors for broken files
        return "unreadable", _short(error), ()
    if width < min_size or height < min_size:
        return "tiny", f"{width}x{height}", ()
    return None, "", reasons


def _short(error):
    """Return an exception as a few words for the report ('image file is truncated')."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:60].rstrip(" .")


def _conversion_reasons(path, image):
    """Return why the loaded ``image`` cannot go to Keras as it is (empty when it can)."""
    reasons = []
    if image.mode != "RGB":
        reasons.append(MODE_WORDS.get(image.mode, image.mode))
    elif image.format == "PNG" and _png_bit_depth(path) == 16:
        reasons.append("16-bit")
    if image.format not in KERAS_FORMATS:
        reasons.append(f"{image.format} file")
    if not str(path).lower().endswith(KERAS_EXTENSIONS) and not reasons:
        reasons.append("extension Keras skips")
    if image.getexif().get(0x0112, 1) not in (1, None):  # EXIF orientation: Keras would show it rotated
        reasons.append("EXIF rotation")
    return tuple(dict.fromkeys(reasons))


def _png_bit_depth(path):
    """Return a PNG file's bit depth from its header (Pillow reads 16-bit RGB as 8-bit RGB)."""
    with open(path, "rb") as file:
        header = file.read(25)
    return header[24] if len(header) == 25 else 8


def _to_rgb(image):
    """Return a loaded Pillow image as an 8-bit RGB image, upright, transparency over white."""
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        if image.mode == "F" and values.max(initial=0) <= 1:
            values = values * 255
        elif values.max(initial=0) > 255:
            values = values / 257  # 16-bit 0-65535 to 0-255
        image = Image.fromarray(np.clip(np.round(values), 0, 255).astype(np.uint8), "L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


# --------------------------------------------------------------------------- the mirror


def _mirror_path(root, min_size, listing):
    """Return the mirror folder for this folder's current content (named by its path, files, sizes, times)."""
    source = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:8]
    content = hashlib.sha256(json.dumps([MIRROR_VERSION, min_size, listing], ensure_ascii=True).encode())
    name = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in root.name)[:40] or "folder"
    return _mirror_home() / f"{name}-{source}-{content.hexdigest()[:12]}"


def _mirror_home():
    """Return the folder holding the mirrors: image_folders in the Keras dataset cache."""
    return config.data_cache_dir() / "image_folders"


def _cached_report(mirror):
    """Return the FolderReport stored in a complete mirror, or None when there is none."""
    try:
        stored = json.loads((mirror / MIRROR_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stored["kept"] = {name: tuple(files) for name, files in stored["kept"].items()}
    stored["problems"] = {kind: tuple(tuple(item) for item in items) for kind, items in stored["problems"].items()}
    return FolderReport(**{**stored, "mirror": str(mirror), "reused": True})


def _mirrored_name(relative, convert):
    """Return a kept file's path in the mirror: the same, or with '.png' added when it was converted."""
    return relative if not convert or relative.lower().endswith(".png") else relative + ".png"


def _build_mirror(root, min_size, listing, mirror):
    """Scan ``root`` and write its cleaned mirror; return the FolderReport."""
    report, plan = _scan(root, min_size, listing)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    building = mirror.parent / f".building-{mirror.name}-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    try:
        for name in report.class_names:
            (building / name).mkdir(parents=True)
        for relative, convert in plan.items():
            target = building / _mirrored_name(relative, convert)
            target.parent.mkdir(parents=True, exist_ok=True)
            if convert:
                with _open_image(root / relative) as image:
                    _to_rgb(image).save(target, format="PNG")
            else:
                try:
                    os.link(root / relative, target)  # no copy when the cache is on the same disk
                except OSError:
                    shutil.copyfile(root / relative, target)
        stored = {key: value for key, value in asdict(report).items() if key not in ("mirror", "reused")}
        (building / MIRROR_MARKER).write_text(json.dumps(stored, ensure_ascii=True), encoding="utf-8")
        try:
            os.replace(building, mirror)
        except OSError:  # another process built the same mirror meanwhile: use theirs
            if _cached_report(mirror) is None:
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _remove_old_mirrors(mirror)
    report.mirror = str(mirror)
    return report


def _remove_old_mirrors(mirror):
    """Delete the earlier mirrors of the same source folder (same path hash, other content)."""
    source = mirror.name.rsplit("-", 2)[-2]
    for old in mirror.parent.glob(f"*-{source}-*"):
        if old != mirror and (old / MIRROR_MARKER).is_file():
            shutil.rmtree(old, ignore_errors=True)


def _mirror_folder(root, min_size):
    """Return the FolderReport of ``root`` with its mirror, built now or reused."""
    listing = _list_folder(root)
    mirror = _mirror_path(root, min_size, listing)
    return _cached_report(mirror) or _build_mirror(root, min_size, listing, mirror)


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
    image_size = _require_image_size(image_size)
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
        class_names = _require_class_names(class_names)
    _require_class_folders(root)
    report = _mirror_folder(root, min_size)
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


def _require_image_size(image_size):
    """Return image_size as a (height, width) tuple of ints from 1 to 4096."""
    example = "a pair (height, width) such as (96, 96)"
    if isinstance(image_size, np.ndarray):
        image_size = image_size.tolist()
    if not isinstance(image_size, (tuple, list)):
        raise TypeError(f"image_size must be {example}, got {describe(image_size)}.")
    if len(image_size) != 2:
        raise ValueError(f"image_size must be {example}, got {describe(image_size)}.")
    return tuple(require_int(size, f"image_size[{i}] ({'height' if i == 0 else 'width'})", minimum=1, maximum=4096)
                 for i, size in enumerate(image_size))


def _require_class_names(class_names):
    """Return class_names as a list of distinct, non-empty strings."""
    names = require_list(class_names, "class_names", example="train.class_names")
    wrong = [name for name in names if not isinstance(name, str) or not name or "/" in name]
    if wrong:
        raise TypeError(f"class_names must hold folder names (strings), got {describe(wrong[0])}.")
    if len(set(names)) != len(names):
        raise ValueError(f"class_names lists a name twice: {sorted({n for n in names if names.count(n) > 1})}.")
    return names


def _require_class_folders(root):
    """Raise before any image is opened if ``root`` has fewer than two class sub-folders."""
    folders = sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith("."))
    layout = (f"Put each class's images in a sub-folder named after the class: "
              f"{_shown(root / 'cat')}/..., {_shown(root / 'dog')}/...")
    if not folders:
        files = sum(1 for e in os.scandir(root) if e.is_file() and not e.name.startswith("."))
        raise ValueError(f"directory {_shown(root)!r} has no class sub-folders (it holds {files} files directly). "
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
            raise ValueError(f"no usable images in {_shown(report.directory)!r}:\n{report.summary()}")
        return class_names
    if len(usable) < 2:
        folders = sorted(report.kept)
        found = (f"only one class folder, {folders[0]!r}" if len(folders) == 1 else
                 f"{len(folders)} class folders but usable images in {len(usable)} "
                 f"({', '.join(map(repr, usable)) or 'none'})")
        raise ValueError(f"a classifier needs at least two classes, and {_shown(report.directory)!r} has "
                         f"{_shown(found)}. Add a sub-folder of images per class.\n{report.summary()}")
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
    return {os.path.normpath(mirror / _mirrored_name(relative, relative in report.converted)): str(root / relative)
            for files in report.kept.values() for relative in files}


def load_image_file(path, image_size=None):
    """Read one image file as the loader does; return float32 (height, width, 3) with values 0-255.

    The file is checked and converted exactly as scan_image_folder / load_image_folder do it
    (greyscale, transparency, CMYK, ... become RGB), then resized to image_size (height, width)
    with Keras' bilinear resize, when given.
    """
    path = _require_file(path, "path", "an image file")
    if image_size is not None:
        image_size = _require_image_size(image_size)
    problem, detail, reasons = _inspect(path, min_size=1)
    if problem:
        words = PROBLEMS[problem].replace(" (skipped)", "").format(min_size=1)
        raise ValueError(f"{_shown(path)} cannot be used as an image: {words}" + (f" ({detail})." if detail else "."))

    import tensorflow as tf

    if reasons:
        with _open_image(path) as image:
            pixels = np.asarray(_to_rgb(image))
    else:  # as Keras reads a kept file
        pixels = tf.io.decode_image(path.read_bytes(), channels=3, expand_animations=False)
    pixels = tf.cast(pixels, tf.float32)
    if image_size is not None:
        pixels = tf.image.resize(pixels, image_size, method="bilinear")
    return pixels.numpy()


def _require_file(path, name, what):
    """Return ``path`` as a Path after checking it names an existing file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a string or pathlib.Path), got {describe(path)}.")
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{name}: no such file {str(path)!r} (the current folder is {os.getcwd()!r}).")
    if not path.is_file():
        raise ValueError(f"{name} must be {what}, but {str(path)!r} is a folder.")
    return path


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


# --------------------------------------------------------------------------- predictions


@dataclass(eq=False)
class ImagePredictions:
    """The top classes for each image file: ``print`` it, or read paths, top and probabilities."""

    paths: list  # the image files, as given
    top: list  # per file, a list of (class name, probability), most likely first
    probabilities: np.ndarray  # (N, num_classes)
    class_names: list
    note: str = ""  # said when the model's outputs were not probabilities

    def __len__(self):
        return len(self.paths)

    def __iter__(self):
        return iter(zip(self.paths, self.top))

    def __getitem__(self, index):
        return self.paths[index], self.top[index]

    def __str__(self):
        width = max(len(_shown(Path(p).name)) for p in self.paths)
        lines = [f"{_shown(Path(path).name):<{width}}  "
                 + " · ".join(f"{_shown(name)} {prob:.1%}" for name, prob in top) for path, top in self]
        return "\n".join(lines + ([self.note] if self.note else []))

    def _repr_pretty_(self, printer, cycle):
        """Show the table in Jupyter."""
        printer.text(str(self))


def predict_image_files(model, paths, class_names, image_size=None, top=3):
    """Return the model's top classes with their probabilities for each image file, as ImagePredictions.

    model: a Keras classifier taking float images with values 0-255 (as load_image_folder's
    datasets give them). paths: one image file or a list of them, read as the loader reads
    them. class_names: the training dataset's class_names. image_size: (height, width), by
    default the model's input size. top: how many classes to list per image.
    """
    model = require_image_model(model)
    class_names = _require_class_names(class_names)
    num_outputs = model.outputs[0].shape[-1]
    if num_outputs != len(class_names):
        raise ValueError(f"class_names has {len(class_names)} names but the model outputs {num_outputs} scores; "
                         "pass the class_names of the dataset it was trained on.")
    model_size = tuple(model.inputs[0].shape[1:3])
    if image_size is None:
        if None in model_size:
            raise ValueError("image_size is needed: the model accepts any size; pass e.g. image_size=(96, 96).")
        image_size = model_size
    image_size = _require_image_size(image_size)
    if None not in model_size and image_size != model_size:
        raise ValueError(f"image_size {image_size} differs from the model's input size {model_size}.")
    top = require_int(top, "top", minimum=1, maximum=len(class_names))
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = require_list(paths, "paths", example="['photo.jpg']")
    images = np.stack([load_image_file(_require_file(p, f"paths[{i}]", "an image file"), image_size)
                       for i, p in enumerate(paths)])
    scores = np.asarray(model.predict(images, verbose=0), dtype=np.float64)
    note = ""
    if not (scores.min() >= -1e-6 and np.allclose(scores.sum(axis=1), 1, atol=1e-3)):
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = shifted / shifted.sum(axis=1, keepdims=True)
        note = "(the model's outputs were not probabilities: softmax applied to them)"
    best = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    tops = [[(class_names[j], float(row[j])) for j in order] for row, order in zip(scores, best)]
    return ImagePredictions([str(p) for p in paths], tops, scores, class_names, note)


# --------------------------------------------------------------------------- saved models


_EXPECTED_ARCHIVE = "a Keras model saved with model.save('name.keras') (a zip archive with config.json and metadata.json)"


def keras_archive_problem(path):
    """Return what keeps the file at ``path`` from being a loadable .keras archive, or None if nothing does.

    Reads the file as a zip archive only (never runs anything): an HDF5 file, text, a zip without
    config.json and metadata.json, damaged JSON, a config that describes no model, or the wrong suffix.
    """
    path = Path(path)
    expected = _EXPECTED_ARCHIVE
    try:
        with open(path, "rb") as file:
            start = file.read(8)
    except OSError as error:
        return f"{_shown(path)} cannot be read ({type(error).__name__}); it is not {expected}."
    if start.startswith(b"\x89HDF"):
        return (f"{_shown(path)} is an HDF5 file (the legacy .h5 format), not {expected}. "
                "Load it where it was made and save it again as .keras.")
    if not zipfile.is_zipfile(path):
        kind = "a text file" if _looks_like_text(path) else "not a zip archive"
        return f"{_shown(path)} is {kind}, not {expected}."
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        missing = [name for name in ("config.json", "metadata.json") if name not in names]
        if missing:
            return f"{_shown(path)} is a zip archive without {' and '.join(missing)}, not {expected}."
        try:
            model_config = json.loads(archive.read("config.json"))
            json.loads(archive.read("metadata.json"))
        except ValueError:
            return f"{_shown(path)} has a damaged config.json or metadata.json; it is not {expected}."
    if not (isinstance(model_config, dict) and "class_name" in model_config):
        return f"{_shown(path)}'s config.json describes no model; it is not {expected}."
    if path.suffix != ".keras":
        return (f"{_shown(path)} is a Keras archive but Keras reads it only under a name ending in "
                f".keras: rename it to {path.with_suffix('.keras').name!r}.")
    return None


def load_keras_model(path):
    """Load a model saved with model.save('name.keras'), after checking the file is a Keras archive.

    Loads with safe_mode=True: a file whose layers would run arbitrary Python code (Lambda
    layers) is refused.
    """
    path = _require_file(path, "path", "a .keras file")
    problem = keras_archive_problem(path)
    if problem:
        raise ValueError(problem)

    from . import training  # noqa: F401  (registers labs' own loss, which saved models may use)
    from .pretrained import custom_objects
    from ._keras import import_keras

    keras = import_keras()
    try:
        return keras.saving.load_model(path, custom_objects=custom_objects(), safe_mode=True)
    except Exception as error:  # Keras raises many kinds; say which file and why in one sentence
        reason = _short(error) if "Lambda" not in str(error) else \
            "it holds a Lambda layer, whose Python code safe_mode refuses to run"
        raise ValueError(f"{_shown(path)} is a Keras archive, but Keras could not load it: {reason}.") from None


def _looks_like_text(path):
    """Return True when the file's first kilobyte decodes as UTF-8 text."""
    with open(path, "rb") as file:
        head = file.read(1024)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


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


if __name__ == "__main__":
    sys.exit(main())
