"""Checks for notebooks 00 (welcome) and 01 (images as arrays)."""

import numpy as np

from .. import images as reference
from .core import CheckFailed, call_learner, compare_arrays, run_check

__all__ = ["check_invert", "check_to_grayscale", "check_intensity_histogram", "check_shuffle_pixels"]


def _test_images():
    """Return small fixed uint8 test images: colour ones of several shapes."""
    rng = np.random.default_rng(2024)
    return [rng.integers(0, 256, size=shape, dtype=np.uint8) for shape in [(2, 3, 3), (5, 4, 3), (16, 9, 3)]]


def check_invert(invert):
    """Check the learner's ``invert(image)`` against the reference on fixed images."""
    def test(function):
        cases = _test_images() + [np.array([[0, 255], [100, 7]], dtype=np.uint8)]
        for image in cases:
            got = call_learner(function, image)
            compare_arrays(got, reference.invert(image), f"invert of a {image.shape} image", check_dtype=True,
                           hint="255 - image keeps the uint8 dtype; image - 255 or 1 - image do not.")
        return f"matches the reference on {len(cases)} images."
    return run_check("invert", invert, test, hint="every value v becomes 255 - v.")


def check_to_grayscale(to_grayscale):
    """Check the learner's ``to_grayscale(image)`` against the reference (and so skimage)."""
    def test(function):
        for image in _test_images():
            got = call_learner(function, image)
            compare_arrays(got, reference.to_grayscale(image), f"to_grayscale of a {image.shape} image",
                           atol=1e-6, hint="divide by 255, then take the weighted sum over the last axis "
                                           "with weights (0.2125, 0.7154, 0.0721).")
        return f"matches the reference on {len(_test_images())} images."
    return run_check("to_grayscale", to_grayscale, test)


def check_intensity_histogram(intensity_histogram):
    """Check the learner's ``intensity_histogram(image)`` on colour and greyscale images."""
    def test(function):
        cases = _test_images() + [np.zeros((3, 3), dtype=np.uint8)]
        for image in cases:
            got = call_learner(function, image)
            compare_arrays(got, reference.intensity_histogram(image), f"histogram of a {image.shape} image",
                           hint="there are 256 possible values (0..255); np.bincount(image.ravel(), minlength=256).")
        return f"256 counts correct on {len(cases)} images."
    return run_check("intensity_histogram", intensity_histogram, test)


def check_shuffle_pixels(shuffle_pixels):
    """Check the learner's ``shuffle_pixels(image, seed)``: same pixels, new places, seeded."""
    def test(function):
        image = _test_images()[2]
        got = call_learner(function, image, seed=0)
        if got is None:
            raise CheckFailed("shuffled image is None.", "did you forget a `return` statement?")
        got = np.asarray(got)
        if got.shape != image.shape:
            raise CheckFailed(f"shuffled image has shape {got.shape}, expected {image.shape}.",
                              "reshape back to the input's shape at the end.")
        if np.array_equal(got, image):
            raise CheckFailed("the image came back unchanged.", "apply a random permutation of the pixel positions.")
        pixels = lambda a: sorted(map(tuple, a.reshape(-1, 3)))  # noqa: E731
        if pixels(got) != pixels(image):
            raise CheckFailed("the pixels themselves changed, not just their places.",
                              "shuffle whole pixels (rows of a (H*W, 3) array), not single values.")
        again = np.asarray(call_learner(function, image, seed=0))
        if not np.array_equal(got, again):
            raise CheckFailed("two calls with seed=0 gave different images.",
                              "make the generator from the seed: np.random.default_rng(seed).")
        return "same pixels and histogram, new places, repeatable with a seed."
    return run_check("shuffle_pixels", shuffle_pixels, test)
