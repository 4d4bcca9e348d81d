"""Training the course's Keras models: recipes, the learning-rate schedule, the loss, fitting, and the history.

    labs.training.train_with_recipe(model, X, y, "small_cnn")   # compile (Adam, warm-up + cosine) and fit
    labs.training.show_history(history)                          # loss and accuracy per epoch

Training is quiet (verbose=0) and deterministic (seeded, op determinism); a bar shows progress in a
notebook (the bar labs.setup() registers: labs.widgets.TrainingBar). The networks are built in labs.models.
"""

import time

import numpy as np

from . import config
from ._keras import import_keras
from ._validate import (as_array, describe, require_axes, require_choice, require_finite, require_int,
                        require_labels, require_number, require_number_between)

keras = import_keras()

__all__ = ["RECIPES", "training_recipe_names", "make_warmup_cosine", "SmoothedSparseCrossentropy", "compile_classifier", "register_notebook_bar", "ProgressBar",
           "train_model", "train_with_recipe", "history_table", "plot_history", "show_history"]


# Every recipe and setting of the course, in one table the notebooks and the benchmarks read. Each was
# chosen on validation data taken from the training images, never on test images; the benchmark named
# beside each says what was tried. A training recipe is a dict with epochs, batch_size and learning_rate
# (label_smoothing optional): train_with_recipe and labs.overfitting.train_on_target take its name.
RECIPES = {
    # notebooks 05, 07 and 11 (benchmarks/networks.py; small_cnn: 4-fold cross-validation on mnist_small's
    # 4,000 training digits, benchmarks/small_cnn_recipes.py)
    "dense_mnist": {"epochs": 10, "batch_size": 32, "learning_rate": 1e-3},
    "small_cnn": {"epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "label_smoothing": 0.2},
    "batchnorm_cnn": {"epochs": 7, "batch_size": 128, "learning_rate": 3e-3},
    # notebook 08 (benchmarks/augmentation.py), on the small target's 1,000 validation images, and for the
    # digits on 800 of mnist_small's training digits held out and shifted. Augmentations are
    # labs.augment.make_augmentation's strengths. The small target: Adam at a constant learning rate, so the
    # plain CNN's overfitting shows within the notebook's 20 epochs; the full profile trains 60 (what
    # dropout + augmentation need to pay off).
    "small_target": {"epochs": 20, "batch_size": 64, "learning_rate": 3e-3},
    "small_target_dropout": 0.25,
    "small_target_long": {"epochs": 60, "batch_size": 64, "learning_rate": 2e-3},
    "small_target_long_dropout": 0.5,
    "small_target_l2": 1e-3,
    "small_target_augmentation": {"flip": "horizontal"},
    "early_stopping_patience": 2,  # the shortest of 2, 3 and 5 within 0.01 of the best restored accuracy
    # mnist_small's digits with the warm-up + cosine schedule: 6 epochs fit the notebook's time budget;
    # the full profile trains small_cnn's 20
    "shifted_digits": {"epochs": 6, "batch_size": 64, "learning_rate": 3e-3, "label_smoothing": 0.2},
    "shifted_digits_augmentation": {"translation": 0.1},
    # the full profile's batch-norm CNN on all of Fashion-MNIST (make_batchnorm_cnn(dropout=..., augmentation=...)),
    # chosen on 5,000 validation images held out of the 60,000 among candidates that train within 3 minutes
    "fashion_full": {"epochs": 12, "batch_size": 128, "learning_rate": 3e-3},
    "fashion_full_dropout": 0.3,
    "fashion_full_augmentation": {"flip": "horizontal"},
    # notebooks 09-10: transfer learning on the small target (labs.transfer), chosen on its 1,000 training
    # images only (5-fold cross-validation, or an 800 / 200 split of them; benchmarks/transfer.py --search)
    "transfer": {
        "size": 96,  # images upscaled from 28x28 to 96x96 (128 was no better in cross-validation, and 2x slower)
        "layers": ("block5c_add", "block6d_add"),  # pooled and concatenated: 112 + 192 = 304 features
        "head": {"hidden_units": 256, "dropout": 0.5},  # make_head's options
        "head_training": {"epochs": 60, "batch_size": 32, "learning_rate": 1e-3},  # the head alone, on features
        "fine_tune_from": "block6a_expand_conv",  # the last stage the features come from: blocks 6a-6d
        "fine_tune": {"epochs": 2, "batch_size": 32, "learning_rate": 1e-4},  # head + blocks 6a-6d, end to end
        "augmentation": {"flip": "horizontal", "translation": 0.08, "zoom": 0.08},
        "augmented_training": {"epochs": 5, "batch_size": 32, "learning_rate": 1e-3},  # the head, through the base
    },
    # notebook 12's ladder on the demo folders (benchmarks/capstone.py), chosen before the external photos
    # were scored and never tuned on them: the transfer rungs use "transfer" unchanged; the small CNN
    # small_cnn's recipe at 48x48 (96x96 trains 2-3x slower for the same scores); augmentation the
    # label-keeping kinds of notebook 08 for clothes photos
    "capstone": {
        "image_size": (96, 96),  # what the folders are loaded at, for the baseline and the transfer
        "scratch_size": (48, 48),  # the small CNN's input
        "hog": {"image_shape": (96, 96), "pixels_per_cell": (12, 12)},  # labs.features.HOGFeatures
        "svm": {"C": 10.0},  # sklearn.svm.SVC, RBF kernel
        "scratch_training": {"epochs": 20, "batch_size": 32, "learning_rate": 2e-3, "label_smoothing": 0.2},
        "augmentation": {"flip": "horizontal", "translation": 0.1, "zoom": 0.15, "contrast": 0.4},
        "augmented_scratch_training": {"epochs": 30, "batch_size": 32, "learning_rate": 2e-3, "label_smoothing": 0.2},
    },
}


def training_recipe_names():
    """Return the names of RECIPES' training recipes (the entries with epochs, batch_size and learning_rate)."""
    return tuple(name for name, value in RECIPES.items() if isinstance(value, dict) and "epochs" in value)


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



# --- training -----------------------------------------------------------------------------------

def _in_notebook():
    """Return True when running inside a Jupyter kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


_notebook_bar = None  # what ProgressBar shows in a notebook; labs.setup() registers labs.widgets.TrainingBar


def register_notebook_bar(bar_class):
    """Show training in notebooks with ``bar_class(epochs)``, which has .advance(epoch, line) and .finish().

    labs.setup() registers labs.widgets.TrainingBar, so this room needs no widget code of its own.
    """
    global _notebook_bar
    if not callable(bar_class):
        raise TypeError(f"bar_class must be a class such as labs.widgets.TrainingBar, got {bar_class!r}.")
    _notebook_bar = bar_class


class ProgressBar(keras.callbacks.Callback):
    """Show training progress: a bar in notebooks (the one labs.setup() registers), printed lines, or nothing.

    Pass it to fit: ``model.fit(..., verbose=0, callbacks=[labs.training.ProgressBar()])``.
    epochs: the bar's length; None takes fit's ``epochs``.
    mode: "auto" (widget in a notebook, silent elsewhere), "display", "print" or "silent".
    The widget changes through its own messages, so a stored notebook keeps one stable line.
    """

    def __init__(self, epochs=None, mode="auto"):
        super().__init__()
        self.given_epochs = None if epochs is None else require_int(epochs, "epochs", minimum=1)
        self.epochs = self.given_epochs
        mode = require_choice(mode, "mode", ("auto", "display", "print", "silent"))
        self.mode = ("display" if _in_notebook() else "silent") if mode == "auto" else mode
        self.bar = None

    def on_train_begin(self, logs=None):
        """Show an empty bar (the registered notebook bar; printed lines if none is registered)."""
        self.epochs = self.given_epochs or int((self.params or {}).get("epochs") or 1)
        if self.mode == "display":
            if _notebook_bar is None:
                self.mode = "print"
            else:
                self.bar = _notebook_bar(self.epochs)

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

    recipe: the name of a training recipe in RECIPES (e.g. "small_cnn") or a dict with
    epochs, batch_size and learning_rate, and optionally label_smoothing.
    X: array of shape (N, ...); y: int labels (N,).
    """
    if isinstance(recipe, str):
        recipe = RECIPES[_require_recipe_name(recipe)]
    required, optional = {"epochs", "batch_size", "learning_rate"}, {"label_smoothing"}
    if not isinstance(recipe, dict) or not required <= set(recipe) <= required | optional:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, training_recipe_names()))} or a dict with "
                         "epochs, batch_size and "
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
    if name not in training_recipe_names():
        raise ValueError(f"recipe must be one of {', '.join(map(repr, training_recipe_names()))}; got {name!r}.")
    return name


# --- the history of a training run ------------------------------------------------------------

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
    """Plot one metric per epoch: of one run, for training and validation; or of several runs, one line each.

    history: a Keras History (or its .history dict) for one run, which draws the training curve of
    ``metric`` and its validation curve when there is one; or a dict label -> History to compare runs,
    which draws ``metric`` itself (e.g. "val_loss") for each run.
    """
    import matplotlib.pyplot as plt

    require_axes(ax)
    if isinstance(history, dict) and history and all(hasattr(run, "history") or isinstance(run, dict)
                                                      for run in history.values()):
        return _plot_runs(history, metric, ax, title)
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


def _plot_runs(histories, metric, ax, title):
    """Plot ``metric`` per epoch for several runs (dict label -> History or dict), one line each."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for label, history in histories.items():
        values = getattr(history, "history", history)
        if not isinstance(values, dict) or metric not in values:
            raise ValueError(f"history[{label!r}] has no {metric!r} curve; train with validation_data=... "
                             "for the val_ curves.")
        ax.plot(np.arange(1, len(values[metric]) + 1), values[metric], marker="o", markersize=3, label=str(label))
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric.replace("val_", "validation ").replace("_", " "))
    ax.set_title(title or f"{metric.replace('val_', 'Validation ').replace('_', ' ').capitalize()} per epoch")
    ax.legend(fontsize=8)
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
