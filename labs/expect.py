"""Verdict lines for values a trained model produces, checked against measured bands.

Training a network repeats exactly on one machine but not across CPUs: another
instruction set or thread count changes the order of floating-point sums, and
training turns the last bits into the third decimal of an accuracy. So a
notebook shows such a value in a cell nbval ignores, then prints a verdict that
is the same on every machine:

    labs.expect.between("small CNN test accuracy", accuracy, 0.97, 0.99)
    ✅ ok — small CNN test accuracy is between 0.970 and 0.990, as expected

The bands come from `benchmarks/bands.py`, which runs the notebooks with several
seeds and thread settings and reports each value's range. Set
``LABS_RECORD_EXPECT=file.jsonl`` and every verdict also appends its value there.
"""

import json
import math
import numbers
import os

import numpy as np

from ._status import VERDICT_OK, VERDICT_UNEXPECTED, status_line

__all__ = ["between", "ordered", "RECORD_ENV"]

RECORD_ENV = "LABS_RECORD_EXPECT"


def between(name, value, low, high):
    """Print whether ``value`` lies in the measured band [low, high]; return True if it does."""
    name = _require_name(name)
    low, high = _number(low, "low"), _number(high, "high")
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"low and high must be finite with low <= high, got low={low!r}, high={high!r}")
    value = _number(value, "value")
    shown = _formatter(value, low, high)
    _record(name=name, value=value, low=low, high=high)
    band = f"between {shown(low)} and {shown(high)}"
    if math.isfinite(value) and low <= value <= high:
        print(status_line(VERDICT_OK, f"{name} is {band}, as expected"))
        return True
    print(status_line(VERDICT_UNEXPECTED, f"{name} is {shown(value) if math.isfinite(value) else value}, outside "
                      f"the measured band ({band}). If you changed the code, the data or the recipe above, that "
                      "is why; otherwise re-run the notebook from the top (Kernel → Restart and Run All)."))
    return False


def ordered(name, values):
    """Print whether the values of a dict decrease in the order given; return True if they do."""
    name = _require_name(name)
    if not isinstance(values, dict) or len(values) < 2:
        raise TypeError(f"values must be a dict of at least 2 labelled numbers, got {values!r:.80}")
    numbers_ = {str(label): _number(value, f"values[{label!r}]") for label, value in values.items()}
    _record(name=name, value=numbers_)
    labels = list(numbers_)
    pairs = list(zip(labels, labels[1:]))
    broken = [(a, b) for a, b in pairs if not numbers_[a] > numbers_[b]]
    if not broken:
        print(status_line(VERDICT_OK, f"{name}: " + " > ".join(labels) + ", as expected"))
        return True
    a, b = broken[0]
    print(status_line(VERDICT_UNEXPECTED, f"{name}: expected {a} > {b}, got {numbers_[a]:.3f} and {numbers_[b]:.3f}. "
                      "Re-run the notebook from the top; if it persists, something above changed."))
    return False


def _formatter(value, low, high):
    """Return a function that shows numbers like the band: whole counts, 3 decimals, or powers of 10."""
    if isinstance(value, numbers.Integral) and float(low).is_integer() and float(high).is_integer():
        return lambda x: f"{x:,.0f}"
    if max(abs(low), abs(high)) < 0.01:
        return lambda x: f"{x:.1e}"
    return lambda x: f"{x:.3f}"


def _require_name(name):
    """Return ``name`` if it is a non-empty string, else raise a clear error."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string saying what the value is, got {name!r}")
    return name.strip()


def _number(value, argument):
    """Return ``value`` as a Python int or float, or raise a clear error naming ``argument``."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a single number, got {type(value).__name__}: {value!r:.60}")
    return value if isinstance(value, numbers.Integral) else float(value)


def _record(**entry):
    """Append ``entry`` as a JSON line to the file named by $LABS_RECORD_EXPECT, if set."""
    path = os.environ.get(RECORD_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")
