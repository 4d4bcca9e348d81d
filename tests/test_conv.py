"""labs.conv (1-D smoothing, 2-D convolution, gallery, pooling), its checks and the conv quiz."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import ndimage, signal  # noqa: E402

from labs import activations, conv, plots, quizzes, widgets  # noqa: E402
from labs.checks import conv as checks  # noqa: E402
from labs._keras import import_keras  # noqa: E402
from check_helpers import printed_line, unfinished_exercise  # noqa: E402

import_keras()
import tensorflow as tf  # noqa: E402

RNG = np.random.default_rng(0)


def _tf_conv(image, kernel, padding, stride):
    """tf.nn.conv2d on one (H, W, C) image with an (kh, kw, C, F) kernel."""
    return tf.nn.conv2d(image[None], kernel, strides=stride, padding=padding.upper()).numpy()[0]


# --- 1-D ------------------------------------------------------------------------------------------

def test_random_walk_takes_unit_steps_with_a_little_noise_and_is_seeded():
    walk = conv.make_random_walk(500, seed=3)
    assert walk.shape == (501,) and walk[0] == 0
    steps = np.abs(np.diff(walk))
    assert np.all(np.abs(steps - 1) < 0.3)
    assert np.array_equal(walk, conv.make_random_walk(500, seed=3))
    assert not np.array_equal(walk, conv.make_random_walk(500, seed=4))


def test_box_smoothing_is_a_moving_average_away_from_the_ends():
    x = conv.make_random_walk(200, seed=1)
    smoothed = conv.smooth_1d(x, size=5, window="box")
    assert smoothed.shape == x.shape
    np.testing.assert_allclose(smoothed[2:-2], np.convolve(x, np.ones(5) / 5, mode="valid"))


def test_hann_smoothing_matches_scipy_and_makes_the_walk_smoother():
    x = conv.make_random_walk(500, seed=2)
    smoothed = conv.smooth_1d(x, size=50, window="hann")
    window = signal.windows.hann(50, sym=True)
    np.testing.assert_allclose(smoothed, signal.convolve(x, window / window.sum(), mode="same"))
    assert np.std(np.diff(smoothed[60:-60])) < 0.2 * np.std(np.diff(x))


def test_gaussian_derivative_matches_scipy_and_peaks_at_a_jump():
    x = np.r_[np.zeros(50), np.ones(50) * 10]
    slope = conv.gaussian_derivative_1d(x, sigma=4)
    np.testing.assert_allclose(slope, ndimage.gaussian_filter1d(x, 4, order=1))
    assert abs(int(np.argmax(slope)) - 50) <= 1


@pytest.mark.parametrize("call, error, words", [
    (lambda: conv.smooth_1d(np.ones((3, 3))), ValueError, "x must be 1-D"),
    (lambda: conv.smooth_1d(np.ones(10), size=11), ValueError, "size must be at most 10"),
    (lambda: conv.smooth_1d(np.ones(10), size=3, window="gauss"), ValueError, "window must be one of"),
    (lambda: conv.smooth_1d(np.r_[1.0, np.nan, 2.0], size=2), ValueError, "x contains 1 NaN"),
    (lambda: conv.gaussian_derivative_1d(np.ones(10), sigma=0), ValueError, "sigma must be a number between 0"),
    (lambda: conv.gaussian_derivative_1d(np.ones(10), sigma="4"), ValueError, "sigma must be a number"),
    (lambda: conv.make_random_walk(0), ValueError, "num_steps must be at least 1"),
])
def test_1d_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- 2-D against SciPy and TensorFlow --------------------------------------------------------------

@pytest.mark.parametrize("function", [conv.conv2d_loops, conv.conv2d])
@pytest.mark.parametrize("image_shape, kernel_shape", [((5, 5), (3, 3)), ((9, 7), (2, 3)), ((6, 6), (6, 6)),
                                                       ((12, 10), (5, 1))])
def test_valid_convolution_is_scipy_correlate2d(function, image_shape, kernel_shape):
    image, kernel = RNG.normal(size=image_shape), RNG.normal(size=kernel_shape)
    np.testing.assert_allclose(function(image, kernel), signal.correlate2d(image, kernel, mode="valid"))


@pytest.mark.parametrize("function", [conv.conv2d_loops, conv.conv2d])
def test_same_convolution_is_scipy_correlate2d_same_for_odd_kernels(function):
    image, kernel = RNG.normal(size=(11, 8)), RNG.normal(size=(3, 5))
    np.testing.assert_allclose(function(image, kernel, padding="same"),
                               signal.correlate2d(image, kernel, mode="same", boundary="fill"))


def test_flipping_the_kernel_turns_correlation_into_true_convolution():
    image, kernel = RNG.normal(size=(10, 9)), RNG.normal(size=(3, 3))
    np.testing.assert_allclose(conv.conv2d(image, conv.flip_kernel(kernel)),
                               signal.convolve2d(image, kernel, mode="valid"))
    assert not np.allclose(conv.conv2d(image, kernel), signal.convolve2d(image, kernel, mode="valid"))


@pytest.mark.parametrize("function", [conv.conv2d_loops, conv.conv2d])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("channels, filters, size", [(1, 2, 3), (3, 4, 3), (3, 2, 5)])
def test_multichannel_strided_convolution_is_tf_nn_conv2d(function, padding, stride, channels, filters, size):
    image = RNG.normal(size=(10, 9, channels))
    kernel = RNG.normal(size=(size, size, channels, filters))
    got = function(image, kernel, padding=padding, stride=stride)
    np.testing.assert_allclose(got, _tf_conv(image, kernel, padding, stride), atol=1e-10)
    assert got.shape[:2] == tuple(conv.compute_output_size(n, size, padding, stride) for n in image.shape[:2])


def test_a_3d_kernel_gives_one_feature_map_summed_over_channels():
    image, kernel = RNG.normal(size=(6, 6, 3)), RNG.normal(size=(3, 3, 3))
    expected = sum(signal.correlate2d(image[..., c], kernel[..., c], mode="valid") for c in range(3))
    np.testing.assert_allclose(conv.conv2d(image, kernel), expected)
    np.testing.assert_allclose(conv.conv2d_loops(image, kernel), expected)


def test_output_size_and_same_padding_follow_keras():
    assert conv.compute_output_size(28, 3) == 26
    assert conv.compute_output_size(28, 3, "same", 2) == 14
    assert conv.compute_output_size(26, 2, "valid", 2) == 13
    assert conv.compute_output_size(11, 2, "valid", 2) == 5
    assert conv.compute_same_padding(7, 3, 1) == (1, 1)
    assert conv.compute_same_padding(8, 3, 2) == (0, 1)  # TensorFlow puts the odd zero at the end
    assert conv.pad_image(np.ones((4, 4)), (3, 3)).shape == (6, 6)
    assert conv.pad_image(np.ones((4, 4, 2)), (5, 5)).shape == (8, 8, 2)
    assert conv.pad_image(np.ones((4, 4)), (3, 3), padding="valid").shape == (4, 4)


@pytest.mark.parametrize("call, error, words", [
    (lambda: conv.conv2d(np.ones((3, 4)), np.ones((5, 5))), ValueError, "kernel is 5x5 but the image is only 3x4"),
    (lambda: conv.conv2d_loops(np.ones((3, 4)), np.ones((3, 5))), ValueError, "must fit inside"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), padding=-1), ValueError, "padding must be 'valid', 'same'"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), padding=(1, 2, 3)), ValueError, "or a pair"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), stride=(1, 0)), ValueError, "stride must be at least 1"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), stride=(1, 2, 1)), ValueError, r"stride must be one whole"),
    (lambda: conv.conv2d(np.ones((2, 2)), np.ones((7, 7)), padding=1), ValueError, "the padded image is only 4x4"),
    (lambda: conv.conv2d(np.ones((8, 8, 3)), np.ones((3, 3, 2))), ValueError, "2 input channel.*has 3"),
    (lambda: conv.conv2d(np.ones((8, 8, 3)), np.ones((3, 3, 1, 4))), ValueError, "1 input channel.*has 3"),
    (lambda: conv.conv2d(np.ones((8, 8, 3)), np.ones((3, 3))), ValueError, r"needs a kernel of shape \(kh, kw, 3\)"),
    (lambda: conv.conv2d(np.ones((8, 8)), np.ones((3, 3, 1))), ValueError, "needs a 2-D"),
    (lambda: conv.conv2d(np.full((4, 4), np.nan), np.ones((3, 3))), ValueError, "image contains 16 NaN"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.array([[1, np.nan], [0, 1]])), ValueError, "kernel contains 1 NaN"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), padding="full"), ValueError, "padding must be one of"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.ones((3, 3)), stride=0), ValueError, "stride must be at least 1"),
    (lambda: conv.conv2d(np.ones(4), np.ones((3, 3))), ValueError, "image must be 2-D or 3-D"),
    (lambda: conv.conv2d(None, np.ones((3, 3))), TypeError, "image must be an array, got None"),
    (lambda: conv.conv2d(np.ones((4, 4)), np.full((3, 3), "a")), TypeError, "kernel must have a numeric dtype"),
    (lambda: conv.compute_output_size(3, 5), ValueError, "kernel_size 5 is larger than input_size 3"),
    (lambda: conv.pad_image(np.ones((4, 4)), (3,)), ValueError, r"kernel_shape must be a pair \(kh, kw\)"),
    (lambda: conv.flip_kernel(np.ones(3)), ValueError, "kernel must be 2-D"),
])
def test_2d_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- worked examples ------------------------------------------------------------------------------

def test_binary_worked_example_gives_the_feature_map_from_the_lecture():
    expected = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert conv.conv2d(conv.WORKED_IMAGE, conv.WORKED_KERNEL).tolist() == expected
    assert conv.conv2d_loops(conv.WORKED_IMAGE, conv.WORKED_KERNEL).tolist() == expected


def test_curve_detector_scores_6600_on_the_curve_and_0_elsewhere():
    assert conv.compute_response(conv.CURVE_MATCH, conv.CURVE_FILTER) == 6600
    assert conv.compute_response(conv.CURVE_NO_MATCH, conv.CURVE_FILTER) == 0
    assert (50 * 30) * 4 + 20 * 30 == 6600  # the five products that are not zero
    with pytest.raises(ValueError, match="patch has shape"):
        conv.compute_response(np.ones((3, 3)), conv.CURVE_FILTER)


def test_detector_example_pools_and_flattens_to_the_lecture_values():
    feature_map = conv.conv2d(conv.DETECTOR_IMAGE, conv.DETECTOR_KERNEL)
    assert feature_map.shape == (5, 5) and feature_map.max() == 4
    pooled = conv.pool2d(feature_map, 2, padding="same")
    assert pooled.tolist() == [[1, 1, 0], [4, 2, 1], [0, 2, 1]]
    assert pooled.ravel().tolist() == [1, 1, 0, 4, 2, 1, 0, 2, 1]


def test_pooling_example_max_and_average():
    assert conv.pool2d(conv.POOLING_EXAMPLE, 2).tolist() == [[8, 12], [46, 100]]
    assert conv.pool2d(conv.POOLING_EXAMPLE, 2, mode="average").tolist() == [[4.5, 6.25], [13, 54.25]]


# --- pooling and ReLU -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode, tf_pool", [("max", tf.nn.max_pool2d), ("average", tf.nn.avg_pool2d)])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), (2, 1)])
def test_pooling_is_tf_pooling(mode, tf_pool, padding, size, stride):
    feature_map = RNG.normal(size=(7, 9, 2))
    got = conv.pool2d(feature_map, size, stride, mode=mode, padding=padding)
    expected = tf_pool(feature_map[None], size, stride or size, padding.upper()).numpy()[0]
    np.testing.assert_allclose(got, expected, atol=1e-12)


# --- parity with the peers: even kernels with 'same', pairs of strides and windows, explicit padding ----

@pytest.mark.parametrize("function", [conv.conv2d, conv.conv2d_loops])
@pytest.mark.parametrize("kernel_shape, stride", [((4, 4), 1), ((2, 2), 1), ((4, 2), 2), ((2, 5), (1, 3))])
def test_same_padding_takes_even_kernels_as_tensorflow_does(function, kernel_shape, stride):
    image, kernel = RNG.normal(size=(7, 8, 2)), RNG.normal(size=kernel_shape + (2, 3))
    got = function(image, kernel, padding="same", stride=stride)
    expected = tf.nn.conv2d(image[None], kernel, strides=stride, padding="SAME").numpy()[0]
    np.testing.assert_allclose(got, expected, atol=1e-10)
    assert conv.compute_same_padding(8, 4) == (1, 2)  # the odd zero goes after: below, to the right


@pytest.mark.parametrize("function", [conv.conv2d, conv.conv2d_loops])
@pytest.mark.parametrize("padding, stride", [(1, 1), (1, 2), ((0, 1), (3, 4)), ((2, 1), (1, 2)), (0, (2, 1))])
def test_explicit_padding_and_stride_pairs_are_tf_nn_conv2d(function, padding, stride):
    image, kernel = RNG.normal(size=(8, 9, 3)), RNG.normal(size=(3, 5, 3, 2))
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    explicit = [[0, 0], [ph, ph], [pw, pw], [0, 0]]
    expected = tf.nn.conv2d(image[None], kernel, strides=stride, padding=explicit).numpy()[0]
    got = function(image, kernel, padding=padding, stride=stride)
    np.testing.assert_allclose(got, expected, atol=1e-10)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    assert got.shape[:2] == (conv.compute_output_size(8, 3, ph, sh), conv.compute_output_size(9, 5, pw, sw))


def test_d2l_strided_examples_give_d2l_shapes():
    # d2l 7.3: an 8x8 input, Conv2d(kernel_size=3, padding=1, stride=2) -> 4x4;
    # Conv2d(kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)) -> 2x2
    assert conv.conv2d(np.ones((8, 8)), np.ones((3, 3)), padding=1, stride=2).shape == (4, 4)
    assert conv.conv2d(np.ones((8, 8)), np.ones((3, 5)), padding=(0, 1), stride=(3, 4)).shape == (2, 2)


def test_d2l_pooling_examples_give_d2l_values():
    # d2l 7.5: X = arange(16) as 4x4
    X = np.arange(16, dtype=float).reshape(4, 4)
    assert conv.pool2d(X, 3).tolist() == [[10]]
    assert conv.pool2d(X, 3, stride=2, padding=1).tolist() == [[5, 7], [13, 15]]
    assert conv.pool2d(X, (2, 3), stride=(2, 3), padding=(0, 1)).tolist() == [[5, 7], [13, 15]]


def test_cs231n_conv_forward_with_pad_1_stride_2_is_tf_nn_conv2d():
    # cs231n assignment 2, conv_forward_naive: x (2, 3, 4, 4), w (3, 3, 4, 4), pad 1, stride 2
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    correct_out = np.array([[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                             [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                             [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
                            [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                             [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                             [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]])
    kernel = w.transpose(2, 3, 1, 0)  # (F, C, kh, kw) -> (kh, kw, C, F)
    ours = np.stack([conv.conv2d(image.transpose(1, 2, 0), kernel, padding=1, stride=2) + b for image in x])
    np.testing.assert_allclose(ours.transpose(0, 3, 1, 2), correct_out, atol=1e-7)


@pytest.mark.parametrize("mode, tf_pool", [("max", tf.nn.max_pool2d), ("average", tf.nn.avg_pool2d)])
@pytest.mark.parametrize("size, stride", [((2, 3), None), ((3, 2), (1, 2)), (2, (2, 1))])
def test_pooling_with_pairs_is_tf_pooling(mode, tf_pool, size, stride):
    feature_map = RNG.normal(size=(7, 9, 2))
    for padding in ("valid", "same"):
        got = conv.pool2d(feature_map, size, stride, mode=mode, padding=padding)
        expected = tf_pool(feature_map[None], size, stride or size, padding.upper()).numpy()[0]
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_explicit_pool_padding_is_tf_max_pool_with_explicit_padding():
    feature_map = RNG.normal(size=(6, 7, 2))
    got = conv.pool2d(feature_map, 3, stride=2, padding=(1, 1))
    padded = np.pad(feature_map, [(1, 1), (1, 1), (0, 0)], constant_values=-np.inf)
    expected = tf.nn.max_pool2d(padded[None], 3, 2, "VALID").numpy()[0]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_relu_zeroes_negatives_only():
    assert activations.relu(np.array([[-2, 0], [3, -0.5]])).tolist() == [[0, 0], [3, 0]]


@pytest.mark.parametrize("call, words", [
    (lambda: conv.pool2d(np.ones((3, 3)), 4), "size 4x4 is larger than the feature map"),
    (lambda: conv.pool2d(np.ones((4, 4)), 2, mode="median"), "mode must be one of"),
    (lambda: conv.pool2d(np.ones((4, 4)), 0), "size must be at least 1"),
    (lambda: conv.pool2d(np.full((4, 4), np.nan), 2), "feature_map contains 16 NaN"),
    (lambda: conv.pool2d(np.ones((2, 2, 2, 2)), 2), "feature_map must be 2-D or 3-D"),
    (lambda: conv.pool2d(np.ones((4, 4)), 2, padding=2), "pad less than the window size"),
    (lambda: conv.pool2d(np.ones((4, 4)), (2, 0)), "size must be at least 1"),
])
def test_pooling_bad_input_gets_a_clear_error(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# --- the kernel gallery ---------------------------------------------------------------------------

def test_gallery_has_the_nine_kernels_with_the_right_sums():
    assert len(conv.KERNELS) == 9
    sums = {name: float(np.sum(k)) for name, k in conv.KERNELS.items()}
    for name in ("identity", "sharpen", "box_blur", "gaussian_3x3", "gaussian_5x5", "unsharp_5x5"):
        assert sums[name] == pytest.approx(1), name
    for name in ("edge_diagonal", "edge_4_neighbour", "edge_8_neighbour"):
        assert sums[name] == pytest.approx(0), name
    assert conv.KERNELS["gaussian_5x5"].shape == conv.KERNELS["unsharp_5x5"].shape == (5, 5)
    assert conv.KERNELS["unsharp_5x5"][2, 2] * 256 == pytest.approx(476)
    identity_5 = np.pad([[1.0]], 2)
    np.testing.assert_allclose(conv.KERNELS["unsharp_5x5"], 2 * identity_5 - conv.KERNELS["gaussian_5x5"])
    for name, kernel in conv.KERNELS.items():
        np.testing.assert_array_equal(kernel, conv.flip_kernel(kernel), err_msg=name)  # flip makes no difference


def test_apply_kernel_keeps_shape_and_matches_scipy_per_channel():
    photo = RNG.integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    blurred = conv.apply_kernel(photo, conv.KERNELS["gaussian_3x3"])
    assert blurred.shape == photo.shape
    for c in range(3):
        np.testing.assert_allclose(blurred[..., c], ndimage.correlate(photo[..., c] / 255,
                                                                      conv.KERNELS["gaussian_3x3"], mode="reflect"))
    np.testing.assert_allclose(conv.apply_kernel(photo[..., 0], conv.KERNELS["identity"]), photo[..., 0] / 255)
    flat = np.full((9, 9), 200, dtype=np.uint8)
    np.testing.assert_allclose(conv.apply_kernel(flat, conv.KERNELS["edge_8_neighbour"]), 0, atol=1e-12)
    np.testing.assert_allclose(conv.apply_kernel(flat, conv.KERNELS["unsharp_5x5"]), 200 / 255)  # no dark frame


def test_describe_kernel_reads_the_sum():
    assert "keeps the overall brightness" in conv.describe_kernel(conv.KERNELS["sharpen"])
    assert "only changes" in conv.describe_kernel(conv.KERNELS["edge_4_neighbour"])
    assert "brightens" in conv.describe_kernel(np.ones((3, 3)))
    assert "darkens" in conv.describe_kernel(np.ones((3, 3)) / 20)
    assert "negative" in conv.describe_kernel(-np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel contains 1 NaN"):
        conv.describe_kernel(np.array([[np.nan, 0], [0, 0]]))


def test_apply_kernel_rejects_bad_kernels():
    with pytest.raises(ValueError, match="kernel must be odd-sized"):
        conv.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.ones((2, 2)))
    with pytest.raises(ValueError, match="kernel contains 1 NaN"):
        conv.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.array([[0, 0, 0], [0, np.nan, 0], [0, 0, 0]]))
    with pytest.raises(ValueError, match="kernel must be 2-D"):
        conv.apply_kernel(np.zeros((8, 8), dtype=np.uint8), np.ones((3, 3, 3)))


# --- figures --------------------------------------------------------------------------------------

def test_figures_have_titles_and_labels():
    x = conv.make_random_walk(100)
    ax = conv.plot_signals(x, {"hann": conv.smooth_1d(x, 10)})
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    ax = plots.plot_matrix(conv.WORKED_KERNEL, title="kernel")
    assert ax.get_title() == "kernel" and len(ax.texts) == 9
    fig = conv.show_gallery(RNG.integers(0, 256, size=(16, 16), dtype=np.uint8))
    titled = [a.get_title() for a in fig.axes if a.get_title()]
    assert len(titled) == 9 and titled[-1] == "unsharp_5x5 (5x5)"
    fig = conv.show_kernels()
    titles = [a.get_title() for a in fig.axes]
    assert titles[0] == "identity" and titles[5] == "box_blur (x 1/9)" and titles[-1] == "unsharp_5x5 (x 1/256)"
    assert "476" in [t.get_text() for t in fig.axes[-1].texts]
    # legible: every number at 10 pt, and a 5x5 kernel's cells as large as a 3x3 kernel's
    assert {t.get_fontsize() for ax in fig.axes for t in ax.texts} == {10}
    width = {ax.get_title(): ax.get_position().width * fig.get_figwidth() for ax in fig.axes}
    assert width["unsharp_5x5 (x 1/256)"] == pytest.approx(5 / 3 * width["identity"], rel=0.05)
    plt.close("all")
    with pytest.raises(ValueError, match="kernels is empty"):
        conv.show_kernels({})
    with pytest.raises(ValueError, match="at most 20x20"):
        plots.plot_matrix(np.ones((30, 30)))
    with pytest.raises(TypeError, match="kernels must be a dict"):
        conv.show_gallery(np.zeros((8, 8), dtype=np.uint8), kernels=[np.ones((3, 3))])


# --- checks ---------------------------------------------------------------------------------------

def _loops_2d(image, kernel):
    """A learner's straightforward loop solution."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def _max_pool(feature_map, size=2):
    """A learner's reshape solution."""
    h, w = feature_map.shape[0] // size, feature_map.shape[1] // size
    return feature_map[:h * size, :w * size].reshape(h, size, w, size).max(axis=(1, 3))


CHECKS = [
    (checks.check_conv2d_loops, _loops_2d),
    (checks.check_conv2d_vectorized, lambda image, kernel: conv.conv2d(image, kernel)),
    (checks.check_conv2d, conv.conv2d),
    (checks.check_pool2d, _max_pool),
]


@pytest.mark.parametrize("check, solution", CHECKS)
def test_conv_checks_pass_a_correct_solution(check, solution, capsys):
    assert check(solution) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _", CHECKS)
@pytest.mark.parametrize("learner", [None, unfinished_exercise, lambda *a, **k: None, lambda *a, **k: np.zeros((2, 2)),
                                     lambda *a, **k: "no", lambda *a, **k: 1 / 0])
def test_conv_checks_fail_wrong_answers_with_one_line(check, _, learner, capsys):
    assert check(learner) is False
    assert printed_line(capsys).startswith("❌")


def test_conv_checks_name_subtle_mistakes(capsys):
    assert not checks.check_conv2d_loops(lambda image, kernel: _loops_2d(image, kernel[::-1, ::-1]))
    assert "flipped the kernel" in printed_line(capsys)
    assert not checks.check_conv2d_loops(lambda image, kernel: _loops_2d(image, kernel)[:, :-1])
    assert "has shape" in printed_line(capsys)
    assert not checks.check_conv2d_vectorized(_loops_2d)
    assert "loops over pixels" in printed_line(capsys)
    # forgetting the odd extra zero at the end of 'same' padding with stride 2
    def symmetric_same(image, kernel, padding="valid", stride=1):
        if padding == "same":
            p = kernel.shape[0] // 2
            image = np.pad(image, ((p, p), (p, p), (0, 0)))
        out = conv.conv2d(image, kernel)
        return out[::stride, ::stride]
    assert not checks.check_conv2d(symmetric_same)
    assert "padding='same', stride=2" in printed_line(capsys)
    assert not checks.check_conv2d(lambda image, kernel, padding="valid", stride=1:
                                   conv.conv2d(image, kernel, padding=padding))
    assert "stride=2" in printed_line(capsys)
    assert not checks.check_pool2d(lambda fm, size=2: conv.pool2d(fm, size, stride=1))
    assert "has shape" in printed_line(capsys)
    assert not checks.check_pool2d(lambda fm, size=2: conv.pool2d(fm, size, mode="average"))
    assert "differs" in printed_line(capsys)


def test_conv_check_reports_a_changed_input(capsys):
    def in_place(image, kernel):
        image[0, 0] = 99
        return conv.conv2d(image, kernel)
    assert not checks.check_conv2d_loops(in_place)
    assert "changed its input" in printed_line(capsys)


# --- quiz -----------------------------------------------------------------------------------------

def test_conv_quiz_answers_recomputed():
    questions = quizzes.load_quiz("conv")
    assert 3 <= len(questions) <= 5
    by_start = {q.prompt[:30]: q for q in questions}
    image = np.zeros((28, 28))
    assert next(q for p, q in by_start.items() if "'valid'" in q.prompt).answer == \
        conv.conv2d(image, np.ones((3, 3))).shape[1]
    assert next(q for p, q in by_start.items() if "stride 2" in q.prompt).answer == \
        conv.conv2d(image, np.ones((3, 3)), padding="same", stride=2).shape[1]
    flat_q = next(q for q in questions if "flat patch" in q.prompt)
    response = conv.compute_response(np.full((3, 3), 7.0), conv.KERNELS["edge_8_neighbour"])
    assert flat_q.options[flat_q.answer] == f"{response:g}"
    avg_q = next(q for q in questions if "average pooling" in q.prompt)
    assert avg_q.answer == conv.pool2d(np.array([[4, 6], [0, 8]]), 2, mode="average")[0, 0]
    flip_q = next(q for q in questions if "cross-correlation" in q.prompt)
    assert "flipped" in flip_q.options[flip_q.answer]


# --- the kernel editor ----------------------------------------------------------------------------

def test_kernel_from_entries_makes_a_3x3_kernel_or_says_why_not():
    assert conv.kernel_from_entries(range(9)).tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    with pytest.raises(ValueError, match="entries must hold 9 numbers"):
        conv.kernel_from_entries([1, 2, 3])
    with pytest.raises(ValueError, match="entries contains 1 NaN"):
        conv.kernel_from_entries([0, 0, 0, 0, np.nan, 0, 0, 0, 0])


def test_kernel_editor_redraws_on_preset_and_on_edits():
    photo = RNG.integers(0, 256, size=(24, 24, 3), dtype=np.uint8)
    editor = widgets.kernel_editor(photo, preset="sharpen")
    (menu, grid), note, picture = editor.children[0].children, editor.children[1], editor.children[2]
    assert [box.value for box in grid.children] == conv.KERNELS["sharpen"].ravel().tolist()
    assert "sum to 1" in note.value and picture.value[:4] == b"\x89PNG"
    menu.value = "edge_8_neighbour"
    assert "sum to 0" in note.value
    before = picture.value
    grid.children[4].value = 9.0
    assert "sum to 1" in note.value and picture.value != before
    fig = conv.show_kernel_response(photo, conv.KERNELS["box_blur"], title="blurred")
    assert [ax.get_title() for ax in fig.axes] == ["kernel (weights sum to 1)", "original", "blurred"]
    plt.close("all")


def test_a_negative_sum_kernel_shows_its_signed_response_not_a_black_picture():
    photo = RNG.integers(0, 256, size=(20, 20, 3), dtype=np.uint8)
    kernel = np.pad([[-4.0]], 1)
    assert "inverts flat regions" in conv.describe_kernel(kernel) and "signed" in conv.describe_kernel(kernel)
    fig = conv.show_kernel_response(photo, kernel)
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
