"""The ✅ passed / ❌ failed check machinery, the status marks, and the checks of notebooks 00 and 01."""

import importlib
import re
from pathlib import Path

import numpy as np
import pytest

from labs import _status, checks, images
from labs.checks import core
from labs.checks.core import CheckFailed, compare_arrays, compare_values, run_check
from check_helpers import printed_line, unfinished_exercise


CASES = [
    (checks.check_invert, images.invert),
    (checks.check_to_greyscale, images.to_greyscale),
    (checks.check_intensity_histogram, images.intensity_histogram),
    (checks.check_shuffle_pixels, images.shuffle_pixels),
]


@pytest.mark.parametrize("check, reference", CASES)
def test_reference_passes(check, reference, capsys):
    assert check(reference) is True
    assert printed_line(capsys).startswith("✅ passed — ")


@pytest.mark.parametrize("check, _", CASES)
@pytest.mark.parametrize("learner", [None, 42, unfinished_exercise, lambda *a, **k: None,
                                     lambda *a, **k: np.zeros((2, 2, 2, 2)),
                                     lambda *a, **k: "not an image",
                                     lambda *a, **k: 1 / 0])
def test_wrong_answers_fail_with_one_line_and_never_raise(check, _, learner, capsys):
    assert check(learner) is False
    assert printed_line(capsys).startswith("❌")


def test_stub_gets_the_not_implemented_hint(capsys):
    checks.check_to_greyscale(unfinished_exercise)
    assert printed_line(capsys).startswith("❌ to do — to_greyscale: not implemented yet. Hint: replace the `raise")


def test_a_wrong_answer_is_failed_not_to_do(capsys):
    checks.check_to_greyscale(lambda image: image)
    assert printed_line(capsys).startswith("❌ failed — to_greyscale: ")


MARKS = {name: value for name, value in vars(_status).items() if name.isupper()}


@pytest.mark.parametrize("name", sorted(MARKS))
def test_every_status_mark_is_an_emoji_and_a_word(name):
    emoji, _, word = MARKS[name].partition(" ")
    assert emoji in "✅❌⬜📊" and len(emoji) == 1 and re.fullmatch(r"[a-z][a-z ]*[a-z]", word), MARKS[name]


def test_no_emoji_is_printed_alone():
    """Without a colour-emoji font ✅ ❌ ⬜ are identical boxes: in labs and tools each comes with a word."""
    root = Path(__file__).resolve().parents[1]
    words = {value.partition(" ")[2] for value in MARKS.values()}
    for path in [*root.joinpath("labs").rglob("*.py"), *root.joinpath("tools").rglob("*.py")]:
        if path.name == "_status.py":  # the one home of the marks, which its docstring explains
            continue
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in re.finditer(r"[✅❌⬜📊]", line):
                after = line[match.end():]
                assert any(after.startswith(f" {word}") for word in words), \
                    f"{path.relative_to(root)}:{line_number}: {match.group()} without its word: {line.strip()}"


def test_subtle_errors_are_named(capsys):
    checks.check_invert(lambda image: 1 - image)
    assert "differs" in printed_line(capsys)
    checks.check_to_greyscale(lambda image: image.mean(axis=-1) / 255)
    assert "Hint:" in printed_line(capsys)
    checks.check_invert(lambda image: (255 - image.astype(int)))
    assert "dtype" in printed_line(capsys)


def test_shuffle_check_catches_unseeded_and_value_changing_versions(capsys):
    assert not checks.check_shuffle_pixels(lambda image, seed=0: np.random.permutation(image.reshape(-1, 3)).reshape(image.shape))
    assert "seed" in printed_line(capsys)
    assert not checks.check_shuffle_pixels(lambda image, seed=0: np.random.default_rng(seed).permutation(image.ravel()).reshape(image.shape))
    assert "pixels themselves changed" in printed_line(capsys)
    assert not checks.check_shuffle_pixels(lambda image, seed=0: image)
    assert "unchanged" in printed_line(capsys)


def test_learner_mutating_its_input_is_reported(capsys):
    def in_place(image):
        image[...] = 255 - image
        return image
    assert not checks.check_invert(in_place)
    assert "in place" in printed_line(capsys)


def test_run_check_reports_learner_exceptions():
    assert run_check("demo", lambda: None, lambda f: checks.call_learner(lambda: [][1])) is False


def test_compare_arrays_messages():
    with pytest.raises(CheckFailed, match="shape"):
        compare_arrays(np.zeros(3), np.zeros(4), "x")
    with pytest.raises(CheckFailed, match="None"):
        compare_arrays(None, np.zeros(4), "x")
    with pytest.raises(CheckFailed, match="NaN"):
        compare_arrays(np.array([np.nan]), np.array([1.0]), "x")
    with pytest.raises(CheckFailed, match="index"):
        compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 3.0]), "x")
    assert compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]), "x").shape == (2,)
    with pytest.raises(CheckFailed, match="a list of length 2, not a NumPy array"):  # the docstrings promise arrays
        compare_arrays([1.0, 2.0], np.array([1.0, 2.0]), "x")
    with pytest.raises(CheckFailed, match="array of text"):
        compare_arrays(np.array(["1", "2"]), np.array([1.0, 2.0]), "x")


def test_compare_values():
    assert compare_values(np.float32(0.5), 0.5, "loss") == 0.5
    with pytest.raises(CheckFailed, match="single number"):
        compare_values([1, 2], 1, "loss")
    with pytest.raises(CheckFailed, match="expected 2"):
        compare_values(1.0, 2, "loss")
    with pytest.raises(CheckFailed, match="the text '1.0', not a number"):
        compare_values("1.0", 1, "loss")
    with pytest.raises(CheckFailed, match="a float"):
        compare_values(14.0, 14, "size", integer=True)
    with pytest.raises(CheckFailed) as failure:
        compare_values(6, 8, "count", mistakes=[(6, "one bias")])
    assert failure.value.hint == "one bias"


def test_every_topic_check_is_exported_once():
    topics = [importlib.import_module(f"labs.checks.{topic}") for topic in checks.TOPIC_NAMES]
    names = [name for topic in topics for name in topic.__all__]
    assert sorted(names) == sorted(set(checks.__all__) - set(core.__all__)), "labs.checks.__all__ misses a check"
    assert len(names) == len(set(names)), "two topics export a check with the same name"
    assert all(callable(getattr(checks, name)) for name in names)


# --- the machinery: where a learner's exception came from, loops, in-place changes, one line ----------

def _learner_dividing_by_zero(x):
    total = x.sum()
    return total / 0 if isinstance(total, int) else 1 // 0


def test_a_learner_exception_points_at_the_learners_line(capsys):
    assert run_check("demo", _learner_dividing_by_zero, lambda f: checks.call_learner(f, np.ones(2))) is False
    line = printed_line(capsys)
    assert "raised ZeroDivisionError: integer division or modulo by zero at line" in line
    assert "`return total / 0 if isinstance(total, int) else 1 // 0`" in line


def test_an_exception_inside_labs_points_at_the_learners_call(capsys):
    def learner(y):
        return images.invert(y.astype(float))  # labs refuses float images: the pointer is this line, not labs'
    run_check("demo", learner, lambda f: checks.call_learner(f, np.ones(2)))
    line = printed_line(capsys)
    assert "raised TypeError" in line and "`return images.invert(y.astype(float))" in line


def test_multi_line_messages_and_raised_hints_stay_on_one_line(capsys):
    def learner(x):
        raise ValueError("operands could not be broadcast together\nwith shapes (5,4) (5,)")
    run_check("demo", learner, lambda f: checks.call_learner(f, 1), hint="general",
              raised_hints={"could not be broadcast": "keepdims=True"})
    line = printed_line(capsys)
    assert "second" not in line and "with shapes" not in line and line.endswith("Hint: keepdims=True")
    run_check("demo", lambda x: x, lambda f: "first\nsecond")
    assert printed_line(capsys) == "✅ passed — demo: first second"


def test_an_unforeseen_error_in_a_check_is_still_one_line(capsys):
    assert run_check("demo", lambda: None, lambda f: {}["key"]) is False
    assert printed_line(capsys).startswith("❌ failed — demo: could not check the result (KeyError")


def test_numeric_warnings_of_wrong_answers_stay_out_of_the_output(capsys, recwarn):
    assert run_check("demo", lambda: None, lambda f: str(np.exp(np.array([1000.0])) / 0)) is True
    printed_line(capsys)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_changes_inside_a_dict_argument_are_reported():
    def learner(params):
        params["W"] += 1
    with pytest.raises(CheckFailed, match="changed its input `params` in place"):
        checks.call_learner(learner, {"W": np.zeros(2)})


def test_count_python_lines_grows_with_loops_only():
    from labs.checks.core import count_python_lines

    def loop(x):
        return np.array([v * 2 for v in x])

    def vectorised(x):
        return x * 2
    assert count_python_lines(loop, np.ones(40)) - count_python_lines(loop, np.ones(20)) >= 20
    assert count_python_lines(vectorised, np.ones(40)) == count_python_lines(vectorised, np.ones(20))
