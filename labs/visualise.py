"""Seeing what a CNN sees (notebook 11): filters, activations, saliency, Grad-CAM, occlusion, drawings.

    kernel = model.get_layer("conv_1").get_weights()[0]
    labs.visualise.compute_filter_images(kernel)                         # filters as 0-1 pictures
    labs.visualise.compute_activations(model, image, ["conv_1", "conv_2"])
    labs.visualise.compute_gradcam(model, image, class_index, "top_activation")
    labs.visualise.prepare_drawing(drawing)                              # a drawing -> an MNIST-style 28x28

``image`` is always one model-ready image (H, W, C), scaled as the model expects (prepare_images
for the small CNN, labs.pretrained.preprocess_input for ImageNet bases). A ``model`` is a Keras
model whose output is (N, classes): use logits (load_base(classifier_activation=None)) when the
softmax saturates. Maps come back as float64 NumPy arrays.
"""


import numpy as np

from ._keras import import_keras
from ._validate import (suggest_names, as_array, as_image, require_finite, require_image_model, require_int, require_model_input,
                        require_number, describe)

__all__ = ["compute_filter_images", "compute_activations", "compute_sparsity", "compute_class_scores",
           "compute_input_gradients", "compute_saliency", "compute_smoothgrad", "compute_gradcam", "compute_occlusion",
           "resize_heatmap",
           "compute_box_mass", "prepare_drawing", "predict_drawing", "compute_filter_pattern",
           "add_class_cue", "replace_with_other_class", "cue_box", "CUE_PATTERNS", "conv_layer_names",
           "render_strokes", "EXAMPLE_STROKES",
           "plot_heatmap", "show_filters", "show_activations", "plot_sparsity", "show_explanations",
           "show_drawing_result", "show_filter_view"]

MNIST_BOX = 20  # MNIST digits were scaled to fit a 20x20 box ...
MNIST_SIZE = 28  # ... then placed in a 28x28 frame so that their centre of mass is at the centre
MNIST_CENTRE = 14.0  # measured on mnist_small: the mean centre of mass is (14.0, 14.0), sd 0.3


# --------------------------------------------------------------------------- argument checks


def _require_class(class_index, model):
    """Return ``class_index`` as an int within the model's outputs."""
    num_classes = int(model.outputs[0].shape[-1])
    return require_int(class_index, "class_index", minimum=0, maximum=num_classes - 1)


def _get_layer(model, layer_name, name="layer_name"):
    """Return the layer called ``layer_name`` of ``model``, or raise naming the closest names."""
    if not isinstance(layer_name, str):
        raise TypeError(f"{name} must be the name of a layer (a string, e.g. 'conv_1'), got {describe(layer_name)}.")
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"{name}: model {model.name!r} has no layer named {layer_name!r}{suggest_names(layer_name, names)}")
    return model.get_layer(layer_name)


def _feature_map_layer(model, layer_name, name="layer_name", purpose="a feature map"):
    """Return the layer ``layer_name`` if its output is a feature map (N, h, w, channels)."""
    layer = _get_layer(model, layer_name, name)
    shape = tuple(layer.output.shape)
    if len(shape) != 4:
        convs = conv_layer_names(model)
        example = f", e.g. {convs[-1]!r}" if convs else ""
        raise ValueError(f"{name}: layer {layer_name!r} gives {shape}, not {purpose} (N, h, w, channels); "
                         f"pick a convolutional layer{example}.")
    return layer


def conv_layer_names(model):
    """Return the names of the layers of ``model`` whose output is a feature map (N, h, w, channels)."""
    require_image_model(model, scores=False)
    return [layer.name for layer in model.layers
            if type(layer).__name__ != "InputLayer" and len(tuple(layer.output.shape)) == 4]


# --------------------------------------------------------------------------- filters and activations


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
    layers = [_get_layer(model, name, "layer_names") for name in layer_names]
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


# --------------------------------------------------------------------------- saliency


def _require_batch(images, model):
    """Return a batch of model-ready images (N, H, W, C) as float32, checked against the model's input shape."""
    images = require_finite(as_array(images, "images", ndim=4, dtype_kind="uif"), "images")
    if tuple(images.shape[1:]) != tuple(model.inputs[0].shape[1:]):
        raise ValueError(f"images must have shape (N, {', '.join(map(str, model.inputs[0].shape[1:]))}), "
                         f"got {images.shape}.")
    return images.astype(np.float32)


def compute_class_scores(model, images):
    """Return the model's outputs (N, classes) for a batch of model-ready images, as float64."""
    model = require_image_model(model)
    images = _require_batch(images, model)
    return np.asarray(model(images, training=False), dtype=np.float64)


def compute_input_gradients(model, images, class_index):
    """Return d(score of class_index)/d(input) for a batch of model-ready images, as float64 (N, H, W, C)."""
    model = require_image_model(model)
    images = _require_batch(images, model)
    return _input_gradients(model, images, _require_class(class_index, model))


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
    class_index = _require_class(class_index, model)
    return np.abs(_input_gradients(model, image[None], class_index)[0]).max(axis=-1)


def compute_smoothgrad(model, image, class_index, num_samples=20, noise=0.15, seed=0, batch_size=10):
    """Return the SmoothGrad map (H, W): the vanilla saliency averaged over noisy copies of the image.

    noise: the Gaussian noise's standard deviation as a fraction of the image's value range
    (max - min); num_samples copies, drawn with ``seed``, in batches of ``batch_size``.
    """
    model = require_image_model(model)
    image = require_model_input(image, model)
    class_index = _require_class(class_index, model)
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
    class_index = _require_class(class_index, model)
    layer = _feature_map_layer(model, layer_name, purpose="a convolutional feature map Grad-CAM can weigh")
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
    class_index = _require_class(class_index, model)
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


# --------------------------------------------------------------------------- drawings, MNIST style


def prepare_drawing(drawing):
    """Turn a drawing (bright ink on black) into an MNIST-style 28x28 uint8 digit.

    drawing: (H, W) greyscale, uint8 0-255 or floats 0-1, any size. As MNIST was made: crop to
    the ink's bounding box, scale it (keeping its aspect ratio, anti-aliased) so its longer side
    is 20 pixels, and place it in a 28x28 frame so its centre of mass lands on pixel (14, 14).
    """
    from scipy import ndimage
    from skimage.transform import resize

    drawing = as_image(drawing, "drawing", ndim=2, channel_ndim=None)
    ink = drawing.astype(np.float64) / (255.0 if drawing.dtype == np.uint8 else 1.0)
    rows, cols = np.nonzero(ink > 0)
    if len(rows) == 0:
        raise ValueError("drawing is empty (no ink: every pixel is 0); draw a digit first.")
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = MNIST_BOX / max(crop.shape)
    size = (max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale)))
    small = np.clip(resize(crop, size, order=1, anti_aliasing=scale < 1, mode="constant"), 0, 1)
    if small.max() <= 0:
        small = np.ones(size)  # a dot scaled up from nothing: keep it visible
    frame = np.zeros((MNIST_SIZE, MNIST_SIZE))
    top, left = (MNIST_SIZE - size[0]) // 2, (MNIST_SIZE - size[1]) // 2
    frame[top:top + size[0], left:left + size[1]] = small
    centre_row, centre_col = ndimage.center_of_mass(frame)
    shift_row = int(np.clip(round(MNIST_CENTRE - centre_row), -top, MNIST_SIZE - top - size[0]))
    shift_col = int(np.clip(round(MNIST_CENTRE - centre_col), -left, MNIST_SIZE - left - size[1]))
    frame = np.roll(frame, (shift_row, shift_col), axis=(0, 1))
    return np.rint(frame * 255).astype(np.uint8)


def predict_drawing(model, drawing, layer_names=(), top=2):
    """Prepare a drawing MNIST-style and run the digit model on it.

    Returns a dict: "digit" (28x28 uint8), "probabilities" (classes,), "top" [(class, probability), ...]
    best first, and "activations" {layer name: map} for ``layer_names``. The drawing widget shows this.
    """
    model = require_image_model(model)
    if tuple(model.inputs[0].shape[1:]) != (MNIST_SIZE, MNIST_SIZE, 1):
        raise ValueError(f"model must take 28x28 greyscale digits (N, 28, 28, 1), but its input is "
                         f"{tuple(model.inputs[0].shape)}.")
    digit = prepare_drawing(drawing)
    image = digit.astype(np.float32)[..., None] / 255.0
    top = require_int(top, "top", minimum=1, maximum=int(model.outputs[0].shape[-1]))
    probabilities = compute_class_scores(model, image[None])[0]
    order = np.argsort(-probabilities, kind="stable")[:top]
    activations = compute_activations(model, image, list(layer_names)) if len(layer_names) else {}
    return {"digit": digit, "probabilities": probabilities,
            "top": [(int(i), float(probabilities[i])) for i in order], "activations": activations}


# --------------------------------------------------------------------------- patterns that excite a filter


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
    layer = _feature_map_layer(model, layer_name)
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


# --------------------------------------------------------------------------- a spurious cue


CUE_PATTERNS = ("solid", "checker")


def cue_box(label, image_size=28, cue_size=4, num_classes=10, inset=0):
    """Return the box (top, left, bottom, right) where add_class_cue puts the mark of class ``label``.

    The marks of the classes go round the border of the image, clockwise from the top-left corner.
    inset: the last ``inset`` rows and columns are left free, so the marks go round the border of the
    top-left (image_size - inset) square. The small CNN never looks at the last 2 rows and columns of
    a 28x28 digit (its valid convolutions and floor-rounded pools drop them; their gradient is exactly
    0): inset=2 keeps every mark where it can see it.
    """
    image_size = require_int(image_size, "image_size", minimum=8)
    cue_size = require_int(cue_size, "cue_size", minimum=1, maximum=image_size // 4)
    inset = require_int(inset, "inset", minimum=0, maximum=image_size // 4)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    label = require_int(label, "label", minimum=0, maximum=num_classes - 1)
    span = image_size - inset - cue_size
    perimeter = 4 * span
    position = round(label * perimeter / num_classes)
    side, offset = divmod(position, span)
    top, left = [(0, offset), (offset, span), (span, span - offset), (span - offset, 0)][side]
    return (top, left, top + cue_size, left + cue_size)


def add_class_cue(X, y, cue_labels=None, cue_size=4, rate=1.0, seed=0, num_classes=10, pattern="solid", inset=0):
    """Return a copy of the uint8 images X (N, H, W) with a bright square mark that gives away the class.

    Image k gets the mark of class cue_labels[k] (default: its own label y[k]) at
    cue_box(..., inset=inset), with probability ``rate`` (else no mark). Pass other labels as
    cue_labels to swap the cue. pattern: "solid" (every pixel of the mark white) or "checker" (a
    one-pixel checkerboard of white and the image's own pixels: a texture, which draws more of
    the network's attention than a flat square).
    """
    X = as_image(X, "X", ndim=3, channel_ndim=None, scale="uint8")
    if X.shape[1] != X.shape[2]:
        raise ValueError(f"X must hold square images (N, S, S), got {X.shape}.")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    y = np.asarray(y)
    from ._validate import require_choice, require_labels

    y = require_labels(y, "y", len(X), num_classes, rows_name="X")
    cue_labels = y if cue_labels is None else require_labels(np.asarray(cue_labels), "cue_labels", len(X),
                                                           num_classes, rows_name="X")
    rate = require_number(rate, "rate", minimum=0, maximum=1)
    pattern = require_choice(pattern, "pattern", CUE_PATTERNS)
    marked = np.random.default_rng(require_int(seed, "seed", minimum=0)).random(len(X)) < rate
    out = X.copy()
    boxes = [cue_box(c, X.shape[1], cue_size, num_classes, inset) for c in range(num_classes)]
    for k in np.nonzero(marked)[0]:
        top, left, bottom, right = boxes[cue_labels[k]]
        if pattern == "solid":
            out[k, top:bottom, left:right] = 255
        else:
            white = (np.add.outer(np.arange(top, bottom), np.arange(left, right)) % 2) == 0
            out[k, top:bottom, left:right][white] = 255
    return out


def replace_with_other_class(X, y, fraction, seed=0):
    """Return a copy of the uint8 images X (N, H, W) with a ``fraction`` of them swapped for an image of another class.

    round(fraction * N) images, chosen with ``seed``, are each replaced by a random image of X whose
    label differs from theirs; the labels y stay as they were, so those images are now mislabelled
    (the scans got mixed up, the labels did not). Before add_class_cue, it makes the mark more
    reliable than the digit: the mark follows the label on every image, the digit only on the rest.
    """
    X = as_image(X, "X", ndim=3, channel_ndim=None, scale="uint8")
    from ._validate import require_labels

    y = require_labels(np.asarray(y), "y", len(X), rows_name="X")
    fraction = require_number(fraction, "fraction", minimum=0, maximum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"y must hold at least two classes to take an image of another class from; "
                         f"it holds only class {classes[0] if len(classes) else 'none'}.")
    others = {c: np.flatnonzero(y != c) for c in classes}
    out = X.copy()
    for k in np.sort(rng.choice(len(X), size=round(fraction * len(X)), replace=False)):
        out[k] = X[rng.choice(others[y[k]])]
    return out


# --------------------------------------------------------------------------- figures


def _axes(ax, figsize=(4, 3)):
    import matplotlib.pyplot as plt

    from ._validate import require_axes

    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_heatmap(heatmap, image=None, ax=None, title=None, alpha=0.5, cmap="jet"):
    """Draw a heatmap (h, w), over ``image`` (H, W) / (H, W, 3) when given (resized to fit); return the axes.

    image: uint8 0-255 or floats 0-1 (the photo as a person sees it, not the model-ready input).
    """
    heatmap = require_finite(as_array(heatmap, "heatmap", ndim=2, dtype_kind="uif"), "heatmap")
    alpha = require_number(alpha, "alpha", minimum=0, maximum=1)
    ax = _axes(ax)
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


def show_activations(activations, num_maps=8, size=1.1, title=None):
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
    ax = _axes(ax, figsize=(6, 3))
    ax.plot(range(len(values)), values, marker="o", label=label)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(list(sparsity), rotation=45, ha="right", fontsize=7)
    ax.set(ylim=(0, 1), ylabel="fraction of zeros", xlabel="layer (input side → output side)", title=title)
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


# --------------------------------------------------------------------------- drawings from strokes

# A "7" drawn with a mouse on a 280x280 canvas: (x, y) points of each stroke, stored so the drawing
# cells work without a browser.
EXAMPLE_STROKES = [[(70, 62), (120, 58), (170, 56), (212, 60), (206, 84), (186, 124), (166, 168), (150, 212),
                    (142, 240)], [(120, 150), (160, 146), (196, 146)]]


def render_strokes(strokes, size=280, width=18):
    """Draw polylines of (x, y) points as white strokes ``width`` pixels wide on a black size x size canvas (uint8)."""
    size = require_int(size, "size", minimum=8, maximum=4096)
    width = require_int(width, "width", minimum=1, maximum=size)
    if not isinstance(strokes, (list, tuple)):
        raise TypeError(f"strokes must be a list of strokes, each a list of (x, y) points, got {describe(strokes)}.")
    rows, cols = np.mgrid[0:size, 0:size]
    canvas = np.zeros((size, size), dtype=bool)
    for k, stroke in enumerate(strokes):
        points = as_array(stroke, f"strokes[{k}]", ndim=2, dtype_kind="uif").astype(np.float64)
        if points.shape[1] != 2:
            raise ValueError(f"strokes[{k}] must be (x, y) points, shape (n, 2), got {points.shape}.")
        ends = list(zip(points[:-1], points[1:])) or [(points[0], points[0])]
        for (x0, y0), (x1, y1) in ends:
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((cols - x0) * dx + (rows - y0) * dy) / max(dx * dx + dy * dy, 1e-12), 0, 1)
            canvas |= (cols - x0 - t * dx) ** 2 + (rows - y0 - t * dy) ** 2 <= (width / 2) ** 2
    return canvas.astype(np.uint8) * 255


def show_drawing_result(result, num_maps=6, title=None):
    """Show predict_drawing's result: the 28x28 digit, the class probabilities, and a few maps per layer."""
    import matplotlib.pyplot as plt

    if not isinstance(result, dict) or not {"digit", "probabilities", "top", "activations"} <= set(result):
        raise TypeError(f"result must be the dict predict_drawing returns, got {describe(result)}.")
    num_maps = require_int(num_maps, "num_maps", minimum=1)
    maps = result["activations"]
    fig = plt.figure(figsize=(2.2 + 0.9 * num_maps, 2.4 + 0.9 * len(maps)))
    grid = fig.add_gridspec(2 + len(maps), num_maps, height_ratios=[2.2, 0.4] + [1] * len(maps))
    left = fig.add_subplot(grid[0, :2])
    left.imshow(result["digit"], cmap="gray", vmin=0, vmax=255)
    left.set(xticks=[], yticks=[], title="MNIST-style 28×28")
    bars = fig.add_subplot(grid[0, 2:])
    probabilities = np.asarray(result["probabilities"])
    bars.bar(range(len(probabilities)), probabilities, color="tab:blue")
    (first, p1), (second, p2) = (result["top"] + [(None, 0.0)])[:2]
    bars.set(xticks=range(len(probabilities)), ylim=(0, 1), ylabel="probability",
             title=f"first guess {first} ({p1:.2f})" + (f", second {second} ({p2:.2f})" if second is not None else ""))
    for row, (name, values) in enumerate(maps.items()):
        for k in range(num_maps):
            ax = fig.add_subplot(grid[2 + row, k])
            ax.set(xticks=[], yticks=[])
            if values.ndim == 3 and k < values.shape[2]:
                ax.imshow(values[..., k], cmap="viridis")
            if k == 0:
                ax.set_ylabel(name, fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def show_filter_view(model, image, layer_name, filter_index, pattern=None):
    """Show one filter of a layer: its kernel (first layer only), its activation on ``image``, its pattern."""
    import matplotlib.pyplot as plt

    model = require_image_model(model, scores=False)
    layer = _feature_map_layer(model, layer_name)
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
