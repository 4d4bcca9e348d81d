"""Classical features: the curse of dimensionality, PCA, colour histograms, HOG, pyramids, and shifted test sets.

Most of the work is done by scikit-learn (PCA, SVMs, pipelines) and scikit-image (HOG,
pyramids); this module holds the small pieces around them that the lessons need.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ._validate import (as_array, as_image, require_axes, require_bool, require_choice, require_finite, require_int,
                        require_labels, require_list, require_number, describe)

__all__ = ["HOG_BLOCK_NORMS", "flatten_images", "compute_distance_contrast", "reconstruct_with_pca", "compute_hog", "compute_hog_image",
           "HOGFeatures", "compute_colour_histogram", "build_pyramid", "shift_images", "perturb_images",
           "digits_to_mnist_format", "score_classifier", "plot_distance_contrast", "plot_explained_variance",
           "plot_colour_histogram", "plot_pyramid"]

# The block normalisations compute_hog offers (scikit-image's names).
HOG_BLOCK_NORMS = ("L2-Hys", "L1-sqrt")


# --- the curse of dimensionality -----------------------------------------------------------------

def flatten_images(images):
    """Return uint8 images (N, H, W) or (N, H, W, C) as float rows (N, H*W*C) scaled to 0-1, for scikit-learn."""
    images = as_array(images, "images", ndim=(3, 4), dtype_kind="uif")
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 pixel values 0-255 (as the datasets load them), got dtype {images.dtype}; "
                        "if they are already scaled, use images.reshape(len(images), -1).")
    return images.reshape(len(images), -1) / 255.0


def compute_distance_contrast(dims, num_points=500, seed=0):
    """Return (farthest - nearest) / nearest distance from a random point to uniform points in [0, 1]^d, per d.

    dims: sequence of dimensions. Returns an array of shape (len(dims),); it shrinks towards 0
    as d grows: in high dimensions every point is about as far away as every other.
    """
    dims = [require_int(d, "each entry of dims", minimum=1) for d in require_list(dims, "dims", example="[1, 10, 100]")]
    num_points = require_int(num_points, "num_points", minimum=2)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    contrast = []
    for d in dims:
        points, query = rng.random((num_points, d)), rng.random(d)
        dist = np.sqrt(((points - query) ** 2).sum(axis=1))
        contrast.append((dist.max() - dist.min()) / dist.min())
    return np.array(contrast)


# --- PCA -----------------------------------------------------------------------------------------

def reconstruct_with_pca(pca, X, num_components):
    """Rebuild X from its first num_components principal components: mean + (X - mean) V_kᵀ V_k.

    pca: a fitted sklearn.decomposition.PCA with at least num_components components;
    X: array of shape (N, D). Returns an array of shape (N, D).
    """
    if not hasattr(pca, "components_"):
        raise TypeError(f"pca must be a fitted sklearn PCA (call pca.fit(X) first), got {type(pca).__name__}.")
    num_components = require_int(num_components, "num_components", minimum=0, maximum=len(pca.components_))
    X = require_finite(as_array(X, "X", ndim=2, dtype_kind="uif"), "X").astype(np.float64)
    if X.shape[1] != pca.components_.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features per row but the PCA was fitted on "
                         f"{pca.components_.shape[1]}.")
    V = pca.components_[:num_components]
    return pca.mean_ + (X - pca.mean_) @ V.T @ V


# --- HOG -----------------------------------------------------------------------------------------

def _as_greyscale_batch(images, name="images"):
    """Check a batch of greyscale images (N, H, W) of numbers."""
    images = as_array(images, name, ndim=3, dtype_kind="uif")
    return require_finite(images, name)


def _require_pair(value, name, example="(4, 4)"):
    """Return ``value`` as a pair of whole numbers >= 1 (rows, columns), or raise naming ``name``."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair of whole numbers (rows, columns) such as {example}, "
                        f"got {describe(value)}.")
    return tuple(require_int(n, name, minimum=1) for n in value)


def _require_hog_settings(image_shape, orientations, pixels_per_cell, cells_per_block, name="images"):
    """Check the HOG settings and that an image of ``image_shape`` (H, W) holds a block; return them."""
    orientations = require_int(orientations, "orientations", minimum=1)
    (cell_h, cell_w), (block_h, block_w) = _require_pair(pixels_per_cell, "pixels_per_cell"), \
        _require_pair(cells_per_block, "cells_per_block", "(2, 2)")
    rows, cols = image_shape[0] // cell_h, image_shape[1] // cell_w
    if rows < block_h or cols < block_w:
        raise ValueError(f"{name} of {image_shape[0]}x{image_shape[1]} pixels hold {rows}x{cols} cells of "
                         f"pixels_per_cell={(cell_h, cell_w)}, fewer than one block of cells_per_block="
                         f"{(block_h, block_w)}; use smaller cells or blocks.")
    return orientations, (cell_h, cell_w), (block_h, block_w)


def compute_hog(images, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm="L2-Hys",
                transform_sqrt=False):
    """Return the HOG descriptor of every image: the numbers of skimage.feature.hog, for a whole batch.

    images: array of shape (N, H, W). block_norm: "L2-Hys" or "L1-sqrt"; transform_sqrt: take the
    square root of the pixels first (compresses bright regions). Returns a float array (N, F);
    for 28x28 images and the defaults F = 6 * 6 blocks * 2 * 2 cells * 9 orientations = 1,296.
    The batch is computed with NumPy in one go; the tests check it equals scikit-image's hog,
    called image by image (several times slower), to float32 precision.
    """
    images = _as_greyscale_batch(images).astype(np.float64)
    orientations, (cell_h, cell_w), (block_h, block_w) = _require_hog_settings(
        images.shape[1:], orientations, pixels_per_cell, cells_per_block)
    block_norm = require_choice(block_norm, "block_norm", HOG_BLOCK_NORMS)
    rows, cols = images.shape[1] // cell_h, images.shape[2] // cell_w
    if require_bool(transform_sqrt, "transform_sqrt"):
        if images.min() < 0:
            raise ValueError(f"transform_sqrt needs pixel values >= 0, found {images.min():g}.")
        images = np.sqrt(images)
    cells = np.concatenate([_cell_histograms(chunk, orientations, cell_h, cell_w, rows, cols)
                            for chunk in np.array_split(images, max(1, len(images) // 2000))])
    return _normalise_blocks(cells, block_h, block_w, block_norm).reshape(len(images), -1)


def _cell_histograms(images, orientations, cell_h, cell_w, rows, cols):
    """Return (N, rows, cols, orientations): gradient magnitude summed per orientation bin and cell, as skimage."""
    g_row, g_col = np.zeros_like(images), np.zeros_like(images)
    g_row[:, 1:-1, :] = images[:, 2:, :] - images[:, :-2, :]  # central differences, 0 on the border
    g_col[:, :, 1:-1] = images[:, :, 2:] - images[:, :, :-2]
    g_row, g_col = g_row[:, :rows * cell_h, :cols * cell_w], g_col[:, :rows * cell_h, :cols * cell_w]
    magnitude = np.hypot(g_col, g_row)
    angle = np.rad2deg(np.arctan2(g_row, g_col)) % 180  # unsigned orientation in [0, 180)
    edges = (180.0 / orientations) * np.arange(1, orientations)
    bins = np.searchsorted(edges, angle, side="right")  # bin i holds edges[i-1] <= angle < edges[i]
    n = len(images)
    cell_row = (np.arange(rows * cell_h) // cell_h)[None, :, None]
    cell_col = (np.arange(cols * cell_w) // cell_w)[None, None, :]
    index = ((np.arange(n)[:, None, None] * rows + cell_row) * cols + cell_col) * orientations + bins
    sums = np.bincount(index.ravel(), weights=magnitude.ravel(), minlength=n * rows * cols * orientations)
    return sums.reshape(n, rows, cols, orientations) / (cell_h * cell_w)


def _normalise_blocks(cells, block_h, block_w, block_norm, eps=1e-5):
    """Return the normalised blocks (N, blocks_down, blocks_across, block_h, block_w, orientations), as skimage."""
    windows = np.lib.stride_tricks.sliding_window_view(cells, (block_h, block_w), axis=(1, 2))
    blocks = windows.transpose(0, 1, 2, 4, 5, 3)
    if block_norm == "L1-sqrt":
        return np.sqrt(blocks / (np.sum(np.abs(blocks), axis=(3, 4, 5), keepdims=True) + eps))
    out = blocks / np.sqrt(np.sum(blocks ** 2, axis=(3, 4, 5), keepdims=True) + eps ** 2)
    out = np.minimum(out, 0.2)
    return out / np.sqrt(np.sum(out ** 2, axis=(3, 4, 5), keepdims=True) + eps ** 2)


def compute_hog_image(image, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2)):
    """Return (features, picture) for one greyscale image (H, W): HOG numbers and scikit-image's drawing of them."""
    from skimage.feature import hog

    image = require_finite(as_array(image, "image", ndim=2, dtype_kind="uif"), "image")
    orientations, pixels_per_cell, cells_per_block = _require_hog_settings(
        image.shape, orientations, pixels_per_cell, cells_per_block, name="image")
    return hog(image, orientations=orientations, pixels_per_cell=pixels_per_cell,
               cells_per_block=cells_per_block, block_norm="L2-Hys", visualize=True)


class HOGFeatures(TransformerMixin, BaseEstimator):
    """A scikit-learn transformer: flattened greyscale images (N, H*W) -> HOG features (N, F).

    image_shape: (H, W) of each image; the other arguments as in compute_hog. Use it as the
    first step of a Pipeline so a grid search can tune HOG and the classifier together.
    """

    def __init__(self, image_shape=(28, 28), orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2),
                 block_norm="L2-Hys", transform_sqrt=False):
        self.image_shape = image_shape
        self.orientations = orientations
        self.pixels_per_cell = pixels_per_cell
        self.cells_per_block = cells_per_block
        self.block_norm = block_norm
        self.transform_sqrt = transform_sqrt

    def _checked_images(self, X):
        """Check the settings and X; return X as a batch of images (N, H, W)."""
        image_shape = _require_pair(self.image_shape, "image_shape", "(28, 28)")
        _require_hog_settings(image_shape, self.orientations, self.pixels_per_cell, self.cells_per_block,
                            name="images (image_shape)")
        require_choice(self.block_norm, "block_norm", HOG_BLOCK_NORMS)
        require_bool(self.transform_sqrt, "transform_sqrt")
        X = require_finite(as_array(X, "X", ndim=(2, 3), dtype_kind="uif"), "X")
        size = image_shape[0] * image_shape[1]
        if X[0].size != size:
            raise ValueError(f"X has {X[0].size} values per image but image_shape {image_shape} needs {size}.")
        return X.reshape(len(X), *image_shape)

    def fit(self, X, y=None):
        """Check the settings and X, learn nothing (HOG has no learned parameters) and return self."""
        self._checked_images(X)
        return self

    def transform(self, X):
        """Return the HOG features (N, F) of X, an array of shape (N, H*W) or (N, H, W)."""
        return compute_hog(self._checked_images(X), self.orientations, self.pixels_per_cell,
                           self.cells_per_block, self.block_norm, self.transform_sqrt)


# --- colour histograms and pyramids --------------------------------------------------------------

def compute_colour_histogram(image, bins=16):
    """Return the fraction of pixels in each of ``bins`` equal-width value ranges, per colour channel.

    image: uint8 array of shape (H, W, 3). Returns an array of shape (3, bins), each row sums to 1.
    """
    image = as_image(image, "image", scale="uint8")
    if image.ndim != 3:
        raise ValueError(f"image must be a uint8 colour image (H, W, 3), got shape {image.shape}.")
    bins = require_int(bins, "bins", minimum=1, maximum=256)
    edges = np.linspace(0, 256, bins + 1)
    counts = np.stack([np.histogram(image[..., c], bins=edges)[0] for c in range(3)])
    return counts / counts.sum(axis=1, keepdims=True)


def build_pyramid(image, num_levels=4, downscale=2):
    """Return a Gaussian image pyramid: the image, then smoothed copies each ``downscale`` times smaller.

    image: array (H, W) or (H, W, 3). Returns a list of num_levels float arrays in [0, 1].
    """
    from skimage.transform import pyramid_gaussian

    image = as_image(image, "image")  # uint8, or floats 0-1 (0-255 floats are refused)
    num_levels = require_int(num_levels, "num_levels", minimum=1)
    downscale = require_number(downscale, "downscale", above=1)
    smallest = min(image.shape[:2]) / downscale ** (num_levels - 1)
    if smallest < 1:
        raise ValueError(f"a {image.shape[0]}x{image.shape[1]} image cannot be shrunk {num_levels - 1} times "
                         f"by downscale={downscale:g}; use fewer num_levels (got {num_levels}).")
    channel_axis = -1 if image.ndim == 3 else None
    levels = pyramid_gaussian(image, max_layer=num_levels - 1, downscale=downscale, channel_axis=channel_axis)
    return [np.clip(level, 0, 1) for level in levels]


# --- distribution shift --------------------------------------------------------------------------

def shift_images(images, dx=0, dy=0):
    """Move images dx pixels right and dy pixels down, filling the uncovered border with 0.

    images: array of shape (N, H, W) or one image (H, W). Returns the same shape and dtype.
    """
    images = as_array(images, "images", ndim=(2, 3), dtype_kind="uif")
    if images.ndim == 3 and images.shape[2] == 3:
        raise ValueError(f"images has shape {images.shape}, which looks like one colour image (H, W, 3); "
                         "shift_images moves greyscale images, one (H, W) or a batch (N, H, W). Shift each channel "
                         "(shift_images(image[..., c], dx, dy)) or convert with labs.images.to_greyscale first.")
    height, width = images.shape[-2:]
    dx, dy = require_int(dx, "dx", minimum=-width, maximum=width), require_int(dy, "dy", minimum=-height, maximum=height)
    shifted = np.zeros_like(images)
    src_rows, dst_rows = _overlap(dy, height)
    src_cols, dst_cols = _overlap(dx, width)
    shifted[..., dst_rows, dst_cols] = images[..., src_rows, src_cols]
    return shifted


def _overlap(offset, size):
    """Return (source, destination) slices of an axis of ``size`` moved by ``offset``."""
    if offset >= 0:
        return slice(0, size - offset), slice(offset, size)
    return slice(-offset, size), slice(0, size + offset)


def perturb_images(images, max_shift=3, max_rotation=20.0, noise=0.15, seed=0):
    """Return randomly moved, rotated and noisy copies of greyscale images (a distribution shift).

    images: uint8 array of shape (N, H, W). Each image gets its own shift (whole pixels up to
    max_shift each way), rotation (up to max_rotation degrees either way) and Gaussian pixel
    noise (standard deviation noise x 255). Returns uint8 (N, H, W); the same seed gives the same copies.
    """
    from scipy import ndimage

    images = as_image(images, "images", ndim=3, channel_ndim=None, scale="uint8")
    max_shift = require_int(max_shift, "max_shift", minimum=0, maximum=min(images.shape[1:]))
    max_rotation = require_number(max_rotation, "max_rotation", minimum=0, maximum=180, hint=" (degrees)")
    noise = require_number(noise, "noise", minimum=0, maximum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    out = np.empty(images.shape, dtype=np.float64)
    for i, image in enumerate(images.astype(np.float64)):
        turned = ndimage.rotate(image, rng.uniform(-max_rotation, max_rotation), reshape=False, order=1)
        dx, dy = rng.integers(-max_shift, max_shift + 1, size=2)
        out[i] = shift_images(turned, int(dx), int(dy))
    out += rng.normal(0.0, 255.0 * float(noise), size=out.shape)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def digits_to_mnist_format(images):
    """Turn 8x8 digits (other writers, other scanner) into MNIST's format: a 20x20 digit centred by mass in 28x28.

    images: uint8 array of shape (N, 8, 8) with values 0-255 (labs.data's "digits").
    Returns uint8 (N, 28, 28).
    """
    from scipy import ndimage
    from skimage.transform import resize

    images = as_image(images, "images", ndim=3, channel_ndim=None, scale="uint8")
    if images.shape[1:] != (8, 8):
        raise ValueError(f"images must be uint8 8x8 digits (N, 8, 8), got {images.shape} {images.dtype}.")
    out = np.zeros((len(images), 28, 28))
    for i, image in enumerate(images):
        big = resize(image.astype(np.float64), (20, 20), order=1, anti_aliasing=False, preserve_range=True)
        out[i, 4:24, 4:24] = big
        if big.sum() > 0:  # MNIST centres each digit by its centre of mass
            row, col = ndimage.center_of_mass(out[i])
            out[i] = ndimage.shift(out[i], (13.5 - row, 13.5 - col), order=1, mode="constant")
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


# --- scores --------------------------------------------------------------------------------------

def score_classifier(model, X, y):
    """Return {"accuracy", "macro F1"} of a fitted classifier on X (N, ...) with true labels y (N,).

    model: a fitted scikit-learn classifier, or a Keras model whose predict gives class
    probabilities (N, classes): its predicted class is the most probable one.
    Macro F1 averages the F1 score of every class equally, so a class the model ignores counts fully.
    """
    from sklearn.metrics import accuracy_score, f1_score

    from sklearn.base import BaseEstimator
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(model, "predict"):
        raise TypeError(f"model must be a fitted classifier with a predict method, got {type(model).__name__}.")
    if isinstance(model, BaseEstimator):
        try:
            check_is_fitted(model)
        except NotFittedError:
            raise ValueError(f"model ({type(model).__name__}) is not fitted yet; call model.fit(X_train, y_train) "
                             "first.") from None
    X = require_finite(as_array(X, "X", ndim=(2, 3, 4), dtype_kind="uifb"), "X")
    y = require_labels(y, "y", len(X), rows_name="X")
    num_features = getattr(model, "n_features_in_", None)
    if X.ndim == 2 and isinstance(num_features, (int, np.integer)) and X.shape[1] != num_features:
        raise ValueError(f"X has {X.shape[1]} features per row but the model was fitted on {num_features}; "
                         "prepare X the same way as the training data.")
    y_pred = model.predict(X, verbose=0) if _is_keras_model(model) else model.predict(X)
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2:  # class probabilities or scores
        y_pred = y_pred.argmax(axis=1)
    return {"accuracy": float(accuracy_score(y, y_pred)), "macro F1": float(f1_score(y, y_pred, average="macro"))}


def _is_keras_model(model):
    """Return True for a Keras model (without importing Keras when it is not loaded)."""
    import sys

    keras = sys.modules.get("keras")
    return keras is not None and isinstance(model, keras.Model)


# --- figures -------------------------------------------------------------------------------------

def plot_distance_contrast(dims, contrast, ax=None):
    """Plot the distance contrast against the dimension (log-log). dims, contrast: sequences of equal length."""
    import matplotlib.pyplot as plt

    dims = require_finite(as_array(dims, "dims", ndim=1, dtype_kind="uif"), "dims")
    contrast = require_finite(as_array(contrast, "contrast", ndim=1, dtype_kind="uif"), "contrast")
    if len(dims) != len(contrast):
        raise ValueError(f"dims has {len(dims)} entries but contrast has {len(contrast)}; they must match.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    require_axes(ax)
    ax.loglog(dims, contrast, marker="o")
    ax.set_xlabel("dimension d")
    ax.set_ylabel("(farthest − nearest) / nearest")
    ax.set_title("In high dimensions all points are nearly equally far")
    return ax


def plot_explained_variance(pca, ax=None, marks=(0.8, 0.9, 0.95)):
    """Plot the cumulative explained variance of a fitted PCA, marking how many components reach each fraction."""
    import matplotlib.pyplot as plt

    if not hasattr(pca, "explained_variance_ratio_"):
        raise TypeError(f"pca must be a fitted sklearn PCA, got {type(pca).__name__}.")
    marks = [require_number(m, "each entry of marks", above=0, maximum=1)
             for m in require_list(marks, "marks", example="(0.8, 0.9, 0.95)", allow_empty=True)]
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    cumulative = np.cumsum(pca.explained_variance_ratio_)
    ax.plot(np.arange(1, len(cumulative) + 1), cumulative)
    for fraction in marks:
        if cumulative[-1] >= fraction:
            count = int(np.searchsorted(cumulative, fraction) + 1)
            ax.axhline(fraction, color="0.7", linewidth=0.8)
            ax.annotate(f"{fraction:.0%}: {count} components", (count, fraction),
                        xytext=(5, -12), textcoords="offset points", fontsize=8)
    ax.set_xlabel("number of components")
    ax.set_ylabel("fraction of variance explained")
    ax.set_title("PCA: explained variance")
    return ax


def plot_colour_histogram(image, bins=32, ax=None, title="Colour histogram"):
    """Plot the red, green and blue histograms of a uint8 colour image (H, W, 3) as fractions of pixels."""
    import matplotlib.pyplot as plt

    fractions = compute_colour_histogram(image, bins)
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    centres = (np.arange(bins) + 0.5) * 256 / bins
    for channel, colour in enumerate(("red", "green", "blue")):
        ax.plot(centres, fractions[channel], color=colour, label=colour)
    ax.set_xlim(0, 255)
    ax.set_xlabel("pixel value")
    ax.set_ylabel("fraction of pixels")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_pyramid(levels, ax=None, title="Gaussian image pyramid"):
    """Draw the levels of an image pyramid side by side on one canvas, at their true relative sizes."""
    import matplotlib.pyplot as plt

    levels = require_list(levels, "levels", example="the list build_pyramid(image) returns")
    levels = [as_image(level, f"levels[{i}]") for i, level in enumerate(levels)]
    levels = [level / 255.0 if level.dtype == np.uint8 else level for level in levels]
    for i, level in enumerate(levels[1:], start=1):
        if level.shape[2:] != levels[0].shape[2:] or level.shape[0] > levels[0].shape[0]:
            raise ValueError(f"levels[{i}] has shape {level.shape} but levels[0] has {levels[0].shape}; every level "
                             "must have the channels of the first and be no taller (pass build_pyramid's list).")
    require_axes(ax)
    height, gap = levels[0].shape[0], 4
    width = sum(level.shape[1] for level in levels) + gap * (len(levels) - 1)
    canvas = np.ones((height, width) + levels[0].shape[2:])
    left = 0
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 9 * height / width + 0.6))
    for level in levels:
        canvas[height - level.shape[0]:, left:left + level.shape[1]] = level
        ax.text(left + level.shape[1] / 2, height - level.shape[0] - 6, f"{level.shape[0]}×{level.shape[1]}",
                ha="center", va="bottom", fontsize=9)
        left += level.shape[1] + gap
    ax.imshow(canvas, cmap="gray" if canvas.ndim == 2 else None, vmin=0, vmax=1)
    ax.set_ylim(height, -0.12 * height)
    ax.axis("off")
    ax.set_title(title)
    return ax
