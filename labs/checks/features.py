"""Checks for notebook 04 (classical features)."""

import numpy as np

from .. import features as reference
from .core import call_learner, compare_arrays, run_check

__all__ = ["check_reconstruct_with_pca", "check_compute_colour_histogram", "check_shift_images"]


def _pca_case():
    """Return a fitted PCA with 6 components and data X (20, 6) far from the origin (so the mean matters)."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(4)
    X = 50.0 + rng.normal(size=(20, 6)) @ rng.normal(size=(6, 6))
    return PCA(n_components=6).fit(X), X


def _pca_mistakes(pca, X, k):
    """Return (candidate, hint) pairs of the usual wrong reconstructions with k components."""
    mean, components = pca.mean_, pca.components_

    def rebuild(V, centre=True, add_back=True):
        return (mean if add_back else 0) + ((X - mean) if centre else X) @ V.T @ V

    V = components[:k]
    return [
        (lambda _: rebuild(V, centre=False, add_back=False),
         "subtract pca.mean_ before projecting, and add it back at the end."),
        (lambda _: rebuild(V, add_back=False), "add pca.mean_ back at the end."),
        (lambda _: rebuild(V, centre=False), "subtract pca.mean_ before projecting: (X - pca.mean_) @ V.T @ V."),
        (lambda _: rebuild(components),
         "keep only the first num_components rows: V = pca.components_[:num_components]."),
        (lambda _: rebuild(components[:k + 1]), "V = pca.components_[:num_components] has exactly num_components "
                                                "rows (no + 1)."),
        (lambda _: rebuild(components[:max(k - 1, 0)]), "V = pca.components_[:num_components] has exactly "
                                                        "num_components rows (no - 1)."),
    ]


def _check_pca(function):
    """Compare reconstructions with 0, 2 and all 6 components."""
    pca, X = _pca_case()
    for num_components in (2, 0, 6):
        got = call_learner(function, pca, X, num_components)
        compare_arrays(got, reference.reconstruct_with_pca(pca, X, num_components),
                       f"the reconstruction with {num_components} components", atol=1e-8,
                       mistakes=_pca_mistakes(pca, X, num_components),
                       hint="subtract pca.mean_, project on V = pca.components_[:num_components] "
                            "(X_centred @ V.T), map back (@ V) and add the mean again.")
    return "matches the reference with 0, 2 and 6 components (0 components gives the mean image)."


def check_reconstruct_with_pca(reconstruct_with_pca):
    """Check the learner's ``reconstruct_with_pca(pca, X, num_components)``."""
    return run_check("reconstruct_with_pca", reconstruct_with_pca, _check_pca)


def _histogram_mistakes(image, bins, expected):
    """Return (candidate, hint) pairs of the usual wrong colour histograms."""
    pixels = image.shape[0] * image.shape[1]

    def counts(**kwargs):
        return np.stack([np.histogram(image[..., c], bins=bins, **kwargs)[0] for c in range(3)])
    return [
        (expected.T, "one row per colour channel: the result has shape (3, bins)."),
        (expected * pixels, "divide the counts by the number of pixels (H * W): each row holds fractions "
                            "that sum to 1."),
        (expected / 3, "divide by the number of pixels H * W, not by all H * W * 3 values."),
        (lambda _: counts(range=(0, 255)) / pixels, "use range=(0, 256): with (0, 255) the bins end one value too "
                                                    "early and 255 shares the last bin."),
        (lambda _: counts() / pixels, "give range=(0, 256) so the bins cover all values 0..255, not just this "
                                      "channel's min to max."),
    ]


def _check_histogram(function):
    """Compare colour histograms of a fixed image with 4 and 10 bins, including the extreme values 0 and 255."""
    rng = np.random.default_rng(9)
    image = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    image[0, 0], image[0, 1] = (0, 255, 128), (230, 230, 230)  # 230 sits on a bin edge if the range ends at 255
    for bins in (4, 10):
        got = call_learner(function, image, bins)
        expected = reference.compute_colour_histogram(image, bins)
        compare_arrays(got, expected, f"the {bins}-bin histogram of a {image.shape} image", atol=1e-9,
                       mistakes=_histogram_mistakes(image, bins, expected),
                       hint="for each channel c: np.histogram(image[..., c], bins=bins, range=(0, 256))[0], "
                            "divided by the number of pixels; stack the 3 rows.")
    return "matches the reference with 4 and 10 bins; each row sums to 1."


def check_compute_colour_histogram(compute_colour_histogram):
    """Check the learner's ``compute_colour_histogram(image, bins)`` -> (3, bins) fractions."""
    return run_check("compute_colour_histogram", compute_colour_histogram, _check_histogram)


SHIFT_HINT = ("start from np.zeros_like(images) and copy the overlapping part: the pixel at row r, column c goes to "
              "row r + dy, column c + dx; for a negative shift the slices swap sides (max(0, dy) and max(0, -dy) "
              "give both).")
END_SLICE_HINT = ("images[..., :-dy, :-dx] works only for shifts above 0: for a negative dx, :-dx keeps the first "
                  "-dx columns instead of dropping the last ones, and for dx = 0, :-0 is an empty slice. Use "
                  "explicit ends, images[..., :height - dy, :width - dx], and swap the sides for negative shifts.")


def _end_slice_shift(images, dx, dy):
    """Return what `shifted[..., dy:, dx:] = images[..., :-dy, :-dx]` gives (a slice that only works for dx, dy > 0)."""
    shifted = np.zeros_like(images)
    shifted[..., dy:, dx:] = images[..., :-dy, :-dx]
    return shifted


def _check_shift(function):
    """Compare shifts right/down and left/up of a batch and of a single image."""
    rng = np.random.default_rng(2)
    batch = rng.integers(1, 256, (3, 5, 6), dtype=np.uint8)
    cases = [(batch, 2, 1), (batch, -1, -2), (batch[0], 3, 0), (batch[0], 0, 0)]
    for images, dx, dy in cases:
        got = call_learner(function, images, dx, dy)
        mistakes = [
            (np.roll(images, (dy, dx), axis=(-2, -1)),
             "np.roll wraps the pixels that fall off one side back in on the other, which a camera never does: "
             "start from np.zeros_like(images) and copy the overlapping part."),
            (lambda _: reference.shift_images(images, dy, dx),
             "dx moves along the columns (the last axis, to the right), dy along the rows (down)."),
            (lambda _: reference.shift_images(images, -dx, -dy),
             "positive dx moves the picture right and positive dy moves it down: the pixel at column c goes "
             "to column c + dx."),
            (lambda _: _end_slice_shift(images, dx, dy), END_SLICE_HINT),
        ]
        compare_arrays(got, reference.shift_images(images, dx, dy), f"shift by dx={dx}, dy={dy} of {images.shape}",
                       check_dtype=True, mistakes=mistakes, hint=SHIFT_HINT)
    return f"matches the reference on {len(cases)} shifts (batches and single images, both directions)."


def check_shift_images(shift_images):
    """Check the learner's ``shift_images(images, dx, dy)``: move right/down, fill with zeros."""
    return run_check("shift_images", shift_images, _check_shift, hint=SHIFT_HINT, raised_hints={
        "could not broadcast": "the source and target slices must have the same size: a shift by dx keeps width - |dx| "
                               "columns on both sides; :-0 is an empty slice, so write the ends out "
                               "(images[..., :height - dy, :width - dx]) and swap the sides for negative shifts."})
