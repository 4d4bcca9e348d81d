"""labs.expect: the verdict lines that check learned values against thresholds, ranges and orderings."""

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


@pytest.mark.parametrize("value, shown, side", [(0.9531, "0.953", "lower"), (0.995, "0.995", "higher"),
                                                (float("nan"), "nan", "higher"), (float("inf"), "inf", "higher"),
                                                (float("-inf"), "-inf", "higher")])
def test_a_value_outside_its_range_says_what_it_means(capsys, value, shown, side):
    assert expect.between("accuracy", value, 0.97, 0.99) is False
    out = capsys.readouterr().out
    assert out.startswith(f"❌ unexpected — accuracy is {shown}, {side} than usual (it is normally between 0.970 "
                          "and 0.990).")
    assert out.count("\n") == 1
    _assert_says_what_it_means(out)


def _assert_says_what_it_means(line):
    """A ❌ verdict names the likely causes and tells a learner who changed nothing that the lesson holds."""
    assert "If you changed the code" in line and "Restart and Run All" in line
    assert "unusual, not wrong: the lesson that follows still holds." in line
    assert "band" not in line


@pytest.mark.parametrize("value, line", [
    (0.981, "✅ ok — small CNN test accuracy is at least 0.950, as expected"),
    (np.float32(0.96), "✅ ok — small CNN test accuracy is at least 0.950, as expected"),
    (np.array(1.0), "✅ ok — small CNN test accuracy is at least 0.950, as expected"),
])
def test_at_least_prints_one_stable_line(capsys, value, line):
    assert expect.at_least("small CNN test accuracy", value, 0.95) is True
    assert capsys.readouterr().out == line + "\n"


@pytest.mark.parametrize("value, shown", [(0.9, "0.900"), (float("nan"), "nan"), (float("-inf"), "-inf")])
def test_at_least_below_its_threshold_says_lower_than_usual(capsys, value, shown):
    assert expect.at_least("accuracy", value, 0.95) is False
    out = capsys.readouterr().out
    assert out.startswith(f"❌ unexpected — accuracy is {shown}, lower than usual (it is normally at least 0.950).")
    _assert_says_what_it_means(out)


def test_at_most_prints_counts_as_counts(capsys):
    assert expect.at_most("misclassified test digits", 16, 30) is True
    assert capsys.readouterr().out == "✅ ok — misclassified test digits is at most 30, as expected\n"
    assert expect.at_most("misclassified test digits", np.int64(31), 30) is False
    out = capsys.readouterr().out
    assert out.startswith("❌ unexpected — misclassified test digits is 31, higher than usual (it is normally at most 30).")
    _assert_says_what_it_means(out)
    assert expect.at_most("relative error", 3e-10, 1e-6)
    assert capsys.readouterr().out == "✅ ok — relative error is at most 1.0e-06, as expected\n"


def test_one_sided_thresholds_are_inclusive(capsys):
    assert expect.at_least("x", 0.5, 0.5) and expect.at_most("x", 0.5, 0.5)
    assert not expect.at_most("x", float("nan"), 0.5)


def test_the_bounds_are_inclusive(capsys):
    assert expect.between("x", 0.97, 0.97, 0.99) and expect.between("x", 0.99, 0.97, 0.99)


def test_ordered_checks_each_neighbour(capsys):
    assert expect.ordered("test accuracy", {"CNN": 0.98, "dense": np.float64(0.94), "1-NN": 0.937})
    assert capsys.readouterr().out == "✅ ok — test accuracy: CNN > dense > 1-NN, as expected\n"
    assert not expect.ordered("test accuracy", {"CNN": 0.98, "dense": 0.93, "1-NN": 0.937})
    out = capsys.readouterr().out
    assert out.startswith("❌ unexpected — test accuracy: dense is usually above 1-NN, but this run gave 0.930 against 0.937.")
    _assert_says_what_it_means(out)
    assert not expect.ordered("ties", {"a": 0.5, "b": 0.5})


@pytest.mark.parametrize("args, error, message", [
    (("", 0.5, 0, 1), TypeError, "name must be a non-empty string"),
    ((None, 0.5, 0, 1), TypeError, "name must be a non-empty string"),
    (("x", "0.98", 0, 1), TypeError, "value must be a single number, got str"),
    (("x", [0.98], 0, 1), TypeError, "value must be a single number, got list"),
    (("x", np.array([0.9, 0.8]), 0, 1), TypeError, "value must be a single number, got ndarray"),
    (("x", True, 0, 1), TypeError, "value must be a single number, got bool"),
    (("x", 0.5, 1, 0), ValueError, "low <= high"),
    (("x", 0.5, 0, float("nan")), ValueError, "high must be a finite number"),
    (("x", 0.5, None, 1), TypeError, "low must be a single number"),
])
def test_between_refuses_bad_arguments_clearly(args, error, message):
    with pytest.raises(error, match=message):
        expect.between(*args)


@pytest.mark.parametrize("verdict", [expect.at_least, expect.at_most])
@pytest.mark.parametrize("args, error, message", [
    (("", 0.5, 0), TypeError, "name must be a non-empty string"),
    (("x", "0.98", 0), TypeError, "value must be a single number, got str"),
    (("x", [0.98], 0), TypeError, "value must be a single number, got list"),
    (("x", False, 0), TypeError, "value must be a single number, got bool"),
    (("x", 0.5, None), TypeError, "must be a single number, got NoneType"),
    (("x", 0.5, float("nan")), ValueError, "must be a finite number"),
    (("x", 0.5, float("inf")), ValueError, "must be a finite number"),
])
def test_one_sided_verdicts_refuse_bad_arguments_clearly(verdict, args, error, message):
    with pytest.raises(error, match=message):
        verdict(*args)


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
    expect.at_least("low", 3, 1)
    expect.at_most("high", 0.25, 0.5)
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines == [{"name": "accuracy", "value": 0.5, "low": 0.4, "high": 0.6},
                     {"name": "order", "value": {"a": 2, "b": 1}},
                     {"name": "low", "value": 3, "low": 1}, {"name": "high", "value": 0.25, "high": 0.5}]


def test_nothing_is_recorded_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(expect.RECORD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    expect.between("accuracy", 0.5, 0.4, 0.6)
    assert list(tmp_path.iterdir()) == []


def test_on_the_learners_own_data_a_verdict_is_a_comparison_never_a_grade(capsys):
    expect.compare_only("the demo folders")
    try:
        assert expect.at_least("external macro F1", 0.12, 0.4) is True
        assert expect.at_most("epochs", 30, 19) is True
        assert expect.between("gap", 0.9, 0.1, 0.2) is True
        assert expect.ordered("external macro F1", {"transfer": 0.2, "from scratch": 0.3}) is True
    finally:
        expect.compare_only(None)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "📊 compare — external macro F1 is 0.120 here; on the demo folders it is normally at least 0.400.",
        "📊 compare — epochs is 30 here; on the demo folders it is normally at most 19.",
        "📊 compare — gap is 0.900 here; on the demo folders it is normally between 0.100 and 0.200.",
        "📊 compare — external macro F1 is transfer 0.200, from scratch 0.300 here; on the demo folders it is "
        "usually transfer > from scratch."]
    assert expect.at_least("external macro F1", 0.12, 0.4) is False        # verdicts again
    assert "❌ unexpected" in capsys.readouterr().out
    with pytest.raises(TypeError, match="reference must be None or a non-empty string"):
        expect.compare_only(3)
