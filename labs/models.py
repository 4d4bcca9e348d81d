"""Keras models of the course: the dense MNIST network, the classic small CNN, a batch-norm CNN.

Also a quiet, deterministic training helper with a live progress line, and the
parameter-count formulas the notebooks check against ``model.summary()``.
"""

import time

import numpy as np

from . import config
from ._validate import (as_array, as_image, require_axes, require_choice, require_finite, require_int, require_labels,
                        require_number, require_number_between, describe)
from ._keras import import_keras

keras = import_keras()

__all__ = [
    "RECIPES", "make_dense_mnist", "make_small_cnn", "make_batchnorm_cnn", "make_warmup_cosine",
    "SmoothedSparseCrossentropy", "compile_classifier", "prepare_images", "train_model", "train_with_recipe", "ProgressBar",
    "compute_dense_params", "compute_conv_params", "LAYER_KINDS", "compute_layer_table", "summarize_model",
    "count_params_by_kind",
    "history_table", "plot_history", "show_history",
]


# Training recipes: the final choice among candidates was made on validation data taken from the
# training images, never the test images (small_cnn: 4-fold cross-validation on mnist_small's 4,000
# training digits, benchmarks/small_cnn_recipes.py; the others: benchmarks/networks.py).
# The notebooks and the benchmarks all read them here.
RECIPES = {
    "dense_mnist": {"epochs": 10, "batch_size": 32, "learning_rate": 1e-3},
    "small_cnn": {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.2},
    "batchnorm_cnn": {"epochs": 7, "batch_size": 128, "learning_rate": 3e-3},
}


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
    dense_units: the hidden dense layer's width (64 in the classic CNN; the talks' cats-vs-dogs head has 512).
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
        from .augment import make_augmentation

        make_augmentation(**augmentation)  # raises now, naming the bad strength, before anything is built
    return {"dropout": float(dropout), "l2": float(l2), "augmentation": augmentation or None}


def _augmentation_layers(augmentation, seed):
    """Return [the seeded augmentation pipeline] for a model's first layer, or [] when there is none."""
    if not augmentation:
        return []
    from .augment import make_augmentation

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


def make_warmup_cosine(learning_rate, total_steps, warmup_fraction=0.1):
    """Return a learning-rate schedule: a linear warm-up to learning_rate, then a cosine decay to 0."""
    learning_rate = require_number(learning_rate, "learning_rate", above=0)
    total_steps = require_int(total_steps, "total_steps", minimum=2)
    warmup_fraction = require_number(warmup_fraction, "warmup_fraction", minimum=0, below=1)
    warmup_steps = int(total_steps * warmup_fraction)
    return keras.optimizers.schedules.CosineDecay(
        0.0 if warmup_steps else float(learning_rate), total_steps - warmup_steps,
        warmup_target=float(learning_rate) if warmup_steps else None, warmup_steps=warmup_steps)


@keras.saving.register_keras_serializable(package="labs")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Cross-entropy for integer labels with label smoothing (Keras' sparse loss has none).

    With label_smoothing e and K classes the target for the true class is 1 - e + e/K and
    e/K for every other class: the network is not pushed to ever more certain outputs.
    Equal to keras.losses.CategoricalCrossentropy(label_smoothing=e) on one-hot labels.
    """

    def __init__(self, label_smoothing=0.1, name="smoothed_sparse_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = require_number_between(label_smoothing, "label_smoothing", 0, 1,
                                                    expected="a number in [0, 1)")

    def call(self, y_true, y_pred):
        """Return the per-example loss: one-hot the labels, then smoothed categorical cross-entropy."""
        ops = keras.ops
        labels = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), ops.shape(y_pred)[-1])
        return keras.losses.categorical_crossentropy(labels, y_pred, label_smoothing=self.label_smoothing)

    def get_config(self):
        """Return the settings that rebuild this loss (for saving a compiled model)."""
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


def compile_classifier(model, learning_rate=1e-3, label_smoothing=0.0):
    """Compile ``model`` for integer labels: Adam, sparse categorical cross-entropy, accuracy.

    learning_rate: a positive number or a Keras schedule (e.g. make_warmup_cosine(...)).
    label_smoothing: 0 (plain cross-entropy) or a number in (0, 1): see SmoothedSparseCrossentropy.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    is_schedule = isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule)
    if not is_schedule:
        learning_rate = require_number(learning_rate, "learning_rate", above=0, hint=" (or a Keras schedule)")
    loss = SmoothedSparseCrossentropy(label_smoothing) if label_smoothing else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    return model


def prepare_images(X):
    """Scale uint8 images to float32 in [0, 1] with a channel axis: (N, H, W) -> (N, H, W, 1).

    X: array of shape (N, H, W) or (N, H, W, C) with values 0-255.
    """
    X = as_image(X, "X", ndim=(3, 4), channel_ndim=None, scale="0-255")
    if X.dtype.kind == "f" and 0 < X.max() <= 1.0:
        raise ValueError("X looks already scaled to [0, 1] (max <= 1); pass the 0-255 images.")
    X = X.astype("float32") / 255.0
    return X[..., None] if X.ndim == 3 else X


# --- training -----------------------------------------------------------------------------------

def _in_notebook():
    """Return True when running inside a Jupyter kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class ProgressBar(keras.callbacks.Callback):
    """Show training progress: a bar in notebooks (labs.widgets.TrainingBar), printed lines in scripts, or nothing.

    mode: "auto" (widget in a notebook, silent elsewhere), "display", "print" or "silent".
    The widget changes through its own messages, so a stored notebook keeps one stable line.
    """

    def __init__(self, epochs, mode="auto"):
        super().__init__()
        self.epochs = require_int(epochs, "epochs", minimum=1)
        mode = require_choice(mode, "mode", ("auto", "display", "print", "silent"))
        self.mode = ("display" if _in_notebook() else "silent") if mode == "auto" else mode
        self.bar = None

    def on_train_begin(self, logs=None):
        """Show an empty bar (notebooks only: labs.widgets.TrainingBar)."""
        if self.mode == "display":
            from .widgets import TrainingBar

            self.bar = TrainingBar(self.epochs)

    def on_epoch_end(self, epoch, logs=None):
        """Advance the bar, or print a line, with this epoch's metrics."""
        metrics = " · ".join(f"{k} {v:.3f}" for k, v in (logs or {}).items() if k != "learning_rate")
        line = f"epoch {epoch + 1}/{self.epochs} · {metrics}"
        if self.bar is not None:
            self.bar.advance(epoch + 1, line)
        elif self.mode == "print":
            print(f"training: {line}", flush=True)

    def on_train_end(self, logs=None):
        """Colour the finished bar green."""
        if self.bar is not None:
            self.bar.finish()


def train_model(model, X, y, epochs=5, batch_size=32, validation_data=None, validation_split=0.0,
                seed=config.SEED, progress="auto", callbacks=None):
    """Train a compiled model quietly (verbose=0) and deterministically; return the Keras History.

    Determinism: keras.utils.set_random_seed(seed) and tf.config.experimental.enable_op_determinism().

    X: array of shape (N, ...) matching the model's input; y: int labels of shape (N,).
    progress: "auto" (a progress bar in notebooks, nothing elsewhere), "print", or "silent".
    callbacks: more Keras callbacks, e.g. [keras.callbacks.EarlyStopping(...)].
    The History gets a ``train_seconds`` attribute: the wall-clock training time.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    if not getattr(model, "compiled", False):
        raise ValueError("model is not compiled yet; call labs.models.compile_classifier(model) first.")
    X, y = _require_training_data(model, X, y, "X", "y")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(f"validation_data must be a pair (X_val, y_val), got {describe(validation_data)}.")
        validation_data = _require_training_data(model, *validation_data, "validation_data[0]", "validation_data[1]")
    validation_split = require_number(validation_split, "validation_split", minimum=0, below=1,
                                    hint=" (the fraction of X held out, e.g. 0.2)")
    epochs = require_int(epochs, "epochs", minimum=1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    if progress not in ("auto", "print", "silent", "display"):
        raise ValueError(f"progress must be 'auto', 'print' or 'silent', got {progress!r}.")
    callbacks = list(callbacks or [])
    if not all(isinstance(callback, keras.callbacks.Callback) for callback in callbacks):
        raise TypeError(f"callbacks must be a list of keras.callbacks.Callback, got {describe(callbacks)}.")
    import tensorflow as tf

    keras.utils.set_random_seed(require_int(seed, "seed", minimum=0))
    tf.config.experimental.enable_op_determinism()  # same seed, same numbers (even if keras came before setup)
    start = time.perf_counter()
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                        validation_split=validation_split, verbose=0,
                        callbacks=[ProgressBar(epochs, progress), *callbacks])
    history.train_seconds = time.perf_counter() - start
    return history


def _require_training_data(model, X, y, x_name, y_name):
    """Check images X that fit the model's input and their labels y (one per image, below the outputs)."""
    X = require_finite(as_array(X, x_name, dtype_kind="uif"), x_name)
    expected = tuple(model.inputs[0].shape[1:])
    if X.shape[1:] != expected:
        raise ValueError(f"{x_name} must have shape (N, {', '.join(map(str, expected))}) to fit the model's input, "
                         f"got {X.shape}.")
    outputs = model.outputs[0].shape[-1] if getattr(model, "outputs", None) else None
    num_classes = None if outputs is None else max(int(outputs), 2)  # one sigmoid output: labels 0 and 1
    y = require_labels(y, y_name, len(X), num_classes, rows_name=x_name)
    return X, y


def train_with_recipe(model, X, y, recipe, validation_data=None, seed=config.SEED, progress="auto", callbacks=None):
    """Compile with Adam and a warm-up + cosine learning rate, then train; return the History.

    recipe: a name in RECIPES ("dense_mnist", "small_cnn", "batchnorm_cnn") or a dict with
    epochs, batch_size and learning_rate, and optionally label_smoothing.
    X: array of shape (N, ...); y: int labels (N,).
    """
    if isinstance(recipe, str):
        recipe = RECIPES[_require_recipe_name(recipe)]
    required, optional = {"epochs", "batch_size", "learning_rate"}, {"label_smoothing"}
    if not isinstance(recipe, dict) or not required <= set(recipe) <= required | optional:
        raise ValueError(f"recipe must be a name in {sorted(RECIPES)} or a dict with epochs, batch_size and "
                         f"learning_rate (label_smoothing optional), got {describe(recipe)}.")
    epochs = require_int(recipe["epochs"], "recipe['epochs']", minimum=1)
    batch_size = require_int(recipe["batch_size"], "recipe['batch_size']", minimum=1)
    require_number(recipe["learning_rate"], "recipe['learning_rate']", above=0)
    require_number(recipe.get("label_smoothing", 0.0), "recipe['label_smoothing']", minimum=0, below=1)
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    X, y = _require_training_data(model, X, y, "X", "y")  # before compiling, so a bad call changes nothing
    total_steps = max(epochs * -(-len(X) // batch_size), 2)
    compile_classifier(model, make_warmup_cosine(recipe["learning_rate"], total_steps),
                       label_smoothing=recipe.get("label_smoothing", 0.0))
    return train_model(model, X, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                       seed=seed, progress=progress, callbacks=callbacks)


def _require_recipe_name(name):
    """Return ``name`` if it is a recipe in RECIPES, else raise a clear error."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, RECIPES))}; got {name!r}.")
    return name


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


# --- training curves ----------------------------------------------------------------------------

def _history_dict(history):
    """Return the dict of per-epoch lists from a Keras History or a plain dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or "loss" not in values:
        raise TypeError(f"history must be a Keras History or a dict with a 'loss' list, got {describe(history)}.")
    num_epochs = len(as_array(values["loss"], "history['loss']", ndim=1, dtype_kind="uif"))
    for key, curve in values.items():
        if len(as_array(curve, f"history[{key!r}]", ndim=1, dtype_kind="uif")) != num_epochs:
            raise ValueError(f"history[{key!r}] has {len(curve)} values but history['loss'] has {num_epochs}; "
                             "every curve needs one value per epoch.")
    return values


def history_table(history, decimals=3):
    """Return the per-epoch metrics as a rounded table (a pandas DataFrame indexed by epoch)."""
    import pandas as pd

    values = {k: v for k, v in _history_dict(history).items() if k != "learning_rate"}
    table = pd.DataFrame(values).round(require_int(decimals, "decimals", minimum=0, maximum=10))
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    return table


def plot_history(history, metric="loss", ax=None, title=None):
    """Plot one metric per epoch for training and, when present, validation data."""
    import matplotlib.pyplot as plt

    values = _history_dict(history)
    require_axes(ax)
    if metric not in values:
        raise ValueError(f"metric must be one of {sorted(k for k in values if not k.startswith('val_'))}, "
                         f"got {metric!r}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3))
    epochs = np.arange(1, len(values[metric]) + 1)
    ax.plot(epochs, values[metric], "o-", markersize=3, label=f"training {metric}")
    if f"val_{metric}" in values:
        ax.plot(epochs, values[f"val_{metric}"], "s--", markersize=3, label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric.capitalize()} per epoch")
    ax.legend()
    return ax


def show_history(history, title=None):
    """Show loss and accuracy curves side by side; returns the figure."""
    import matplotlib.pyplot as plt

    if "accuracy" not in _history_dict(history):
        raise ValueError(f"history must have 'loss' and 'accuracy' curves (compile with metrics=['accuracy']), "
                         f"got {sorted(_history_dict(history))}.")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    plot_history(history, "loss", ax=left)
    plot_history(history, "accuracy", ax=right)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
