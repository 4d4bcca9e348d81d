"""Input checks shared by every public function: clear messages that name the argument."""

import numbers

import numpy as np

__all__ = ["as_array", "check_int", "check_choice", "check_finite", "check_labels", "describe"]


def describe(value):
    """Describe a value for an error message: type, and shape/dtype for arrays."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:120]


def as_array(value, name, *, ndim=None, dtype_kind=None, shape=None, allow_empty=False):
    """Convert ``value`` to an array and check it, raising a message that names ``name``.

    ndim: an int or a tuple of allowed ints. dtype_kind: a string of allowed
    ``dtype.kind`` letters, e.g. "uif" (unsigned, signed, float) or "b".
    shape: a tuple where None means "any size" on that axis.
    """
    if value is None:
        raise TypeError(f"{name} must be an array, got None.")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like, got {describe(value)} ({error}).") from None
    if array.dtype == object:
        raise TypeError(f"{name} must hold numbers, got {describe(value)} with dtype object.")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(f"{n}-D" for n in allowed)
            raise ValueError(f"{name} must be {wanted}, got {describe(array)}.")
    if dtype_kind is not None and array.dtype.kind not in dtype_kind:
        raise TypeError(f"{name} must have a numeric dtype ({dtype_kind!r} kinds), got {array.dtype}.")
    if shape is not None:
        if array.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, array.shape)):
            wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {wanted}, got {array.shape}.")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one element.")
    return array


def check_finite(array, name):
    """Raise if ``array`` holds NaN or infinity, saying how many."""
    array = np.asarray(array)
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean or impute them first.")
    return array


def check_int(value, name, *, minimum=None, maximum=None):
    """Check ``value`` is a whole number within [minimum, maximum] and return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {describe(value)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def check_labels(y, name, num_rows=None, num_classes=None):
    """Check ``y`` is a 1-D array of class numbers (num_rows of them, below num_classes, when given); return int64."""
    y = as_array(y, name, ndim=1, dtype_kind="iub")
    if num_rows is not None and len(y) != num_rows:
        raise ValueError(f"{name} has {len(y)} labels but there are {num_rows} rows; they must match.")
    if y.min() < 0 or (num_classes is not None and y.max() >= num_classes):
        wanted = "0, 1, 2, ..." if num_classes is None else f"0..{num_classes - 1}"
        raise ValueError(f"{name} must hold class numbers {wanted}; found values from {y.min()} to {y.max()}.")
    return y.astype(np.int64, copy=False)


def check_choice(value, name, choices):
    """Check ``value`` is one of ``choices`` and return it."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value
