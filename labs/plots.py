"""Figures: image grids, pixel values, histograms. ``plot_*`` take ax=None and return the axes."""

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_array, as_image, require_axes, require_finite, require_int, require_number, describe

__all__ = ["show_images", "plot_image", "plot_pixel_values", "plot_histogram", "plot_matrix", "show_matrices",
           "figure_to_png"]


def _new_axes(ax, figsize=(4, 3)):
    """Return ``ax`` or a fresh axes in a new figure."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_image(image, title=None, ax=None):
    """Draw one image (greyscale (H, W) or (H, W, 1), or colour (H, W, 3)) without axis ticks.

    uint8 images (and whole numbers 0-255) are shown on the 0-255 scale; colour floats must be
    0-1. Greyscale floats in 0-1 are shown on that scale, other greyscale floats (filter
    responses, HOG pictures) stretched from their smallest to their largest value.
    """
    return _draw(image, "image", title, require_axes(ax))


def _draw(image, name, title, ax):
    """Check ``image`` (named ``name`` in errors) and draw it on ``ax`` (None: a new axes); return the axes."""
    image = as_array(image, name, ndim=(2, 3), dtype_kind="uif")
    if image.ndim == 3 and image.shape[2] == 1:  # (H, W, 1), as Keras takes it: one greyscale channel
        image = image[..., 0]
    if image.ndim == 3 or image.dtype.kind in "iu":
        image = as_image(image, name)  # uint8, or colour floats 0-1
    else:
        require_finite(image, name)
    ax = _new_axes(ax)
    if image.ndim == 2:
        # Fixed ranges, so a dark image looks dark instead of being stretched to full contrast.
        vmax = 255 if image.dtype == np.uint8 else (1.0 if 0 <= image.min() and image.max() <= 1 else None)
        ax.imshow(image, cmap="gray", vmin=None if vmax is None else 0, vmax=vmax)
    else:
        ax.imshow(image)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(str(title))
    return ax


def _as_picture_list(images):
    """Return the images of a batch (N, H, W) / (N, H, W, 3) or of a list of images, as a list."""
    if images is None or isinstance(images, (str, bytes)) or not hasattr(images, "__len__"):
        raise TypeError(f"images must be an array of images (N, H, W) or (N, H, W, 3), or a list of images; "
                        f"got {describe(images)}.")
    if len(images) == 0:
        raise ValueError("images is empty; pass at least one image.")
    if isinstance(images, (list, tuple)) and any(isinstance(image, np.ndarray) for image in images):
        return list(images)  # a list of arrays, perhaps of different sizes: each is checked when drawn
    batch = as_array(images, "images", ndim=(2, 3, 4), dtype_kind="uif")
    if batch.ndim == 2 or (batch.ndim == 3 and batch.shape[-1] == 3):
        raise ValueError(f"images has shape {batch.shape}, which is one image, not a batch; show_images needs "
                         "(N, H, W) or (N, H, W, 3): pass images[None], or draw it with plot_image.")
    return list(batch)


def show_images(images, titles=None, ncols=8, size=1.4, suptitle=None):
    """Show images in a grid, each with its title; returns the figure.

    images: array of shape (N, H, W) or (N, H, W, 3), or a list of such images.
    titles: None or N strings/numbers shown above the images.
    """
    pictures = _as_picture_list(images)
    ncols = require_int(ncols, "ncols", minimum=1)
    size = require_number(size, "size", above=0, hint=" (inches per image)")
    if titles is not None:
        if isinstance(titles, (str, bytes)) or not hasattr(titles, "__len__"):
            raise TypeError(f"titles must be None or a list of {len(pictures)} titles, got {describe(titles)}.")
        if len(titles) != len(pictures):
            raise ValueError(f"titles has {len(titles)} entries but there are {len(pictures)} images.")
    ncols = min(ncols, len(pictures))
    nrows = -(-len(pictures) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if suptitle else 0)),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < len(pictures):
            _draw(pictures[index], f"images[{index}]", None if titles is None else titles[index], ax)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_pixel_values(image, ax=None, fontsize=7):
    """Draw a small greyscale image with each pixel's value written on it."""
    image = as_array(image, "image", ndim=2, dtype_kind="uif")
    image = as_image(image, "image") if image.dtype.kind in "iu" else require_finite(image, "image")
    if image.size > 40 * 40:
        raise ValueError(f"image is {image.shape}; pass a crop of at most 40x40 pixels so the numbers are readable.")
    ax = plot_image(image, ax=_new_axes(require_axes(ax), figsize=(6, 6)))
    threshold = (float(image.max()) + float(image.min())) / 2
    for (row, col), value in np.ndenumerate(image):
        colour = "black" if value > threshold else "white"
        ax.text(col, row, f"{value:g}" if image.dtype.kind == "f" else str(value),
                ha="center", va="center", fontsize=fontsize, color=colour)
    return ax


def plot_histogram(image, ax=None, title="Intensity histogram"):
    """Plot how often each value 0-255 occurs, one line per channel for colour images."""
    image = as_image(image, "image", scale="uint8")
    ax = _new_axes(require_axes(ax))
    values = np.arange(256)
    if image.ndim == 2:
        ax.fill_between(values, np.bincount(image.ravel(), minlength=256), color="0.4", step="mid")
    else:
        for channel, colour in enumerate(("red", "green", "blue")[: image.shape[2]]):
            counts = np.bincount(image[..., channel].ravel(), minlength=256)
            ax.plot(values, counts, color=colour, label=colour, linewidth=1)
        ax.legend()
    ax.set_xlim(0, 255)
    ax.set_xlabel("pixel value (0 = dark, 255 = bright)")
    ax.set_ylabel("number of pixels")
    ax.set_title(title)
    return ax


def plot_matrix(matrix, ax=None, title=None, cmap="Greys", fontsize=9, symmetric=False):
    """Draw a small 2-D array as coloured cells with each value written in it (kernels, feature maps).

    symmetric: centre the colour scale on 0 (use with a diverging cmap such as "coolwarm").
    """
    matrix = require_finite(as_array(matrix, "matrix", ndim=2, dtype_kind="uifb"), "matrix")
    if matrix.size > 20 * 20:
        raise ValueError(f"matrix is {matrix.shape}; pass at most 20x20 values so the numbers stay readable.")
    _require_cmap(cmap)
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * matrix.shape[1] + 0.6, 0.45 * matrix.shape[0] + 0.6))
    values = matrix.astype(float)
    if symmetric:
        limit = max(float(np.abs(values).max()), 1e-12)
        low, high = -limit, limit
    else:
        low, high = float(values.min()), float(values.max())
    image = ax.imshow(values, cmap=cmap, vmin=low, vmax=high)
    for (row, col), value in np.ndenumerate(values):
        text = f"{value:.4g}" if not float(value).is_integer() else f"{int(value)}"
        ax.text(col, row, text, ha="center", va="center", fontsize=fontsize, color=_text_colour(image, value))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def _text_colour(image, value):
    """Return black or white, whichever reads better on the cell colour ``image`` gives ``value``."""
    red, green, blue, _ = image.cmap(image.norm(value))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _require_cmap(cmap):
    """Raise unless ``cmap`` is a matplotlib colormap or the name of one."""
    import matplotlib
    from matplotlib.colors import Colormap

    if not isinstance(cmap, Colormap) and (not isinstance(cmap, str) or cmap not in matplotlib.colormaps):
        raise ValueError(f"cmap must be a matplotlib colormap name such as 'Greys' or 'coolwarm', "
                         f"got {describe(cmap)}.")
    return cmap


def show_matrices(matrices, fontsize=9, cell_size=0.45, suptitle=None, **options):
    """Show small 2-D arrays side by side, each as plot_matrix draws it; returns the figure.

    matrices: a dict {title: 2-D array} (kernels, patches, feature maps), drawn left to right.
    cell_size: inches per cell, the same for every panel, so sizes compare at a glance.
    options: passed on to plot_matrix (cmap, symmetric).
    """
    if not isinstance(matrices, dict) or not matrices:
        raise TypeError(f"matrices must be a non-empty dict {{title: 2-D array}}, got {describe(matrices)}.")
    arrays = {str(title): require_finite(as_array(matrix, f"matrices[{title!r}]", ndim=2, dtype_kind="uifb"),
                                       f"matrices[{title!r}]") for title, matrix in matrices.items()}
    cell_size = require_number(cell_size, "cell_size", minimum=0.1, maximum=2)
    widths = [matrix.shape[1] for matrix in arrays.values()]
    height = max(matrix.shape[0] for matrix in arrays.values())
    fig, axes = plt.subplots(1, len(arrays), width_ratios=widths, squeeze=False,
                             figsize=(cell_size * sum(widths) + 1.2 * len(arrays), cell_size * height + 1.0))
    for ax, (title, matrix) in zip(axes[0], arrays.items()):
        plot_matrix(matrix, ax=ax, title=title, fontsize=fontsize, **options)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def figure_to_png(fig, dpi=72):
    """Return a figure rendered as PNG bytes and close it (widgets show it; it is not drawn twice)."""
    import io

    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure (e.g. plt.figure() or ax.figure), got {describe(fig)}.")
    dpi = require_number(dpi, "dpi", above=0, hint=" (dots per inch)")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
