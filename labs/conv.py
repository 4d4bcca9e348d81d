"""Convolution by hand: 1-D smoothing, 2-D convolution (loops and vectorised), the kernel gallery, pooling.

Like every deep-learning library, ``conv2d`` here slides the kernel over the
image *without flipping it*: mathematically that is a cross-correlation
(``scipy.signal.correlate2d``). A true convolution (``scipy.signal.convolve2d``)
flips the kernel first; ``flip_kernel`` makes the difference explicit.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import activations
from ._deprecation import moved, renamed, warn_deprecated
from .plots import plot_matrix  # the same function, re-exported (it lives in labs.plots)
from ._validate import (as_array, as_image, require_axes, require_choice, require_dict, require_finite, require_int,
                        require_number, require_number_between, describe)

__all__ = [
    "PADDINGS", "WINDOWS", "POOL_MODES", "KERNELS",
    "make_random_walk", "smooth_1d", "gaussian_derivative_1d",
    "flip_kernel", "compute_output_size", "compute_same_padding", "pad_image",
    "conv2d_loops", "conv2d", "pool2d",
    "apply_kernel", "describe_kernel",
    "WORKED_IMAGE", "WORKED_KERNEL", "DETECTOR_IMAGE", "DETECTOR_KERNEL", "POOLING_EXAMPLE",
    "CURVE_FILTER", "CURVE_MATCH", "CURVE_NO_MATCH", "compute_response",
    "plot_signals", "show_kernels", "show_gallery", "kernel_from_entries", "show_kernel_response",
]

PADDINGS = ("valid", "same")
WINDOWS = ("box", "hann", "hamming")
POOL_MODES = ("max", "average")


# --- 1-D smoothing ------------------------------------------------------------------------------

def make_random_walk(num_steps=500, seed=0):
    """Return a random walk of shape (num_steps + 1,): steps of +1 or -1 plus a little noise."""
    num_steps = require_int(num_steps, "num_steps", minimum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    steps = rng.choice([-1.0, 1.0], size=num_steps) + 0.05 * rng.normal(size=num_steps)
    return np.concatenate([[0.0], np.cumsum(steps)])


def _as_signal(x):
    """Return ``x`` as a finite 1-D float array."""
    x = as_array(x, "x", ndim=1, dtype_kind="uif")
    return require_finite(x.astype(float), "x")


def smooth_1d(x, size=50, window="hann"):
    """Smooth a 1-D signal with a normalised window of ``size`` samples (output has x's shape).

    x: array of shape (N,). window: "box" (moving average), "hann" or "hamming".
    """
    from scipy import signal

    x = _as_signal(x)
    size = require_int(size, "size", minimum=1, maximum=len(x))
    window = require_choice(window, "window", WINDOWS)
    weights = np.ones(size) if window == "box" else signal.get_window(window, size, fftbins=False)
    if weights.sum() == 0:  # a 1- or 2-sample Hann window is all zeros
        weights = np.ones(size)
    return signal.convolve(x, weights / weights.sum(), mode="same")


def gaussian_derivative_1d(x, sigma=4.0):
    """Convolve a 1-D signal with the derivative of a Gaussian: smooth slope, peaks at the jumps.

    x: array of shape (N,). sigma: the Gaussian's width in samples (> 0).
    """
    from scipy.ndimage import gaussian_filter1d

    x = _as_signal(x)
    sigma = require_number_between(sigma, "sigma", 0, len(x), low_ok=False,
                                 expected=f"a number between 0 and len(x) = {len(x)}")
    return gaussian_filter1d(x, sigma, order=1)


# --- 2-D convolution ----------------------------------------------------------------------------

def flip_kernel(kernel):
    """Turn a kernel upside down and left to right: the flip that turns correlation into convolution.

    kernel: array of shape (kh, kw) or (kh, kw, ...); only the first two axes flip.
    """
    kernel = as_array(kernel, "kernel", ndim=(2, 3, 4), dtype_kind="uif")
    return kernel[::-1, ::-1].copy()


def _pair(value, name, minimum):
    """Return (along rows, along columns) from one whole number or a pair of them, as Keras takes them."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be one whole number or a pair (rows, columns) such as (2, 3), "
                             f"got {describe(value)}.")
        return tuple(require_int(v, name, minimum=minimum) for v in value)
    value = require_int(value, name, minimum=minimum)
    return value, value


def _require_padding(padding):
    """Return "valid", "same", or explicit zeros per side as ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        return require_choice(padding, "padding", PADDINGS)
    try:
        rows, cols = _pair(padding, "padding", 0)
    except (TypeError, ValueError) as error:
        raise type(error)(f"padding must be 'valid', 'same', a number of zeros such as 1, or a pair "
                          f"(rows, columns) such as (0, 1); got {describe(padding)}.") from None
    return (rows, rows), (cols, cols)


def compute_output_size(input_size, kernel_size, padding="valid", stride=1):
    """Return the output length along one axis for a kernel of ``kernel_size`` sliding with ``stride``.

    "valid": floor((input_size - kernel_size) / stride) + 1 (the kernel stays inside);
    "same": ceil(input_size / stride) (zero padding keeps the size at stride 1);
    a number p of zeros on each side: floor((input_size + 2p - kernel_size) / stride) + 1.
    """
    input_size = require_int(input_size, "input_size", minimum=1)
    kernel_size = require_int(kernel_size, "kernel_size", minimum=1)
    stride = require_int(stride, "stride", minimum=1)
    if isinstance(padding, str):
        padding = require_choice(padding, "padding", PADDINGS)
        if padding == "same":
            return math.ceil(input_size / stride)
        padding = 0
    padding = require_int(padding, "padding", minimum=0)
    if kernel_size > input_size + 2 * padding:
        raise ValueError(f"kernel_size {kernel_size} is larger than input_size {input_size}"
                         + (f" plus {2 * padding} zeros" if padding else "")
                         + "; the kernel must fit inside the (padded) input.")
    return (input_size + 2 * padding - kernel_size) // stride + 1


def compute_same_padding(input_size, kernel_size, stride=1):
    """Return (before, after): the zeros 'same' padding adds along one axis, as Keras/TensorFlow do.

    An odd total (an even kernel at stride 1, say) puts the extra zero after: below or to the right.
    """
    output_size = compute_output_size(input_size, kernel_size, "same", stride)
    total = max((output_size - 1) * stride + kernel_size - input_size, 0)
    return total // 2, total - total // 2


def _padding_per_side(shape, kernel_shape, padding, strides):
    """((top, bottom), (left, right)) for an image of ``shape`` (H, W, ...)."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        return tuple(compute_same_padding(n, k, s) for n, k, s in zip(shape[:2], kernel_shape, strides))
    return padding


def pad_image(image, kernel_shape, padding="same", stride=1):
    """Pad the first two axes of ``image`` with zeros for a (kh, kw) kernel.

    image: array of shape (H, W) or (H, W, C). padding: "same" (the output keeps ceil(H / stride) rows,
    as in Keras), "valid" (the image unchanged), or p zeros on each side (an int, or a pair (rows, columns)).
    """
    image = as_array(image, "image", ndim=(2, 3), dtype_kind="uifb")
    padding = _require_padding(padding)
    if not isinstance(kernel_shape, (tuple, list)) or len(kernel_shape) != 2:
        error = ValueError if isinstance(kernel_shape, (tuple, list)) else TypeError
        raise error(f"kernel_shape must be a pair (kh, kw) such as (3, 3), got {describe(kernel_shape)}.")
    kernel_shape = tuple(require_int(n, "kernel_shape", minimum=1) for n in kernel_shape)
    strides = _pair(stride, "stride", 1)
    pads = _padding_per_side(image.shape, kernel_shape, padding, strides)
    return np.pad(image, list(pads) + [(0, 0)] * (image.ndim - 2))


def _require_conv_inputs(image, kernel, padding, stride):
    """Validate a conv2d call; return the image padded, the kernel (as floats) and the strides."""
    image = require_finite(as_array(image, "image", ndim=(2, 3), dtype_kind="uifb").astype(float), "image")
    kernel = require_finite(as_array(kernel, "kernel", ndim=(2, 3, 4), dtype_kind="uifb").astype(float), "kernel")
    padding = _require_padding(padding)
    strides = _pair(stride, "stride", 1)
    if image.ndim == 2 and kernel.ndim != 2:
        raise ValueError(f"a 2-D (H, W) image needs a 2-D (kh, kw) kernel, got {describe(kernel)}. "
                         "For several filters pass image[..., None] and a (kh, kw, 1, filters) kernel.")
    if image.ndim == 3 and kernel.ndim == 2:
        raise ValueError(f"a multi-channel image {image.shape} needs a kernel of shape (kh, kw, {image.shape[2]}) "
                         f"or (kh, kw, {image.shape[2]}, filters), got {describe(kernel)}.")
    if image.ndim == 3 and kernel.shape[2] != image.shape[2]:
        raise ValueError(f"kernel has {kernel.shape[2]} input channel(s) but the image has {image.shape[2]}; "
                         f"kernel shape {kernel.shape} must have {image.shape[2]} on axis 2.")
    kh, kw = kernel.shape[:2]
    padded = np.pad(image, list(_padding_per_side(image.shape, (kh, kw), padding, strides))
                    + [(0, 0)] * (image.ndim - 2))
    if kh > padded.shape[0] or kw > padded.shape[1]:
        words = "the image" if padding == "valid" else "the padded image"
        raise ValueError(f"kernel is {kh}x{kw} but {words} is only {padded.shape[0]}x{padded.shape[1]}; "
                         "the kernel must fit inside the image (or use padding='same').")
    return padded, kernel, strides


def conv2d_loops(image, kernel, padding="valid", stride=1):
    """Slide ``kernel`` over ``image`` with explicit loops over output pixels (no kernel flip).

    image: array of shape (H, W) or (H, W, C). kernel: (kh, kw), (kh, kw, C) or (kh, kw, C, F).
    padding: "valid", "same" (as Keras: any kernel size, the odd zero after) or zeros per side (p or (ph, pw)).
    stride: one number or a pair (rows, columns). Returns (H', W') or (H', W', F) for a 4-D kernel.
    """
    padded, kernel, (sh, sw) = _require_conv_inputs(image, kernel, padding, stride)
    kh, kw = kernel.shape[:2]
    out_h = (padded.shape[0] - kh) // sh + 1
    out_w = (padded.shape[1] - kw) // sw + 1
    output = np.zeros((out_h, out_w) + kernel.shape[padded.ndim:])
    for row in range(out_h):
        for col in range(out_w):
            patch = padded[row * sh: row * sh + kh, col * sw: col * sw + kw]
            if kernel.ndim == padded.ndim:  # one filter: multiply and add up
                output[row, col] = np.sum(patch * kernel)
            else:  # several filters: one sum per filter
                output[row, col] = np.tensordot(patch, kernel, axes=3)
    return output


def conv2d(image, kernel, padding="valid", stride=1):
    """Slide ``kernel`` over ``image``, vectorised with sliding_window_view and einsum (no kernel flip).

    image: array of shape (H, W) or (H, W, C). kernel: (kh, kw), (kh, kw, C) or (kh, kw, C, F).
    padding: "valid", "same" (as Keras: any kernel size, the odd zero after) or zeros per side (p or (ph, pw)).
    stride: one number or a pair (rows, columns). Returns (H', W') or (H', W', F) for a 4-D kernel.
    """
    padded, kernel, (sh, sw) = _require_conv_inputs(image, kernel, padding, stride)
    windows = sliding_window_view(padded, kernel.shape[:2], axis=(0, 1))[::sh, ::sw]
    if padded.ndim == 2:  # windows: (H', W', kh, kw)
        return np.einsum("ijkl,kl->ij", windows, kernel)
    if kernel.ndim == 3:  # windows: (H', W', C, kh, kw)
        return np.einsum("ijckl,klc->ij", windows, kernel)
    return np.einsum("ijckl,klcf->ijf", windows, kernel, optimize=True)


def relu(x):
    """Deprecated: use labs.activations.relu(z)."""
    warn_deprecated("labs.conv.relu(x)", "labs.activations.relu(z)")
    return activations.relu(require_finite(as_array(x, "x", dtype_kind="uif"), "x"))


def pool2d(feature_map, size=2, stride=None, mode="max", padding="valid"):
    """Summarise each window of a feature map by its maximum or average.

    feature_map: array of shape (H, W) or (H, W, C); each channel is pooled on its own.
    size and stride: one number or a pair (rows, columns); stride defaults to size.
    padding: "valid", "same" (partial windows at the border, ceil(H / stride) rows, as Keras) or a number
    of cells per side (p or (ph, pw)). Padded cells never count: a border window summarises only real
    values (as TensorFlow does; PyTorch's average pooling counts them as zeros unless count_include_pad=False).
    """
    feature_map = require_finite(as_array(feature_map, "feature_map", ndim=(2, 3), dtype_kind="uifb")
                               .astype(float), "feature_map")
    size = _pair(size, "size", 1)
    strides = size if stride is None else _pair(stride, "stride", 1)
    mode = require_choice(mode, "mode", POOL_MODES)
    padding = _require_padding(padding)
    pads = _padding_per_side(feature_map.shape, size, padding, strides)
    if padding != "same" and any(p >= k for (p, _), k in zip(pads, size)):
        raise ValueError(f"padding {padding} leaves windows with no real value in a {size[0]}x{size[1]} window; "
                         "pad less than the window size.")
    padded = np.pad(feature_map, list(pads) + [(0, 0)] * (feature_map.ndim - 2), constant_values=np.nan)
    if size[0] > padded.shape[0] or size[1] > padded.shape[1]:
        raise ValueError(f"size {size[0]}x{size[1]} is larger than the feature map {feature_map.shape[:2]}; "
                         "use a smaller window or padding='same'.")
    # NaN padding: the border windows summarise only real values
    windows = sliding_window_view(padded, size, axis=(0, 1))[::strides[0], ::strides[1]]
    summarise = np.nanmax if mode == "max" else np.nanmean
    return summarise(windows, axis=(-2, -1))


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

def plot_signals(x, signals, ax=None, title="A random walk and filtered versions"):
    """Plot a 1-D signal and named filtered versions of it on one axes.

    x: array of shape (N,). signals: dict name -> array of shape (N,).
    """
    import matplotlib.pyplot as plt

    x = _as_signal(x)
    if not isinstance(signals, dict):
        raise TypeError(f"signals must be a dict name -> array (N,), e.g. {{'smoothed': y}} or {{}}, "
                        f"got {describe(signals)}.")
    signals = {name: as_array(values, f"signals[{name!r}]", shape=(len(x),), dtype_kind="uif")
               for name, values in signals.items()}
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    ax.plot(x, color="0.6", linewidth=1, label="signal")
    for name, values in signals.items():
        ax.plot(values, linewidth=1.5, label=name)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return ax


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


# --- old names, kept until 2027-03-31 --------------------------------------------------------------

plot_kernels = renamed(__name__, "plot_kernels", "show_kernels")
plot_gallery = renamed(__name__, "plot_gallery", "show_gallery")
plot_kernel_response = renamed(__name__, "plot_kernel_response", "show_kernel_response")
__getattr__ = moved(__name__, ("kernel_editor",), "labs.widgets")
