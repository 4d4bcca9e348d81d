"""Neural networks in NumPy: a two-layer network, backpropagation, its gradient check, SGD.

Also the logic of the 2-D playground: toy datasets (circles, moons, XOR,
spirals), training on them, and the decision-boundary grid. The widget that
drives it lives in ``labs.widgets``. The activations live in ``labs.activations``, the
numerical gradient in ``labs.gradcheck`` (their old names here still work until 2027-03-31).
"""

import numpy as np

from ._validate import (as_array, require_axes, require_callable, require_choice, require_dict, require_finite, require_int,
                        require_labels, require_loss_value, require_number,
                        require_number_between, describe)
from . import gradcheck
from ._deprecation import moved_to_rooms, renamed, renamed_arguments, warn_deprecated
from .activations import (ACTIVATIONS, compute_activation, compute_activation_grad, relu, sigmoid,  # noqa: F401
                          softmax, softplus, step, tanh)

__all__ = [
    "HIDDEN_ACTIVATIONS", "TOY_DATASETS",
    "make_two_layer_params", "two_layer_forward", "compute_two_layer_loss", "predict_two_layer",
    "compute_gradient_errors",
    "make_minibatches", "sgd_update", "train_two_layer",
    "make_toy_dataset", "compute_decision_grid", "run_playground",
    "plot_decision_boundary", "plot_loss_per_epoch", "show_playground",
]

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "softplus")
TOY_DATASETS = ("circles", "moons", "xor", "spirals")
PARAM_NAMES = ("W1", "b1", "W2", "b2")
RENAMED_ARGUMENTS = {"lr": "learning_rate", "num_epochs": "epochs"}  # old keywords, kept until 2027-03-31


# --- a two-layer network -----------------------------------------------------------------------

def make_two_layer_params(num_inputs, num_hidden, num_classes, seed=0, weight_scale=None):
    """Return initial parameters {W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)} of a two-layer network.

    Weights are normal with standard deviation weight_scale (default sqrt(2 / fan_in), He
    initialisation); biases start at zero.
    """
    num_inputs = require_int(num_inputs, "num_inputs", minimum=1)
    num_hidden = require_int(num_hidden, "num_hidden", minimum=1)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    if weight_scale is not None:
        weight_scale = require_number(weight_scale, "weight_scale", above=0, hint=" (or None for He initialisation)")
    scale1 = weight_scale or np.sqrt(2 / num_inputs)
    scale2 = weight_scale or np.sqrt(2 / num_hidden)
    return {"W1": scale1 * rng.normal(size=(num_inputs, num_hidden)), "b1": np.zeros(num_hidden),
            "W2": scale2 * rng.normal(size=(num_hidden, num_classes)), "b2": np.zeros(num_classes)}


def _require_params(params):
    """Check a parameter dict has W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); return (D, H, C)."""
    if not isinstance(params, dict) or any(k not in params for k in PARAM_NAMES):
        raise TypeError(f"params must be a dict with keys {PARAM_NAMES}, got {describe(params)}.")
    W1 = require_finite(as_array(params["W1"], "params['W1']", ndim=2, dtype_kind="f"), "params['W1']")
    D, H = W1.shape
    require_finite(as_array(params["b1"], "params['b1']", shape=(H,), dtype_kind="f"), "params['b1']")
    W2 = require_finite(as_array(params["W2"], "params['W2']", ndim=2, dtype_kind="f"), "params['W2']")
    if W2.shape[0] != H:
        raise ValueError(f"params['W2'] must have {H} rows (one per hidden unit of W1), got shape {W2.shape}.")
    require_finite(as_array(params["b2"], "params['b2']", shape=(W2.shape[1],), dtype_kind="f"), "params['b2']")
    return D, H, W2.shape[1]


def _require_X(X, num_inputs, name="X"):
    """Return X as a finite float array of shape (N, num_inputs)."""
    X = as_array(X, name, ndim=2, dtype_kind="uifb")
    if X.shape[1] != num_inputs:
        raise ValueError(f"{name} must have shape (N, {num_inputs}) to match params['W1'], got {X.shape}.")
    return require_finite(X.astype(float), name)


def _require_reg(reg):
    """Return the L2 regularisation strength, a finite number >= 0."""
    return require_number(reg, "reg", minimum=0, hint=" (zero or a positive regularisation strength)")


def two_layer_forward(params, X, activation="relu"):
    """Run X through hidden layer then output layer; return (scores (N, C), cache for the backward pass).

    X: array of shape (N, D). params: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
    """
    D, _, _ = _require_params(params)
    X = _require_X(X, D)
    activation = require_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    z1 = X @ params["W1"] + params["b1"]      # (N, H) weighted sums of the hidden units
    hidden = compute_activation(activation, z1)  # (N, H) their outputs
    scores = hidden @ params["W2"] + params["b2"]  # (N, C) one score per class
    return scores, {"X": X, "z1": z1, "hidden": hidden, "activation": activation}


def compute_two_layer_loss(params, X, y, activation="relu", reg=0.0):
    """Return (loss, grads): softmax cross-entropy + reg * (sum of squared weights) and its gradients.

    The penalty is the one labs.linear and Keras' regularizers.L2(reg) use: reg * sum(W**2), biases
    not penalised, so its gradient is 2 * reg * W.
    X: array of shape (N, D); y: int labels of shape (N,). grads has the keys and shapes of params.
    """
    scores, cache = two_layer_forward(params, X, activation)
    N, C = scores.shape
    y = require_labels(y, "y", N, C, rows_name="X")
    reg = _require_reg(reg)
    probs = softmax(scores)
    data_loss = -np.mean(np.log(probs[np.arange(N), y] + 1e-300))
    loss = data_loss + reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))

    dscores = probs.copy()                      # d loss / d scores = (probs - one_hot) / N
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads = {"W2": cache["hidden"].T @ dscores + 2 * reg * params["W2"], "b2": dscores.sum(axis=0)}
    dhidden = dscores @ params["W2"].T          # back through the output layer
    dz1 = dhidden * compute_activation_grad(cache["activation"], cache["z1"])  # back through the activation
    grads["W1"] = cache["X"].T @ dz1 + 2 * reg * params["W1"]
    grads["b1"] = dz1.sum(axis=0)
    return float(loss), grads


def predict_two_layer(params, X, activation="relu"):
    """Return the predicted class of each row of X (shape (N, D)) as int labels of shape (N,)."""
    scores, _ = two_layer_forward(params, X, activation)
    return np.argmax(scores, axis=1)


# --- checking gradients -------------------------------------------------------------------------

def compute_numerical_gradient(f, x, h=1e-5):
    """Deprecated: use labs.gradcheck.compute_numerical_gradient, whose f takes x (here f takes no arguments)."""
    warn_deprecated("labs.nn.compute_numerical_gradient(f, x) with f()",
                    "labs.gradcheck.compute_numerical_gradient(f, x) with f(x)", ", where f takes the array x")
    require_callable(f, "f", what="a function of no arguments (e.g. lambda: loss(...)) returning a number",
                   num_args=0)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a float NumPy array (it is changed in place), got {describe(x)}.")
    return gradcheck.compute_numerical_gradient(lambda _: f(), x, h)


def compute_relative_error(a, b):
    """Deprecated: this ratio of norms is labs.gradcheck.compute_relative_norm_error."""
    warn_deprecated("labs.nn.compute_relative_error (a ratio of norms)", "labs.gradcheck.compute_relative_norm_error",
                    "; labs.gradcheck.compute_relative_error is the largest element-wise error")
    return gradcheck.compute_relative_norm_error(a, b)


def compute_gradient_errors(params, X, y, loss_fn=None, h=1e-5, **loss_kwargs):
    """Compare loss_fn's analytic gradients with numerical ones; return {name: relative error}.

    loss_fn(params, X, y, **loss_kwargs) -> (loss, grads); default compute_two_layer_loss.
    """
    loss_fn = compute_two_layer_loss if loss_fn is None else require_callable(
        loss_fn, "loss_fn", what="a function (params, X, y) -> (loss, grads)", num_args=3)
    params = {name: require_finite(as_array(value, f"params[{name!r}]", dtype_kind="uif").astype(float),
                                 f"params[{name!r}]")
              for name, value in require_dict(params, "params", example="{'W1': ..., 'b1': ..., ...}").items()}
    result = loss_fn(params, X, y, **loss_kwargs)
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict) \
            or set(result[1]) != set(params):
        raise TypeError(f"loss_fn must return (loss, grads) with one gradient per parameter ({', '.join(params)}), "
                        f"got {describe(result)}.")
    require_loss_value(result[0], "loss_fn")
    grads = result[1]
    errors = {}
    for name in params:
        numeric = gradcheck.compute_numerical_gradient(
            lambda value, name=name: loss_fn({**params, name: value}, X, y, **loss_kwargs)[0], params[name], h)
        errors[name] = gradcheck.compute_relative_norm_error(grads[name], numeric)
    return errors


# --- training with mini-batch SGD ---------------------------------------------------------------

def make_minibatches(num_samples, batch_size, rng):
    """Shuffle 0..num_samples-1 and cut them into batches: one epoch's list of index arrays.

    Every sample appears exactly once; the last batch may be smaller than batch_size.
    """
    num_samples = require_int(num_samples, "num_samples", minimum=1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {describe(rng)}.")
    order = rng.permutation(num_samples)
    return [order[start: start + batch_size] for start in range(0, num_samples, batch_size)]


def sgd_update(params, grads, learning_rate=None, **old):
    """Return new parameters: each one moved a step of size learning_rate against its gradient."""
    (learning_rate,) = renamed_arguments("labs.nn.sgd_update", old, {"lr": "learning_rate"},
                                         learning_rate=learning_rate)
    learning_rate = require_number(learning_rate, "learning_rate", above=0, hint=" (a learning rate such as 0.1)")
    params = require_dict(params, "params", example="{'W1': ..., 'b1': ..., ...}")
    grads = require_dict(grads, "grads", example="{'W1': ..., 'b1': ..., ...}")
    if set(grads) != set(params):
        raise ValueError(f"grads must have one gradient per parameter: keys {sorted(params)}, got {sorted(grads)}.")
    new = {}
    for name in params:
        value = require_finite(as_array(params[name], f"params[{name!r}]", dtype_kind="uif"), f"params[{name!r}]")
        grad = require_finite(as_array(grads[name], f"grads[{name!r}]", dtype_kind="uif"), f"grads[{name!r}]")
        if grad.shape != value.shape:
            raise ValueError(f"grads[{name!r}] has shape {grad.shape} but params[{name!r}] has {value.shape}; "
                             "each gradient must have the shape of its parameter.")
        new[name] = value - learning_rate * grad
    return new


def _evaluate(params, X, y, activation, reg):
    """Return (loss, accuracy) of the network on X, y."""
    loss, _ = compute_two_layer_loss(params, X, y, activation, reg)
    return loss, float(np.mean(predict_two_layer(params, X, activation) == y))


def train_two_layer(params, X, y, learning_rate=0.1, batch_size=32, epochs=10, activation="relu", reg=0.0,
                    seed=0, X_val=None, y_val=None, **old):
    """Train with mini-batch SGD; return (params, history of loss/accuracy per epoch).

    X: array of shape (N, D); y: int labels (N,). One epoch = one pass over every sample, in
    shuffled batches of batch_size; each batch gives one gradient step of size learning_rate.
    (lr= and num_epochs= still work until 2027-03-31, with a warning.)
    """
    learning_rate, epochs = renamed_arguments("labs.nn.train_two_layer", old, RENAMED_ARGUMENTS,
                                              learning_rate=learning_rate, epochs=epochs)
    D, _, C = _require_params(params)
    X = _require_X(X, D)
    y = require_labels(y, "y", len(X), C, rows_name="X")
    epochs = require_int(epochs, "epochs", minimum=1)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    learning_rate = require_number(learning_rate, "learning_rate", above=0, hint=" (a learning rate such as 0.1)")
    activation = require_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    reg = _require_reg(reg)
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val, or neither.")
    if X_val is not None:
        X_val = _require_X(X_val, D, "X_val")
        y_val = require_labels(y_val, "y_val", len(X_val), C, rows_name="X_val")
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    keys = ["loss", "accuracy"] + (["val_loss", "val_accuracy"] if X_val is not None else [])
    history = {key: [] for key in keys}
    params = {name: np.array(value, dtype=float) for name, value in params.items()}
    for _ in range(epochs):
        for batch in make_minibatches(len(X), batch_size, rng):
            _, grads = compute_two_layer_loss(params, X[batch], y[batch], activation, reg)
            params = sgd_update(params, grads, learning_rate)
        for prefix, (data, labels) in [("", (X, y)), ("val_", (X_val, y_val))][: len(keys) // 2]:
            loss, accuracy = _evaluate(params, data, labels, activation, reg)
            history[prefix + "loss"].append(loss)
            history[prefix + "accuracy"].append(accuracy)
    return params, history


# --- the 2-D playground -------------------------------------------------------------------------

def _spirals(num_samples, rng):
    """Return two interleaved spirals: points (num_samples, 2) and labels 0/1."""
    labels = np.arange(num_samples) % 2
    t = np.sqrt(rng.uniform(size=num_samples)) * 3 * np.pi  # angle: more points far out
    radius = t / (3 * np.pi) * 1.5
    angle = t + labels * np.pi
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


def make_toy_dataset(name, num_samples=300, noise=0.1, seed=0):
    """Return (X (num_samples, 2), y (num_samples,)) for a 2-D two-class toy problem.

    name: "circles" and "moons" (scikit-learn), "xor" (the four quadrants), "spirals".
    noise: standard deviation of the Gaussian noise added to the points (0 to 1).
    """
    from sklearn.datasets import make_circles, make_moons

    name = require_choice(name, "name", TOY_DATASETS)
    num_samples = require_int(num_samples, "num_samples", minimum=4)
    noise = require_number_between(noise, "noise", 0, 1, high_ok=True, expected="a number between 0 and 1")
    seed = require_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    if name == "circles":
        X, y = make_circles(num_samples, noise=noise, factor=0.5, random_state=seed)
    elif name == "moons":
        X, y = make_moons(num_samples, noise=noise, random_state=seed)
        X = X - [0.5, 0.25]  # centre the two moons on the origin
    elif name == "xor":
        X = rng.uniform(-1, 1, size=(num_samples, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        X = X + noise * rng.normal(size=X.shape)
    else:
        X, y = _spirals(num_samples, rng)
        X = X + noise * rng.normal(size=X.shape)
    return X.astype(float), y.astype(np.int64)


def compute_decision_grid(predict_proba, X, num_points=100, margin=0.5):
    """Evaluate predict_proba on a grid covering X; return (xx, yy, probability of class 1 on the grid).

    predict_proba: maps points (M, 2) to class probabilities (M, C). X: array of shape (N, 2).
    xx, yy, and the probabilities all have shape (num_points, num_points).
    """
    if not callable(predict_proba):
        raise TypeError(f"predict_proba must be a function, got {describe(predict_proba)}.")
    X = require_finite(as_array(X, "X", shape=(None, 2), dtype_kind="uif").astype(float), "X")
    num_points = require_int(num_points, "num_points", minimum=2, maximum=1000)
    margin = require_number(margin, "margin", minimum=0)
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], num_points), np.linspace(low[1], high[1], num_points))
    probs = np.asarray(predict_proba(np.column_stack([xx.ravel(), yy.ravel()])))
    if probs.ndim != 2 or probs.shape[0] != xx.size or probs.shape[1] < 2 or probs.dtype.kind not in "uif":
        raise ValueError(f"predict_proba must return class probabilities of shape ({xx.size}, C) with C >= 2, "
                         f"got {describe(probs)}.")
    return xx, yy, probs[:, 1].reshape(xx.shape)


def run_playground(dataset="circles", hidden_units=8, activation="tanh", learning_rate=0.3, noise=0.1,
                   epochs=150, batch_size=16, num_samples=400, seed=0, **old):
    """Train a small network on a 2-D toy problem; return data, history and the decision grid.

    Half the points train the network; the other half is a validation set, the one you watch while you
    change the settings (so it is not a test set). Returns a dict with X_train, y_train, X_val, y_val,
    params, history (loss, accuracy, val_loss, val_accuracy per epoch), grid (xx, yy, probs).
    """
    from sklearn.model_selection import train_test_split

    learning_rate, epochs = renamed_arguments("labs.nn.run_playground", old, RENAMED_ARGUMENTS,
                                              learning_rate=learning_rate, epochs=epochs)
    dataset = require_choice(dataset, "dataset", TOY_DATASETS)
    hidden_units = require_int(hidden_units, "hidden_units", minimum=1, maximum=256)
    activation = require_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    learning_rate = require_number(learning_rate, "learning_rate", above=0, maximum=10,
                                 hint=" (a learning rate such as 0.3)")
    X, y = make_toy_dataset(dataset, num_samples, noise, seed)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.5, random_state=seed, stratify=y)
    params = make_two_layer_params(2, hidden_units, 2, seed=seed)
    params, history = train_two_layer(params, X_train, y_train, learning_rate=learning_rate, batch_size=batch_size,
                                      epochs=epochs, activation=activation, seed=seed,
                                      X_val=X_val, y_val=y_val)
    grid = compute_decision_grid(lambda P: softmax(two_layer_forward(params, P, activation)[0]), X)
    return {"dataset": dataset, "activation": activation, "hidden_units": hidden_units,
            "X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "params": params, "history": history, "grid": grid}


# --- figures ------------------------------------------------------------------------------------

def _require_result(result, name="result"):
    """Check ``result`` is a dict from run_playground and return it."""
    keys = ("dataset", "activation", "hidden_units", "X_train", "y_train", "X_val", "y_val", "history", "grid")
    if not isinstance(result, dict) or any(key not in result for key in keys):
        raise TypeError(f"{name} must be the dict run_playground returns (keys {', '.join(keys)}), "
                        f"got {describe(result)}.")
    if not isinstance(result["grid"], tuple) or len(result["grid"]) != 3:
        raise ValueError(f"{name}['grid'] must be (xx, yy, probs) from compute_decision_grid, "
                         f"got {describe(result['grid'])}.")
    return result


def plot_decision_boundary(result, ax=None, title=None):
    """Draw a playground result: P(class 1) as background, training points (o) and validation points (x)."""
    import matplotlib.pyplot as plt

    _require_result(result)
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    xx, yy, probs = result["grid"]
    ax.contourf(xx, yy, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xx, yy, probs, levels=[0.5], colors="k", linewidths=1)
    for X, y, marker in [(result["X_train"], result["y_train"], "o"), (result["X_val"], result["y_val"], "x")]:
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="bwr", vmin=0, vmax=1, marker=marker, s=12,
                   linewidths=1 if marker == "x" else 0.3, edgecolors="k" if marker == "o" else None)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title or f"{result['dataset']}: {result['hidden_units']} hidden {result['activation']} units")
    return ax


def _require_history(history, name="history"):
    """Check a history dict: a 'loss' list (and optionally 'val_loss' of the same length) of numbers."""
    require_dict(history, name, example="{'loss': [...], 'val_loss': [...]}")
    if "loss" not in history:
        raise ValueError(f"{name} must have a 'loss' list (one number per epoch), got keys {sorted(history)}.")
    loss = require_finite(as_array(history["loss"], f"{name}['loss']", ndim=1, dtype_kind="uif"), f"{name}['loss']")
    if "val_loss" in history:
        val = as_array(history["val_loss"], f"{name}['val_loss']", ndim=1, dtype_kind="uif")
        if len(val) != len(loss):
            raise ValueError(f"{name}['val_loss'] has {len(val)} entries but {name}['loss'] has {len(loss)}; "
                             "they must match (one per epoch).")
    return history


def plot_loss_per_epoch(history, ax=None, title="Loss per epoch"):
    """Plot training (and validation) loss per epoch from a history dict."""
    import matplotlib.pyplot as plt

    _require_history(history)
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], label="train loss")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(title)
    ax.legend()
    return ax


def show_playground(result):
    """Show a playground result as two panels: decision boundary and loss curves; returns the figure."""
    import matplotlib.pyplot as plt

    _require_history(_require_result(result)["history"], "result['history']")
    if "val_loss" not in result["history"]:
        raise ValueError("result['history'] must have 'val_loss' (run_playground records the validation loss).")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    plot_decision_boundary(result, ax=left)
    plot_loss_per_epoch(result["history"], ax=right,
                     title=f"train {result['history']['loss'][-1]:.3f}, validation {result['history']['val_loss'][-1]:.3f}")
    fig.tight_layout()
    return fig


# --- old names, kept until 2027-03-31 --------------------------------------------------------------

plot_playground = renamed(__name__, "plot_playground", "show_playground")
# labs.linear.plot_loss_curves is another figure (losses per step, smoothed): one name per idea
plot_loss_curves = renamed(__name__, "plot_loss_curves", "plot_loss_per_epoch")
__getattr__ = moved_to_rooms(__name__, {
    "labs.activations": {"show_activations": "show_activation_functions", "plot_activations": "show_activation_functions"},
    "labs.widgets": ("playground",),
})
