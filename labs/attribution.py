"""Which pixels a class score depends on (notebook 11): saliency, SmoothGrad, Grad-CAM, occlusion, their figures.

    labs.attribution.compute_saliency(model, image, class_index)
    labs.attribution.compute_gradcam(model, image, class_index, "top_activation")
    labs.attribution.compute_box_mass(labs.attribution.resize_heatmap(heatmap, (224, 224)), box)

``image`` is one model-ready image (H, W, C), scaled as the model expects (prepare_images for the
small CNN, labs.pretrained.preprocess_input for ImageNet bases). A ``model`` is a Keras model whose
output is (N, classes): use logits (load_base(classifier_activation=None)) when the softmax
saturates. Maps come back as float64 NumPy arrays.
"""

import numpy as np

from ._keras import import_keras
from ._validate import (as_array, as_image, describe, require_axes, require_class_index, require_feature_map_layer,
                        require_finite, require_image_batch, require_image_model, require_int, require_model_input,
                        require_number)

__all__ = ["compute_class_scores", "compute_input_gradients", "compute_saliency", "compute_smoothgrad",
           "compute_gradcam", "compute_occlusion", "resize_heatmap", "compute_box_mass",
           "plot_heatmap", "show_explanations"]


def compute_class_scores(model, images):
    """Return the model's outputs (N, classes) for a batch of model-ready images, as float64."""
    model = require_image_model(model)
    images = require_image_batch(images, model)
    return np.asarray(model(images, training=False), dtype=np.float64)


def compute_input_gradients(model, images, class_index):
    """Return d(score of class_index)/d(input) for a batch of model-ready images, as float64 (N, H, W, C)."""
    model = require_image_model(model)
    images = require_image_batch(images, model)
    return _input_gradients(model, images, require_class_index(class_index, model))


def _input_gradients(model, images, class_index):
    """Return d(score of class_index)/d(input) for a batch of float32 images, as float64 (N, H, W, C)."""
    import tensorflow as tf

    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)[:, class_index]
    return np.asarray(tape.gradient(scores, x), dtype=np.float64)


def compute_saliency(model, image, class_index):
    """Return the vanilla-gradient saliency map (H, W): max over channels of |d score / d pixel|.

    class_index: the output whose score is explained (e.g. the predicted class).
    """
    model = require_image_model(model)
    image = require_model_input(image, model)
    class_index = require_class_index(class_index, model)
    return np.abs(_input_gradients(model, image[None], class_index)[0]).max(axis=-1)


def compute_smoothgrad(model, image, class_index, num_samples=20, noise=0.15, seed=0, batch_size=10):
    """Return the SmoothGrad map (H, W): the vanilla saliency averaged over noisy copies of the image.

    noise: the Gaussian noise's standard deviation as a fraction of the image's value range
    (max - min); num_samples copies, drawn with ``seed``, in batches of ``batch_size``.
    """
    model = require_image_model(model)
    image = require_model_input(image, model)
    class_index = require_class_index(class_index, model)
    num_samples = require_int(num_samples, "num_samples", minimum=1, maximum=1000)
    noise = require_number(noise, "noise", minimum=0, maximum=1, hint=" (a fraction of the value range)")
    seed = require_int(seed, "seed", minimum=0)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    sigma = noise * float(image.max() - image.min())
    total = np.zeros(image.shape[:2])
    for start in range(0, num_samples, batch_size):
        count = min(batch_size, num_samples - start)
        noisy = (image[None] + rng.normal(0, sigma, (count,) + image.shape)).astype(np.float32)
        total += np.abs(_input_gradients(model, noisy, class_index)).max(axis=-1).sum(axis=0)
    return total / num_samples


def compute_gradcam(model, image, class_index, layer_name):
    """Return the Grad-CAM heatmap (h, w) of a convolutional layer, scaled to 0-1 (all zero if no evidence).

    Weights each channel of the layer's output by the mean gradient of the class score with
    respect to it, sums, and keeps the positive part (Selvaraju et al. 2017; keras-io's
    "Grad-CAM class activation visualization"). Upsample with resize_heatmap to overlay it.
    """
    import tensorflow as tf

    model = require_image_model(model)
    image = require_model_input(image, model)
    class_index = require_class_index(class_index, model)
    layer = require_feature_map_layer(model, layer_name, purpose="a convolutional feature map Grad-CAM can weigh")
    grad_model = import_keras().Model(model.inputs[0], [layer.output, model.outputs[0]])
    with tf.GradientTape() as tape:
        feature_maps, scores = grad_model(image[None], training=False)
        score = scores[:, class_index]
    grads = tape.gradient(score, feature_maps)
    weights = tf.reduce_mean(grads, axis=(0, 1, 2))  # one importance per channel
    heatmap = np.asarray(feature_maps[0] @ weights[..., None], dtype=np.float64)[..., 0]
    heatmap = np.maximum(heatmap, 0)
    return heatmap / heatmap.max() if heatmap.max() > 0 else heatmap


def compute_occlusion(model, image, class_index, patch_size=8, stride=4, fill=None, batch_size=64):
    """Return the occlusion map (rows, cols): how much the class score drops when a patch is greyed out.

    The patch (patch_size x patch_size, filled with ``fill``, default the image's mean) slides
    with ``stride``; entry (i, j) covers image[i*stride : i*stride+patch_size, j*stride : ...].
    rows = (H - patch_size) // stride + 1, likewise cols. Positive: the patch helped the class.
    """
    model = require_image_model(model)
    image = require_model_input(image, model)
    class_index = require_class_index(class_index, model)
    height, width = image.shape[:2]
    patch_size = require_int(patch_size, "patch_size", minimum=1, maximum=min(height, width))
    stride = require_int(stride, "stride", minimum=1)
    fill = float(image.mean()) if fill is None else require_number(fill, "fill")
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    rows, cols = (height - patch_size) // stride + 1, (width - patch_size) // stride + 1
    base = compute_class_scores(model, image[None])[0, class_index]
    positions = [(i, j) for i in range(rows) for j in range(cols)]
    drops = np.zeros(len(positions))
    for start in range(0, len(positions), batch_size):
        batch = np.repeat(image[None], len(positions[start:start + batch_size]), axis=0)
        for k, (i, j) in enumerate(positions[start:start + batch_size]):
            batch[k, i * stride:i * stride + patch_size, j * stride:j * stride + patch_size, :] = fill
        drops[start:start + len(batch)] = base - compute_class_scores(model, batch)[:, class_index]
    return drops.reshape(rows, cols)


# --- heatmaps: resized, weighed in a box ---------------------------------------------------------

def resize_heatmap(heatmap, shape):
    """Resize a heatmap (h, w) to ``shape`` (H, W) with bilinear interpolation (to overlay it on the image)."""
    from skimage.transform import resize

    heatmap = require_finite(as_array(heatmap, "heatmap", ndim=2, dtype_kind="uif"), "heatmap").astype(np.float64)
    if not isinstance(shape, (tuple, list)) or len(shape) < 2:
        raise TypeError(f"shape must be (H, W), e.g. image.shape[:2], got {describe(shape)}.")
    shape = (require_int(shape[0], "shape[0]", minimum=1), require_int(shape[1], "shape[1]", minimum=1))
    return resize(heatmap, shape, order=1, mode="edge", anti_aliasing=False)


def compute_box_mass(heatmap, box):
    """Return the fraction of a non-negative heatmap's total that lies inside ``box``.

    box: (top, left, bottom, right) in the heatmap's pixels, bottom and right excluded
    (heatmap[top:bottom, left:right]). A heatmap of zeros has no mass: ValueError.
    """
    heatmap = require_finite(as_array(heatmap, "heatmap", ndim=2, dtype_kind="uif"), "heatmap").astype(np.float64)
    if heatmap.min() < 0:
        raise ValueError(f"heatmap must be non-negative (a mass), got values down to {heatmap.min():g}; "
                         "use np.abs(saliency) or np.maximum(drops, 0).")
    if not isinstance(box, (tuple, list)) or len(box) != 4:
        raise TypeError(f"box must be (top, left, bottom, right), got {describe(box)}.")
    top, left, bottom, right = (require_int(v, f"box[{k}]", minimum=0) for k, v in enumerate(box))
    if not (top < bottom <= heatmap.shape[0] and left < right <= heatmap.shape[1]):
        raise ValueError(f"box {tuple(box)} must satisfy top < bottom <= {heatmap.shape[0]} and "
                         f"left < right <= {heatmap.shape[1]} (the heatmap is {heatmap.shape}).")
    total = heatmap.sum()
    if total == 0:
        raise ValueError("heatmap is all zeros: there is no mass to share out.")
    return float(heatmap[top:bottom, left:right].sum() / total)


# --- figures ------------------------------------------------------------------------------------

def plot_heatmap(heatmap, image=None, ax=None, title=None, alpha=0.5, cmap="jet"):
    """Draw a heatmap (h, w), over ``image`` (H, W) / (H, W, 3) when given (resized to fit); return the axes.

    image: uint8 0-255 or floats 0-1 (the photo as a person sees it, not the model-ready input).
    """
    heatmap = require_finite(as_array(heatmap, "heatmap", ndim=2, dtype_kind="uif"), "heatmap")
    alpha = require_number(alpha, "alpha", minimum=0, maximum=1)
    require_axes(ax)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 3))
    if image is not None:
        image = as_image(image, "image", ndim=(2, 3))
        if image.ndim == 3 and image.shape[2] == 1:
            image = image[..., 0]
        heatmap = resize_heatmap(heatmap, image.shape[:2])
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.imshow(heatmap, cmap=cmap, alpha=alpha)
    else:
        ax.imshow(heatmap, cmap=cmap)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(str(title))
    return ax


def show_explanations(photo, maps, title=None, size=2.6):
    """Show a photo and, beside it, each heatmap of {method name: map} overlaid on it; return the figure."""
    import matplotlib.pyplot as plt

    if not isinstance(maps, dict) or not maps:
        raise TypeError(f"maps must be a non-empty dict {{method name: heatmap}}, got {describe(maps)}.")
    fig, axes = plt.subplots(1, len(maps) + 1, figsize=((len(maps) + 1) * size, size + 0.4))
    from .plots import plot_image

    plot_image(photo, title="image", ax=axes[0])
    for ax, (name, heatmap) in zip(axes[1:], maps.items()):
        heatmap = as_array(heatmap, f"maps[{name!r}]", ndim=2, dtype_kind="uif")
        plot_heatmap(heatmap, photo, ax=ax, title=name, alpha=0.55 if heatmap.shape[0] < 30 else 0.6)
    if title:
        fig.suptitle(title)
    return fig
