"""Checks for notebook 06 (convolution by hand): loops, vectorised, padding/stride/channels, max pooling."""

import time

import numpy as np

from .. import conv as reference
from .core import CheckFailed, call_learner, compare_arrays, run_check

__all__ = ["check_conv2d_loops", "check_conv2d_vectorized", "check_conv2d", "check_max_pool2d"]


def _single_channel_cases():
    """Return fixed (image, kernel) pairs: the worked example, an asymmetric kernel, a non-square one."""
    rng = np.random.default_rng(11)
    return [(reference.WORKED_IMAGE, reference.WORKED_KERNEL),
            (rng.normal(size=(6, 7)), rng.normal(size=(3, 3))),
            (rng.integers(0, 10, size=(8, 5)).astype(float), rng.normal(size=(2, 3)))]


def _compare_with_scipy(function, cases):
    """Raise CheckFailed unless function(image, kernel) equals scipy's correlate2d 'valid' on every case."""
    from scipy.signal import convolve2d, correlate2d

    for image, kernel in cases:
        got = call_learner(function, image, kernel)
        expected = correlate2d(image, kernel, mode="valid")
        flipped = convolve2d(image, kernel, mode="valid")
        if (got is not None and np.shape(got) == expected.shape and not np.allclose(expected, flipped)
                and np.allclose(np.asarray(got, dtype=float), flipped)):
            raise CheckFailed(f"on a {image.shape} image your output equals scipy.signal.convolve2d: "
                              "you flipped the kernel.",
                              "CNN 'convolution' slides the kernel as it is (that is correlate2d); drop the flip.")
        compare_arrays(got, expected, f"output for a {image.shape} image and a {kernel.shape} kernel", atol=1e-8,
                       hint="output shape is (H - kh + 1, W - kw + 1); each value is "
                            "np.sum(image[i:i+kh, j:j+kw] * kernel).")


def check_conv2d_loops(conv2d_loops):
    """Check the learner's ``conv2d_loops(image, kernel)`` against scipy.signal.correlate2d(mode='valid')."""
    def test(function):
        cases = _single_channel_cases()
        _compare_with_scipy(function, cases)
        return f"matches scipy.signal.correlate2d(mode='valid') on {len(cases)} image/kernel pairs."
    return run_check("conv2d_loops", conv2d_loops, test)


def _best_time(function, *args, repeats=3):
    """Return the fastest of ``repeats`` wall-clock runs of function(*args), in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


def check_conv2d_vectorized(conv2d_vectorized):
    """Check the learner's ``conv2d_vectorized(image, kernel)``: same answers as SciPy, without pixel loops."""
    def test(function):
        cases = _single_channel_cases()
        _compare_with_scipy(function, cases)
        image = np.random.default_rng(12).random((256, 256))
        kernel = reference.KERNELS["sharpen"]
        learner_time = _best_time(lambda: call_learner(function, image, kernel), repeats=1)
        reference_time = _best_time(reference.conv2d, image, kernel)
        if learner_time > 0.05 and learner_time > 30 * reference_time:
            raise CheckFailed(f"correct, but it took {learner_time:.2f} s on a 256x256 image, "
                              f"{learner_time / reference_time:.0f}x the reference: it still loops over pixels.",
                              "build all windows at once with sliding_window_view(image, kernel.shape) "
                              "and combine them with np.einsum or np.tensordot.")
        return f"matches scipy.signal.correlate2d on {len(cases)} pairs, and without looping over pixels."
    return run_check("conv2d_vectorized", conv2d_vectorized, test)


def _tf_conv2d(image, kernel, padding, stride):
    """Return tf.nn.conv2d of one (H, W, C) image with an (kh, kw, C, F) kernel, as a NumPy array."""
    from ..environment import _import_keras_quietly

    _import_keras_quietly()
    import tensorflow as tf

    result = tf.nn.conv2d(image[None].astype("float64"), kernel.astype("float64"), strides=stride,
                          padding=padding.upper())
    return result.numpy()[0]


def check_conv2d(conv2d):
    """Check the learner's ``conv2d(image, kernel, padding, stride)`` for (H, W, C) images against tf.nn.conv2d."""
    def test(function):
        rng = np.random.default_rng(13)
        cases = [(rng.normal(size=(7, 7, 1)), rng.normal(size=(3, 3, 1, 2)), "valid", 1),
                 (rng.normal(size=(7, 7, 1)), rng.normal(size=(3, 3, 1, 2)), "same", 1),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(3, 3, 3, 4)), "valid", 2),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(5, 5, 3, 2)), "same", 1),
                 (rng.normal(size=(8, 9, 3)), rng.normal(size=(3, 3, 3, 4)), "same", 2)]
        hints = {"valid": "'valid': no padding, output (H - kh) // stride + 1.",
                 "same": "'same': pad (k - 1) // 2 zeros on each side (TensorFlow puts any odd extra "
                         "zero at the end), output ceil(H / stride)."}
        for image, kernel, padding, stride in cases:
            got = call_learner(function, image, kernel, padding=padding, stride=stride)
            compare_arrays(got, _tf_conv2d(image, kernel, padding, stride),
                           f"output for a {image.shape} image, {kernel.shape} kernel, padding={padding!r}, "
                           f"stride={stride}", atol=1e-8,
                           hint=hints[padding] + " Each output value sums over kh, kw and all input channels.")
        return f"matches tf.nn.conv2d on {len(cases)} cases (valid/same, stride 1/2, 1 and 3 channels)."
    return run_check("conv2d", conv2d, test)


def check_max_pool2d(max_pool2d):
    """Check the learner's ``max_pool2d(feature_map, size)`` (non-overlapping windows) against the reference."""
    def test(function):
        rng = np.random.default_rng(14)
        cases = [(reference.POOLING_EXAMPLE, 2), (rng.normal(size=(6, 6)), 2), (rng.normal(size=(6, 6)), 3),
                 (rng.integers(0, 9, size=(5, 7)), 2)]
        for feature_map, size in cases:
            got = call_learner(function, feature_map, size)
            compare_arrays(got, reference.pool2d(feature_map, size, mode="max"),
                           f"max_pool2d of a {feature_map.shape} map with size {size}",
                           hint="output is (H // size, W // size) (leftover rows/columns are dropped); "
                                "each value is the max of one size x size block.")
        return f"matches the reference on {len(cases)} feature maps, including odd sizes."
    return run_check("max_pool2d", max_pool2d, test)
