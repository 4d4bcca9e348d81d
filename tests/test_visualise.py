"""Notebook 11's rooms (labs.inspection, attribution, cues, drawing) against independent computations, their bad inputs,
the checks of notebook 11 (labs.checks.visualise) and its widgets."""

import warnings

import numpy as np
import pytest
from scipy import ndimage

from check_helpers import printed_line  # noqa: F401  (same helpers as the other check tests)
from labs import checks
from labs import attribution, cues, drawing, inspection
from labs.models import keras

layers = keras.layers


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def smooth_model(seed=0, size=(6, 7), channels=2, classes=3):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=size + (channels,)),
                             layers.Conv2D(3, 3, activation="tanh", name="conv"),
                             layers.Flatten(name="flatten"),
                             layers.Dense(classes, name="scores")], name="smooth")


def test_filter_images_scale_each_filter_around_grey():
    kernel = np.zeros((3, 3, 1, 2))
    kernel[1, 1, 0, 0] = 2.0
    kernel[0, 0, 0, 1] = -0.5
    pictures = inspection.compute_filter_images(kernel)
    assert pictures.shape == (2, 3, 3)
    assert pictures[0, 1, 1] == 1.0 and pictures[1, 0, 0] == 0.0 and pictures[0, 0, 0] == 0.5
    colour = inspection.compute_filter_images(np.random.default_rng(0).normal(size=(3, 3, 3, 5)))
    assert colour.shape == (5, 3, 3, 3) and colour.min() >= 0 and colour.max() <= 1


def test_activations_match_a_numpy_convolution_and_sparsity_counts_zeros():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(5, 5, 1)), layers.Conv2D(2, 3, activation="relu", name="c"),
                              layers.Flatten(), layers.Dense(2)])
    kernel, bias = model.get_layer("c").get_weights()
    image = np.random.default_rng(1).uniform(0, 1, (5, 5, 1)).astype(np.float32)
    got = inspection.compute_activations(model, image, ["c"])["c"]
    expected = np.zeros((3, 3, 2))
    for i in range(3):
        for j in range(3):
            expected[i, j] = np.maximum(np.tensordot(image[i:i + 3, j:j + 3, 0], kernel[..., 0, :], axes=2) + bias, 0)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert inspection.compute_sparsity({"a": np.array([0.0, 1.0, 0.0, 2.0])}) == {"a": 0.5}


def test_saliency_matches_finite_differences():
    model = smooth_model()
    image = np.random.default_rng(0).uniform(0, 1, (6, 7, 2)).astype(np.float32)
    eps = 1e-2
    grads = np.zeros(image.shape)
    for index in np.ndindex(image.shape):
        up, down = image.copy(), image.copy()
        up[index] += eps
        down[index] -= eps
        scores = attribution.compute_class_scores(model, np.stack([up, down]))[:, 1]
        grads[index] = (scores[0] - scores[1]) / (2 * eps)
    np.testing.assert_allclose(attribution.compute_saliency(model, image, 1), np.abs(grads).max(axis=-1), atol=2e-3)


def test_smoothgrad_with_no_noise_is_the_vanilla_map():
    model = smooth_model()
    image = np.random.default_rng(0).uniform(0, 1, (6, 7, 2)).astype(np.float32)
    np.testing.assert_allclose(attribution.compute_smoothgrad(model, image, 2, num_samples=3, noise=0.0),
                               attribution.compute_saliency(model, image, 2), atol=1e-6)


def hand_built_cam_model():
    """(6, 6, 1) -> 1x1 conv with kernels +1 and -1 (ReLU) -> global average -> Dense with identity weights."""
    inputs = keras.Input(shape=(6, 6, 1))
    maps = layers.Conv2D(2, 1, activation="relu", name="maps")(inputs)
    pooled = layers.GlobalAveragePooling2D(name="pool")(maps)
    scores = layers.Dense(2, name="scores")(pooled)
    model = keras.Model(inputs, scores)
    model.get_layer("maps").set_weights([np.array([1.0, -1.0]).reshape(1, 1, 1, 2), np.zeros(2)])
    model.get_layer("scores").set_weights([np.eye(2), np.zeros(2)])
    return model


def test_gradcam_on_a_hand_built_model_is_the_known_map():
    model = hand_built_cam_model()
    image = np.zeros((6, 6, 1), dtype=np.float32)
    image[1, 4, 0], image[3, 2, 0] = 1.0, 0.5      # bright spots feed map 0 (class 0)
    image[5, 0, 0] = -1.0                           # a dark spot feeds map 1 (class 1)
    cam0 = attribution.compute_gradcam(model, image, 0, "maps")
    expected = np.maximum(image[..., 0], 0)          # weights: 1/36 for map 0, 0 for map 1; then / max
    np.testing.assert_allclose(cam0, expected / expected.max(), atol=1e-6)
    cam1 = attribution.compute_gradcam(model, image, 1, "maps")
    assert np.unravel_index(np.argmax(cam1), cam1.shape) == (5, 0) and np.count_nonzero(cam1) == 1


def corner_model():
    """A model that only looks at the top-left 2x2 pixels: score 0 = their sum, score 1 = minus it."""
    inputs = keras.Input(shape=(8, 8, 1))
    corner = layers.Cropping2D(((0, 6), (0, 6)))(inputs)
    scores = layers.Dense(2, use_bias=False, name="scores")(layers.Flatten()(corner))
    model = keras.Model(inputs, scores)
    model.get_layer("scores").set_weights([np.stack([np.ones(4), -np.ones(4)], axis=1)])
    return model


def test_occlusion_only_sees_the_corner_the_model_looks_at():
    model = corner_model()
    image = np.full((8, 8, 1), 0.25, dtype=np.float32)
    image[:2, :2] = 1.0
    drops = attribution.compute_occlusion(model, image, 0, patch_size=2, stride=2)
    expected = np.zeros((4, 4))
    expected[0, 0] = 4 * 1.0 - 4 * image.mean()       # the corner greyed to the mean
    np.testing.assert_allclose(drops, expected, atol=1e-5)
    assert attribution.compute_occlusion(model, image, 0, patch_size=3, stride=1).shape == (6, 6)


def test_box_mass_and_resize():
    heatmap = np.zeros((4, 4))
    heatmap[0, 0], heatmap[3, 3] = 3.0, 1.0
    assert attribution.compute_box_mass(heatmap, (0, 0, 2, 2)) == 0.75
    assert attribution.resize_heatmap(np.ones((2, 2)), (5, 7)).shape == (5, 7)


def test_prepare_drawing_crops_scales_and_centres_by_mass():
    sketch = np.zeros((200, 300), dtype=np.uint8)
    sketch[20:40, 200:290] = 255                     # a heavy bar ...
    sketch[40:180, 235:250] = 255                    # ... and a stem: mass high, box centre lower
    digit = drawing.prepare_drawing(sketch)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8
    rows, cols = np.nonzero(digit > 50)
    assert 19 <= max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= 21
    np.testing.assert_allclose(ndimage.center_of_mass(digit.astype(float)), (14, 14), atol=0.5)
    floats = drawing.prepare_drawing(sketch / 255.0)
    assert np.abs(floats.astype(int) - digit).max() <= 1


def test_prepare_drawing_keeps_an_mnist_digit_about_as_it_was():
    import labs

    X = labs.data.load_dataset("mnist_small").X_test[:20]
    for digit in X:
        big = np.kron(digit, np.ones((5, 5))).astype(np.uint8)   # drawn 5x bigger
        again = drawing.prepare_drawing(big)
        assert np.corrcoef(again.ravel(), digit.ravel())[0, 1] > 0.7


def test_cue_boxes_are_distinct_and_marks_land_in_them():
    boxes = [cues.cue_box(c) for c in range(10)]
    assert len(set(boxes)) == 10
    X = np.zeros((10, 28, 28), dtype=np.uint8)
    y = np.arange(10)
    marked = cues.add_class_cue(X, y, cue_labels=(y + 1) % 10)
    for k in range(10):
        top, left, bottom, right = boxes[(k + 1) % 10]
        assert marked[k, top:bottom, left:right].min() == 255 and marked[k].sum() == 255 * 16
    assert X.sum() == 0  # a copy


def test_inset_cue_boxes_keep_off_the_last_rows_and_columns():
    boxes = [cues.cue_box(c, cue_size=7, inset=2) for c in range(10)]
    assert len(set(boxes)) == 10
    assert max(b[2] for b in boxes) == 26 and max(b[3] for b in boxes) == 26
    assert min(b[0] for b in boxes) == 0 and min(b[1] for b in boxes) == 0
    assert cues.cue_box(3, cue_size=4, inset=0) == cues.cue_box(3, cue_size=4)  # inset 0: the marks of before


def test_checker_cue_is_a_checkerboard_over_the_image():
    X = np.full((2, 28, 28), 100, dtype=np.uint8)
    marked = cues.add_class_cue(X, [0, 5], cue_size=7, pattern="checker", inset=2)
    top, left, bottom, right = cues.cue_box(5, cue_size=7, inset=2)
    patch = marked[1, top:bottom, left:right]
    white = (np.add.outer(np.arange(top, bottom), np.arange(left, right)) % 2) == 0
    assert (patch[white] == 255).all() and (patch[~white] == 100).all()  # the image shows between the squares
    assert (marked[1] != X[1]).sum() == white.sum()


def test_replace_with_other_class_swaps_a_fraction_for_images_of_other_classes():
    y = np.repeat(np.arange(5), 8)
    X = np.zeros((40, 3, 3), dtype=np.uint8)
    X[:, 0, 0] = np.arange(40)  # every image its own: image k holds k in its corner
    before = X.copy()
    out = cues.replace_with_other_class(X, y, 0.25, seed=1)
    replaced = np.flatnonzero(out[:, 0, 0] != np.arange(40))
    assert len(replaced) == 10  # round(0.25 * 40)
    assert all(y[out[k, 0, 0]] != y[k] for k in replaced)  # each from another class ...
    assert all((out[k] == X[out[k, 0, 0]]).all() for k in replaced)  # ... a whole image of X
    assert (X == before).all() and out is not X  # the input untouched, a copy returned
    assert (cues.replace_with_other_class(X, y, 0.25, seed=1) == out).all()  # repeatable with a seed
    assert not (cues.replace_with_other_class(X, y, 0.25, seed=2) == out).all()
    assert (cues.replace_with_other_class(X, y, 0.0) == X).all() and cues.replace_with_other_class(X, y, 0.0) is not X
    assert len(np.flatnonzero(cues.replace_with_other_class(X, y, 1.0)[:, 0, 0] != np.arange(40))) == 40


def test_replace_with_other_class_leaves_the_labels_alone():
    y = np.array([0, 1, 2, 0, 1, 2])
    labels = y.copy()
    cues.replace_with_other_class(np.zeros((6, 4, 4), dtype=np.uint8), y, 1.0)
    assert (y == labels).all()


def test_the_small_cnn_never_sees_the_last_two_rows_and_columns():
    from labs.models import make_small_cnn

    model = make_small_cnn(seed=0)
    x = np.random.default_rng(0).random((1, 28, 28, 1)).astype(np.float32)
    gradients = attribution.compute_input_gradients(model, x, 3)[0, ..., 0]
    assert np.all(gradients[26:] == 0) and np.all(gradients[:, 26:] == 0)
    assert np.abs(gradients[:26, :26]).sum() > 0


def test_filter_pattern_is_a_picture_stretched_to_0_1():
    model = smooth_model(size=(16, 16), channels=1)
    pattern = inspection.compute_filter_pattern(model, "conv", 1, steps=20, blur_every=0)
    assert pattern.shape[-1] == 1 and pattern.min() == 0 and pattern.max() == 1


def test_predict_drawing_gives_top_classes_and_activations():
    import labs

    model = labs.models.make_small_cnn()
    sketch = np.zeros((100, 100), dtype=np.uint8)
    sketch[10:90, 45:55] = 255
    result = drawing.predict_drawing(model, sketch, ["conv_1"])
    assert result["digit"].shape == (28, 28) and len(result["top"]) == 2
    assert result["top"][0][1] >= result["top"][1][1]
    assert result["activations"]["conv_1"].shape == (26, 26, 32)


# --- bad inputs: clear errors that name the argument ----------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda m, x: attribution.compute_saliency(m, x[:5], 0), ValueError, "image must have the model's input shape"),
    (lambda m, x: attribution.compute_saliency(m, x * 255, 0), ValueError, "unscaled 0-255"),
    (lambda m, x: attribution.compute_saliency(m, x[None], 0), ValueError, "batch of one"),
    (lambda m, x: attribution.compute_saliency(m, x, 3), ValueError, "class_index"),
    (lambda m, x: attribution.compute_saliency("model", x, 0), TypeError, "model must be a keras.Model"),
    (lambda m, x: attribution.compute_gradcam(m, x, 0, "cnov"), ValueError, "did you mean 'conv'"),
    (lambda m, x: attribution.compute_gradcam(m, x, 0, "scores"), ValueError, "not a convolutional feature map"),
    (lambda m, x: attribution.compute_gradcam(m, x, 0, 3), TypeError, "layer_name"),
    (lambda m, x: inspection.compute_activations(m, x, []), TypeError, "layer_names"),
    (lambda m, x: attribution.compute_occlusion(m, x, 0, patch_size=9), ValueError, "patch_size"),
    (lambda m, x: attribution.compute_smoothgrad(m, x, 0, noise=2), ValueError, "noise"),
    (lambda m, x: inspection.compute_filter_pattern(m, "conv", 7), ValueError, "filter_index"),
    (lambda m, x: drawing.prepare_drawing(np.zeros((50, 50), dtype=np.uint8)), ValueError, "drawing is empty"),
    (lambda m, x: drawing.prepare_drawing(np.zeros((50, 50, 3), dtype=np.uint8)), ValueError, "drawing must be 2-D"),
    (lambda m, x: drawing.prepare_drawing(np.full((5, 5), 200.0)), ValueError, "drawing looks like 0–255"),
    (lambda m, x: attribution.compute_box_mass(np.ones((4, 4)), (0, 0, 5, 2)), ValueError, "box"),
    (lambda m, x: attribution.compute_box_mass(-np.ones((4, 4)), (0, 0, 2, 2)), ValueError, "non-negative"),
    (lambda m, x: attribution.compute_box_mass(np.zeros((4, 4)), (0, 0, 2, 2)), ValueError, "all zeros"),
    (lambda m, x: inspection.compute_filter_images(np.zeros((3, 3, 1))), ValueError, "kernel must be 4-D"),
    (lambda m, x: cues.add_class_cue(np.zeros((2, 28, 28), dtype=np.uint8), [0, 11]), ValueError, "y"),
    (lambda m, x: cues.replace_with_other_class(np.zeros((2, 28, 28), dtype=np.uint8), [4, 4], 0.5), ValueError,
     "y must hold at least two classes"),
    (lambda m, x: cues.replace_with_other_class(np.zeros((2, 28, 28), dtype=np.uint8), [0, 1], 1.5), ValueError,
     "fraction must be between 0 and 1"),
])
def test_bad_inputs_get_a_clear_error(call, error, words):
    model = smooth_model()
    image = np.random.default_rng(0).uniform(0, 1, (6, 7, 2)).astype(np.float32)
    with pytest.raises(error, match=None) as raised:
        call(model, image)
    assert words in str(raised.value), str(raised.value)


# --- the checks of notebook 11 and typical wrong solutions ------------------------------------------------------

def _grads(model, image, class_index):
    return attribution._input_gradients(model, image[None], class_index)[0]


SALIENCY_MUTANTS = {
    "signed": (lambda m, x, c: _grads(m, x, c).max(axis=-1), "absolute value"),
    "per-channel": (lambda m, x, c: np.abs(_grads(m, x, c)), "channel axis"),
    "sum-channels": (lambda m, x, c: np.abs(_grads(m, x, c)).sum(axis=-1), "not the sum"),
    "batch-axis": (lambda m, x, c: np.abs(_grads(m, x, c))[None].max(axis=-1), "batch axis"),
    "all-classes": (lambda m, x, c: np.abs(sum(_grads(m, x, k) for k in range(3))).max(axis=-1), "class_index"),
    "times-input": (lambda m, x, c: np.abs(_grads(m, x, c) * x).max(axis=-1), "gradient × input"),
    "other-class": (lambda m, x, c: np.abs(_grads(m, x, (c + 1) % 3)).max(axis=-1), "another class"),
    "none": (lambda m, x, c: None, "None"),
}


def _occlusion(**mistake):
    from labs.checks.visualise import _occlusion as reference

    return lambda m, x, c, p, s: reference(m, x, c, p, s, **mistake)


def _occlusion_in_place(model, image, class_index, patch_size, stride):
    base = attribution.compute_class_scores(model, image[None])[0, class_index]
    rows, cols = (image.shape[0] - patch_size) // stride + 1, (image.shape[1] - patch_size) // stride + 1
    out = np.zeros((rows, cols))
    fill = image.mean()
    for i in range(rows):
        for j in range(cols):
            saved = image[i * stride:i * stride + patch_size, j * stride:j * stride + patch_size].copy()
            image[i * stride:i * stride + patch_size, j * stride:j * stride + patch_size] = fill
            out[i, j] = base - attribution.compute_class_scores(model, image[None])[0, class_index]
            image[i * stride:i * stride + patch_size, j * stride:j * stride + patch_size] = saved + 1e-3
    return out


OCCLUSION_MUTANTS = {
    "fill-zero": (_occlusion(fill=0.0), "not with 0"),
    "sign": (_occlusion(sign=-1), "not the other way round"),
    "score-not-drop": (_occlusion(occluded_only=True), "not the occluded score"),
    "transposed": (_occlusion(transpose=True), "rows first"),
    "no-stride": (_occlusion(step=1), "multiply by the stride"),
    "no-plus-one": (_occlusion(no_plus_one=True), "add 1"),
    "in-place": (_occlusion_in_place, "in place"),
    "none": (lambda m, x, c, p, s: None, "None"),
}


def _drawing(crop=True, box=20, keep_aspect=True, centre="mass", scale255=True, invert=False, frame=28):
    """prepare_drawing with one switchable mistake."""
    from skimage.transform import resize

    def prepare(drawing):
        ink = drawing.astype(float) / 255
        rows, cols = np.nonzero(ink)
        if crop:
            ink = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        scale = box / max(ink.shape)
        size = (round(ink.shape[0] * scale), round(ink.shape[1] * scale)) if keep_aspect else (box, box)
        small = np.clip(resize(ink, size, order=1, anti_aliasing=True), 0, 1)
        if frame == box:
            out = small
        else:
            out = np.zeros((frame, frame))
            top, left = (frame - size[0]) // 2, (frame - size[1]) // 2
            out[top:top + size[0], left:left + size[1]] = small
            if centre in ("mass", "swapped"):
                r, c = ndimage.center_of_mass(out)
                shift = (round(14 - r), round(14 - c))
                out = np.roll(out, shift[::-1] if centre == "swapped" else shift, axis=(0, 1))
        out = 1 - out if invert else out
        return np.rint(out * 255).astype(np.uint8) if scale255 else out
    return prepare


DRAWING_MUTANTS = {
    "no-crop": (_drawing(crop=False), "crop to the ink"),
    "stretched-28": (_drawing(box=28, keep_aspect=False), "do not resize to 28x28"),
    "aspect": (_drawing(keep_aspect=False), "aspect ratio"),
    "box-centred": (_drawing(centre="box"), "centre of mass"),
    "swapped-shift": (_drawing(centre="swapped"), "center_of_mass"),
    "unit-floats": (_drawing(scale255=False), "0-255"),
    "inverted": (_drawing(invert=True), "inverted"),
    "no-frame": (_drawing(frame=20), "28x28 frame"),
    "none": (lambda d: None, "None"),
}


@pytest.mark.parametrize("check_name, learner", [
    ("check_compute_saliency", attribution.compute_saliency),
    ("check_compute_occlusion", lambda m, x, c, p, s: attribution.compute_occlusion(m, x, c, patch_size=p, stride=s)),
    ("check_prepare_drawing", drawing.prepare_drawing),
    ("check_prepare_drawing", _drawing()),
])
def test_the_references_pass(check_name, learner, capsys):
    assert getattr(checks, check_name)(learner) is True, capsys.readouterr().out


@pytest.mark.parametrize("check_name, learner, keyword", [
    pytest.param(check, learner, keyword, id=f"{check}-{name}")
    for check, table in [("check_compute_saliency", SALIENCY_MUTANTS), ("check_compute_occlusion", OCCLUSION_MUTANTS),
                         ("check_prepare_drawing", DRAWING_MUTANTS)]
    for name, (learner, keyword) in table.items()])
def test_typical_mistakes_get_a_pointed_hint(check_name, learner, keyword, capsys):
    assert getattr(checks, check_name)(learner) is False
    out = capsys.readouterr().out
    assert out.startswith("❌") and keyword in out, out


# --- the widgets: thin wrappers, driven here without a browser ------------------------------------------------

def test_drawing_canvas_shows_the_example_then_follows_the_mouse():
    import labs
    from labs import widgets

    model = labs.models.make_small_cnn()
    canvas_widget = widgets.drawing_canvas(model, layer_names=["conv_1"])
    (left, picture), note = canvas_widget.children[0].children, canvas_widget.children[1]
    canvas, clear = left.children
    first = bytes(picture.value)
    assert first.startswith(b"\x89PNG") and "stored example" in note.value
    down, move, up = (getattr(canvas, f"_mouse_{name}_callbacks") for name in ("down", "move", "up"))
    down(140, 40)  # what ipycanvas calls on the browser's mouse events
    for y in range(40, 250, 10):
        move(140, y)
    up(140, 250)
    assert "your drawing" in note.value and bytes(picture.value) != first
    clear.click()
    down(10, 10)
    canvas._mouse_out_callbacks(10, 10)  # leaving the canvas lifts the pen
    assert "your drawing" in note.value  # a single dot is still a drawing: prepared, not refused


def test_filter_browser_redraws_for_another_layer_and_filter():
    from labs import widgets

    model = smooth_model(size=(10, 10), channels=1)
    images = np.random.default_rng(0).uniform(0, 1, (2, 10, 10, 1)).astype(np.float32)
    browser = widgets.filter_browser(model, images, pattern_steps=2)
    (layer, index, image), picture = browser.children[0].children, browser.children[1]
    first = bytes(picture.value)
    index.value = 2
    assert bytes(picture.value) != first
    image.value = 1
    assert index.max == 2 and layer.options == ("conv",)
    with pytest.raises(ValueError, match="images\\[0\\] must have the model's input shape"):
        widgets.filter_browser(model, images[:, :5])
