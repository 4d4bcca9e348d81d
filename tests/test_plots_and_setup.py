"""Plot helpers return what they drew; setup seeds everything; the reports read well."""

import random

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import labs  # noqa: E402
from labs import plots  # noqa: E402

IMAGES = np.random.default_rng(0).integers(0, 256, (5, 8, 8), dtype=np.uint8)


def teardown_function():
    plt.close("all")


def test_show_images_titles_and_grid():
    fig = plots.show_images(IMAGES, titles=list("abcde"), ncols=3, suptitle="grid")
    axes = fig.get_axes()
    assert len(axes) == 6 and [ax.get_title() for ax in axes[:5]] == list("abcde")
    assert not axes[5].axison


def test_show_matrices_draws_each_matrix_with_its_numbers_and_title():
    kernel = np.array([[1, 0, -1]] * 3)
    fig = plots.show_matrices({"image (4×4)": np.arange(16).reshape(4, 4), "kernel": kernel}, suptitle="worked")
    left, right = fig.axes
    assert (left.get_title(), right.get_title()) == ("image (4×4)", "kernel")
    assert [t.get_text() for t in left.texts] == [str(v) for v in range(16)]
    assert [t.get_text() for t in right.texts] == ["1", "0", "-1"] * 3
    assert fig._suptitle.get_text() == "worked"
    plt.close(fig)


def test_plot_helpers_return_their_axes():
    _, ax = plt.subplots()
    assert plots.plot_image(IMAGES[0], title="x", ax=ax) is ax
    assert plots.plot_histogram(IMAGES[0], ax=ax) is ax
    assert plots.plot_pixel_values(IMAGES[0]).texts[0].get_text() == str(IMAGES[0, 0, 0])
    assert plots.plot_histogram(np.stack([IMAGES[0]] * 3, axis=-1)).get_legend() is not None


@pytest.mark.parametrize("call, error, message", [
    (lambda: plots.show_images([]), ValueError, "empty"),
    (lambda: plots.show_images(IMAGES, titles=["a"]), ValueError, "titles has 1"),
    (lambda: plots.show_images(IMAGES, ncols=0), ValueError, "ncols"),
    (lambda: plots.plot_image(np.zeros(5)), ValueError, "2-D or 3-D"),
    (lambda: plots.plot_pixel_values(np.zeros((50, 50))), ValueError, "40x40"),
    (lambda: plots.plot_histogram(np.zeros((4, 4))), TypeError, "dtype"),
])
def test_plot_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_setup_seeds_python_numpy_and_keras():
    import keras

    labs.setup(7)
    first = (random.random(), np.random.rand(), float(keras.random.uniform(()).numpy()))
    labs.setup(7)
    assert (random.random(), np.random.rand(), float(keras.random.uniform(()).numpy())) == first
    assert matplotlib.rcParams["image.cmap"] == "gray"


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (2**40, ValueError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        labs.setup(seed)


def test_environment_report_lists_versions_hardware_and_datasets():
    report = labs.environment_report()
    for word in ("Python", "tensorflow", "keras", "CPU cores", "GPU", "profile", "mnist_small", "cifar10"):
        assert word in report


def test_readiness_report_is_all_green_here():
    report = labs.readiness_report()
    assert "❌" not in report and report.count("✅") >= 10


def test_profile_setting(monkeypatch):
    monkeypatch.setenv("LABS_PROFILE", "full")
    assert labs.config.is_full()
    monkeypatch.setenv("LABS_PROFILE", "huge")
    with pytest.raises(ValueError, match="LABS_PROFILE must be one of"):
        labs.config.profile()


@pytest.mark.parametrize("text, seed", [("", 42), ("  ", 42), ("7", 7), ("0", 0), (" 12 ", 12)])
def test_seed_comes_from_labs_seed(monkeypatch, text, seed):
    monkeypatch.setenv("LABS_SEED", text)
    assert labs.config._seed_from_env() == seed


@pytest.mark.parametrize("text", ["x", "-1", "1.5", str(2**32)])
def test_a_bad_labs_seed_is_refused_clearly(monkeypatch, text):
    monkeypatch.setenv("LABS_SEED", text)
    with pytest.raises(ValueError, match="LABS_SEED must be a whole number"):
        labs.config._seed_from_env()
