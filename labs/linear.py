"""Linear classifiers: scores f(x) = Wx + b, cross-entropy and its gradient, SGD.

Sigmoid and softmax live in ``labs.activations``, the gradient check in ``labs.gradcheck``
(their old names here still work until 2027-03-31).

Shapes used throughout: X is (N, D) with one flattened image per row, W is (C, D) with one
template per class (row), b is (C,), scores are (N, C), y holds N class numbers 0..C-1.
"""

import numpy as np

from . import activations
from ._deprecation import renamed, renamed_arguments, warn_deprecated
from ._validate import (as_array, require_axes, require_choice, require_dict, require_finite, require_int, require_labels,
                        require_list, require_number, describe)
from .gradcheck import compute_numerical_gradient, compute_relative_error, gradient_check  # noqa: F401

__all__ = ["PENALTIES", "one_hot", "compute_scores", "softmax_cross_entropy", "squared_error", "make_params",
           "compute_loss_and_gradients", "train_sgd", "predict_linear", "show_templates", "plot_loss_curves"]

PENALTIES = ("l2", "l1")
RENAMED_ARGUMENTS = {"lr": "learning_rate", "num_epochs": "epochs"}  # old keywords, kept until 2027-03-31


# --- checks --------------------------------------------------------------------------------------

def _as_matrix(X, name, num_columns=None, what="columns"):
    """Check a finite 2-D array (optionally with a given number of columns) and return it as float64."""
    X = require_finite(as_array(X, name, ndim=2, dtype_kind="uif"), name)
    if num_columns is not None and X.shape[1] != num_columns:
        raise ValueError(f"{name} has {X.shape[1]} {what} but {num_columns} were expected (shape {X.shape}).")
    return X.astype(np.float64, copy=False)


def _require_params(params, num_features=None):
    """Check a {"W": (C, D), "b": (C,)} dict and return (W, b) as float arrays."""
    if not isinstance(params, dict) or "W" not in params or "b" not in params:
        raise TypeError(f"params must be a dict with keys 'W' (shape (C, D)) and 'b' (shape (C,)), "
                        f"got {type(params).__name__}.")
    return _require_weights(params["W"], params["b"], num_features)


def _require_weights(W, b, num_features=None, names=("params['W']", "params['b']")):
    """Check weights W (C, D) and biases b (C,), named ``names`` in messages; return them as float arrays."""
    w_name, b_name = names
    W = _as_matrix(W, w_name)
    b = require_finite(as_array(b, b_name, ndim=1, dtype_kind="uif"), b_name)
    if len(b) != len(W):
        raise ValueError(f"{b_name} has {len(b)} entries but {w_name} has {len(W)} rows (one per class).")
    if num_features is not None and W.shape[1] != num_features:
        raise ValueError(f"X has {num_features} features per row but {w_name} expects {W.shape[1]} "
                         f"(W has shape {W.shape}); flatten X the same way as in training.")
    return W, b.astype(np.float64, copy=False)


# --- scores and probabilities --------------------------------------------------------------------

def one_hot(y, num_classes):
    """Return the one-hot matrix of labels: row i has a 1 in column y[i] and 0 elsewhere.

    y: int array of shape (N,) with values 0..num_classes-1. Returns float array (N, num_classes).
    """
    num_classes = require_int(num_classes, "num_classes", minimum=1)
    y = require_labels(y, "y", num_classes=num_classes)
    encoded = np.zeros((len(y), num_classes))
    encoded[np.arange(len(y)), y] = 1.0
    return encoded


def compute_scores(X, W, b):
    """Return the class scores X Wᵀ + b: one row of C scores per image.

    X: array of shape (N, D); W: array of shape (C, D); b: array of shape (C,). Returns (N, C).
    """
    W, b = _require_weights(W, b, names=("W", "b"))
    X = _as_matrix(X, "X", W.shape[1], "features per row (W has that many columns)")
    return X @ W.T + b


def sigmoid(scores):
    """Deprecated: use labs.activations.sigmoid(z)."""
    warn_deprecated("labs.linear.sigmoid(scores)", "labs.activations.sigmoid(z)")
    return activations.sigmoid(require_finite(as_array(scores, "scores", dtype_kind="uif", allow_empty=True), "scores"))


def softmax(scores):
    """Deprecated: use labs.activations.softmax(z)."""
    warn_deprecated("labs.linear.softmax(scores)", "labs.activations.softmax(z)")
    return activations.softmax(require_finite(as_array(scores, "scores", ndim=(1, 2), dtype_kind="uif"), "scores"))


def softmax_cross_entropy(scores, y):
    """Return the mean softmax cross-entropy loss and its gradient with respect to the scores.

    scores: array of shape (N, C); y: int array of shape (N,) with values 0..C-1.
    Returns (loss, dscores) with dscores of shape (N, C): (softmax(scores) - one_hot(y)) / N.
    Stable for huge scores: uses log-sum-exp after subtracting each row's maximum.
    """
    s = _as_matrix(scores, "scores")
    y = require_labels(y, "y", len(s), s.shape[1])
    shifted = s - s.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(s))
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return float(loss), dscores / len(s)


def squared_error(probs, y):
    """Return the mean over images of the sum of squared differences between probabilities and one-hot labels.

    probs: array of shape (N, C); y: int array of shape (N,).
    """
    p = _as_matrix(probs, "probs")
    y = require_labels(y, "y", len(p), p.shape[1])
    return float(((p - one_hot(y, p.shape[1])) ** 2).sum(axis=1).mean())


# --- the model and its loss ----------------------------------------------------------------------

def make_params(num_features, num_classes, scale=1e-3, seed=0):
    """Return small random starting weights {"W": (num_classes, num_features), "b": zeros (num_classes,)}."""
    num_features = require_int(num_features, "num_features", minimum=1)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    scale = require_number(scale, "scale", minimum=0, hint=" (the standard deviation of the weights)")
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    return {"W": scale * rng.standard_normal((num_classes, num_features)), "b": np.zeros(num_classes)}


def compute_loss_and_gradients(params, X, y, reg=0.0, penalty="l2"):
    """Return the regularised softmax loss of a linear classifier and its gradients {"W", "b"}.

    params: {"W": (C, D), "b": (C,)}; X: array of shape (N, D); y: int array of shape (N,).
    loss = mean cross-entropy + reg * R(W), R = sum(W²) for "l2" or sum(|W|) for "l1" (b is not penalised):
    the convention of Keras' regularizers.L2(reg) / L1(reg) and of labs.nn.
    """
    penalty = require_choice(penalty, "penalty", PENALTIES)
    reg = require_number(reg, "reg", minimum=0, hint=" (zero or a positive regularisation strength)")
    X = _as_matrix(X, "X")
    W, b = _require_params(params, X.shape[1])
    loss, dscores = softmax_cross_entropy(X @ W.T + b, y)
    if penalty == "l2":
        loss += reg * float(np.sum(W * W))
        dW = dscores.T @ X + 2.0 * reg * W
    else:
        loss += reg * float(np.sum(np.abs(W)))
        dW = dscores.T @ X + reg * np.sign(W)
    return loss, {"W": dW, "b": dscores.sum(axis=0)}


# --- training and prediction ---------------------------------------------------------------------

def train_sgd(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0, penalty="l2", seed=0, **old):
    """Train a softmax linear classifier with mini-batch SGD; return (params, losses per update step).

    X: array of shape (N, D); y: int array of shape (N,). batch_size=N is (full) batch gradient
    descent, batch_size=1 is stochastic gradient descent. Each epoch visits the rows in a new
    random order (seeded), in ceil(N / batch_size) steps. (lr= and num_epochs= still work for one
    release, with a warning.)
    """
    learning_rate, epochs = renamed_arguments("labs.linear.train_sgd", old, RENAMED_ARGUMENTS,
                                              learning_rate=learning_rate, epochs=epochs)
    X = _as_matrix(X, "X")
    y = require_labels(y, "y", len(X), require_int(num_classes, "num_classes", minimum=2))
    batch_size = min(require_int(batch_size, "batch_size", minimum=1), len(X))  # more than N: full batch
    epochs = require_int(epochs, "epochs", minimum=1)
    learning_rate = require_number(learning_rate, "learning_rate", above=0, hint=" (a learning rate such as 0.1)")
    reg = require_number(reg, "reg", minimum=0, hint=" (zero or a positive regularisation strength)")
    penalty = require_choice(penalty, "penalty", PENALTIES)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    params = make_params(X.shape[1], num_classes, seed=seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = compute_loss_and_gradients(params, X[batch], y[batch], reg, penalty)
            params["W"] -= learning_rate * grads["W"]
            params["b"] -= learning_rate * grads["b"]
            losses.append(loss)
    return params, np.array(losses)


def predict_linear(params, X):
    """Return the class with the highest score for each row of X (shape (N, D)): int array (N,)."""
    X = _as_matrix(X, "X")
    W, b = _require_params(params, X.shape[1])
    return np.argmax(X @ W.T + b, axis=1)


# --- figures -------------------------------------------------------------------------------------

def show_templates(W, image_shape=(28, 28), class_names=None, title="Rows of W as images (templates)"):
    """Draw each row of W as an image: red where a bright pixel raises the class score, blue where it lowers it.

    W: array of shape (C, D) with D = H * W of image_shape. Returns the figure.
    """
    import matplotlib.pyplot as plt

    W = _as_matrix(W, "W")
    if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2:
        raise TypeError(f"image_shape must be a pair (height, width) such as (28, 28), got {describe(image_shape)}.")
    image_shape = tuple(require_int(n, "image_shape", minimum=1) for n in image_shape)
    if image_shape[0] * image_shape[1] != W.shape[1]:
        raise ValueError(f"image_shape {image_shape} has {image_shape[0] * image_shape[1]} pixels "
                         f"but W has {W.shape[1]} columns.")
    names = [str(c) for c in range(len(W))] if class_names is None else require_list(
        class_names, "class_names", example="['0', '1', ...]")
    if len(names) != len(W):
        raise ValueError(f"class_names has {len(names)} names but W has {len(W)} rows (one per class).")
    fig, axes = plt.subplots(1, len(W), figsize=(1.25 * len(W), 1.8), squeeze=False)
    for row, name, ax in zip(W, names, axes[0]):
        limit = np.abs(row).max() or 1.0
        ax.imshow(row.reshape(image_shape), cmap="coolwarm", vmin=-limit, vmax=limit)
        ax.set_title(str(name), fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_loss_curves(curves, epochs=None, ax=None, smooth=1, title="Training loss", log_y=False, **old):
    """Plot loss histories against epochs (each spread evenly over ``epochs``); smooth: moving-average window.

    curves: {label: losses} with one 1-D array of losses per update step.
    """
    import matplotlib.pyplot as plt

    (epochs,) = renamed_arguments("labs.linear.plot_loss_curves", old, {"num_epochs": "epochs"}, epochs=epochs)
    smooth = require_int(smooth, "smooth", minimum=1)
    epochs = require_number(epochs, "epochs", above=0)
    curves = {label: as_array(losses, f"curves[{label!r}]", ndim=1, dtype_kind="uif").astype(np.float64)
              for label, losses in require_dict(curves, "curves", example="{'SGD': losses}").items()}
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.2))
    for label, losses in curves.items():
        window = min(smooth, len(losses))
        shown = np.convolve(losses, np.ones(window) / window, mode="valid")
        positions = np.linspace(0, epochs, len(losses) + 1)[window:]
        ax.plot(positions, shown, label=label, linewidth=1.2)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    if log_y:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    return ax


# --- old names, kept until 2027-03-31 --------------------------------------------------------------

plot_templates = renamed(__name__, "plot_templates", "show_templates")
