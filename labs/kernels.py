"""Kernels as filters and detectors (notebook 06): the photo-filter gallery, the worked examples, their figures.

A kernel here is a small 2-D array of weights that ``labs.conv.conv2d`` slides over an image
(without flipping it, as every deep-learning library does).
"""

import numpy as np

from .conv import conv2d
from .plots import plot_matrix
from ._validate import as_array, as_image, require_dict, require_finite, require_int, require_number

__all__ = [
    "KERNELS", "apply_kernel", "describe_kernel",
    "WORKED_IMAGE", "WORKED_KERNEL", "DETECTOR_IMAGE", "DETECTOR_KERNEL", "POOLING_EXAMPLE",
    "CURVE_FILTER", "CURVE_MATCH", "CURVE_NO_MATCH", "compute_response",
    "show_kernels", "show_gallery", "kernel_from_entries", "show_kernel_response",
]


# --- the kernel gallery -------------------------------------------------------------------------

_GAUSSIAN_5 = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(float)

KERNELS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "edge_diagonal": np.array([[1, 0, -1], [0, 0, 0], [-1, 0, 1]], dtype=float),
    "edge_4_neighbour": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
    "edge_8_neighbour": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "box_blur": np.ones((3, 3)) / 9,
    "gaussian_3x3": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16,
    "gaussian_5x5": _GAUSSIAN_5 / 256,
    # unsharp masking: 2 x image - blurred image, with the 5x5 Gaussian as the blur
    "unsharp_5x5": (np.pad([[512.0]], 2) - _GAUSSIAN_5) / 256,
}


def apply_kernel(image, kernel):
    """Filter a photo with a 2-D kernel ('same' size); colour images are filtered channel by channel.

    image: uint8 array of shape (H, W) or (H, W, 3), values 0-255. kernel: odd-sized (kh, kw).
    The photo is extended by mirroring its border (not by zeros) so the frame does not show up as
    an edge. Returns floats on the 0-1 scale (edge detectors give negative values too).
    """
    image = as_image(image, "image")  # uint8, or floats 0-1 (0-255 floats are refused)
    kernel = _require_photo_kernel(kernel)
    kh, kw = kernel.shape
    scale = 255.0 if image.dtype == np.uint8 else 1.0
    pads = [(kh // 2, kh // 2), (kw // 2, kw // 2)]
    channels = [image] if image.ndim == 2 else [image[..., c] for c in range(image.shape[2])]
    filtered = [conv2d(np.pad(channel / scale, pads, mode="symmetric"), kernel) for channel in channels]
    return filtered[0] if image.ndim == 2 else np.stack(filtered, axis=-1)


def _require_photo_kernel(kernel, name="kernel"):
    """Return ``kernel`` as a finite, odd-sized 2-D array (kh, kw), or raise naming ``name``."""
    kernel = require_finite(as_array(kernel, name, ndim=2, dtype_kind="uif"), name)
    kh, kw = kernel.shape
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(f"{name} must be odd-sized (3x3, 5x5, ...) so it has a centre pixel; got {kh}x{kw}.")
    return kernel


def _require_kernel_dict(kernels, check=None):
    """Return the dict name -> kernel (default KERNELS), each checked and named kernels[name] in messages."""
    kernels = KERNELS if kernels is None else require_dict(kernels, "kernels", example="{'blur': np.ones((3, 3)) / 9}")
    check = check or (lambda kernel, name: require_finite(as_array(kernel, name, ndim=2, dtype_kind="uif"), name))
    return {name: check(kernel, f"kernels[{name!r}]") for name, kernel in kernels.items()}


def _draw_response(ax, response, kernel):
    """Draw a filter response on ``ax``: signed on a diverging map for a negative-sum kernel, else as a photo.

    A kernel whose weights sum to less than 0 turns flat regions negative; clipped to 0-1 they would all
    be black, so the signed result is shown instead (grey average of the channels): blue below 0, red above.
    """
    if float(np.sum(kernel)) < -1e-9:
        signed = response if response.ndim == 2 else response.mean(axis=-1)
        limit = max(float(np.percentile(np.abs(signed), 99.5)), 1e-12)
        ax.imshow(signed, cmap="RdBu_r", vmin=-limit, vmax=limit)
    else:
        ax.imshow(_for_display(response, kernel), cmap="gray", vmin=0, vmax=1)


def _for_display(response, kernel):
    """Map a filter response to 0-1 for display: clipped, or |response| stretched for zero-sum kernels."""
    if abs(float(np.sum(kernel))) > 1e-9:
        return np.clip(response, 0, 1)
    magnitude = np.abs(response)
    return np.clip(magnitude / max(float(np.percentile(magnitude, 99.5)), 1e-12), 0, 1)


def describe_kernel(kernel):
    """Say in words what a kernel's sum does to brightness (1 keeps it, 0 keeps only changes)."""
    kernel = require_finite(as_array(kernel, "kernel", ndim=2, dtype_kind="uif"), "kernel")
    total = float(np.sum(kernel))
    if abs(total - 1) < 1e-9:
        effect = "keeps the overall brightness (flat regions stay as they are)"
    elif abs(total) < 1e-9:
        effect = "turns flat regions black and keeps only changes (edges)"
    elif total > 1:
        effect = "brightens the image"
    else:
        effect = ("darkens the image" if total > 0 else
                  "inverts flat regions: bright areas come out negative (the filtered picture shows the signed "
                  "result, blue below 0 and red above)")
    return f"weights sum to {total:g}: {effect}."


# --- the worked examples ------------------------------------------------------------------------

# A 5x5 binary image and a 3x3 kernel: the 'valid' feature map is [[4, 3, 4], [2, 4, 3], [2, 3, 4]].
WORKED_IMAGE = np.array([[1, 1, 1, 0, 0],
                         [0, 1, 1, 1, 0],
                         [0, 0, 1, 1, 1],
                         [0, 0, 1, 1, 0],
                         [0, 1, 1, 0, 0]])
WORKED_KERNEL = np.array([[1, 0, 1],
                          [0, 1, 0],
                          [1, 0, 1]])

# A 7x7 image (a face of dots) and a 3x3 feature detector: convolution, ReLU, pooling, flattening.
DETECTOR_IMAGE = np.array([[0, 0, 0, 0, 0, 0, 0],
                           [0, 1, 0, 0, 0, 1, 0],
                           [0, 0, 0, 0, 0, 0, 0],
                           [0, 0, 0, 1, 0, 0, 0],
                           [0, 1, 0, 0, 0, 1, 0],
                           [0, 0, 1, 1, 1, 0, 0],
                           [0, 0, 0, 0, 0, 0, 0]])
DETECTOR_KERNEL = np.array([[0, 0, 1],
                            [1, 0, 0],
                            [0, 1, 1]])

# A 4x4 feature map to pool 2x2.
POOLING_EXAMPLE = np.array([[4, 6, 1, 3],
                            [0, 8, 12, 9],
                            [2, 3, 16, 100],
                            [1, 46, 74, 27]])

# A 7x7 curve-detector filter and two 7x7 image patches: one with the curve, one without.
CURVE_FILTER = np.zeros((7, 7), dtype=int)
CURVE_FILTER[[0, 1, 2, 3, 4, 5], [5, 4, 3, 3, 3, 3]] = 30
CURVE_MATCH = np.array([[0, 0, 0, 0, 0, 0, 30],
                        [0, 0, 0, 0, 50, 50, 50],
                        [0, 0, 0, 20, 50, 0, 0],
                        [0, 0, 0, 50, 50, 0, 0],
                        [0, 0, 0, 50, 50, 0, 0],
                        [0, 0, 0, 50, 50, 0, 0],
                        [0, 0, 0, 50, 50, 0, 0]])
CURVE_NO_MATCH = np.array([[0, 0, 0, 0, 0, 0, 0],
                           [0, 40, 0, 0, 0, 0, 0],
                           [40, 0, 40, 0, 0, 0, 0],
                           [40, 20, 0, 0, 0, 0, 0],
                           [0, 50, 0, 0, 0, 0, 0],
                           [0, 0, 50, 0, 0, 0, 0],
                           [25, 25, 0, 50, 0, 0, 0]])


def compute_response(patch, kernel):
    """Return the filter's response at one position: the sum of patch * kernel, elementwise.

    patch, kernel: arrays of the same shape (kh, kw).
    """
    kernel = require_finite(as_array(kernel, "kernel", ndim=2, dtype_kind="uifb"), "kernel")
    patch = require_finite(as_array(patch, "patch", ndim=2, dtype_kind="uifb"), "patch")
    if patch.shape != kernel.shape:
        raise ValueError(f"patch has shape {patch.shape} but kernel has shape {kernel.shape}; they must match.")
    return np.sum(patch * kernel).item()


# --- figures ------------------------------------------------------------------------------------

def _integer_scale(kernel):
    """Return the smallest f in 1, 9, 16, 256 that makes kernel * f whole numbers (1 if none does)."""
    for factor in (1, 9, 16, 256):
        scaled = np.asarray(kernel, dtype=float) * factor
        if np.allclose(scaled, np.round(scaled)):
            return factor
    return 1


def show_kernels(kernels=None, size=2.0):
    """Draw each named kernel as a grid of its weights (shown as whole numbers x 1/f); returns the figure.

    kernels: dict name -> 2-D array; default KERNELS. A 3x3 kernel is ``size`` inches wide and a
    larger kernel grows with it (same cell size), so every number stays legible; rows hold 16 cells.
    """
    import matplotlib.pyplot as plt

    kernels = _require_kernel_dict(kernels)
    for name, kernel in kernels.items():
        if kernel.size > 20 * 20:
            raise ValueError(f"kernels[{name!r}] is {kernel.shape}; show_kernels draws kernels of at most 20x20.")
    size = require_number(size, "size", above=0, hint=" (inches per kernel)")
    rows = _rows_of_kernels(kernels, max_cells=max(16, *(k.shape[1] for k in kernels.values())))
    width = max(sum(k.shape[1] for _, k in row) for row in rows)
    heights = [max(k.shape[0] for _, k in row) + 1.5 for row in rows]  # 1.5 cells for the title
    cell = size / 3
    fig = plt.figure(figsize=(cell * width, cell * sum(heights)))
    grid = fig.add_gridspec(len(rows), width, height_ratios=heights)
    for r, row in enumerate(rows):
        start = 0
        for name, kernel in row:
            ax = fig.add_subplot(grid[r, start:start + kernel.shape[1]])
            start += kernel.shape[1]
            factor = _integer_scale(kernel)
            plot_matrix(np.round(np.asarray(kernel) * factor, 6), ax=ax, cmap="coolwarm", symmetric=True,
                        fontsize=10)
            ax.set_title(name if factor == 1 else f"{name} (x 1/{factor})", fontsize=10)
    fig.tight_layout()
    return fig


def _rows_of_kernels(kernels, max_cells):
    """Split the (name, kernel) pairs into rows, in order, of at most ``max_cells`` kernel columns each."""
    rows, used = [[]], 0
    for name, kernel in kernels.items():
        if rows[-1] and used + kernel.shape[1] > max_cells:
            rows.append([])
            used = 0
        rows[-1].append((name, kernel))
        used += kernel.shape[1]
    return rows


def show_gallery(image, kernels=None, ncols=3, size=3.0):
    """Apply each named kernel to ``image`` and show the results in a grid; returns the figure.

    image: uint8 array of shape (H, W) or (H, W, 3). kernels: dict name -> (kh, kw); default KERNELS.
    Responses are clipped to the 0-1 display range; for edge detectors (weights summing to 0) the
    size of the response, |response|, is shown stretched so the edges are visible; a kernel summing
    to less than 0 shows its signed response on a blue-red map.
    """
    import matplotlib.pyplot as plt

    image = as_image(image, "image")  # uint8, or floats 0-1 (0-255 floats are refused)
    kernels = _require_kernel_dict(kernels, _require_photo_kernel)
    ncols = require_int(ncols, "ncols", minimum=1)
    size = require_number(size, "size", above=0, hint=" (inches per picture)")
    nrows = -(-len(kernels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax, (name, kernel) in zip(axes.flat, kernels.items()):
        _draw_response(ax, apply_kernel(image, kernel), kernel)
        ax.set_title(f"{name} ({kernel.shape[0]}x{kernel.shape[1]})")
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.flat[len(kernels):]:
        ax.axis("off")
    fig.suptitle("The kernel gallery (edge detectors show |response|, stretched)")
    fig.tight_layout()
    return fig


# --- the kernel editor --------------------------------------------------------------------------

def kernel_from_entries(entries):
    """Turn the editor's 9 numbers (row by row) into a 3x3 kernel; reject anything else clearly."""
    values = require_finite(as_array(entries, "entries", ndim=(1, 2), dtype_kind="uif").astype(float), "entries")
    if values.size != 9:
        raise ValueError(f"entries must hold 9 numbers (a 3x3 kernel, row by row), got {values.size}.")
    return values.reshape(3, 3)


def show_kernel_response(image, kernel, title=None):
    """Show a kernel's weights, the photo, and the photo filtered by it side by side; returns the figure.

    image: uint8 array of shape (H, W) or (H, W, 3). kernel: odd-sized (kh, kw).
    """
    import matplotlib.pyplot as plt

    image = as_image(image, "image", scale="uint8")
    kernel = _require_photo_kernel(kernel)
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(10, 3.6), width_ratios=[0.8, 1, 1])
    plot_matrix(np.asarray(kernel), ax=left, title=f"kernel (weights sum to {float(np.sum(kernel)):g})",
                cmap="coolwarm", symmetric=True)
    middle.imshow(image, cmap="gray", vmin=0, vmax=255)
    _draw_response(right, apply_kernel(image, kernel), kernel)
    signed = float(np.sum(kernel)) < -1e-9
    for ax, name in [(middle, "original"), (right, (title or "filtered") + (" (signed: blue < 0 < red)" if signed
                                                                              else ""))]:
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
