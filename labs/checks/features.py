"""Checks for notebook 04 (classical features)."""

import numpy as np

from .. import features as reference
from .core import call_learner, compare_arrays, run_check

__all__ = ["check_reconstruct_with_pca", "check_colour_histogram", "check_shift_images"]


def _pca_case():
    """Return a fitted PCA with 6 components and data X (20, 6) far from the origin (so the mean matters)."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(4)
    X = 50.0 + rng.normal(size=(20, 6)) @ rng.normal(size=(6, 6))
    return PCA(n_components=6).fit(X), X


def _check_pca(function):
    """Compare reconstructions with 0, 2 and all 6 components."""
    pca, X = _pca_case()
    for num_components in (2, 0, 6):
        got = call_learner(function, pca, X, num_components)
        compare_arrays(got, reference.reconstruct_with_pca(pca, X, num_components),
                       f"the reconstruction with {num_components} components", atol=1e-8,
                       hint="subtract pca.mean_, project on V = pca.components_[:num_components] "
                            "(X_centred @ V.T), map back (@ V) and add the mean again.")
    return "matches the reference with 0, 2 and 6 components (0 components gives the mean image)."


def check_reconstruct_with_pca(reconstruct_with_pca):
    """Check the learner's ``reconstruct_with_pca(pca, X, num_components)``."""
    return run_check("reconstruct_with_pca", reconstruct_with_pca, _check_pca)


def _check_histogram(function):
    """Compare colour histograms of a fixed image with 4 and 10 bins, including the extreme values 0 and 255."""
    rng = np.random.default_rng(9)
    image = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    image[0, 0], image[0, 1] = (0, 255, 128), (230, 230, 230)  # 230 sits on a bin edge if the range ends at 255
    for bins in (4, 10):
        got = call_learner(function, image, bins)
        compare_arrays(got, reference.compute_colour_histogram(image, bins),
                       f"the {bins}-bin histogram of a {image.shape} image", atol=1e-9,
                       hint="for each channel c: np.histogram(image[..., c], bins=bins, range=(0, 256))[0], "
                            "divided by the number of pixels; stack the 3 rows.")
    return "matches the reference with 4 and 10 bins; each row sums to 1."


def check_colour_histogram(compute_colour_histogram):
    """Check the learner's ``compute_colour_histogram(image, bins)`` -> (3, bins) fractions."""
    return run_check("compute_colour_histogram", compute_colour_histogram, _check_histogram)


def _check_shift(function):
    """Compare shifts right/down and left/up of a batch and of a single image."""
    rng = np.random.default_rng(2)
    batch = rng.integers(1, 256, (3, 5, 6), dtype=np.uint8)
    cases = [(batch, 2, 1), (batch, -1, -2), (batch[0], 3, 0), (batch[0], 0, 0)]
    for images, dx, dy in cases:
        got = call_learner(function, images, dx, dy)
        compare_arrays(got, reference.shift_images(images, dx, dy), f"shift by dx={dx}, dy={dy} of {images.shape}",
                       check_dtype=True,
                       hint="start from np.zeros_like(images) and copy the overlapping part; np.roll wraps the "
                            "pixels that fall off one side back in on the other, which a camera never does.")
    return f"matches the reference on {len(cases)} shifts (batches and single images, both directions)."


def check_shift_images(shift_images):
    """Check the learner's ``shift_images(images, dx, dy)``: move right/down, fill with zeros."""
    return run_check("shift_images", shift_images, _check_shift)
