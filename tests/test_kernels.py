"""labs.kernels: the kernel gallery against SciPy, the worked examples' lecture values, the figures and the kernel editor."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import ndimage  # noqa: E402

from labs import conv, kernels, plots, widgets  # noqa: E402

RNG = np.random.default_rng(0)


# --- worked examples ------------------------------------------------------------------------------

def test_binary_worked_example_gives_the_feature_map_from_the_lecture():
    expected = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert conv.conv2d(kernels.WORKED_IMAGE, kernels.WORKED_KERNEL).tolist() == expected
    assert conv.conv2d_loops(kernels.WORKED_IMAGE, kernels.WORKED_KERNEL).tolist() == expected


def test_curve_detector_scores_6600_on_the_curve_and_0_elsewhere():
    assert kernels.compute_response(kernels.CURVE_MATCH, kernels.CURVE_FILTER) == 6600
    assert kernels.compute_response(kernels.CURVE_NO_MATCH, kernels.CURVE_FILTER) == 0
    assert (50 * 30) * 4 + 20 * 30 == 6600  # the five products that are not zero
    with pytest.raises(ValueError, match="patch has shape"):
        kernels.compute_response(np.ones((3, 3)), kernels.CURVE_FILTER)


def test_detector_example_pools_and_flattens_to_the_lecture_values():
    feature_map = conv.conv2d(kernels.DETECTOR_IMAGE, kernels.DETECTOR_KERNEL)
    assert feature_map.shape == (5, 5) and feature_map.max() == 4
    pooled = conv.pool2d(feature_map, 2, padding="same")
    assert pooled.tolist() == [[1, 1, 0], [4, 2, 1], [0, 2, 1]]
    assert pooled.ravel().tolist() == [1, 1, 0, 4, 2, 1, 0, 2, 1]


def test_pooling_example_max_and_average():
    assert conv.pool2d(kernels.POOLING_EXAMPLE, 2).tolist() == [[8, 12], [46, 100]]
    assert conv.pool2d(kernels.POOLING_EXAMPLE, 2, mode="average").tolist() == [[4.5, 6.25], [13, 54.25]]


# --- the kernel gallery ---------------------------------------------------------------------------

def test_gallery_has_the_nine_kernels_with_the_right_sums():
    assert len(kernels.KERNELS) == 9
    sums = {name: float(np.sum(k)) for name, k in kernels.KERNELS.items()}
    for name in ("identity", "sharpen", "box_blur", "gaussian_3x3", "gaussian_5x5", "unsharp_5x5"):
        assert sums[name] == pytest.approx(1), name
    for name in ("edge_diagonal", "edge_4_neighbour", "edge_8_neighbour"):
        assert sums[name] == pytest.approx(0), name
    assert kernels.KERNELS["gaussian_5x5"].shape == kernels.KERNELS["unsharp_5x5"].shape == (5, 5)
    assert kernels.KERNELS["unsharp_5x5"][2, 2] * 256 == pytest.approx(476)
    identity_5 = np.pad([[1.0]], 2)
    np.testing.assert_allclose(kernels.KERNELS["unsharp_5x5"], 2 * identity_5 - kernels.KERNELS["gaussian_5x5"])
    for name, kernel in kernels.KERNELS.items():
        np.testing.assert_array_equal(kernel, conv.flip_kernel(kernel), err_msg=name)  # flip makes no difference


def test_apply_kernel_keeps_shape_and_matches_scipy_per_channel():
    photo = RNG.integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    blurred = kernels.apply_kernel(photo, kernels.KERNELS["gaussian_3x3"])
    assert blurred.shape == photo.shape
    for c in range(3):
        np.testing.assert_allclose(blurred[..., c], ndimage.correlate(photo[..., c] / 255,
                                                                      kernels.KERNELS["gaussian_3x3"], mode="reflect"))
    np.testing.assert_allclose(kernels.apply_kernel(photo[..., 0], kernels.KERNELS["identity"]), photo[..., 0] / 255)
    flat = np.full((9, 9), 200, dtype=np.uint8)
    np.testing.assert_allclose(kernels.apply_kernel(flat, kernels.KERNELS["edge_8_neighbour"]), 0, atol=1e-12)
    np.testing.assert_allclose(kernels.apply_kernel(flat, kernels.KERNELS["unsharp_5x5"]), 200 / 255)  # no dark frame


def test_describe_kernel_reads_the_sum():
    assert "keeps the overall brightness" in kernels.describe_kernel(kernels.KERNELS["sharpen"])
    assert "only changes" in kernels.describe_kernel(kernels.KERNELS["edge_4_neighbour"])
    assert "brightens" in kernels.describe_kernel(np.ones((3, 3)))
    assert "darkens" in kernels.describe_kernel(np.ones((3, 3)) / 20)
    assert "negative" in kernels.describe_kernel(-np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel contains 1 NaN"):
        kernels.describe_kernel(np.array([[np.nan, 0], [0, 0]]))


def test_apply_kernel_rejects_bad_kernels():
    with pytest.raises(ValueError, match="kernel must be odd-sized"):
        kernels.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.ones((2, 2)))
    with pytest.raises(ValueError, match="kernel contains 1 NaN"):
        kernels.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.array([[0, 0, 0], [0, np.nan, 0], [0, 0, 0]]))
    with pytest.raises(ValueError, match="kernel must be 2-D"):
        kernels.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.ones((3, 3, 3)))


# --- figures --------------------------------------------------------------------------------------

def test_kernel_figures_have_titles_and_labels():
    ax = plots.plot_matrix(kernels.WORKED_KERNEL, title="kernel")
    assert ax.get_title() == "kernel" and len(ax.texts) == 9
    fig = kernels.show_gallery(RNG.integers(0, 256, size=(16, 16), dtype=np.uint8))
    titled = [a.get_title() for a in fig.axes if a.get_title()]
    assert len(titled) == 9 and titled[-1] == "unsharp_5x5 (5x5)"
    fig = kernels.show_kernels()
    titles = [a.get_title() for a in fig.axes]
    assert titles[0] == "identity" and titles[5] == "box_blur (x 1/9)" and titles[-1] == "unsharp_5x5 (x 1/256)"
    assert "476" in [t.get_text() for t in fig.axes[-1].texts]
    # legible: every number at 10 pt, and a 5x5 kernel's cells as large as a 3x3 kernel's
    assert {t.get_fontsize() for ax in fig.axes for t in ax.texts} == {10}
    width = {ax.get_title(): ax.get_position().width * fig.get_figwidth() for ax in fig.axes}
    assert width["unsharp_5x5 (x 1/256)"] == pytest.approx(5 / 3 * width["identity"], rel=0.05)
    plt.close("all")
    with pytest.raises(ValueError, match="kernels is empty"):
        kernels.show_kernels({})
    with pytest.raises(ValueError, match="at most 20x20"):
        plots.plot_matrix(np.ones((30, 30)))
    with pytest.raises(TypeError, match="kernels must be a dict"):
        kernels.show_gallery(np.zeros((8, 8), dtype=np.uint8), kernels=[np.ones((3, 3))])


# --- the kernel editor ----------------------------------------------------------------------------

def test_kernel_from_entries_makes_a_3x3_kernel_or_says_why_not():
    assert kernels.kernel_from_entries(range(9)).tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    with pytest.raises(ValueError, match="entries must hold 9 numbers"):
        kernels.kernel_from_entries([1, 2, 3])
    with pytest.raises(ValueError, match="entries contains 1 NaN"):
        kernels.kernel_from_entries([0, 0, 0, 0, np.nan, 0, 0, 0, 0])


def test_kernel_editor_redraws_on_preset_and_on_edits():
    photo = RNG.integers(0, 256, size=(24, 24, 3), dtype=np.uint8)
    editor = widgets.kernel_editor(photo, preset="sharpen")
    (menu, grid), note, picture = editor.children[0].children, editor.children[1], editor.children[2]
    assert [box.value for box in grid.children] == kernels.KERNELS["sharpen"].ravel().tolist()
    assert "sum to 1" in note.value and picture.value[:4] == b"\x89PNG"
    menu.value = "edge_8_neighbour"
    assert "sum to 0" in note.value
    before = picture.value
    grid.children[4].value = 9.0
    assert "sum to 1" in note.value and picture.value != before
    fig = kernels.show_kernel_response(photo, kernels.KERNELS["box_blur"], title="blurred")
    assert [ax.get_title() for ax in fig.axes] == ["kernel (weights sum to 1)", "original", "blurred"]
    plt.close("all")


def test_a_negative_sum_kernel_shows_its_signed_response_not_a_black_picture():
    photo = RNG.integers(0, 256, size=(20, 20, 3), dtype=np.uint8)
    kernel = np.pad([[-4.0]], 1)
    assert "inverts flat regions" in kernels.describe_kernel(kernel) and "signed" in kernels.describe_kernel(kernel)
    fig = kernels.show_kernel_response(photo, kernel)
    shown = fig.axes[2].images[0]
    assert fig.axes[2].get_title() == "filtered (signed: blue < 0 < red)" and shown.get_cmap().name == "RdBu_r"
    assert shown.get_array().max() < 0 and shown.get_array().std() > 0  # bright pixels most negative, not all 0
    assert np.allclose(shown.get_array(), -4 * photo.mean(axis=-1) / 255)
    plt.close("all")
    # a contrast-keeping text colour on every cell: white on dark cells, black on light ones
    ax = plots.plot_matrix(np.array([[-8.0, 0.0, 8.0]]), cmap="coolwarm", symmetric=True)
    assert [t.get_color() for t in ax.texts] == ["white", "black", "white"]
    plt.close("all")
    with pytest.raises(ValueError, match="preset must be one of"):
        widgets.kernel_editor(photo, preset="gaussian_5x5")
    with pytest.raises(TypeError, match="image must be uint8"):
        widgets.kernel_editor(photo / 255.0)
