"""A trained model outside the notebook: predicting on image files, and saving and loading it as a checked .keras file.

    model.save("clothes.keras")
    model = labs.saving.load_keras_model("clothes.keras")    # checked first; never runs code from the file
    print(labs.saving.predict_image_files(model, ["shirt.jpg"], class_names))

The files are read as labs.folders reads a folder's images, so a photo is seen exactly as in training.
"""

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import training  # noqa: F401  (registers labs' own loss, which saved models may use)
from ._folderscan import shown, short_error
from ._keras import import_keras
from ._validate import require_class_names, require_file, require_image_model, require_image_size, require_int, require_list
from .folders import load_image_file
from .pretrained import top_classes
from .transfer import custom_objects

__all__ = ["ImagePredictions", "predict_image_files", "keras_archive_problem", "load_keras_model"]


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
        width = max(len(shown(Path(p).name)) for p in self.paths)
        lines = [f"{shown(Path(path).name):<{width}}  "
                 + " · ".join(f"{shown(name)} {prob:.1%}" for name, prob in top) for path, top in self]
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
    class_names = require_class_names(class_names)
    num_outputs = model.outputs[0].shape[-1]
    if num_outputs != len(class_names):
        raise ValueError(f"class_names has {len(class_names)} names but the model outputs {num_outputs} scores; "
                         "pass the class_names of the dataset it was trained on.")
    model_size = tuple(model.inputs[0].shape[1:3])
    if image_size is None:
        if None in model_size:
            raise ValueError("image_size is needed: the model accepts any size; pass e.g. image_size=(96, 96).")
        image_size = model_size
    image_size = require_image_size(image_size)
    if None not in model_size and image_size != model_size:
        raise ValueError(f"image_size {image_size} differs from the model's input size {model_size}.")
    top = require_int(top, "top", minimum=1, maximum=len(class_names))
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = require_list(paths, "paths", example="['photo.jpg']")
    images = np.stack([load_image_file(require_file(p, f"paths[{i}]", "an image file"), image_size)
                       for i, p in enumerate(paths)])
    scores = np.asarray(model.predict(images, verbose=0), dtype=np.float64)
    note = ""
    if not (scores.min() >= -1e-6 and np.allclose(scores.sum(axis=1), 1, atol=1e-3)):
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = shifted / shifted.sum(axis=1, keepdims=True)
        note = "(the model's outputs were not probabilities: softmax applied to them)"
    tops = [[(name, score) for _, name, score in row] for row in top_classes(scores, class_names, top)]
    return ImagePredictions([str(p) for p in paths], tops, scores, class_names, note)


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
        return f"{shown(path)} cannot be read ({type(error).__name__}); it is not {expected}."
    if start.startswith(b"\x89HDF"):
        return (f"{shown(path)} is an HDF5 file (the legacy .h5 format), not {expected}. "
                "Load it where it was made and save it again as .keras.")
    if not zipfile.is_zipfile(path):
        kind = "a text file" if _looks_like_text(path) else "not a zip archive"
        return f"{shown(path)} is {kind}, not {expected}."
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        missing = [name for name in ("config.json", "metadata.json") if name not in names]
        if missing:
            return f"{shown(path)} is a zip archive without {' and '.join(missing)}, not {expected}."
        try:
            model_config = json.loads(archive.read("config.json"))
            json.loads(archive.read("metadata.json"))
        except ValueError:
            return f"{shown(path)} has a damaged config.json or metadata.json; it is not {expected}."
    if not (isinstance(model_config, dict) and "class_name" in model_config):
        return f"{shown(path)}'s config.json describes no model; it is not {expected}."
    if path.suffix != ".keras":
        return (f"{shown(path)} is a Keras archive but Keras reads it only under a name ending in "
                f".keras: rename it to {path.with_suffix('.keras').name!r}.")
    return None


def load_keras_model(path):
    """Load a model saved with model.save('name.keras'), after checking the file is a Keras archive.

    Loads with safe_mode=True: a file whose layers would run arbitrary Python code (Lambda
    layers) is refused.
    """
    path = require_file(path, "path", "a .keras file")
    problem = keras_archive_problem(path)
    if problem:
        raise ValueError(problem)

    keras = import_keras()
    try:
        return keras.saving.load_model(path, custom_objects=custom_objects(), safe_mode=True)
    except Exception as error:  # Keras raises many kinds; say which file and why in one sentence
        reason = short_error(error) if "Lambda" not in str(error) else \
            "it holds a Lambda layer, whose Python code safe_mode refuses to run"
        raise ValueError(f"{shown(path)} is a Keras archive, but Keras could not load it: {reason}.") from None


def _looks_like_text(path):
    """Return True when the file's first kilobyte decodes as UTF-8 text."""
    with open(path, "rb") as file:
        head = file.read(1024)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
