"""The shared argument checks produce messages that name the argument and what was given."""

import numpy as np
import pytest

from labs._validate import (as_array, require_choice, require_finite, require_int, require_labels, require_number_between,
                            require_sha256, describe)


@pytest.mark.parametrize("kwargs, value, error, message", [
    ({}, None, TypeError, "x must be an array, got None"),
    ({}, [[1, 2], [3]], TypeError, "x must be array-like"),
    ({"ndim": 2}, np.zeros(3), ValueError, r"x must be 2-D, got an array of shape \(3,\)"),
    ({"ndim": (2, 3)}, np.zeros((1, 1, 1, 1)), ValueError, "2-D or 3-D"),
    ({"dtype_kind": "f"}, np.zeros(2, dtype=int), TypeError, "int64"),
    ({"shape": (None, 3)}, np.zeros((2, 4)), ValueError, r"\(any, 3\)"),
    ({}, np.zeros((0, 3)), ValueError, "empty"),
    ({}, np.array(["a"], dtype=object), TypeError, "object"),
])
def test_as_array_errors(kwargs, value, error, message):
    with pytest.raises(error, match=message):
        as_array(value, "x", **kwargs)


def test_as_array_accepts_good_input():
    assert as_array([[1, 2]], "x", ndim=2, shape=(1, None), dtype_kind="i").shape == (1, 2)
    assert as_array(np.zeros((0,)), "x", allow_empty=True).size == 0


def test_check_int_and_choice():
    assert require_int(np.int64(3), "k", minimum=1) == 3
    for bad, error in [(True, TypeError), (2.0, TypeError), (0, ValueError), (10, ValueError)]:
        with pytest.raises(error, match="k must"):
            require_int(bad, "k", minimum=1, maximum=9)
    assert require_choice("l2", "metric", ("l1", "l2")) == "l2"
    with pytest.raises(ValueError, match="metric must be one of 'l1', 'l2'; got 'l3'"):
        require_choice("l3", "metric", ("l1", "l2"))


def test_check_finite_counts_bad_values():
    with pytest.raises(ValueError, match="X contains 2 NaN"):
        require_finite(np.array([1.0, np.nan, np.inf]), "X")
    require_finite(np.arange(3), "X")


def test_describe():
    assert describe(None) == "None"
    assert "shape (2,)" in describe(np.zeros(2))
    assert describe([1, 2]) == "a list of length 2"


def test_check_labels_names_the_length_and_range_problems():
    assert require_labels(np.array([2, 0, 1], dtype=np.uint8), "y", 3, 3).dtype == np.int64
    assert require_labels(np.array([True, False]), "y").tolist() == [1, 0]
    with pytest.raises(ValueError, match="y_val has 2 labels but there are 3 rows"):
        require_labels([0, 1], "y_val", 3)
    with pytest.raises(ValueError, match=r"y must hold class numbers 0\.\.2; found values from 0 to 3"):
        require_labels([0, 3], "y", num_classes=3)
    with pytest.raises(ValueError, match=r"class numbers 0, 1, 2, \.\.\.; found values from -1 to 1"):
        require_labels([-1, 1], "y")
    with pytest.raises(TypeError, match=r"y: class labels must be integers, got float64 values such as 2\.5\."):
        require_labels([0.0, 2.5], "y")


@pytest.mark.parametrize("value, kwargs, ok", [
    (0, {}, True), (0.5, {}, True), (np.float32(0.5), {}, True), (1, {}, False), (1, {"high_ok": True}, True),
    (0, {"low_ok": False}, False), (-0.1, {}, False), (float("nan"), {}, False), (True, {}, False),
    (np.bool_(False), {}, False), ("0.5", {}, False), (None, {}, False),
])
def test_check_number_between_takes_real_numbers_in_the_interval(value, kwargs, ok):
    if ok:
        assert require_number_between(value, "rate", 0, 1, expected="a rate", **kwargs) == float(value)
    else:
        with pytest.raises(ValueError, match="^rate must be a rate, got "):
            require_number_between(value, "rate", 0, 1, expected="a rate", **kwargs)


def test_check_sha256_takes_64_hex_characters_in_any_case():
    assert require_sha256("AB" * 32) == "ab" * 32
    for bad in ("ab" * 31, "xy" * 32, None, 64):
        with pytest.raises(ValueError, match="sha256 must be a 64-character hex digest"):
            require_sha256(bad)
