"""Numerical gradient checks: centred differences and the relative error between two gradients.

As cs231n's ``gradient_check.py``: f is a function of the array x returning a number (the loss);
x is nudged entry by entry, in place, and restored.
"""

import numpy as np

from ._validate import as_array, require_callable, require_finite, require_int, require_loss_value, require_number

__all__ = ["compute_numerical_gradient", "compute_relative_error", "compute_relative_norm_error", "gradient_check"]


def _require_step(h):
    """Return the finite-difference step h, a small positive number."""
    return require_number(h, "h", above=0, below=1, hint=" (a small positive step such as 1e-5)")


def _require_f(f):
    """Return f if it is a function of one argument (the array x)."""
    return require_callable(f, "f", what="a function of x returning a number (e.g. lambda x: loss(x))", num_args=1)


def _centred_difference(f, x, index, h):
    """Return (f(x + h) - f(x - h)) / 2h with x[index] nudged, restoring x[index] afterwards."""
    old = x[index]
    x[index] = old + h
    plus = require_loss_value(f(x), "f")
    x[index] = old - h
    minus = require_loss_value(f(x), "f")
    x[index] = old
    return (plus - minus) / (2 * h)


def compute_numerical_gradient(f, x, h=1e-5):
    """Return the centred-difference gradient of f at x: (f(x + h e_i) - f(x - h e_i)) / 2h for every entry.

    f: function of the array x returning a number; x: float array of any shape (changed and restored in place).
    Returns a float array of the shape of x.
    """
    _require_f(f)
    x = as_array(x, "x", dtype_kind="f")
    h = _require_step(h)
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        grad[index] = _centred_difference(f, x, index, h)
    return grad


def _as_pair(a, b):
    """Return a and b as finite float64 arrays of the same shape."""
    a = require_finite(as_array(a, "a", dtype_kind="uif"), "a").astype(np.float64)
    b = require_finite(as_array(b, "b", dtype_kind="uif"), "b").astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}.")
    return a, b


def compute_relative_error(a, b):
    """Return the largest element-wise relative error max |a - b| / max(|a| + |b|, 1e-8).

    a, b: arrays of the same shape (two gradients). About 1e-7 or less when they agree; a bug gives 1e-2 or more.
    """
    a, b = _as_pair(a, b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def compute_relative_norm_error(a, b):
    """Return ||a - b|| / (||a|| + ||b||), 0 when both are zero: how far apart two whole gradients are.

    a, b: arrays of the same shape. One number for the whole array, so entries near zero weigh little.
    """
    a, b = _as_pair(a, b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def gradient_check(f, x, analytic, num_checks=10, h=1e-5, seed=0):
    """Return the max relative error between an analytic gradient and centred differences at random entries.

    f: function of x returning a number; x: float array; analytic: array of the same shape as x.
    """
    _require_f(f)
    x = as_array(x, "x", dtype_kind="f")
    analytic = require_finite(as_array(analytic, "analytic", dtype_kind="uif"), "analytic")
    h = _require_step(h)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic must have the shape of x {x.shape}, got {analytic.shape}.")
    num_checks = require_int(num_checks, "num_checks", minimum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    picks = rng.integers(0, x.size, size=num_checks)
    indices = [np.unravel_index(i, x.shape) for i in picks]
    numeric = np.array([_centred_difference(f, x, index, h) for index in indices])
    return compute_relative_error(np.array([analytic[i] for i in indices]), numeric)
