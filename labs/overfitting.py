"""Overfitting and its remedies (notebook 08): the small Fashion-MNIST target, training on it, dropout and
early stopping by hand, robustness curves.

    target = labs.data.load_small_target()               # 1,000 train / 1,000 validation / 2,000 test
    labs.overfitting.compute_early_stop(val_losses, patience=2)

The small target (labs.data.load_small_target) is the one data set of notebooks 08-10. This room holds
the logic the notebook's exercises and the benchmark (``benchmarks/augmentation.py``) share; the
augmentation pipeline itself is labs.augment, the recipes labs.training.RECIPES.
"""

import numpy as np

from . import config, models, training
from ._deprecation import relocated
from ._keras import import_keras
from ._validate import as_array, require_choice, require_int, require_number_between, describe
from .data import SmallTarget
from .features import shift_images

keras = import_keras()

__all__ = [
    "train_on_target", "compute_accuracies", "predict_labels", "SPLITS",
    "make_cats_vs_dogs_cnn", "apply_dropout", "compute_early_stop", "summarize_overfitting", "compute_shift_curve",
    "compute_rotation_curve",
]

# --- training on the small target ---------------------------------------------------------------------

def _require_target(target):
    """Return ``target`` if it is a SmallTarget, else raise."""
    if not isinstance(target, SmallTarget):
        raise TypeError(f"target must be a SmallTarget from labs.data.load_small_target(), got {describe(target)}.")
    return target


def predict_labels(model, images, batch_size=1000):
    """Return a trained model's predicted class for each uint8 image (N, H, W) or (N, H, W, C), at inference.

    One direct call per batch of images: quicker than model.predict for the small sets of the notebooks.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    X = models.prepare_images(images)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    return np.concatenate([np.asarray(model.predict_on_batch(X[start:start + batch_size])).argmax(axis=1)
                           for start in range(0, len(X), batch_size)])


def _validation_curve(X_val, y_val):
    """Return a Keras callback adding val_loss and val_accuracy to each epoch's logs, in one call per 1,000 images.

    val_loss is the cross-entropy of the predicted probabilities (each clipped to at least 1e-7, so on
    confident mistakes a little below the value Keras computes from the logits) plus any weight penalty,
    as Keras adds it; val_accuracy is the plain accuracy. Several times quicker than fit's own
    validation pass on a CPU, which matters for a notebook's time budget.
    """

    class ValidationCurve(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            probabilities = np.concatenate([np.asarray(self.model.predict_on_batch(X_val[i:i + 1000]))
                                            for i in range(0, len(X_val), 1000)]).astype(np.float64)
            picked = np.clip(probabilities[np.arange(len(y_val)), y_val], 1e-7, 1.0)
            penalty = sum(float(loss) for loss in self.model.losses)
            if logs is not None:
                logs["val_loss"] = float(-np.mean(np.log(picked)) + penalty)
                logs["val_accuracy"] = float(np.mean(probabilities.argmax(axis=1) == y_val))

    return ValidationCurve()


def train_on_target(model, target, recipe="small_target", epochs=None, callbacks=None, validate=True,
                    seed=None, progress="auto"):
    """Compile ``model`` with Adam at a constant learning rate and train it on the target's training images.

    recipe: the name of a training recipe in labs.training.RECIPES or a dict with epochs, batch_size and learning_rate. epochs: overrides the
    recipe's. validate: measure the validation images after every epoch (the val_loss and val_accuracy
    curves, which callbacks such as EarlyStopping see). callbacks: more Keras callbacks.
    Returns the Keras History (with train_seconds).
    """
    target = _require_target(target)
    if isinstance(recipe, str):
        recipe = training.RECIPES[require_choice(recipe, "recipe", training.training_recipe_names())]
    if not isinstance(recipe, dict) or not {"epochs", "batch_size", "learning_rate"} <= set(recipe):
        raise ValueError(f"recipe must be the name of a training recipe in labs.training.RECIPES or a dict with epochs, batch_size and learning_rate, "
                         f"got {describe(recipe)}.")
    epochs = recipe["epochs"] if epochs is None else epochs
    if not isinstance(validate, bool):
        raise TypeError(f"validate must be True or False, got {describe(validate)}.")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of keras.callbacks.Callback, got {describe(callbacks)}.")
    training.compile_classifier(model, recipe["learning_rate"])
    extra = [_validation_curve(models.prepare_images(target.X_val), target.y_val)] if validate else []
    return training.train_model(model, models.prepare_images(target.X_train), target.y_train, epochs=epochs,
                              batch_size=recipe["batch_size"], seed=config.SEED if seed is None else seed,
                              progress=progress, callbacks=extra + list(callbacks or []))


SPLITS = ("training", "validation", "test")


def compute_accuracies(model, target, splits=SPLITS):
    """Return a trained model's accuracy on some of the target's splits: a dict split -> accuracy.

    splits: names from ("training", "validation", "test"); the images are shown as they are
    (inference: no dropout, no augmentation). Keep "test" for the final comparison.
    """
    target = _require_target(target)
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    if isinstance(splits, str) or not isinstance(splits, (tuple, list)) or not splits:
        raise TypeError(f"splits must be a tuple of names from {SPLITS}, got {describe(splits)}.")
    data = {"training": (target.X_train, target.y_train), "validation": (target.X_val, target.y_val),
            "test": (target.X_test, target.y_test)}
    return {split: float(np.mean(predict_labels(model, data[require_choice(split, "splits", SPLITS)][0])
                                 == data[split][1])) for split in splits}


def make_cats_vs_dogs_cnn(input_shape=(150, 150, 3), dropout=0.0, augmentation=None, seed=None):
    """Build Chollet's cats-vs-dogs CNN (*Deep Learning with Python*): four Conv + pool blocks (32, 64, 128, 128), Dense 512, 2 classes.

    On 150x150 colour photos it has 3.45 million weights, 3.2 million of them in Dense 512.
    dropout: a rate before Dense 512 (the book's 0.5); augmentation: make_augmentation strengths.
    """
    input_shape = models._require_input_shape(input_shape, 3)
    seed = require_int(config.SEED if seed is None else seed, "seed", minimum=0)
    extras = models._require_remedies(dropout, 0.0, augmentation)
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    stack = [keras.Input(shape=input_shape)] + models._augmentation_layers(extras["augmentation"], seed)
    for number, filters in enumerate((32, 64, 128, 128), start=1):
        stack += [layers.Conv2D(filters, (3, 3), activation="relu", name=f"conv_{number}"),
                  layers.MaxPooling2D((2, 2), name=f"pool_{number}")]
    stack.append(layers.Flatten(name="flatten"))
    if extras["dropout"]:
        stack.append(layers.Dropout(extras["dropout"], seed=seed, name="dropout"))
    stack += [layers.Dense(512, activation="relu", name="dense"), layers.Dense(2, activation="softmax", name="output")]
    return keras.Sequential(stack, name="cats_vs_dogs_cnn")


# --- dropout and early stopping by hand ---------------------------------------------------------------

def _require_rate(rate):
    """Return a dropout rate in [0, 1) as a float, or raise."""
    return require_number_between(rate, "rate", 0, 1, expected="a number from 0 up to (not including) 1, "
                                                             "the fraction of units dropped")


def apply_dropout(x, keep, rate, training):
    """Apply (inverted) dropout as Keras does: in training, zero the dropped units and scale the rest.

    x: float array of any shape. keep: bool array of the same shape, True for units that stay
    (drawn with probability 1 - rate). rate: the fraction dropped, 0 <= rate < 1. training: bool.
    In training returns x * keep / (1 - rate), so each unit's expected value is unchanged;
    at inference returns x as it is: every unit, no scaling.
    """
    x = as_array(x, "x", dtype_kind="uif", allow_empty=True)
    keep = as_array(keep, "keep", dtype_kind="b", allow_empty=True)
    if keep.shape != x.shape:
        raise ValueError(f"keep must have the shape of x, {x.shape}; got {keep.shape}.")
    rate = _require_rate(rate)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {describe(training)}.")
    x = x.astype(np.float64)
    return x * keep / (1.0 - rate) if training else x


def compute_early_stop(val_losses, patience):
    """Apply early stopping's rule to a validation-loss curve; return (best_epoch, stop_epoch), from 1.

    The rule, as keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience): an epoch
    improves if its loss is strictly below the best so far; training stops at the end of the
    epoch that makes ``patience`` epochs in a row without improvement, and the weights of the
    best epoch are restored. If that never happens, stop_epoch is the last epoch.
    val_losses: 1-D sequence of numbers, one per epoch. patience: a whole number >= 1.
    """
    losses = as_array(val_losses, "val_losses", ndim=1, dtype_kind="uif").astype(np.float64)
    if not np.all(np.isfinite(losses)):
        raise ValueError("val_losses contains NaN or infinity; training diverged before these epochs.")
    patience = require_int(patience, "patience", minimum=1)
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
            continue
        waited += 1
        if waited >= patience:
            return best_epoch, epoch
    return best_epoch, len(losses)


def summarize_overfitting(history):
    """Return the signs of overfitting in a History (or dict) with loss, accuracy and their val_ twins.

    Keys: best_epoch (lowest validation loss, from 1), epochs, min_val_loss, final_val_loss,
    val_loss_rise (final / min), final_loss, final_accuracy, final_val_accuracy, accuracy_gap
    (final training minus validation accuracy).
    """
    values = getattr(history, "history", history)
    needed = ("loss", "val_loss", "accuracy", "val_accuracy")
    if not isinstance(values, dict) or not all(key in values for key in needed):
        raise TypeError(f"history must be a Keras History (or dict) with {', '.join(needed)}; "
                        f"got {describe(history)}. Train with validation_data=... to get the val_ curves.")
    val_loss = np.asarray(values["val_loss"], dtype=np.float64)
    best = int(np.argmin(val_loss))
    return {
        "best_epoch": best + 1, "epochs": len(val_loss),
        "min_val_loss": float(val_loss[best]), "final_val_loss": float(val_loss[-1]),
        "val_loss_rise": float(val_loss[-1] / val_loss[best]),
        "final_loss": float(values["loss"][-1]), "final_accuracy": float(values["accuracy"][-1]),
        "final_val_accuracy": float(values["val_accuracy"][-1]),
        "accuracy_gap": float(values["accuracy"][-1] - values["val_accuracy"][-1]),
    }


def _require_curve_inputs(predict, images, labels):
    """Return (images, labels) checked for the accuracy curves: uint8 (N, H, W), int (N,), a callable predict."""
    images = as_array(images, "images", ndim=3, dtype_kind="u")
    labels = as_array(labels, "labels", ndim=1, dtype_kind="iu")
    if len(labels) != len(images):
        raise ValueError(f"labels has {len(labels)} entries but there are {len(images)} images.")
    if not callable(predict):
        raise TypeError(f"predict must be a function from images to labels, got {describe(predict)}.")
    return images, labels


def compute_shift_curve(predict, images, labels, shifts=(0, 1, 2, 3, 4)):
    """Return the accuracy of ``predict`` on the images moved right by each shift (in pixels).

    predict: a function from uint8 images (N, H, W) to predicted labels (N,).
    images: uint8 (N, H, W); labels: int (N,). Returns a list of floats, one per shift.
    """
    images, labels = _require_curve_inputs(predict, images, labels)
    return [float(np.mean(np.asarray(predict(shift_images(images, dx=int(dx)))) == labels)) for dx in shifts]


def compute_rotation_curve(predict, images, labels, angles=(0, 15, 30, 45)):
    """Return the accuracy of ``predict`` on the images turned by each angle (degrees, anticlockwise).

    predict: a function from uint8 images (N, H, W) to predicted labels (N,). images: uint8 (N, H, W).
    Each image turns about its centre (bilinear, corners filled with 0), as in notebook 07.
    """
    from scipy import ndimage

    images, labels = _require_curve_inputs(predict, images, labels)
    scores = []
    for angle in angles:
        require_number_between(angle, "angles", -360, 360, high_ok=True,
                             expected="numbers of degrees from -360 to 360")
        turned = ndimage.rotate(images, angle, axes=(1, 2), reshape=False, order=1)
        scores.append(float(np.mean(np.asarray(predict(turned)) == labels)))
    return scores



# --- figures ---------------------------------------------------------------------------------------

# --- old names, kept until 2027-03-31: the small target moved to labs.data, the recipes to labs.training

def _plot_histories(histories, metric="val_loss", ax=None, title=None):
    """The old plot_histories: labs.training.plot_history on a dict of runs, validation loss by default."""
    return training.plot_history(histories, metric, ax=ax, title=title)


__getattr__ = relocated(__name__, {
    "RECIPES": "labs.training.RECIPES", "SmallTarget": "labs.data.SmallTarget",
    "load_small_target": "labs.data.load_small_target",
    "plot_histories": ("labs.training.plot_history(histories, 'val_loss')", lambda: _plot_histories)})
