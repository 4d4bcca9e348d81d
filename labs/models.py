"""Keras models of the course: the dense MNIST network, the classic small CNN, a batch-norm CNN.

Also a quiet, deterministic training helper with a live progress line, and the
parameter-count formulas the notebooks check against ``model.summary()``.
"""

import time

import numpy as np

from . import config
from ._validate import as_array, check_int, describe
from .environment import _import_keras_quietly

keras = _import_keras_quietly()

__all__ = [
    "RECIPES", "make_dense_mnist", "make_small_cnn", "make_batchnorm_cnn", "make_warmup_cosine",
    "SmoothedSparseCrossentropy", "compile_classifier", "prepare_images", "train_model", "train_with_recipe", "ProgressBar",
    "compute_dense_params", "compute_conv_params", "summarize_model", "count_params_by_kind",
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

def _check_input_shape(input_shape, ndim):
    """Return input_shape as a tuple of ``ndim`` positive ints (ndim: an int or a tuple of ints), or raise."""
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise ValueError(f"input_shape must be a tuple of {wanted} sizes, got {describe(input_shape)}.")
    return tuple(check_int(n, "input_shape", minimum=1) for n in input_shape)


def make_dense_mnist(input_shape=(28, 28), hidden_units=512, num_classes=10, seed=config.SEED):
    """Build the dense network: Flatten -> Dense(512, relu) -> Dense(512, relu) -> Dense(10, softmax).

    input_shape: the shape of one image, e.g. (28, 28) or (28, 28, 1). Weights are seeded.
    """
    input_shape = _check_input_shape(input_shape, (1, 2, 3))
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Flatten(name="flatten"),
        layers.Dense(hidden_units, activation="relu", name="hidden_1"),
        layers.Dense(hidden_units, activation="relu", name="hidden_2"),
        layers.Dense(num_classes, activation="softmax", name="output"),
    ], name="dense_mnist")


def make_small_cnn(input_shape=(28, 28, 1), num_classes=10, seed=config.SEED):
    """Build the classic small CNN: Conv 32 -> pool -> Conv 64 -> pool -> Conv 64 -> Dense 64 -> Dense 10.

    input_shape: (height, width, channels). All convolutions are 3x3 'valid' with ReLU; pools are 2x2.
    """
    input_shape = _check_input_shape(input_shape, 3)
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, (3, 3), activation="relu", name="conv_1"),
        layers.MaxPooling2D((2, 2), name="pool_1"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv_2"),
        layers.MaxPooling2D((2, 2), name="pool_2"),
        layers.Conv2D(64, (3, 3), activation="relu", name="conv_3"),
        layers.Flatten(name="flatten"),
        layers.Dense(64, activation="relu", name="dense"),
        layers.Dense(num_classes, activation="softmax", name="output"),
    ], name="small_cnn")


def make_batchnorm_cnn(input_shape=(28, 28, 1), num_classes=10, seed=config.SEED):
    """Build the course's stronger CNN: two conv + pool + batch-norm blocks, dropout, Dense 128.

    Conv 32 -> pool -> BN -> ReLU -> Conv 64 -> pool -> BN -> ReLU -> Dropout 0.2 -> Dense 128 -> Dense 10.
    Pooling before batch norm leaves 4x fewer numbers to normalise: cheaper epochs on a CPU.
    """
    input_shape = _check_input_shape(input_shape, 3)
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    layers = keras.layers
    model_layers = [keras.Input(shape=input_shape)]
    for number, filters in enumerate((32, 64), start=1):
        # batch norm has its own shift, so the convolution needs no bias
        model_layers += [layers.Conv2D(filters, (3, 3), use_bias=False, name=f"conv_{number}"),
                         layers.MaxPooling2D((2, 2), name=f"pool_{number}"),
                         layers.BatchNormalization(name=f"norm_{number}"),
                         layers.ReLU(name=f"relu_{number}")]
    model_layers += [layers.Flatten(name="flatten"),
                     layers.Dropout(0.2, name="dropout"),
                     layers.Dense(128, activation="relu", name="dense"),
                     layers.Dense(num_classes, activation="softmax", name="output")]
    return keras.Sequential(model_layers, name="batchnorm_cnn")


def make_warmup_cosine(learning_rate, total_steps, warmup_fraction=0.1):
    """Return a learning-rate schedule: a linear warm-up to learning_rate, then a cosine decay to 0."""
    if not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a positive number, got {describe(learning_rate)}.")
    total_steps = check_int(total_steps, "total_steps", minimum=2)
    if not isinstance(warmup_fraction, (int, float)) or not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction must be a number in [0, 1), got {describe(warmup_fraction)}.")
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
        if (not isinstance(label_smoothing, (int, float)) or isinstance(label_smoothing, bool)
                or not 0 <= label_smoothing < 1):
            raise ValueError(f"label_smoothing must be a number in [0, 1), got {describe(label_smoothing)}.")
        self.label_smoothing = float(label_smoothing)

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
    if not is_schedule and (not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool)
                            or not learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number or a Keras schedule, got {describe(learning_rate)}.")
    loss = SmoothedSparseCrossentropy(label_smoothing) if label_smoothing else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    return model


def prepare_images(X):
    """Scale uint8 images to float32 in [0, 1] with a channel axis: (N, H, W) -> (N, H, W, 1).

    X: array of shape (N, H, W) or (N, H, W, C) with values 0-255.
    """
    X = as_array(X, "X", ndim=(3, 4), dtype_kind="uif")
    if X.dtype.kind == "f" and np.nanmax(X) <= 1.0 and X.size and np.nanmax(X) > 0:
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
    """Show training progress: a widget bar in notebooks, printed lines in scripts, or nothing.

    mode: "auto" (widget in a notebook, silent elsewhere), "display", "print" or "silent".
    The widget changes through its own messages, so a stored notebook keeps one stable line.
    """

    def __init__(self, epochs, mode="auto"):
        super().__init__()
        self.epochs = epochs
        self.mode = ("display" if _in_notebook() else "silent") if mode == "auto" else mode
        self.bar = self.label = None

    def on_train_begin(self, logs=None):
        """Show an empty bar (notebooks only)."""
        if self.mode == "display":
            import ipywidgets as widgets
            from IPython.display import display

            self.bar = widgets.IntProgress(value=0, min=0, max=self.epochs, description="training")
            self.label = widgets.Label(value=f"epoch 0/{self.epochs}")
            display(widgets.HBox([self.bar, self.label]))

    def on_epoch_end(self, epoch, logs=None):
        """Advance the bar, or print a line, with this epoch's metrics."""
        metrics = " · ".join(f"{k} {v:.3f}" for k, v in (logs or {}).items() if k != "learning_rate")
        line = f"epoch {epoch + 1}/{self.epochs} · {metrics}"
        if self.bar is not None:
            self.bar.value = epoch + 1
            self.label.value = line
        elif self.mode == "print":
            print(f"training: {line}", flush=True)

    def on_train_end(self, logs=None):
        """Colour the finished bar green."""
        if self.bar is not None:
            self.bar.bar_style = "success"


def train_model(model, X, y, epochs=5, batch_size=32, validation_data=None, validation_split=0.0,
                seed=config.SEED, progress="auto"):
    """Train a compiled model quietly (verbose=0) and deterministically; return the Keras History.

    Determinism: keras.utils.set_random_seed(seed) and tf.config.experimental.enable_op_determinism().

    X: array of shape (N, ...) matching the model's input; y: int labels of shape (N,).
    progress: "auto" (a progress bar in notebooks, nothing elsewhere), "print", or "silent".
    The History gets a ``train_seconds`` attribute: the wall-clock training time.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    if not getattr(model, "compiled", False):
        raise ValueError("model is not compiled yet; call labs.models.compile_classifier(model) first.")
    X = as_array(X, "X", dtype_kind="uif")
    y = as_array(y, "y", ndim=1, dtype_kind="ui")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} images but y has {len(y)} labels; they must match.")
    expected = tuple(model.inputs[0].shape[1:])
    if X.shape[1:] != expected:
        raise ValueError(f"X must have shape (N, {', '.join(map(str, expected))}) to fit the model's input, "
                         f"got {X.shape}.")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if progress not in ("auto", "print", "silent", "display"):
        raise ValueError(f"progress must be 'auto', 'print' or 'silent', got {progress!r}.")
    import tensorflow as tf

    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    tf.config.experimental.enable_op_determinism()  # same seed, same numbers (even if keras came before setup)
    start = time.perf_counter()
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                        validation_split=validation_split, verbose=0, callbacks=[ProgressBar(epochs, progress)])
    history.train_seconds = time.perf_counter() - start
    return history


def train_with_recipe(model, X, y, recipe, validation_data=None, seed=config.SEED, progress="auto"):
    """Compile with Adam and a warm-up + cosine learning rate, then train; return the History.

    recipe: a name in RECIPES ("dense_mnist", "small_cnn", "batchnorm_cnn") or a dict with
    epochs, batch_size and learning_rate, and optionally label_smoothing.
    X: array of shape (N, ...); y: int labels (N,).
    """
    if isinstance(recipe, str):
        recipe = RECIPES[_check_recipe_name(recipe)]
    required, optional = {"epochs", "batch_size", "learning_rate"}, {"label_smoothing"}
    if not isinstance(recipe, dict) or not required <= set(recipe) <= required | optional:
        raise ValueError(f"recipe must be a name in {sorted(RECIPES)} or a dict with epochs, batch_size and "
                         f"learning_rate (label_smoothing optional), got {describe(recipe)}.")
    epochs = check_int(recipe["epochs"], "recipe['epochs']", minimum=1)
    batch_size = check_int(recipe["batch_size"], "recipe['batch_size']", minimum=1)
    X = as_array(X, "X", dtype_kind="uif")
    total_steps = max(epochs * -(-len(X) // batch_size), 2)
    compile_classifier(model, make_warmup_cosine(recipe["learning_rate"], total_steps),
                       label_smoothing=recipe.get("label_smoothing", 0.0))
    return train_model(model, X, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                       seed=seed, progress=progress)


def _check_recipe_name(name):
    """Return ``name`` if it is a recipe in RECIPES, else raise a clear error."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, RECIPES))}; got {name!r}.")
    return name


# --- counting parameters ------------------------------------------------------------------------

def compute_dense_params(num_inputs, units):
    """Return the weights of a Dense layer: (num_inputs + 1) * units (one bias per unit)."""
    num_inputs = check_int(num_inputs, "num_inputs", minimum=1)
    units = check_int(units, "units", minimum=1)
    return (num_inputs + 1) * units


def compute_conv_params(kernel_h, kernel_w, in_channels, filters):
    """Return the weights of a Conv2D layer: (kernel_h * kernel_w * in_channels + 1) * filters."""
    kernel_h = check_int(kernel_h, "kernel_h", minimum=1)
    kernel_w = check_int(kernel_w, "kernel_w", minimum=1)
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    filters = check_int(filters, "filters", minimum=1)
    return (kernel_h * kernel_w * in_channels + 1) * filters


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
    return values


def history_table(history, decimals=3):
    """Return the per-epoch metrics as a rounded table (a pandas DataFrame indexed by epoch)."""
    import pandas as pd

    values = {k: v for k, v in _history_dict(history).items() if k != "learning_rate"}
    table = pd.DataFrame(values).round(check_int(decimals, "decimals", minimum=0, maximum=10))
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    return table


def plot_history(history, metric="loss", ax=None, title=None):
    """Plot one metric per epoch for training and, when present, validation data."""
    import matplotlib.pyplot as plt

    values = _history_dict(history)
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

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    plot_history(history, "loss", ax=left)
    plot_history(history, "accuracy", ax=right)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
