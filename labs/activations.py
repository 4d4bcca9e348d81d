"""Activation functions: step, sigmoid, tanh, ReLU, softplus and softmax, their derivatives and their curves.

z is an array of any shape (weighted sums, or class scores); every function but softmax acts
on each entry on its own; softmax turns each row (the last axis) into probabilities.
"""

import numpy as np

from ._validate import as_array, describe, require_choice, require_finite, require_list, require_number

__all__ = ["ACTIVATIONS", "step", "sigmoid", "tanh", "relu", "softplus", "softmax",
           "compute_activation", "compute_activation_grad", "show_activation_functions"]

ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "softplus", "softmax")


def _as_scores(z, name="z"):
    """Return ``z`` as a finite float array."""
    z = as_array(z, name, dtype_kind="uifb", allow_empty=True)
    return require_finite(z.astype(float), name)


def step(z):
    """Return 1 where z >= 0, else 0: the original all-or-nothing neuron."""
    return (_as_scores(z) >= 0).astype(float)


def sigmoid(z):
    """Return 1 / (1 + exp(-z)), squashing any number into (0, 1); stable for large |z|.

    Each output is an independent probability: unlike softmax, a row need not sum to 1.
    """
    z = _as_scores(z)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1 + exp_z)
    return out


def tanh(z):
    """Return tanh(z), squashing any number into (-1, 1) around 0."""
    return np.tanh(_as_scores(z))


def relu(z):
    """Return max(z, 0): the rectified linear unit (negative responses become 0)."""
    return np.maximum(_as_scores(z), 0)


def softplus(z):
    """Return log(1 + exp(z)), a smooth ReLU; stable for large |z|."""
    return np.logaddexp(0, _as_scores(z))


def softmax(z):
    """Turn each row of scores into probabilities that sum to 1 (stable: subtract the row max).

    z: array of shape (N, C) or (C,); softmax acts on the last axis.
    """
    z = _as_scores(z)
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the classes), got a single number.")
    if z.size == 0:
        raise ValueError(f"z is empty (shape {z.shape}); softmax needs at least one score per row.")
    shifted = z - z.max(axis=-1, keepdims=True)
    exp_z = np.exp(shifted)
    return exp_z / exp_z.sum(axis=-1, keepdims=True)


_FUNCTIONS = {"step": step, "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "softplus": softplus}


def compute_activation(name, z):
    """Apply the activation called ``name`` to z (softmax acts on the last axis)."""
    name = require_choice(name, "name", ACTIVATIONS)
    return softmax(z) if name == "softmax" else _FUNCTIONS[name](z)


def compute_activation_grad(name, z):
    """Return the derivative of an elementwise activation at z (step: 0, ReLU: 0 at z = 0)."""
    name = require_choice(name, "name", ACTIVATIONS[:-1])
    z = _as_scores(z)
    if name == "step":
        return np.zeros_like(z)
    if name == "sigmoid":
        s = sigmoid(z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    return sigmoid(z)  # softplus' derivative is the sigmoid


# --- figures ------------------------------------------------------------------------------------

def show_activation_functions(names=ACTIVATIONS, z_range=(-4, 4), size=2.6):
    """Plot each activation and its derivative side by side; returns the figure.

    softmax is shown for two classes, softmax([z, 0])[0], which is the sigmoid of z.
    """
    import matplotlib.pyplot as plt

    names = [require_choice(name, "names", ACTIVATIONS)
             for name in require_list(names, "names", example="['relu', 'tanh']")]
    if not isinstance(z_range, (tuple, list)) or len(z_range) != 2:
        raise TypeError(f"z_range must be a pair (low, high) such as (-4, 4), got {describe(z_range)}.")
    low, high = (require_number(z, "z_range") for z in z_range)
    if not low < high:
        raise ValueError(f"z_range must go from low to high, e.g. (-4, 4); got {tuple(z_range)}.")
    size = require_number(size, "size", above=0, hint=" (inches per panel)")
    z = np.linspace(low, high, 401)
    fig, axes = plt.subplots(1, len(names), figsize=(size * len(names), size), squeeze=False)
    for ax, name in zip(axes.flat, names):
        if name == "softmax":
            values = softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
            slope, title = values * (1 - values), "softmax([z, 0])[0]"
        else:
            values, slope, title = compute_activation(name, z), compute_activation_grad(name, z), name
        ax.plot(z, values, label="f(z)", linewidth=2)
        ax.plot(z, slope, "--", label="f'(z)", linewidth=1.5)
        ax.axhline(0, color="0.8", linewidth=0.8)
        ax.axvline(0, color="0.8", linewidth=0.8)
        ax.set_title(title)
        ax.set_xlabel("z (weighted sum)")
    axes.flat[0].set_ylabel("output")
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
