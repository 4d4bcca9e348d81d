"""Keras models of the course: the dense MNIST network, the classic small CNN, a batch-norm CNN.

Also the images they take (prepare_images) and the parameter-count formulas the notebooks check
against ``model.summary()``. Training them (recipes, loss, fitting, history) is labs.training.
"""

from . import config
from .augment import make_augmentation
from ._validate import as_image, describe, require_choice, require_int, require_number_between
from ._deprecation import moved
from ._keras import import_keras

keras = import_keras()

__all__ = [
    "make_dense_mnist", "make_small_cnn", "make_batchnorm_cnn", "prepare_images",
    "compute_dense_params", "compute_conv_params", "LAYER_KINDS", "compute_layer_table", "summarize_model",
    "count_params_by_kind",
]


# --- the models ---------------------------------------------------------------------------------

def _require_input_shape(input_shape, ndim):
    """Return input_shape as a tuple of ``ndim`` positive ints (ndim: an int or a tuple of ints), or raise."""
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise ValueError(f"input_shape must be a tuple of {wanted} sizes, got {describe(input_shape)}.")
    return tuple(require_int(n, "input_shape", minimum=1) for n in input_shape)


def _require_min_size(input_shape, smallest, model_name):
    """Raise unless images of ``input_shape`` are big enough for the convolutions and pools of a model."""
    if min(input_shape[:2]) < smallest:
        raise ValueError(f"input_shape {input_shape} is too small for the {model_name}: its convolutions and pools "
                         f"need images of at least {smallest}x{smallest} pixels.")


def make_dense_mnist(input_shape=(28, 28), hidden_units=512, num_classes=10, seed=config.SEED):
    """Build the dense network: Flatten -> Dense(512, relu) -> Dense(512, relu) -> Dense(10, softmax).

    input_shape: the shape of one image, e.g. (28, 28) or (28, 28, 1). Weights are seeded.
    """
    input_shape = _require_input_shape(input_shape, (1, 2, 3))
    hidden_units = require_int(hidden_units, "hidden_units", minimum=1)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    keras.utils.set_random_seed(require_int(seed, "seed", minimum=0))
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Flatten(name="flatten"),
        layers.Dense(hidden_units, activation="relu", name="hidden_1"),
        layers.Dense(hidden_units, activation="relu", name="hidden_2"),
        layers.Dense(num_classes, activation="softmax", name="output"),
    ], name="dense_mnist")


def make_small_cnn(input_shape=(28, 28, 1), num_classes=10, seed=config.SEED, dropout=0.0, l2=0.0,
                   augmentation=None, dense_units=64):
    """Build the classic small CNN: Conv 32 -> pool -> Conv 64 -> pool -> Conv 64 -> Dense 64 -> Dense 10.

    input_shape: (height, width, channels). All convolutions are 3x3 'valid' with ReLU; pools are 2x2.
    The remedies of notebook 08, all off by default (then the model is exactly the classic one):
    dropout: a rate in [0, 1), a Dropout layer between Flatten and Dense 64;
    l2: an L2 weight-decay factor >= 0 on every kernel (the loss gains l2 * sum of squared weights);
    augmentation: a dict of labs.augment.make_augmentation strengths (e.g. {"flip": "horizontal"}),
    built seeded as the model's first layers, active only in training.
    dense_units: the hidden dense layer's width (64 in the classic CNN; Chollet's cats-vs-dogs head has 512).
    The same seed gives the same initial weights with or without the remedies.
    """
    input_shape = _require_input_shape(input_shape, 3)
    _require_min_size(input_shape, 18, "small CNN")  # 18 -> conv 16 -> pool 8 -> conv 6 -> pool 3 -> conv 1
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    dense_units = require_int(dense_units, "dense_units", minimum=1)
    seed = require_int(seed, "seed", minimum=0)
    extras = _require_remedies(dropout, l2, augmentation)
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    decay = {"kernel_regularizer": keras.regularizers.L2(extras["l2"])} if extras["l2"] else {}
    model_layers = [keras.Input(shape=input_shape)] + _augmentation_layers(extras["augmentation"], seed) + [
        layers.Conv2D(32, (3, 3), activation="relu", name="conv_1", **decay),
        layers.MaxPooling2D((2, 2), name="pool_1"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv_2", **decay),
        layers.MaxPooling2D((2, 2), name="pool_2"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv_3", **decay),
        layers.Flatten(name="flatten"),
    ]
    if extras["dropout"]:
        model_layers.append(layers.Dropout(extras["dropout"], seed=seed, name="dropout"))
    model_layers += [
        layers.Dense(dense_units, activation="relu", name="dense", **decay),
        layers.Dense(num_classes, activation="softmax", name="output", **decay),
    ]
    return keras.Sequential(model_layers, name="small_cnn")


def _require_remedies(dropout, l2, augmentation):
    """Return the checked dropout rate, L2 factor and augmentation strengths of a model builder."""
    dropout = require_number_between(dropout, "dropout", 0, 1, expected="a rate from 0 up to (not including) 1")
    l2 = require_number_between(l2, "l2", 0, 1, expected="a weight-decay factor from 0 up to 1 (e.g. 1e-3)")
    if augmentation is not None and not isinstance(augmentation, dict):
        raise TypeError("augmentation must be None or a dict of labs.augment.make_augmentation strengths, "
                        f"e.g. {{'flip': 'horizontal', 'translation': 0.1}}; got {describe(augmentation)}.")
    if augmentation:
        make_augmentation(**augmentation)  # raises now, naming the bad strength, before anything is built
    return {"dropout": float(dropout), "l2": float(l2), "augmentation": augmentation or None}


def _augmentation_layers(augmentation, seed):
    """Return [the seeded augmentation pipeline] for a model's first layer, or [] when there is none."""
    if not augmentation:
        return []
    return [make_augmentation(**augmentation, seed=seed)]


def make_batchnorm_cnn(input_shape=(28, 28, 1), num_classes=10, seed=config.SEED, dropout=0.2, augmentation=None):
    """Build the course's stronger CNN: two conv + pool + batch-norm blocks, dropout, Dense 128.

    Conv 32 -> pool -> BN -> ReLU -> Conv 64 -> pool -> BN -> ReLU -> Dropout 0.2 -> Dense 128 -> Dense 10.
    Pooling before batch norm leaves 4x fewer numbers to normalise: cheaper epochs on a CPU.
    dropout: the Dropout layer's rate; augmentation: as in make_small_cnn (None: no augmentation).
    """
    input_shape = _require_input_shape(input_shape, 3)
    _require_min_size(input_shape, 10, "batch-norm CNN")  # 10 -> conv 8 -> pool 4 -> conv 2 -> pool 1
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    seed = require_int(seed, "seed", minimum=0)
    extras = _require_remedies(dropout, 0.0, augmentation)
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    model_layers = [keras.Input(shape=input_shape)] + _augmentation_layers(extras["augmentation"], seed)
    for number, filters in enumerate((32, 64), start=1):
        # batch norm has its own shift, so the convolution needs no bias
        model_layers += [layers.Conv2D(filters, (3, 3), use_bias=False, name=f"conv_{number}"),
                         layers.MaxPooling2D((2, 2), name=f"pool_{number}"),
                         layers.BatchNormalization(name=f"norm_{number}"),
                         layers.ReLU(name=f"relu_{number}")]
    model_layers += [layers.Flatten(name="flatten"),
                     layers.Dropout(extras["dropout"], name="dropout"),
                     layers.Dense(128, activation="relu", name="dense"),
                     layers.Dense(num_classes, activation="softmax", name="output")]
    return keras.Sequential(model_layers, name="batchnorm_cnn")


def prepare_images(X):
    """Scale uint8 images to float32 in [0, 1] with a channel axis: (N, H, W) -> (N, H, W, 1).

    X: array of shape (N, H, W) or (N, H, W, C) with values 0-255.
    """
    X = as_image(X, "X", ndim=(3, 4), channel_ndim=None, scale="0-255")
    if X.dtype.kind == "f" and 0 < X.max() <= 1.0:
        raise ValueError("X looks already scaled to [0, 1] (max <= 1); pass the 0-255 images.")
    X = X.astype("float32") / 255.0
    return X[..., None] if X.ndim == 3 else X


# --- counting parameters ------------------------------------------------------------------------

def compute_dense_params(num_inputs, units):
    """Return the weights of a Dense layer: (num_inputs + 1) * units (one bias per unit)."""
    num_inputs = require_int(num_inputs, "num_inputs", minimum=1)
    units = require_int(units, "units", minimum=1)
    return (num_inputs + 1) * units


def compute_conv_params(kernel_h, kernel_w, in_channels, filters):
    """Return the weights of a Conv2D layer: (kernel_h * kernel_w * in_channels + 1) * filters."""
    kernel_h = require_int(kernel_h, "kernel_h", minimum=1)
    kernel_w = require_int(kernel_w, "kernel_w", minimum=1)
    in_channels = require_int(in_channels, "in_channels", minimum=1)
    filters = require_int(filters, "filters", minimum=1)
    return (kernel_h * kernel_w * in_channels + 1) * filters


LAYER_KINDS = ("conv", "pool", "flatten", "dense")


def compute_layer_table(layers, input_shape=(28, 28, 1), kernel_size=3):
    """Return each layer's output shape and parameters worked out by the formulas (a pandas DataFrame).

    layers: a list of (kind, number): ("conv", filters) a kernel_size x kernel_size 'valid' convolution,
    ("pool", size) size x size max pooling with stride size, ("flatten", None), ("dense", units).
    input_shape: (height, width, channels) of square images. Uses compute_output_size, compute_conv_params
    and compute_dense_params, so the table can be set beside summarize_model's (what Keras says).
    """
    import pandas as pd

    from .conv import compute_output_size

    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3 or input_shape[0] != input_shape[1]:
        raise ValueError(f"input_shape must be (size, size, channels) for square images, got {describe(input_shape)}.")
    size = require_int(input_shape[0], "input_shape[0]", minimum=1)
    channels = require_int(input_shape[2], "input_shape[2]", minimum=1)
    kernel_size = require_int(kernel_size, "kernel_size", minimum=1)
    if not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(f"layers must be a non-empty list of (kind, number) pairs, got {describe(layers)}.")
    rows, flat = [], False
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise TypeError(f"layers[{i}] must be a pair (kind, number) such as ('conv', 32), got {describe(layer)}.")
        kind = require_choice(layer[0], f"layers[{i}][0]", LAYER_KINDS)
        if kind in ("conv", "pool") and flat:
            raise ValueError(f"layers[{i}] is {kind!r} after the rows were flattened; put it before 'flatten'.")
        if kind == "dense" and not flat:
            raise ValueError(f"layers[{i}] is 'dense' before a 'flatten'; flatten the feature maps first.")
        if kind == "conv":
            filters = require_int(layer[1], f"layers[{i}][1]", minimum=1)
            params = compute_conv_params(kernel_size, kernel_size, channels, filters)
            size, channels = compute_output_size(size, kernel_size), filters
            shape = (size, size, channels)
        elif kind == "pool":
            pool = require_int(layer[1], f"layers[{i}][1]", minimum=1)
            params, size = 0, compute_output_size(size, pool, "valid", pool)
            shape = (size, size, channels)
        elif kind == "flatten":
            params, channels, flat = 0, size * size * channels, True
            shape = (channels,)
        else:
            units = require_int(layer[1], f"layers[{i}][1]", minimum=1)
            params, channels = compute_dense_params(channels, units), units
            shape = (channels,)
        rows.append({"layer": kind, "output shape": str(shape), "parameters": params})
    return pd.DataFrame(rows)


def summarize_model(model):
    """Return a table of the model's layers: name, type, output shape, parameters (a pandas DataFrame)."""
    import pandas as pd

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    rows = [{"layer": layer.name, "type": type(layer).__name__,
             "output shape": str(tuple(layer.output.shape)), "parameters": layer.count_params()}
            for layer in model.layers]
    return pd.DataFrame(rows).set_index("layer")


def count_params_by_kind(model):
    """Return the parameters of a model's convolutional layers, its dense layers, and in total."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    conv = sum(layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    dense = sum(layer.count_params() for layer in model.layers if isinstance(layer, keras.layers.Dense))
    return {"convolutional": conv, "dense": dense, "total": model.count_params()}


# --- old names, kept until 2027-03-31: training moved to labs.training -------------------------------

__getattr__ = moved(__name__, ("RECIPES", "make_warmup_cosine", "SmoothedSparseCrossentropy", "compile_classifier",
                               "ProgressBar", "train_model", "train_with_recipe", "history_table", "plot_history",
                               "show_history"), "labs.training")
