"""Figures: image grids, pixel values, histograms. ``plot_*`` take ax=None and return the axes."""

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_array, check_int

__all__ = ["show_images", "plot_image", "plot_pixel_values", "plot_histogram", "figure_to_png"]


def _new_axes(ax, figsize=(4, 3)):
    """Return ``ax`` or a fresh axes in a new figure."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_image(image, title=None, ax=None):
    """Draw one image (greyscale (H, W) or colour (H, W, 3)) without axis ticks."""
    image = as_array(image, "image", ndim=(2, 3), dtype_kind="uif")
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


def show_images(images, titles=None, ncols=8, size=1.4, suptitle=None):
    """Show images in a grid, each with its title; returns the figure.

    images: array of shape (N, H, W) or (N, H, W, 3), or a list of such images.
    titles: None or N strings/numbers shown above the images.
    """
    if images is None or len(images) == 0:
        raise ValueError("images is empty; pass at least one image.")
    ncols = check_int(ncols, "ncols", minimum=1)
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries but there are {len(images)} images.")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if suptitle else 0)),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < len(images):
            plot_image(images[index], None if titles is None else titles[index], ax=ax)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_pixel_values(image, ax=None, fontsize=7):
    """Draw a small greyscale image with each pixel's value written on it."""
    image = as_array(image, "image", ndim=2, dtype_kind="uif")
    if image.size > 40 * 40:
        raise ValueError(f"image is {image.shape}; pass a crop of at most 40x40 pixels so the numbers are readable.")
    ax = plot_image(image, ax=_new_axes(ax, figsize=(6, 6)))
    threshold = (float(image.max()) + float(image.min())) / 2
    for (row, col), value in np.ndenumerate(image):
        colour = "black" if value > threshold else "white"
        ax.text(col, row, f"{value:g}" if image.dtype.kind == "f" else str(value),
                ha="center", va="center", fontsize=fontsize, color=colour)
    return ax


def plot_histogram(image, ax=None, title="Intensity histogram"):
    """Plot how often each value 0-255 occurs, one line per channel for colour images."""
    image = as_array(image, "image", ndim=(2, 3), dtype_kind="u")
    ax = _new_axes(ax)
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


def figure_to_png(fig, dpi=72):
    """Return a figure rendered as PNG bytes and close it (widgets show it; it is not drawn twice)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
