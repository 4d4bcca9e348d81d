"""Checks for notebooks 00 (welcome) and 01 (images as arrays)."""

import numpy as np

from .. import images as reference
from .core import CheckFailed, call_learner, compare_arrays, learner_array, run_check

__all__ = ["check_invert", "check_to_greyscale", "check_intensity_histogram", "check_shuffle_pixels"]


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


def check_to_greyscale(to_greyscale):
    """Check the learner's ``to_greyscale(image)`` against the reference (and so skimage)."""
    def test(function):
        for image in _test_images():
            got = call_learner(function, image)
            expected = reference.to_greyscale(image)
            mistakes = [
                (lambda got: got.shape == image.shape[:2] + (1,), "drop the channel axis: the result is (H, W), "
                                                                  "not (H, W, 1)."),
                (255 * expected, "divide by 255 as well: greyscale values go from 0 to 1."),
                (image.mean(axis=-1) / 255, "use the weights (0.2125, 0.7154, 0.0721), not a plain average."),
                (image.mean(axis=-1), "use the weights (0.2125, 0.7154, 0.0721), not a plain average, "
                                      "and divide by 255."),
                (image[..., ::-1] @ reference.GREY_WEIGHTS / 255, "the weights go in R, G, B order: 0.2125 for red."),
            ]
            compare_arrays(got, expected, f"to_greyscale of a {image.shape} image", atol=1e-6, mistakes=mistakes,
                           hint="divide by 255, then take the weighted sum over the last axis "
                                "with weights (0.2125, 0.7154, 0.0721).")
        return f"matches the reference on {len(_test_images())} images."
    return run_check("to_greyscale", to_greyscale, test)


def check_intensity_histogram(intensity_histogram):
    """Check the learner's ``intensity_histogram(image)`` on colour and greyscale images."""
    def test(function):
        cases = _test_images() + [np.zeros((3, 3), dtype=np.uint8)]
        for image in cases:
            got = call_learner(function, image)
            expected = reference.intensity_histogram(image)
            flat = image.ravel()
            mistakes = [
                (lambda got: got.ndim == 1 and len(got) != 256,
                 "there are 256 possible values (0..255): np.bincount(image.ravel(), minlength=256) also counts "
                 "the values that never occur."),
                (lambda _: np.histogram(flat, bins=256)[0],
                 "give np.histogram range=(0, 256); without it the bins stretch from the image's min to its max."),
                (expected / image.size, "count, don't divide: each entry is a number of values."),
                (lambda _: np.bincount(image[..., 0].ravel(), minlength=256),
                 "count the values of every channel: image.ravel() flattens all of them."),
            ]
            compare_arrays(got, expected, f"histogram of a {image.shape} image", mistakes=mistakes,
                           hint="there are 256 possible values (0..255); np.bincount(image.ravel(), minlength=256).")
        return f"256 counts correct on {len(cases)} images."
    return run_check("intensity_histogram", intensity_histogram, test)


def _unique_pixel_image(height=16, width=9):
    """Return a fixed (height, width, 3) uint8 image in which no two pixels have the same colour."""
    codes = np.random.default_rng(2024).choice(256 ** 3, size=height * width, replace=False)
    channels = [(codes >> shift) & 255 for shift in (16, 8, 0)]
    return np.stack(channels, axis=-1).astype(np.uint8).reshape(height, width, 3)


def _sources(shuffled, image):
    """Return the (row, column) each pixel of ``shuffled`` came from in ``image`` (pixels are unique)."""
    height, width = image.shape[:2]
    codes = lambda a: (a[..., 0].astype(np.int64) << 16) | (a[..., 1].astype(np.int64) << 8) | a[..., 2]  # noqa: E731
    position = {code: index for index, code in enumerate(codes(image).ravel())}
    flat = np.array([position[code] for code in codes(shuffled).ravel()]).reshape(height, width)
    return flat // width, flat % width


def _kept_together(rows, cols):
    """Return the fraction of side-by-side output pixels that came from one input row (one column, for pixels
    above each other): about 1/H and 1/W for a shuffle of single pixels, near 1 when rows or columns move whole."""
    same_row = rows[:, 1:] == rows[:, :-1]
    same_col = cols[1:, :] == cols[:-1, :]
    return (np.count_nonzero(same_row) + np.count_nonzero(same_col)) / (same_row.size + same_col.size)


def check_shuffle_pixels(shuffle_pixels):
    """Check the learner's ``shuffle_pixels(image, seed)``: same pixels, new places, seeded."""
    whole_pixels = "reshape to (H*W, 3), apply one permutation of all H*W positions, reshape back."

    def test(function):
        image = _unique_pixel_image()
        got = learner_array(call_learner(function, image, seed=0), "the shuffled image")
        if got.shape != image.shape:
            raise CheckFailed(f"shuffled image has shape {got.shape}, expected {image.shape}.",
                              "reshape back to the input's shape at the end.")
        if got.dtype != image.dtype:
            raise CheckFailed(f"shuffled image has dtype {got.dtype}, expected {image.dtype} like the input.",
                              "moving pixels does not change their values: index the image, don't convert it.")
        if np.array_equal(got, image):
            raise CheckFailed("the image came back unchanged.", "apply a random permutation of the pixel positions.")
        pixels = lambda a: sorted(map(tuple, a.reshape(-1, 3).tolist()))  # noqa: E731
        if pixels(got) != pixels(image):
            raise CheckFailed("the pixels themselves changed, not just their places.",
                              "shuffle whole pixels (rows of a (H*W, 3) array), not single values.")
        rows, cols = _sources(got, image)
        height, width = image.shape[:2]
        if np.array_equal(rows, np.arange(height)[:, None] + 0 * cols):
            raise CheckFailed("every pixel stayed in its own row: only the columns were shuffled.", whole_pixels)
        if np.array_equal(cols, np.arange(width)[None, :] + 0 * rows):
            raise CheckFailed("every pixel stayed in its own column: only the rows were shuffled.", whole_pixels)
        kept = _kept_together(rows, cols)
        if kept > 0.3:
            raise CheckFailed(f"{kept:.0%} of neighbouring pixels came from the same row or column: rows, "
                              "columns or blocks moved as a whole, not single pixels.", whole_pixels)
        again = learner_array(call_learner(function, image, seed=0), "the shuffled image")
        if not np.array_equal(got, again):
            raise CheckFailed("two calls with seed=0 gave different images.",
                              "make the generator from the seed: np.random.default_rng(seed).")
        other = learner_array(call_learner(function, image, seed=1), "the shuffled image with seed=1")
        if np.array_equal(got, other):
            raise CheckFailed("seed=1 gave the same image as seed=0: the seed is ignored.",
                              "make the generator from the seed argument: np.random.default_rng(seed).")
        return "same pixels and histogram, new places, repeatable with a seed."
    return run_check("shuffle_pixels", shuffle_pixels, test)
