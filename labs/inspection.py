"""Looking inside a CNN (notebook 11): its filters, feature maps and their sparsity, filter patterns, their figures.

    kernel = model.get_layer("conv_1").get_weights()[0]
    labs.inspection.compute_filter_images(kernel)                         # filters as 0-1 pictures
    labs.inspection.compute_activations(model, image, ["conv_1", "conv_2"])     # feature maps per layer

``image`` is one model-ready image (H, W, C), scaled as the model expects (prepare_images for the
small CNN, labs.pretrained.preprocess_input for ImageNet bases). Maps come back as float64 NumPy arrays.
"""

import numpy as np

from ._keras import import_keras
from ._validate import (as_array, describe, require_axes, require_feature_map_layer, require_finite, require_image_model,
                        require_int, require_layer, require_model_input, require_number)

__all__ = ["conv_layer_names", "compute_filter_images", "compute_activations", "compute_sparsity",
           "compute_filter_pattern", "show_filters", "show_feature_maps", "plot_sparsity", "show_filter_view"]


def conv_layer_names(model):
    """Return the names of the layers of ``model`` whose output is a feature map (N, h, w, channels)."""
    require_image_model(model, scores=False)
    return [layer.name for layer in model.layers
            if type(layer).__name__ != "InputLayer" and len(tuple(layer.output.shape)) == 4]


# --- filters and feature maps -------------------------------------------------------------------

def compute_filter_images(kernel):
    """Turn a convolution kernel into one picture per filter, each stretched to 0-1.

    kernel: array (kh, kw, in_channels, filters), e.g. layer.get_weights()[0]. Returns
    (filters, kh, kw, 3) for colour (3 input channels), else (filters, kh, kw) from the
    mean over input channels. Each filter is scaled on its own: 0.5 is a zero weight, and
    the largest absolute weight reaches 0 or 1.
    """
    kernel = require_finite(as_array(kernel, "kernel", ndim=4, dtype_kind="uif"), "kernel").astype(np.float64)
    pictures = np.moveaxis(kernel, 3, 0)  # (filters, kh, kw, in)
    if kernel.shape[2] != 3:
        pictures = pictures.mean(axis=3)
    scale = np.abs(pictures).reshape(len(pictures), -1).max(axis=1)
    scale = np.where(scale > 0, scale, 1.0).reshape((-1,) + (1,) * (pictures.ndim - 1))
    return 0.5 + 0.5 * pictures / scale


def compute_activations(model, image, layer_names):
    """Return {layer name: its output for one image}, each a float64 array (h, w, channels) or (units,).

    layer_names: names of layers of ``model`` (conv_layer_names(model) lists the feature maps).
    """
    model = require_image_model(model, scores=False)
    image = require_model_input(image, model)
    if isinstance(layer_names, str):
        layer_names = [layer_names]
    if not isinstance(layer_names, (list, tuple)) or not layer_names:
        raise TypeError(f"layer_names must be a non-empty list of layer names, got {describe(layer_names)}.")
    layers = [require_layer(model, name, "layer_names") for name in layer_names]
    keras = import_keras()
    probe = keras.Model(model.inputs[0], [layer.output for layer in layers])
    outputs = probe(image[None], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {name: np.asarray(out, dtype=np.float64)[0] for name, out in zip(layer_names, outputs)}


def compute_sparsity(activations):
    """Return {layer name: fraction of its activations that are exactly zero} for compute_activations' dict."""
    if not isinstance(activations, dict) or not activations:
        raise TypeError(f"activations must be a non-empty dict {{layer name: array}}, got {describe(activations)}.")
    return {name: float(np.mean(as_array(values, f"activations[{name!r}]", dtype_kind="uif") == 0))
            for name, values in activations.items()}


# --- patterns that excite a filter ------------------------------------------------------------

def compute_filter_pattern(model, layer_name, filter_index, steps=30, learning_rate=0.1, seed=0,
                           blur_every=4, decay=1e-3):
    """Find an input that excites one filter: gradient ascent on the image (float32 at the model's input).

    Maximises the mean activation of ``filter_index`` in ``layer_name`` (away from the border),
    starting from faint noise; every step moves the image by learning_rate times the gradient divided
    by its standard deviation (so the step does not depend on the gradient's scale; pixels stay in
    -1..1), and the regularisers keep the
    picture readable: L2 decay pulls pixels to 0, and every ``blur_every`` steps a light Gaussian
    blur removes the high-frequency noise (0: no blur). Returns the image (H, W, C) stretched
    to 0-1 for display, as in keras-io's "Visualizing what convnets learn".
    """
    import tensorflow as tf
    from scipy import ndimage

    model = require_image_model(model, scores=False)
    layer = require_feature_map_layer(model, layer_name)
    channels = int(layer.output.shape[-1])
    filter_index = require_int(filter_index, "filter_index", minimum=0, maximum=channels - 1)
    steps = require_int(steps, "steps", minimum=1, maximum=10000)
    learning_rate = require_number(learning_rate, "learning_rate", above=0)
    seed = require_int(seed, "seed", minimum=0)
    blur_every = require_int(blur_every, "blur_every", minimum=0)
    decay = require_number(decay, "decay", minimum=0, below=1)
    probe = import_keras().Model(model.inputs[0], layer.output)
    shape = tuple(model.inputs[0].shape[1:])
    image = tf.Variable(np.random.default_rng(seed).uniform(-0.1, 0.1, (1,) + shape).astype(np.float32))
    h, w = int(layer.output.shape[1]), int(layer.output.shape[2])
    margin_h, margin_w = h // 8, w // 8
    for step in range(steps):
        with tf.GradientTape() as tape:
            response = probe(image, training=False)[:, margin_h:h - margin_h, margin_w:w - margin_w, filter_index]
            objective = tf.reduce_mean(response)
        grads = tape.gradient(objective, image)
        grads = grads / (tf.math.reduce_std(grads) + 1e-8)
        image.assign(tf.clip_by_value((1 - decay) * image + learning_rate * grads, -1.0, 1.0))
        if blur_every and (step + 1) % blur_every == 0 and step + 1 < steps:
            image.assign(ndimage.gaussian_filter(image.numpy(), sigma=(0, 0.5, 0.5, 0)))
    pattern = image.numpy()[0].astype(np.float64)
    pattern = pattern[margin_h * shape[0] // h:shape[0] - margin_h * shape[0] // h or None,
                      margin_w * shape[1] // w:shape[1] - margin_w * shape[1] // w or None]
    low, high = pattern.min(), pattern.max()
    return (pattern - low) / (high - low) if high > low else np.full_like(pattern, 0.5)


# --- figures ------------------------------------------------------------------------------------

def show_filters(kernel, ncols=8, title=None, size=0.8):
    """Show every filter of a convolution kernel (kh, kw, in, filters) as a small picture; return the figure."""
    import matplotlib.pyplot as plt

    pictures = compute_filter_images(kernel)
    ncols = require_int(ncols, "ncols", minimum=1)
    nrows = -(-len(pictures) // ncols)
    height = nrows * size + 0.6
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, height), squeeze=False)
    fig.subplots_adjust(top=1 - 0.55 / height, hspace=0.35)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < len(pictures):
            ax.imshow(pictures[k], cmap="gray" if pictures.ndim == 3 else None, vmin=0, vmax=1)
            ax.set_title(str(k), fontsize=7)
    fig.suptitle(title or f"{len(pictures)} filters, {kernel.shape[0]}x{kernel.shape[1]} "
                 f"(grey 0.5 = weight 0)")
    return fig


def show_feature_maps(activations, num_maps=8, size=1.1, title=None):
    """Show the first ``num_maps`` channels of each feature map in {layer: (h, w, c)}, one row per layer."""
    import matplotlib.pyplot as plt

    if not isinstance(activations, dict) or not activations:
        raise TypeError(f"activations must be a non-empty dict {{layer name: (h, w, channels)}}, "
                        f"got {describe(activations)}.")
    maps = {name: as_array(value, f"activations[{name!r}]", ndim=3, dtype_kind="uif")
            for name, value in activations.items()}
    num_maps = require_int(num_maps, "num_maps", minimum=1)
    fig, axes = plt.subplots(len(maps), num_maps, figsize=(num_maps * size, len(maps) * size + 0.5), squeeze=False)
    for row, (name, values) in zip(axes, maps.items()):
        for k, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            if k < values.shape[2]:
                ax.imshow(values[..., k], cmap="viridis")
            if k == 0:
                ax.set_ylabel(f"{name}\n{values.shape[0]}x{values.shape[1]}", fontsize=7)
    fig.suptitle(title or f"Activation maps: the first {num_maps} channels of each layer")
    return fig


def plot_sparsity(sparsity, ax=None, title="Fraction of zero activations per layer", label=None):
    """Plot {layer name: fraction of zeros} (compute_sparsity) as a line over the layers; return the axes."""
    if not isinstance(sparsity, dict) or not sparsity:
        raise TypeError(f"sparsity must be a non-empty dict {{layer name: fraction}}, got {describe(sparsity)}.")
    values = [require_number(v, f"sparsity[{k!r}]", minimum=0, maximum=1) for k, v in sparsity.items()]
    require_axes(ax)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3))
    ax.plot(range(len(values)), values, marker="o", label=label)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(list(sparsity), rotation=45, ha="right", fontsize=7)
    ax.set(ylim=(0, 1), ylabel="fraction of zeros", xlabel="layer (input side → output side)", title=title)
    return ax


def show_filter_view(model, image, layer_name, filter_index, pattern=None):
    """Show one filter of a layer: its kernel (first layer only), its activation on ``image``, its pattern."""
    import matplotlib.pyplot as plt

    model = require_image_model(model, scores=False)
    layer = require_feature_map_layer(model, layer_name)
    channels = int(layer.output.shape[-1])
    filter_index = require_int(filter_index, "filter_index", minimum=0, maximum=channels - 1)
    activation = compute_activations(model, image, [layer_name])[layer_name][..., filter_index]
    panels = 2 + (pattern is not None)
    fig, axes = plt.subplots(1, panels, figsize=(2.6 * panels, 2.8))
    weights = layer.get_weights()
    if weights and np.ndim(weights[0]) == 4 and weights[0].shape[2] in (1, 3):
        picture = compute_filter_images(weights[0])[filter_index]
        axes[0].imshow(picture, cmap="gray" if picture.ndim == 2 else None, vmin=0, vmax=1)
        axes[0].set_title(f"filter {filter_index} ({weights[0].shape[0]}×{weights[0].shape[1]})")
    else:
        axes[0].text(0.5, 0.5, "filter on many channels:\nnot a picture", ha="center", va="center", fontsize=8)
        axes[0].set_title(f"filter {filter_index}")
    axes[1].imshow(activation, cmap="viridis")
    axes[1].set_title(f"activation {activation.shape[0]}×{activation.shape[1]}, max {activation.max():.2f}")
    if pattern is not None:
        pattern = np.asarray(pattern)
        axes[2].imshow(pattern[..., 0] if pattern.shape[-1] == 1 else pattern, cmap="gray")
        axes[2].set_title("input that excites it most")
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    fig.suptitle(f"{layer_name}, filter {filter_index}")
    return fig
