"""Verdict lines for values a trained model produces: a threshold, a range or an ordering that holds on any machine.

Training a network repeats exactly on one machine but not across CPUs: another
instruction set or thread count changes the order of floating-point sums, and
training turns the last bits into the third decimal of an accuracy. So a
notebook shows such a value in a cell nbval ignores, then prints a verdict that
is the same on every machine:

    labs.expect.at_least("small CNN test accuracy", accuracy, 0.95)
    ✅ ok — small CNN test accuracy is at least 0.950, as expected

Prefer the verdict the lesson needs: an ordering (``ordered``: "the CNN beats the
dense network") or a one-sided threshold (``at_least``, ``at_most``); a range
(``between``) only where both of its ends teach something. Each threshold sits far
outside what fine runs give: ``benchmarks/bands.py`` runs the notebooks over many
seeds and CPU settings and estimates, for every verdict, the chance that a fine
run lands outside. Set ``LABS_RECORD_EXPECT=file.jsonl`` and every verdict also
appends its value there.

A "❌ unexpected" line says what it means to the learner: a change above, cells run out of
order, or — rarely — an unusual run whose lesson still holds.

On a learner's own data the thresholds (measured on the course's data) do not apply:
``compare_only("the demo folders")`` turns every later verdict into a "📊 compare" line that
shows the value beside what the course's data gives, never a grade; ``compare_only(None)`` ends it.
"""

import json
import math
import numbers
import os

import numpy as np

from ._status import VERDICT_COMPARE, VERDICT_OK, VERDICT_UNEXPECTED, status_line

__all__ = ["at_least", "at_most", "between", "ordered", "compare_only", "RECORD_ENV"]

RECORD_ENV = "LABS_RECORD_EXPECT"

# What an "❌ unexpected" verdict means to a learner, after the sentence that says what was seen.
_WHAT_IT_MEANS = ("If you changed the code, the data or the settings above, that is the likely cause; if you ran "
                  "cells out of order, use Kernel → Restart and Run All. If neither, your run was unusual, not "
                  "wrong: the lesson that follows still holds.")


_compare_with = None   # set by compare_only: what the thresholds were measured on, when the data is another


def compare_only(reference):
    """Make the verdicts that follow comparisons with ``reference`` (e.g. "the demo folders"); None: verdicts again.

    Use it when a notebook runs on the learner's own data: a threshold measured on the course's data
    says nothing about theirs, so the line shows their value beside the course's, never an ❌ unexpected.
    """
    global _compare_with
    if reference is not None and (not isinstance(reference, str) or not reference.strip()):
        raise TypeError(f"reference must be None or a non-empty string naming the course's data, got {reference!r}")
    _compare_with = reference.strip() if reference else None


def _compared(name, value_text, usual_text):
    """Print a "📊 compare" line (the value here beside the course's usual one) and return True."""
    print(status_line(VERDICT_COMPARE, f"{name} is {value_text} here; on {_compare_with} it is {usual_text}."))
    return True


def at_least(name, value, low):
    """Print whether ``value`` is at least ``low``; return True if it is."""
    return _one_sided(name, value, low, "low")


def at_most(name, value, high):
    """Print whether ``value`` is at most ``high``; return True if it is."""
    return _one_sided(name, value, high, "high")


def _one_sided(name, value, threshold, side):
    """The verdict of at_least (side 'low') or at_most (side 'high')."""
    name = _require_name(name)
    threshold = _finite(_number(threshold, side), side)
    value = _number(value, "value")
    shown = _formatter(value, threshold, threshold)
    _record(name=name, value=value, **{side: threshold})
    words, holds = (("at least", "lower"), value >= threshold) if side == "low" else \
        (("at most", "higher"), value <= threshold)
    if _compare_with:
        return _compared(name, _show(value, shown), f"normally {words[0]} {shown(threshold)}")
    if math.isfinite(value) and holds:
        return _ok(f"{name} is {words[0]} {shown(threshold)}, as expected")
    return _unexpected(f"{name} is {_show(value, shown)}, {words[1]} than usual (it is normally {words[0]} "
                       f"{shown(threshold)}).")


def between(name, value, low, high):
    """Print whether ``value`` lies in the range [low, high]; return True if it does."""
    name = _require_name(name)
    low, high = _finite(_number(low, "low"), "low"), _finite(_number(high, "high"), "high")
    if low > high:
        raise ValueError(f"low and high must be finite with low <= high, got low={low!r}, high={high!r}")
    value = _number(value, "value")
    shown = _formatter(value, low, high)
    _record(name=name, value=value, low=low, high=high)
    if _compare_with:
        return _compared(name, _show(value, shown), f"normally between {shown(low)} and {shown(high)}")
    if math.isfinite(value) and low <= value <= high:
        return _ok(f"{name} is between {shown(low)} and {shown(high)}, as expected")
    side = "lower" if math.isfinite(value) and value < low else "higher"
    return _unexpected(f"{name} is {_show(value, shown)}, {side} than usual (it is normally between {shown(low)} "
                       f"and {shown(high)}).")


def ordered(name, values):
    """Print whether the values of a dict decrease in the order given; return True if they do."""
    name = _require_name(name)
    if not isinstance(values, dict) or len(values) < 2:
        raise TypeError(f"values must be a dict of at least 2 labelled numbers, got {values!r:.80}")
    numbers_ = {str(label): _number(value, f"values[{label!r}]") for label, value in values.items()}
    _record(name=name, value=numbers_)
    labels = list(numbers_)
    broken = [(a, b) for a, b in zip(labels, labels[1:]) if not numbers_[a] > numbers_[b]]
    if _compare_with:
        here = ", ".join(f"{label} {numbers_[label]:.3f}" for label in labels)
        return _compared(name, here, "usually " + " > ".join(labels))
    if not broken:
        return _ok(f"{name}: " + " > ".join(labels) + ", as expected")
    a, b = broken[0]
    return _unexpected(f"{name}: {a} is usually above {b}, but this run gave {numbers_[a]:.3f} against "
                       f"{numbers_[b]:.3f}.")


def _ok(text):
    """Print a "✅ ok" verdict line and return True."""
    print(status_line(VERDICT_OK, text))
    return True


def _unexpected(seen):
    """Print an "❌ unexpected" verdict line (what was seen, then what it means) and return False."""
    print(status_line(VERDICT_UNEXPECTED, f"{seen} {_WHAT_IT_MEANS}"))
    return False


def _show(value, shown):
    """Return ``value`` as the verdict shows numbers, or 'nan' / 'inf' as they are."""
    return shown(value) if math.isfinite(value) else str(value)


def _formatter(value, low, high):
    """Return a function that shows numbers like the thresholds: whole counts, 3 decimals, or powers of 10."""
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


def _finite(number, argument):
    """Return ``number`` if it is finite, else raise a clear error naming ``argument``."""
    if not math.isfinite(number):
        raise ValueError(f"{argument} must be a finite number, got {number!r}")
    return number


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
