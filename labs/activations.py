"""Activation functions: step, sigmoid, tanh, ReLU, softplus and softmax, and their derivatives.

z is an array of any shape (weighted sums, or class scores); every function but softmax acts
on each entry on its own; softmax turns each row (the last axis) into probabilities.
"""

import numpy as np

from ._validate import as_array, require_choice, require_finite

__all__ = ["ACTIVATIONS", "step", "sigmoid", "tanh", "relu", "softplus", "softmax",
           "compute_activation", "compute_activation_grad"]

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
