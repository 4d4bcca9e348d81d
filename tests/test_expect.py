"""labs.expect: the verdict lines that check learned values against measured bands."""

import json

import numpy as np
import pytest

from labs import expect


@pytest.mark.parametrize("value, low, high, line", [
    (0.981, 0.97, 0.99, "✅ ok — small CNN test accuracy is between 0.970 and 0.990, as expected"),
    (np.float32(0.97), 0.97, 0.99, "✅ ok — small CNN test accuracy is between 0.970 and 0.990, as expected"),
    (np.array(0.99), 0.97, 0.99, "✅ ok — small CNN test accuracy is between 0.970 and 0.990, as expected"),
    (19, 10, 30, "✅ ok — small CNN test accuracy is between 10 and 30, as expected"),
    (np.int64(1000), 10, 3000, "✅ ok — small CNN test accuracy is between 10 and 3,000, as expected"),
    (3e-10, 0, 1e-6, "✅ ok — small CNN test accuracy is between 0.0e+00 and 1.0e-06, as expected"),
])
def test_a_value_inside_its_band_prints_one_stable_line(capsys, value, low, high, line):
    assert expect.between("small CNN test accuracy", value, low, high) is True
    assert capsys.readouterr().out == line + "\n"


@pytest.mark.parametrize("value, shown", [(0.9531, "0.953"), (0.995, "0.995"), (float("nan"), "nan"),
                                          (float("inf"), "inf")])
def test_a_value_outside_its_band_is_reported_with_the_band(capsys, value, shown):
    assert expect.between("accuracy", value, 0.97, 0.99) is False
    out = capsys.readouterr().out
    assert out.startswith(f"❌ unexpected — accuracy is {shown}, outside the measured band (between 0.970 and 0.990).")
    assert out.count("\n") == 1 and "Restart and Run All" in out


def test_the_bounds_are_inclusive(capsys):
    assert expect.between("x", 0.97, 0.97, 0.99) and expect.between("x", 0.99, 0.97, 0.99)


def test_ordered_checks_each_neighbour(capsys):
    assert expect.ordered("test accuracy", {"CNN": 0.98, "dense": np.float64(0.94), "1-NN": 0.937})
    assert capsys.readouterr().out == "✅ ok — test accuracy: CNN > dense > 1-NN, as expected\n"
    assert not expect.ordered("test accuracy", {"CNN": 0.98, "dense": 0.93, "1-NN": 0.937})
    assert capsys.readouterr().out.startswith("❌ unexpected — test accuracy: expected dense > 1-NN, got 0.930 and 0.937.")
    assert not expect.ordered("ties", {"a": 0.5, "b": 0.5})


@pytest.mark.parametrize("args, error, message", [
    (("", 0.5, 0, 1), TypeError, "name must be a non-empty string"),
    ((None, 0.5, 0, 1), TypeError, "name must be a non-empty string"),
    (("x", "0.98", 0, 1), TypeError, "value must be a single number, got str"),
    (("x", [0.98], 0, 1), TypeError, "value must be a single number, got list"),
    (("x", np.array([0.9, 0.8]), 0, 1), TypeError, "value must be a single number, got ndarray"),
    (("x", True, 0, 1), TypeError, "value must be a single number, got bool"),
    (("x", 0.5, 1, 0), ValueError, "low <= high"),
    (("x", 0.5, 0, float("nan")), ValueError, "finite"),
    (("x", 0.5, None, 1), TypeError, "low must be a single number"),
])
def test_between_refuses_bad_arguments_clearly(args, error, message):
    with pytest.raises(error, match=message):
        expect.between(*args)


@pytest.mark.parametrize("values, message", [({"a": 1}, "at least 2"), ([1, 2], "dict"),
                                             ({"a": 1, "b": "x"}, r"values\['b'\] must be a single number")])
def test_ordered_refuses_bad_arguments_clearly(values, message):
    with pytest.raises(TypeError, match=message):
        expect.ordered("x", values)


def test_verdicts_are_recorded_when_asked(tmp_path, monkeypatch, capsys):
    record = tmp_path / "values.jsonl"
    monkeypatch.setenv(expect.RECORD_ENV, str(record))
    expect.between("accuracy", np.float32(0.5), 0.4, 0.6)
    expect.ordered("order", {"a": 2, "b": 1})
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines == [{"name": "accuracy", "value": 0.5, "low": 0.4, "high": 0.6},
                     {"name": "order", "value": {"a": 2, "b": 1}}]


def test_nothing_is_recorded_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(expect.RECORD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    expect.between("accuracy", 0.5, 0.4, 0.6)
    assert list(tmp_path.iterdir()) == []
