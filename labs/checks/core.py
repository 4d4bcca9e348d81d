"""The ✅ passed / ❌ failed machinery every exercise check is built from.

A check runs the learner's function on fixed inputs, compares with the
reference, and prints exactly one line. It never raises: unfinished stubs
("❌ to do") and ``None``, wrong shapes or dtypes and exceptions in the
learner's code ("❌ failed") all become one line with a hint.
"""

import inspect
import numbers
import os
import site
import sys
import sysconfig
import traceback
import warnings

import numpy as np

from .._status import CHECK_FAILED, CHECK_PASSED, CHECK_TO_DO, status_line

__all__ = ["CheckFailed", "run_check", "call_learner", "compare_arrays", "compare_values", "learner_array",
           "learner_number", "describe_result", "count_python_lines"]

RETURN_HINT = "did you forget a `return` statement?"
ARRAY_HINT = "return a NumPy array, as the docstring says: build it with np.zeros(...) or np.array(...)."


class CheckFailed(Exception):
    """Raised inside a check to report what was wrong and how to fix it."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class _LearnerRaised(Exception):
    """Wraps an exception raised by the learner's own code, with where it was raised."""

    def __init__(self, error):
        self.error = error
        text = _first_line(error)
        super().__init__(f"{type(error).__name__}{': ' + text if text else ''}{_where(error)}")


# --- where the learner's code runs -----------------------------------------------------------------

_LABS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CHECKS_DIR = os.path.dirname(os.path.abspath(__file__))


def _library_dirs():
    """Return the folders of Python's standard library and installed packages (not the learner's code)."""
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(key)}
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except AttributeError:  # a virtualenv without the site helpers
        pass
    dirs.add(os.path.dirname(os.path.dirname(np.__file__)))
    return tuple(os.path.join(os.path.realpath(d), "") for d in dirs)


_LIBRARY_DIRS = _library_dirs()


def _is_library(filename, dirs):
    """Return True for code from the standard library, installed packages or the given folders."""
    if not filename or filename.startswith("<frozen"):
        return True
    if filename.startswith("<"):  # code typed into an interpreter or exec'd: the learner's
        return False
    return os.path.realpath(filename).startswith(_LIBRARY_DIRS + dirs)


def _first_line(error, limit=160):
    """Return the first non-empty line of an exception's message, shortened to ``limit`` characters."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _where(error):
    """Return " (line N: `code`)" for the last traceback frame in the learner's own code, or ""."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if not _is_library(frame.filename, (os.path.join(_LABS_DIR, ""),))]
    if not own:
        return ""
    frame = own[-1]
    code = (frame.line or "").strip()
    if len(code) > 70:
        code = code[:69] + "…"
    return f" at line {frame.lineno}" + (f": `{code}`" if code else "")


# --- calling the learner ---------------------------------------------------------------------------

def _copy(value):
    """Copy arrays (also inside dicts, lists and tuples) so the learner cannot change the check's inputs."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(item) for item in value)
    return value


def _changed(original, copy):
    """Return True when the learner changed ``copy`` (arrays compared by value, containers item by item)."""
    if isinstance(original, np.ndarray):
        return (not isinstance(copy, np.ndarray) or copy.shape != original.shape
                or not np.array_equal(original, copy, equal_nan=original.dtype.kind in "fc"))
    if isinstance(original, dict):
        return (not isinstance(copy, dict) or set(copy) != set(original)
                or any(_changed(original[key], copy[key]) for key in original))
    if isinstance(original, (list, tuple)):
        return (not isinstance(copy, (list, tuple)) or len(copy) != len(original)
                or any(_changed(a, b) for a, b in zip(original, copy)))
    if original is copy:  # numbers, text and objects the learner was handed as they are
        return False
    try:
        return bool(original != copy)  # an item of a list argument that the learner replaced
    except Exception:
        return False


def _argument_names(function, args, kwargs):
    """Return the learner's parameter name for each argument (positional first), or None where unknown."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        parameters = []
    positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [positional[i] if i < len(positional) else None for i in range(len(args))] + list(kwargs)


def call_learner(function, *args, **kwargs):
    """Call the learner's function on copies of array arguments; report if it changed them."""
    copies = [_copy(a) for a in args]
    keyword_copies = {key: _copy(value) for key, value in kwargs.items()}
    try:
        result = function(*copies, **keyword_copies)
    except NotImplementedError:
        raise
    except Exception as error:
        raise _LearnerRaised(error) from None
    originals = list(args) + list(kwargs.values())
    for name, original, copy in zip(_argument_names(function, args, kwargs), originals,
                                    copies + list(keyword_copies.values())):
        if _changed(original, copy):
            what = f"its input `{name}`" if name else "an input array"
            raise CheckFailed(f"your function changed {what} in place.",
                              "work on a copy (e.g. x = x.astype(float), or x.copy()) instead of "
                              "modifying the argument.")
    return result


def count_python_lines(function, *args):
    """Call ``function(*args)`` through call_learner; return how many lines of the learner's Python ran.

    Counts line and call events outside NumPy, the standard library, installed packages and the
    checks themselves: a loop over rows repeats lines, a vectorised computation does not.
    """
    own = (_CHECKS_DIR + os.sep,)
    verdicts, count = {}, [0]

    def is_learners(code):
        filename = code.co_filename
        if filename not in verdicts:
            verdicts[filename] = not _is_library(filename, own)
        return verdicts[filename]

    def local(frame, event, arg):
        if event == "line":
            count[0] += 1
        return local

    def tracer(frame, event, arg):
        if not is_learners(frame.f_code):
            return None
        count[0] += 1
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call_learner(function, *args)
    finally:
        sys.settrace(previous)
    return count[0]


# --- verdicts --------------------------------------------------------------------------------------

def run_check(name, function, test, *, hint=None, raised_hints=None):
    """Run ``test(function)``, print one "✅ passed" / "❌ failed" line and return True on success.

    ``test`` returns the success message, or raises CheckFailed with a message
    and an optional hint. ``hint`` is the default hint for any failure.
    ``raised_hints`` maps a piece of an exception's message (e.g. "could not be broadcast")
    to the hint shown when the learner's function raises such an exception.
    """
    if function is None or not callable(function):
        got = "None" if function is None else type(function).__name__
        return _report(False, name, f"expected a function, got {got}.", "run the cell that defines it first.")
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            # a wrong answer often overflows or divides by zero: the verdict says so, not a warning;
            # and the libraries' own deprecation notices (Keras variables under NumPy 2) are not the learner's
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            message = test(function)
    except NotImplementedError:
        return _report(False, name, "not implemented yet.",
                       "replace the `raise NotImplementedError` line with your code, run that cell, then this one.",
                       mark=CHECK_TO_DO)
    except CheckFailed as failure:
        return _report(False, name, failure.message, failure.hint or hint)
    except _LearnerRaised as raised:
        text = str(raised.error)
        specific = next((h for piece, h in (raised_hints or {}).items() if piece in text), None)
        return _report(False, name, f"your function raised {raised}.", specific or hint)
    except Exception as error:  # a result the check did not foresee: still one line, never a traceback
        return _report(False, name, f"could not check the result ({type(error).__name__}: {_first_line(error)}).",
                       hint)
    return _report(True, name, message or "correct.", None)


def _report(passed, name, message, hint, mark=None):
    """Print the verdict line ("✅ passed — name: message") and return ``passed``."""
    line = status_line(mark or (CHECK_PASSED if passed else CHECK_FAILED), f"{name}: {message}")
    if not passed and hint:
        line += f" Hint: {hint}"
    print(" ".join(line.splitlines()))
    return passed


# --- what the learner returned ---------------------------------------------------------------------

def describe_result(value):
    """Describe a returned value in a few words: 'a list', "the text '12'", 'a generator'."""
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return f"the text {text if len(text) <= 30 else text[:29] + '…'}"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {bool(value)}"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of length {len(value)}"
    if inspect.isgenerator(value):
        return "a generator"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _dtype_words(dtype):
    """Say what a non-numeric dtype holds."""
    return {"U": "text", "S": "bytes", "O": "Python objects", "c": "complex numbers",
            "M": "dates", "m": "time spans", "V": "raw bytes"}.get(dtype.kind, "non-numbers")


def learner_array(got, what):
    """Return the learner's result as a numeric NumPy array, or raise CheckFailed saying what it is."""
    if got is None:
        raise CheckFailed(f"{what} is None.", RETURN_HINT)
    if not isinstance(got, np.ndarray):
        if isinstance(got, (numbers.Number, np.generic)) and not isinstance(got, (bool, np.bool_)):
            raise CheckFailed(f"{what} is the single number {got!r}, not an array.", ARRAY_HINT)
        raise CheckFailed(f"{what} is {describe_result(got)}, not a NumPy array.", ARRAY_HINT)
    if got.dtype.kind not in "biuf":
        raise CheckFailed(f"{what} is an array of {_dtype_words(got.dtype)} (dtype {got.dtype}), not of numbers.",
                          "return the numbers themselves, not text or objects.")
    return got


def learner_number(got, what):
    """Return the learner's result as a float if it is one real number, or raise CheckFailed saying what it is."""
    if got is None:
        raise CheckFailed(f"{what} is None.", RETURN_HINT)
    number_hint = "return one number (e.g. float(total) or total.item()), not a list or an array."
    if isinstance(got, (str, bytes)):
        raise CheckFailed(f"{what} is {describe_result(got)}, not a number.",
                          "return the number itself, not text: no str(...), f-string or print.")
    if isinstance(got, (bool, np.bool_)):
        raise CheckFailed(f"{what} is {describe_result(got)}, not a number.", "return the number itself, "
                                                                             "not the result of a comparison.")
    if isinstance(got, np.ndarray):
        if got.ndim != 0 or got.dtype.kind not in "iuf":
            raise CheckFailed(f"{what} should be a single number, got an array of shape {got.shape} "
                              f"and dtype {got.dtype}.", number_hint)
        return float(got)
    if isinstance(got, (numbers.Real, np.integer, np.floating)):
        return float(got)
    raise CheckFailed(f"{what} should be a single number, got {describe_result(got)}.", number_hint)


def _format_number(value):
    """Format a number for a message: whole numbers without exponent, others with %g."""
    if np.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value)}"
    return f"{value:g}"


# --- comparisons -----------------------------------------------------------------------------------

def _same(got, expected, atol, rtol):
    """Return True when two same-shaped numeric arrays agree (exactly for ints and bools)."""
    if got.shape != expected.shape:
        return False
    if got.dtype.kind == "b" or expected.dtype.kind not in "fc":
        return bool(np.array_equal(got, expected))
    return bool(np.allclose(got, expected, atol=atol, rtol=rtol))


def _which_mistake(got, mistakes, atol, rtol):
    """Return the hint of the first known mistake that ``got`` matches, or None.

    mistakes: (candidate, hint) pairs; a candidate is the array that mistake produces, or a function
    of ``got`` returning either that array (built only when needed) or True/False.
    """
    for candidate, hint in mistakes or ():
        try:
            if callable(candidate):
                verdict = candidate(got)
                if isinstance(verdict, (bool, np.bool_)):
                    if verdict:
                        return hint
                    continue
                candidate = verdict
            candidate = np.asarray(candidate)
            if candidate.shape == got.shape and (
                    np.array_equal(got, candidate) if candidate.dtype.kind not in "fc" and got.dtype.kind != "f"
                    else np.allclose(got, candidate, atol=atol, rtol=rtol, equal_nan=True)):
                return hint
        except Exception:  # a candidate that cannot be built for this input is simply not this mistake
            continue
    return None


def compare_arrays(got, expected, what, *, atol=1e-6, rtol=1e-5, check_dtype=False, hint=None, mistakes=(),
                   nan_hint=None):
    """Raise CheckFailed unless ``got`` is a NumPy array matching ``expected`` (shape, dtype, values).

    mistakes: (candidate, hint) pairs for known wrong answers (see _which_mistake): when ``got``
    matches one, its hint replaces ``hint``. nan_hint: the hint when ``got`` holds NaN or infinity.
    """
    expected = np.asarray(expected)
    got_array = learner_array(got, what)
    if _same(got_array, expected, atol, rtol):
        if check_dtype and got_array.dtype != expected.dtype:
            raise CheckFailed(f"{what} has dtype {got_array.dtype}, expected {expected.dtype}.", hint)
        return got_array
    specific = _which_mistake(got_array, mistakes, atol, rtol)
    if got_array.shape != expected.shape:
        raise CheckFailed(f"{what} has shape {got_array.shape}, expected {expected.shape}.", specific or hint)
    if check_dtype and got_array.dtype != expected.dtype:
        raise CheckFailed(f"{what} has dtype {got_array.dtype}, expected {expected.dtype}.", specific or hint)
    if got_array.dtype.kind == "f" and not np.all(np.isfinite(got_array)) and np.all(np.isfinite(expected)):
        raise CheckFailed(f"{what} contains NaN or infinity.",
                          specific or nan_hint or hint or "look for a division by zero or log(0).")
    message = _describe_mismatch(got_array, expected, what)
    if expected.dtype.kind == "f" and got_array.dtype.kind in "iub" and specific is None:  # a known mistake says more
        message += (f" Your array has the integer dtype {got_array.dtype}, so the fractions are cut off "
                    "(np.zeros_like(x) copies x's dtype; use np.zeros(shape) or .astype(float)).")
    raise CheckFailed(message, specific or hint)


def _describe_mismatch(got, expected, what):
    """Say where two same-shaped arrays first differ and by how much."""
    if expected.ndim == 0:
        return f"{what} is {got.item()!r}, expected {expected.item()!r}."
    diff = np.abs(got.astype(float) - expected.astype(float))
    diff[np.isnan(diff)] = np.inf
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    count = int(np.count_nonzero(diff > 0))
    return (f"{what} differs in {count} of {expected.size} entries; at index {index} "
            f"you have {got[index].item()!r}, expected {expected[index].item()!r}.")


def compare_values(got, expected, what, *, tol=1e-6, hint=None, integer=False, mistakes=()):
    """Raise CheckFailed unless ``got`` is one number equal to ``expected`` within ``tol``.

    integer: the answer is a count or a size, so a float (even 14.0) is reported as a mistake.
    mistakes: (value, hint) pairs for known wrong answers; when ``got`` is one of them, its hint is shown.
    """
    value = learner_number(got, what)
    if abs(value - float(expected)) <= tol:
        if integer and not isinstance(got, (numbers.Integral, np.integer)) and not (
                isinstance(got, np.ndarray) and got.dtype.kind in "iu"):
            raise CheckFailed(f"{what} is {value!r}, a float; a count or size is a whole number ({int(expected)}).",
                              "use // (floor division) instead of /, or wrap the result in int(...) "
                              "(np.ceil and / give floats).")
        return value
    specific = next((h for candidate, h in mistakes or () if abs(value - float(candidate)) <= tol), None)
    raise CheckFailed(f"{what} is {_format_number(value)}, expected {_format_number(float(expected))}.",
                      specific or hint)
