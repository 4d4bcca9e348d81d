"""Convolution by hand (notebook 06): 1-D smoothing, output size, padding, 2-D convolution (loops, vectorised), pooling.

Like every deep-learning library, ``conv2d`` here slides the kernel over the
image *without flipping it*: mathematically that is a cross-correlation
(``scipy.signal.correlate2d``). A true convolution (``scipy.signal.convolve2d``)
flips the kernel first; ``flip_kernel`` makes the difference explicit.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import activations
from ._deprecation import moved_to_rooms, warn_deprecated
from ._validate import (as_array, require_axes, require_choice, require_finite, require_int, require_number_between,
                        describe)

__all__ = [
    "PADDINGS", "WINDOWS", "POOL_MODES",
    "make_random_walk", "smooth_1d", "gaussian_derivative_1d",
    "flip_kernel", "compute_output_size", "compute_same_padding", "pad_image",
    "conv2d_loops", "conv2d", "pool2d", "plot_signals",
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


# --- old names, kept until 2027-03-31 --------------------------------------------------------------

__getattr__ = moved_to_rooms(__name__, {
    "labs.kernels": {name: name for name in ("KERNELS", "apply_kernel", "describe_kernel", "WORKED_IMAGE", "WORKED_KERNEL",
                                             "DETECTOR_IMAGE", "DETECTOR_KERNEL", "POOLING_EXAMPLE", "CURVE_FILTER",
                                             "CURVE_MATCH", "CURVE_NO_MATCH", "compute_response", "show_kernels",
                                             "show_gallery", "kernel_from_entries", "show_kernel_response")}
                    | {"plot_kernels": "show_kernels", "plot_gallery": "show_gallery",
                       "plot_kernel_response": "show_kernel_response"},
    "labs.widgets": ("kernel_editor",),
})
