"""Checks for notebook 11 (seeing what a CNN sees): vanilla saliency, the occlusion loop, a drawing made MNIST-style."""

import warnings

import numpy as np

from .core import CheckFailed, call_learner, compare_arrays, learner_array, run_check

__all__ = ["check_compute_saliency", "check_compute_occlusion", "check_prepare_drawing"]


def _tiny_model(seed, size=(8, 10), channels=2, num_classes=3):
    """Return a small seeded smooth model: images (size, channels) -> num_classes scores (no softmax)."""
    from ..models import keras

    keras.utils.set_random_seed(seed)
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=size + (channels,)),
        layers.Conv2D(4, 3, activation="tanh", name="conv"),
        layers.Flatten(name="flatten"),
        layers.Dense(num_classes, name="scores"),
    ], name="tiny")


def _quietly(test):
    """Run ``test`` with Keras' UserWarnings silenced (they are about its API, not the learner's answer)."""
    def run(function):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return test(function)
    return run


def _as_numpy(got, what):
    """Turn a TensorFlow tensor the learner returned into NumPy; anything else goes to learner_array."""
    if hasattr(got, "numpy") and not isinstance(got, np.ndarray):
        got = got.numpy()
    return learner_array(got, what)


def _loss_gradients(model, image, class_index, of="loss"):
    """Return d(cross-entropy loss of class_index)/d(input), or d(softmax probability)/d(input), for one image."""
    import tensorflow as tf

    x = tf.convert_to_tensor(image[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        if of == "loss":
            target = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[class_index], logits=scores)
        else:
            target = tf.nn.softmax(scores)[:, class_index]
    return np.asarray(tape.gradient(target, x), dtype=np.float64)[0]


def check_compute_saliency(compute_saliency):
    """Check ``compute_saliency(model, image, class_index)``: max over channels of |d score / d pixel|, (H, W)."""
    from ..attribution import compute_input_gradients, compute_saliency as reference

    @_quietly
    def test(function):
        for seed, class_index in [(0, 0), (1, 2), (2, 1)]:
            model = _tiny_model(seed)
            image = np.random.default_rng(seed).uniform(0, 1, (8, 10, 2)).astype(np.float32)
            expected = reference(model, image, class_index)
            got = _as_numpy(call_learner(function, model, image, class_index), "the saliency map")
            grads = compute_input_gradients(model, image[None], class_index)[0]
            others = [compute_input_gradients(model, image[None], c)[0] for c in range(3) if c != class_index]
            total = sum([grads] + others)
            mistakes = [
                (grads, "that is the signed gradient per channel: take np.abs, then the max over the channel axis."),
                (grads.max(axis=-1), "take the absolute value before the max: a large negative gradient matters "
                                     "as much as a large positive one."),
                (np.abs(grads), "reduce the channel axis: the max of |gradient| over the colour channels."),
                (np.abs(grads).sum(axis=-1), "use the max over channels (np.max(..., axis=-1)), not the sum."),
                (np.abs(grads).mean(axis=-1), "use the max over channels (np.max(..., axis=-1)), not the mean."),
                (np.abs(grads)[None].max(axis=-1), "drop the batch axis: return map[0], shape (H, W)."),
                (np.abs(total).max(axis=-1), "differentiate only the score of class_index "
                                             "(scores[:, class_index]), not the sum of every class's score."),
                (np.abs(grads * image).max(axis=-1), "that is gradient × input; the vanilla map is the gradient "
                                                     "alone."),
                (lambda got: np.abs(_loss_gradients(model, image, class_index)).max(axis=-1),
                 "that is the saliency of the loss: differentiate the class score itself, scores[:, class_index] "
                 "of model(x), not a loss (cross-entropy) of it."),
                (lambda got: np.abs(_loss_gradients(model, image, class_index, of="softmax")).max(axis=-1),
                 "that is the gradient of the softmax probability: differentiate the class score itself, "
                 "scores[:, class_index] (the model's raw output), not a probability computed from it."),
            ] + [(np.abs(g).max(axis=-1), "differentiate the score of class_index, not another class.")
                 for g in others]
            compare_arrays(got, expected, f"the saliency map for class {class_index}", atol=1e-5, rtol=1e-4,
                           mistakes=mistakes,
                           hint="watch the image with tf.GradientTape, take scores[:, class_index], then "
                                "np.abs(gradient).max(axis=-1) of the one image.")
        return "|gradient of the class score| with the max over channels, for 3 models and classes."
    return run_check("compute_saliency", compute_saliency, test,
                     raised_hints={"_id": "model.predict returns a NumPy array, which leaves the tape: nothing "
                                          "links the score to x. Call model(x) inside the `with "
                                          "tf.GradientTape()` block instead of model.predict.",
                                   "watch": "call tape.watch(x) on a tensor made with "
                                            "tf.convert_to_tensor(image[None]).",
                                   "NoneType": "the gradient is None: watch the input tensor with tape.watch(x) "
                                               "and compute the score inside the `with` block."})


def _occlusion(model, image, class_index, patch_size, stride, fill=None, transpose=False, no_plus_one=False,
               step=None, sign=1, occluded_only=False):
    """The reference occlusion loop with one switchable mistake (for the check's mistake hints)."""
    from ..attribution import compute_class_scores

    fill = image.mean() if fill is None else fill
    height, width = image.shape[:2]
    rows = (height - patch_size) // stride + (0 if no_plus_one else 1)
    cols = (width - patch_size) // stride + (0 if no_plus_one else 1)
    base = compute_class_scores(model, image[None])[0, class_index]
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occluded = image.copy()
            top, left = i * (stride if step is None else step), j * (stride if step is None else step)
            occluded[top:top + patch_size, left:left + patch_size] = fill
            score = compute_class_scores(model, occluded[None])[0, class_index]
            out[i, j] = score if occluded_only else sign * (base - score)
    return out.T if transpose else out


def check_compute_occlusion(compute_occlusion):
    """Check ``compute_occlusion(model, image, class_index, patch_size, stride)``: the drop of the score per patch."""
    from ..attribution import compute_occlusion as reference

    @_quietly
    def test(function):
        for seed, class_index, patch_size, stride in [(0, 1, 3, 2), (1, 0, 4, 3), (2, 2, 2, 2)]:
            model = _tiny_model(seed, size=(9, 11), channels=1)
            image = np.random.default_rng(seed).uniform(0, 1, (9, 11, 1)).astype(np.float32)
            expected = reference(model, image, class_index, patch_size=patch_size, stride=stride)
            got = _as_numpy(call_learner(function, model, image, class_index, patch_size, stride),
                            "the occlusion map")
            args = (model, image, class_index, patch_size, stride)
            mistakes = [
                (lambda g: _occlusion(*args, fill=0.0), "fill the patch with the image's mean "
                                                        "(fill = image.mean()), not with 0."),
                (lambda g: _occlusion(*args, sign=-1), "the drop is original score minus occluded score, "
                                                       "not the other way round."),
                (lambda g: _occlusion(*args, occluded_only=True), "store the drop (original score - occluded "
                                                                  "score), not the occluded score itself."),
                (lambda g: _occlusion(*args, transpose=True), "rows first: entry (i, j) is the patch at row "
                                                              "i * stride, column j * stride."),
                (lambda g: _occlusion(*args, step=1), "the patch of entry (i, j) starts at (i * stride, "
                                                      "j * stride): multiply by the stride."),
            ]
            rows, cols = expected.shape
            if got.shape == (rows - 1, cols - 1):
                raise CheckFailed(f"the map has shape {got.shape}, expected {expected.shape}.",
                                  "rows = (H - patch_size) // stride + 1: add 1 for the patch at position 0.")
            if got.shape == (image.shape[0] - patch_size + 1, image.shape[1] - patch_size + 1) != expected.shape:
                raise CheckFailed(f"the map has shape {got.shape}, expected {expected.shape}.",
                                  "the patch moves by `stride` pixels: rows = (H - patch_size) // stride + 1.")
            compare_arrays(got, expected, f"the occlusion map (patch {patch_size}, stride {stride})", atol=1e-5,
                           rtol=1e-4, mistakes=mistakes,
                           hint="for each (i, j): copy the image, set the patch to image.mean(), and store "
                                "score(original) - score(occluded) for class_index.")
        return "the drop of the class score for every patch position, for 3 patch sizes and strides."
    return run_check("compute_occlusion", compute_occlusion, test)


def _stroke_drawing(kind, size=140):
    """Return a uint8 test drawing (size, size): thick strokes off-centre, like a mouse drawing."""
    from scipy import ndimage

    canvas = np.zeros((size, size))
    if kind == "seven":  # a heavy top bar and a thin diagonal: the centre of mass is high in the box
        canvas[20:22, 30:100] = 1
        for t in np.linspace(0, 1, 200):
            canvas[int(22 + 100 * t), int(98 - 40 * t)] = 1
        canvas = np.maximum(canvas, ndimage.binary_dilation(canvas > 0, iterations=3))
    elif kind == "square":  # a small outline, one pixel thick: the last row and column of ink are whole strokes
        canvas[50:63, 60:70] = 1
        canvas[52:62, 61:69] = 0  # the top side two pixels thick: the centre of mass sits off the half-pixel
    elif kind == "one":  # a tall thin stroke near the left edge
        canvas[10:120, 12:22] = 1
    else:  # an L, low and to the right
        canvas[60:130, 80:92] = 1
        canvas[118:130, 80:136] = 1
    return np.rint(canvas * 255).astype(np.uint8)


def _prepare(drawing, crop_end=1, swap=False, shift_sign=1):
    """The notebook's prepare_drawing with one switchable mistake (for the check's mistake hints).

    crop_end=0: ink[rows.min():rows.max()] drops the last row and column; swap: the rows and columns of
    np.nonzero swapped; shift_sign=-1: the centre-of-mass shift reversed (centre - 14).
    """
    from scipy import ndimage
    from skimage.transform import resize

    ink = drawing.astype(float) / 255
    rows, cols = np.nonzero(ink)
    if swap:
        rows, cols = cols, rows
    ink = ink[rows.min():rows.max() + crop_end, cols.min():cols.max() + crop_end]
    scale = 20 / max(ink.shape)
    size = (max(1, round(ink.shape[0] * scale)), max(1, round(ink.shape[1] * scale)))
    small = np.clip(resize(ink, size, order=1, anti_aliasing=True), 0, 1)
    frame = np.zeros((28, 28))
    top, left = (28 - size[0]) // 2, (28 - size[1]) // 2
    frame[top:top + size[0], left:left + size[1]] = small
    centre = ndimage.center_of_mass(frame)
    frame = np.roll(frame, (shift_sign * round(14 - centre[0]), shift_sign * round(14 - centre[1])), axis=(0, 1))
    return np.rint(frame * 255)


_DRAWING_MISTAKES = [
    ({"crop_end": 0}, "ink[rows.min():rows.max()] stops before the last row and column of ink: slice up to "
                      "rows.max() + 1 and cols.max() + 1."),
    ({"swap": True}, "np.nonzero(drawing) gives the rows first, then the columns: rows, cols = np.nonzero(drawing) "
                     "(you cropped the wrong box)."),
    ({"shift_sign": -1}, "shift by 14 - centre (towards the middle), not centre - 14: np.roll moved the ink the "
                         "wrong way and wrapped it around the edge."),
]


def _correlation(a, b):
    """Return the correlation of two images' pixels (0 when either is constant)."""
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _drawing_mistake(got, drawing, expected):
    """Return the hint of the known mistake the learner's digit looks like more than the reference, or None."""
    right = _correlation(got, expected)
    for mistake, hint in _DRAWING_MISTAKES:
        try:
            with np.errstate(all="ignore"):
                wrong = _prepare(drawing, **mistake)
        except Exception:  # this mistake cannot even be computed on this drawing
            continue
        if _correlation(wrong, expected) < 0.95 and _correlation(got, wrong) > max(0.9, right + 0.02):
            return hint
    return None


def check_prepare_drawing(prepare_drawing):
    """Check ``prepare_drawing(drawing)``: crop, scale into 20x20 keeping the aspect, centre of mass at (14, 14)."""
    from scipy import ndimage

    from ..drawing import prepare_drawing as reference

    def test(function):
        for kind in ("seven", "one", "ell", "square"):
            drawing = _stroke_drawing(kind)
            expected = reference(drawing).astype(np.float64)
            result = _as_numpy(call_learner(function, drawing), f"the prepared '{kind}'")
            got = result
            if got.shape != (28, 28):
                hint = ("the result is the 28x28 frame, not the 20x20 box: paste the scaled digit into "
                        "np.zeros((28, 28))." if got.shape[:2] == (20, 20) or max(got.shape) == 20
                        else "return one 28x28 image.")
                raise CheckFailed(f"the prepared '{kind}' has shape {got.shape}, expected (28, 28).", hint)
            got = got.astype(np.float64)
            if not np.all(np.isfinite(got)):
                raise CheckFailed(f"the prepared '{kind}' contains NaN or infinity.",
                                  "look for a division by zero, e.g. scaling an empty crop.")
            if got.max() <= 1.0 and expected.max() > 1:
                raise CheckFailed(f"the prepared '{kind}' holds values up to {got.max():g}; MNIST pixels are 0-255.",
                                  "multiply by 255 and convert with np.rint(...).astype(np.uint8).")
            if got.min() < 0 or got.max() > 255:
                raise CheckFailed(f"the prepared '{kind}' holds values from {got.min():g} to {got.max():g}.",
                                  "pixel values stay within 0-255 (np.clip).")
            if result.dtype != np.uint8:
                raise CheckFailed(f"the prepared '{kind}' has dtype {result.dtype}; the docstring asks for uint8, "
                                  "as MNIST's pixels.",
                                  "end with np.rint(frame * 255).astype(np.uint8): whole numbers from 0 to 255.")
            if got.sum() == 0:
                raise CheckFailed(f"the prepared '{kind}' is all black.", "keep the ink: crop, resize, paste.")
            mistake = _drawing_mistake(got, drawing, expected)
            if mistake:
                raise CheckFailed(f"the prepared '{kind}' does not match the reference (correlation "
                                  f"{_correlation(got, expected):.2f}).", mistake)
            if got[0, 0] > 128 and got.mean() > 128:
                raise CheckFailed(f"the prepared '{kind}' is inverted (dark ink on white).",
                                  "keep bright ink on a black background, like MNIST.")
            rows, cols = np.nonzero(got > 0.2 * got.max())
            height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
            want_rows, want_cols = np.nonzero(expected > 0.2 * expected.max())
            want_h, want_w = want_rows.max() - want_rows.min() + 1, want_cols.max() - want_cols.min() + 1
            if max(height, width) < 17:
                raise CheckFailed(f"the '{kind}' spans only {height}x{width} pixels; its longer side should be "
                                  "about 20.", "crop to the ink's bounding box before scaling: the empty "
                                               "canvas around the drawing must go.")
            if max(height, width) > 23:
                raise CheckFailed(f"the '{kind}' spans {height}x{width} pixels; its longer side should be 20.",
                                  "scale the cropped ink so its longer side is 20, then paste it into the 28x28 "
                                  "frame (do not resize to 28x28).")
            if abs(height - want_h) > 3 or abs(width - want_w) > 3:
                raise CheckFailed(f"the '{kind}' spans {height}x{width} pixels, expected about {want_h}x{want_w}.",
                                  "keep the aspect ratio: scale both sides by the same factor, 20 / max(h, w).")
            centre = np.array(ndimage.center_of_mass(got))
            want = np.array(ndimage.center_of_mass(expected))
            if np.abs(centre - want).max() > 1.0:
                box_centre = np.array([(rows.min() + rows.max()) / 2, (cols.min() + cols.max()) / 2])
                if np.abs(box_centre - 13.5).max() <= 1.0:
                    hint = ("you centred the bounding box; MNIST centres the centre of mass: shift by "
                            "14 - scipy.ndimage.center_of_mass(frame).")
                else:
                    hint = "shift the frame so scipy.ndimage.center_of_mass(frame) lands on (14, 14)."
                raise CheckFailed(f"the centre of mass of the '{kind}' is at ({centre[0]:.1f}, {centre[1]:.1f}), "
                                  f"expected ({want[0]:.1f}, {want[1]:.1f}) within a pixel.", hint)
            overlap = np.corrcoef(got.ravel(), expected.ravel())[0, 1]
            if not overlap > 0.8:
                raise CheckFailed(f"the prepared '{kind}' does not look like the reference (correlation "
                                  f"{overlap:.2f}).", "crop, scale the longer side to 20, paste into 28x28, "
                                                      "shift the centre of mass to (14, 14).")
        return "cropped, scaled into a 20x20 box and centred by mass in 28x28, as uint8, for 4 drawings."
    return run_check("prepare_drawing", prepare_drawing, test)
