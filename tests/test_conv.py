"""labs.conv (1-D smoothing, 2-D convolution, pooling) against SciPy and TensorFlow, its checks and the conv quiz."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import ndimage, signal  # noqa: E402

from labs import activations, conv, kernels, quizzes  # noqa: E402
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


# --- figures --------------------------------------------------------------------------------------

def test_plot_signals_has_a_title_and_labels():
    x = conv.make_random_walk(100)
    ax = conv.plot_signals(x, {"hann": conv.smooth_1d(x, 10)})
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")


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
    response = kernels.compute_response(np.full((3, 3), 7.0), kernels.KERNELS["edge_8_neighbour"])
    assert flat_q.options[flat_q.answer] == f"{response:g}"
    avg_q = next(q for q in questions if "average pooling" in q.prompt)
    assert avg_q.answer == conv.pool2d(np.array([[4, 6], [0, 8]]), 2, mode="average")[0, 0]
    flip_q = next(q for q in questions if "cross-correlation" in q.prompt)
    assert "flipped" in flip_q.options[flip_q.answer]
