"""The ✅/❌ machinery every exercise check is built from.

A check runs the learner's function on fixed inputs, compares with the
reference, and prints exactly one line. It never raises: unfinished stubs,
``None``, wrong shapes or dtypes and exceptions in the learner's code all
become a ❌ line with a hint.
"""

import numpy as np

__all__ = ["CheckFailed", "run_check", "call_learner", "compare_arrays", "compare_values"]

PASS, FAIL = "✅", "❌"


class CheckFailed(Exception):
    """Raised inside a check to report what was wrong and how to fix it."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class _LearnerRaised(Exception):
    """Wraps an exception raised by the learner's own code."""


def call_learner(function, *args, **kwargs):
    """Call the learner's function on copies of array arguments; report if it changed them."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    try:
        result = function(*copies, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        raise _LearnerRaised(f"{type(error).__name__}: {error}") from None
    for original, copy in zip(args, copies):
        if isinstance(original, np.ndarray) and not np.array_equal(original, copy, equal_nan=True):
            raise CheckFailed(
                "your function changed its input array in place.",
                "work on a copy (e.g. x = x.astype(float)) instead of modifying the argument.",
            )
    return result


def run_check(name, function, test, *, hint=None):
    """Run ``test(function)``, print one ✅/❌ line and return True on success.

    ``test`` returns the success message, or raises CheckFailed with a message
    and an optional hint. ``hint`` is the default hint for any failure.
    """
    if function is None or not callable(function):
        got = "None" if function is None else type(function).__name__
        return _report(False, name, f"expected a function, got {got}.", "run the cell that defines it first.")
    try:
        message = test(function)
    except NotImplementedError:
        return _report(False, name, "not implemented yet.",
                       "replace the `raise NotImplementedError` line with your code, run that cell, then this one.")
    except CheckFailed as failure:
        return _report(False, name, failure.message, failure.hint or hint)
    except _LearnerRaised as error:
        return _report(False, name, f"your function raised {error}", hint)
    return _report(True, name, message or "correct.", None)


def _report(passed, name, message, hint):
    """Print the verdict line and return ``passed``."""
    line = f"{PASS if passed else FAIL} {name}: {message}"
    if not passed and hint:
        line += f" Hint: {hint}"
    print(line)
    return passed


def compare_arrays(got, expected, what, *, atol=1e-6, rtol=1e-5, check_dtype=False, hint=None):
    """Raise CheckFailed unless ``got`` matches the ``expected`` array (shape, dtype, values)."""
    expected = np.asarray(expected)
    if got is None:
        raise CheckFailed(f"{what} is None.", hint or "did you forget a `return` statement?")
    try:
        got_array = np.asarray(got)
    except Exception:
        raise CheckFailed(f"{what} is not array-like (got {type(got).__name__}).", hint) from None
    if got_array.dtype == object:
        raise CheckFailed(f"{what} is not a numeric array (got {type(got).__name__}).", hint)
    if got_array.shape != expected.shape:
        raise CheckFailed(f"{what} has shape {got_array.shape}, expected {expected.shape}.", hint)
    if check_dtype and got_array.dtype != expected.dtype:
        raise CheckFailed(f"{what} has dtype {got_array.dtype}, expected {expected.dtype}.", hint)
    if got_array.dtype.kind in "fc" and not np.all(np.isfinite(got_array)) and np.all(np.isfinite(expected)):
        raise CheckFailed(f"{what} contains NaN or infinity.", hint or "look for a division by zero or log(0).")
    if got_array.dtype.kind == "b" or expected.dtype.kind not in "fc":
        same = np.array_equal(got_array, expected)
    else:
        same = np.allclose(got_array, expected, atol=atol, rtol=rtol)
    if not same:
        raise CheckFailed(_describe_mismatch(got_array, expected, what), hint)
    return got_array


def _describe_mismatch(got, expected, what):
    """Say where two same-shaped arrays first differ and by how much."""
    if expected.ndim == 0:
        return f"{what} is {got.item()!r}, expected {expected.item()!r}."
    diff = np.abs(got.astype(float) - expected.astype(float))
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    count = int(np.count_nonzero(diff > 0))
    return (f"{what} differs in {count} of {expected.size} entries; at index {index} "
            f"you have {got[index].item()!r}, expected {expected[index].item()!r}.")


def compare_values(got, expected, what, *, tol=1e-6, hint=None):
    """Raise CheckFailed unless the number ``got`` equals ``expected`` within ``tol``."""
    if got is None:
        raise CheckFailed(f"{what} is None.", hint or "did you forget a `return` statement?")
    try:
        value = float(np.asarray(got).item())
    except Exception:
        raise CheckFailed(f"{what} should be a single number, got {type(got).__name__}.", hint) from None
    if not abs(value - float(expected)) <= tol:
        raise CheckFailed(f"{what} is {value:g}, expected {float(expected):g}.", hint)
    return value
