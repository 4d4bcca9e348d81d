"""Checks for notebook 06 (convolution by hand): loops, vectorised, padding/stride/channels, max pooling."""

import numpy as np

from .. import conv as reference
from .. import kernels
from .core import CheckFailed, call_learner, compare_arrays, count_python_lines, run_check

__all__ = ["check_conv2d_loops", "check_conv2d_vectorized", "check_conv2d", "check_pool2d"]

FLIP_HINT = ("you flipped the kernel: CNN 'convolution' slides the kernel as it is (that is correlate2d); "
             "drop the flip.")
TRANSPOSED_HINT = ("you used the kernel transposed: kh = kernel.shape[0] is its number of rows and goes with the "
                   "image rows, kw = kernel.shape[1] with the columns.")


def _single_channel_cases():
    """Return fixed (image, kernel) pairs: the worked example, an asymmetric kernel, an integer image."""
    rng = np.random.default_rng(11)
    return [(kernels.WORKED_IMAGE, kernels.WORKED_KERNEL),
            (rng.normal(size=(6, 7)), rng.normal(size=(3, 3))),
            (rng.integers(0, 10, size=(8, 5)), rng.normal(size=(2, 3)))]


def _single_channel_mistakes(image, kernel):
    """Return (candidate, hint) pairs of the usual wrong 'valid' correlations of one image with one kernel."""
    from scipy.signal import correlate2d

    (height, width), (kh, kw) = image.shape, kernel.shape
    return [
        (lambda _: correlate2d(image, kernel[::-1, ::-1], mode="valid"), FLIP_HINT),
        (lambda _: correlate2d(image, kernel[::-1], mode="valid"),
         "you flipped the kernel upside down: slide it as it is (correlate2d)."),
        (lambda _: correlate2d(image, kernel[:, ::-1], mode="valid"),
         "you flipped the kernel left-right: slide it as it is (correlate2d)."),
        (lambda _: correlate2d(image, kernel.T, mode="valid"), TRANSPOSED_HINT),
        (lambda got: got.shape == image.shape,
         "only 'valid' positions, where the whole kernel fits: the output is (H - kh + 1, W - kw + 1)."),
        (lambda got: got.shape in ((height - kh, width - kw), (height - kh + 1, width - kw),
                                   (height - kh, width - kw + 1)),
         "there are H - kh + 1 positions down and W - kw + 1 across: range(H - kh + 1) includes the last one."),
    ]


def _compare_with_scipy(function, cases):
    """Raise CheckFailed unless function(image, kernel) equals scipy's correlate2d 'valid' on every case."""
    from scipy.signal import correlate2d

    for image, kernel in cases:
        got = call_learner(function, image, kernel)
        compare_arrays(got, correlate2d(image, kernel, mode="valid"),
                       f"output for a {image.shape} image and a {kernel.shape} kernel", atol=1e-8,
                       mistakes=_single_channel_mistakes(image, kernel),
                       hint="output shape is (H - kh + 1, W - kw + 1); each value is "
                            "np.sum(image[i:i+kh, j:j+kw] * kernel).")


def check_conv2d_loops(conv2d_loops):
    """Check the learner's ``conv2d_loops(image, kernel)`` against scipy.signal.correlate2d(mode='valid')."""
    def test(function):
        cases = _single_channel_cases()
        _compare_with_scipy(function, cases)
        return f"matches scipy.signal.correlate2d(mode='valid') on {len(cases)} image/kernel pairs."
    return run_check("conv2d_loops", conv2d_loops, test)


def check_conv2d_vectorized(conv2d):
    """Check the first stage of the learner's ``conv2d(image, kernel)`` (one channel): SciPy's answers, no pixel loops."""
    def test(function):
        cases = _single_channel_cases()
        _compare_with_scipy(function, cases)
        rng = np.random.default_rng(12)
        kernel = kernels.KERNELS["sharpen"]
        small = count_python_lines(function, rng.random((12, 12)), kernel)
        large = count_python_lines(function, rng.random((24, 24)), kernel)
        if large - small >= 10:
            raise CheckFailed(f"correct, but it still loops over pixels: {small} lines of Python ran for a 12x12 "
                              f"image, {large} for a 24x24 one.",
                              "build all windows at once with sliding_window_view(image, kernel.shape) "
                              "and combine them with np.einsum or np.tensordot.")
        return f"matches scipy.signal.correlate2d on {len(cases)} pairs, and without looping over pixels."
    return run_check("conv2d", conv2d, test)


def _tf_conv2d(image, kernel, padding, stride):
    """Return tf.nn.conv2d of one (H, W, C) image with an (kh, kw, C, F) kernel, as a NumPy array."""
    from .._keras import import_keras

    import_keras()
    import tensorflow as tf

    result = tf.nn.conv2d(image[None].astype("float64"), kernel.astype("float64"), strides=stride,
                          padding=padding.upper())
    return result.numpy()[0]


def _conv_padded(image, kernel, pads, stride):
    """Return the 'valid' correlation of ``image`` padded by pads [(top, bottom), (left, right)] at ``stride``."""
    return reference.conv2d(np.pad(image, list(pads) + [(0, 0)]), kernel, "valid", stride)


SAME_HINT = ("'same', as TensorFlow does it: along an axis of size n the output has out = ceil(n / stride) "
             "positions and needs total = max((out - 1) * stride + k - n, 0) zeros, total // 2 before and the "
             "rest after (n = 8, k = 3, stride 2: total 1, so (0, 1)).")


def _layer_mistakes(image, kernel, padding, stride):
    """Return (candidate, hint) pairs of the usual wrong conv2d layers for one case."""
    (kh, kw), sizes = kernel.shape[:2], image.shape[:2]
    same = [reference.compute_same_padding(n, k, stride) for n, k in zip(sizes, (kh, kw))]
    pads = same if padding == "same" else [(0, 0), (0, 0)]
    mistakes = [
        (lambda _: _conv_padded(image, kernel[::-1, ::-1], pads, stride), FLIP_HINT),
        (lambda _: _conv_padded(image, kernel.transpose(1, 0, 2, 3), pads, stride), TRANSPOSED_HINT),
        (lambda _: _conv_padded(image, kernel, pads, 1),
         "apply the stride: keep every stride-th window, windows[::stride, ::stride]."),
        (lambda _: _conv_padded(image[..., :1], kernel[:, :, :1], pads, stride),
         "sum over all input channels: each output value sums over kh, kw and C."),
    ]
    if padding == "same":
        mistakes += [
            (lambda _: _conv_padded(image, kernel, [((k - 1) // 2,) * 2 for k in (kh, kw)], stride), SAME_HINT),
            (lambda _: _conv_padded(image, kernel, [(k // 2, k // 2) for k in (kh, kw)], stride), SAME_HINT),
            (lambda _: _conv_padded(image, kernel, [(after, before) for before, after in same], stride), SAME_HINT),
            (lambda _: _conv_padded(image, kernel, [(0, 0), (0, 0)], stride),
             "padding='same' adds zeros around the image first, so the output has ceil(H / stride) rows. "
             + SAME_HINT),
        ]
    return mistakes


def check_conv2d(conv2d):
    """Check the learner's ``conv2d(image, kernel, padding, stride)`` for (H, W, C) images against tf.nn.conv2d."""
    def test(function):
        rng = np.random.default_rng(13)
        cases = [(rng.normal(size=(7, 7, 1)), rng.normal(size=(3, 3, 1, 2)), "valid", 1),
                 (rng.normal(size=(7, 7, 1)), rng.normal(size=(3, 3, 1, 2)), "same", 1),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(3, 3, 3, 4)), "valid", 2),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(5, 5, 3, 2)), "same", 1),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(3, 3, 3, 4)), "same", 2)]
        hints = {"valid": "'valid': no padding, output (H - kh) // stride + 1.", "same": SAME_HINT}
        for image, kernel, padding, stride in cases:
            got = call_learner(function, image, kernel, padding=padding, stride=stride)
            compare_arrays(got, _tf_conv2d(image, kernel, padding, stride),
                           f"output for a {image.shape} image, {kernel.shape} kernel, padding={padding!r}, "
                           f"stride={stride}", atol=1e-8, mistakes=_layer_mistakes(image, kernel, padding, stride),
                           hint=hints[padding] + " Each output value sums over kh, kw and all input channels.")
        return f"matches tf.nn.conv2d on {len(cases)} cases (valid/same, stride 1/2, 1 and 3 channels)."
    return run_check("conv2d", conv2d, test)


def _pool_mistakes(feature_map, size):
    """Return (candidate, hint) pairs of the usual wrong max-poolings."""
    h, w = feature_map.shape[0] // size, feature_map.shape[1] // size
    cropped = feature_map[:h * size, :w * size]
    return [
        (lambda _: reference.pool2d(feature_map, size, stride=1),
         "the windows don't overlap: step by size, so the output is (H // size, W // size)."),
        (lambda _: reference.pool2d(feature_map, size, mode="average"),
         "take the maximum of each block, not the mean."),
        (lambda _: cropped.reshape(h, size, w, size).min(axis=(1, 3)),
         "take the maximum of each block, not the minimum."),
        (lambda _: reference.pool2d(feature_map, 2), "use the size argument, not a fixed 2."),
        (lambda _: cropped.reshape(h, w, size, size).max(axis=(2, 3)),
         "reshape(h, size, w, size) and take the max over axes (1, 3): reshape(h, w, size, size) mixes up the "
         "blocks."),
        (lambda _: reference.pool2d(feature_map, size, padding="same"),
         "drop the leftover rows and columns: the output is (H // size, W // size)."),
    ]


def check_pool2d(pool2d):
    """Check the learner's ``pool2d(feature_map, size)`` (non-overlapping windows) against the reference."""
    def test(function):
        rng = np.random.default_rng(14)
        cases = [(kernels.POOLING_EXAMPLE, 2), (rng.normal(size=(6, 6)), 2), (rng.normal(size=(6, 6)), 3),
                 (rng.integers(0, 9, size=(5, 7)), 2)]
        for feature_map, size in cases:
            got = call_learner(function, feature_map, size)
            expected = reference.pool2d(feature_map, size, mode="max").astype(feature_map.dtype)  # max keeps ints
            compare_arrays(got, expected, f"pool2d of a {feature_map.shape} map with size {size}",
                           mistakes=_pool_mistakes(feature_map, size),
                           hint="output is (H // size, W // size) (leftover rows/columns are dropped); "
                                "each value is the max of one size x size block.")
        return f"matches the reference on {len(cases)} feature maps, including odd sizes."
    return run_check("pool2d", pool2d, test)
