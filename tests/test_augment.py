"""labs.augment (small target, augmentation, dropout and early stopping by hand), the model options of
notebook 08, the augmentation explorer (labs.widgets), the checks of notebook 08 and its quiz."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labs import augment, data, models, overfitting, pretrained, training, quizzes, widgets  # noqa: E402
from labs.checks import augment as checks  # noqa: E402
from check_helpers import printed_line, unfinished_exercise  # noqa: E402

keras = models.keras
layers = keras.layers
NO_FASHION = "Fashion-MNIST is not available offline (sudo apt install dataset-fashion-mnist)"
needs_fashion = pytest.mark.skipif(not data.available_offline()["fashion_mnist"], reason=NO_FASHION)


def _image():
    """A 12x12 uint8 image with a bright bar on the left: flips and shifts move it visibly."""
    image = np.zeros((12, 12), dtype=np.uint8)
    image[2:10, 1:4] = 255
    image[2:4, 4:9] = 160
    return image


# --- the small target ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def target():
    if not data.available_offline()["fashion_mnist"]:
        pytest.skip(NO_FASHION)
    return data.load_small_target()


def _keys(images):
    """Return each image's bytes, to compare sets of images."""
    return {image.tobytes() for image in images}


def test_small_target_is_stratified_with_three_splits(target):
    assert target.X_train.shape == (1000, 28, 28) and target.X_val.shape == (1000, 28, 28)
    assert target.X_test.shape == (2000, 28, 28) and target.X_train.dtype == np.uint8
    assert np.bincount(target.y_train).tolist() == [100] * 10
    assert np.bincount(target.y_val).tolist() == [100] * 10
    assert np.bincount(target.y_test).tolist() == [200] * 10
    assert target.y_train.dtype == np.int64 and target.class_names[0] == "T-shirt/top"
    assert not _keys(target.X_train) & _keys(target.X_val)
    assert "1,000 training, 1,000 validation" in target.description and "SmallTarget(train" in repr(target)
    assert len(set(target.y_train[:20])) > 3  # shuffled, not sorted by class


@needs_fashion
def test_small_target_is_repeatable_and_nested(target):
    again, bigger = data.load_small_target(), data.load_small_target(num_train=2000)
    assert np.array_equal(again.X_train, target.X_train) and np.array_equal(again.y_test, target.y_test)
    assert _keys(target.X_train) <= _keys(bigger.X_train) and len(bigger.X_train) == 2000
    assert np.array_equal(bigger.X_val, target.X_val) and np.array_equal(bigger.X_test, target.X_test)
    other = data.load_small_target(seed=1)
    assert not np.array_equal(other.X_train, target.X_train)


@needs_fashion
def test_small_target_has_the_same_images_at_any_size_and_without_validation(target):
    """Notebook 08's small target is notebooks 09-10's at 28x28: the ladder of notebook 10 starts in 08."""
    for seed in (None, 1, 7):  # also for another notebook seed (benchmarks/bands.py's LABS_SEED)
        mine = target if seed is None else data.load_small_target(seed=seed)
        without = data.load_small_target(num_val=0, seed=seed)
        assert np.array_equal(mine.X_train, without.X_train) and np.array_equal(mine.y_train, without.y_train)
        assert np.array_equal(mine.X_test, target.X_test) and without.X_val.shape == (0, 28, 28)
    big = data.load_small_target(num_val=20, num_test=20, size=40, rgb=True)
    assert big.X_train.shape == (1000, 40, 40, 3) and big.X_val.shape == (20, 40, 40, 3) and big.X_train.dtype == np.uint8
    assert np.array_equal(big.y_train, target.y_train) and np.array_equal(big.X_train[..., 0], big.X_train[..., 2])
    assert "40x40 RGB" in big.description
    corr = np.corrcoef(big.X_train[:50, ::10, ::10, 0].astype(float).ravel(),
                       target.X_train[:50, ::7, ::7].astype(float).ravel())[0, 1]
    assert corr > 0.9  # the same garments, resized


@needs_fashion
def test_the_old_small_targets_still_load_with_a_warning(target):
    with pytest.warns(DeprecationWarning, match="use labs.data.load_small_target"):
        old = overfitting.load_small_target
    assert old is data.load_small_target
    with pytest.warns(DeprecationWarning, match=r"labs.data.load_small_target\(size=96, rgb=True\)"):
        theirs = pretrained.load_small_target(n_train=50, n_test=30, size=28, grey=True)
    assert isinstance(theirs, data.Dataset) and theirs.X_train.shape == (50, 28, 28)
    assert np.array_equal(theirs.X_test, data.load_small_target(num_train=50, num_val=0, num_test=30).X_test)


@needs_fashion
@pytest.mark.parametrize("kwargs, error, words", [
    ({"num_train": 1005}, ValueError, "num_train must be a multiple of 10"),
    ({"num_train": 59_000, "num_val": 2000}, ValueError, "num_train \\+ num_val must be at most 60,000"),
    ({"num_test": 20_000}, ValueError, "num_test must be at most 10000"),
    ({"num_val": 5}, ValueError, "num_val must be a multiple of 10"),
    ({"num_val": -10}, ValueError, "num_val must be at least 0"),
    ({"size": 4}, ValueError, "size must be at least 8"),
    ({"rgb": "yes"}, TypeError, "rgb must be True or False"),
    ({"num_train": 1000.0}, TypeError, "num_train must be a whole number"),
    ({"seed": -1}, ValueError, "seed must be at least 0"),
])
def test_small_target_bad_sizes_get_a_clear_error(kwargs, error, words):
    with pytest.raises(error, match=words):
        data.load_small_target(**kwargs)


# --- the augmentation pipeline ---------------------------------------------------------------------

def test_pipeline_has_one_layer_per_transformation_asked_for():
    pipeline = augment.make_augmentation(flip="horizontal", rotation=0.05, translation=0.1, zoom=0.1, contrast=0.2)
    assert [type(layer).__name__ for layer in pipeline.layers] == [
        "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast"]
    assert pipeline.name == "augmentation"
    only_shift = augment.make_augmentation(translation=0.15)
    assert [type(layer).__name__ for layer in only_shift.layers] == ["RandomTranslation"]
    assert only_shift.layers[0].get_config()["fill_mode"] == "constant"
    nothing = augment.make_augmentation()
    images = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32")
    assert np.array_equal(np.asarray(nothing(images, training=True)), images)


def test_pipeline_changes_images_only_in_training_and_is_seeded():
    images = np.random.default_rng(0).random((4, 12, 12, 1)).astype("float32")
    settings = {"flip": "horizontal", "rotation": 0.1, "translation": 0.2, "zoom": 0.2, "contrast": 0.3}
    pipeline = augment.make_augmentation(**settings, seed=3)
    assert np.array_equal(np.asarray(pipeline(images, training=False)), images)
    first = np.asarray(pipeline(images, training=True))
    assert not np.allclose(first, images)
    again = np.asarray(augment.make_augmentation(**settings, seed=3)(images, training=True))
    assert np.array_equal(first, again)


def test_contrast_goes_both_ways():
    image = np.tile(np.linspace(0.2, 0.8, 16, dtype="float32"), (16, 1))[None, :, :, None]
    pipeline = augment.make_augmentation(contrast=0.5, seed=0)
    spreads = [float(np.asarray(pipeline(image, training=True)).std() / image.std()) for _ in range(40)]
    assert min(spreads) < 0.9 and max(spreads) > 1.1  # the factor is drawn from [0.5, 1.5], not [1, 1.5]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"rotation": 15}, ValueError, "fraction of a turn, not degrees: 15° is 0.042"),
    ({"flip": "diagonal"}, ValueError, "flip must be one of None, 'horizontal', 'vertical'"),
    ({"flip": True}, ValueError, "flip must be one of"),
    ({"translation": -0.1}, ValueError, "translation must be from 0 to 0.5"),
    ({"zoom": 0.9}, ValueError, "zoom must be from 0 to 0.5"),
    ({"contrast": "a lot"}, TypeError, "contrast must be a number from 0 to 0.9"),
    ({"rotation": float("nan")}, TypeError, "rotation must be a number"),
    ({"fill_mode": "mirror"}, ValueError, "fill_mode must be one of"),
    ({"seed": -2}, ValueError, "seed must be at least 0"),
])
def test_pipeline_bad_strengths_get_a_clear_error(kwargs, error, words):
    with pytest.raises(error, match=words):
        augment.make_augmentation(**kwargs)


def test_describe_augmentation_speaks_degrees_and_pixels():
    assert augment.describe_augmentation() == "no change"
    text = augment.describe_augmentation(flip="horizontal_and_vertical", rotation=0.05, translation=0.1, zoom=0.1,
                                         contrast=0.2)
    assert text == "flip horizontal and vertical, rotate up to ±18°, shift up to ±2.8 px, zoom ±10%, " \
                   "contrast ×0.80 to ×1.20"


def test_augment_image_gives_uint8_copies_of_the_same_shape():
    image = _image()
    copies = augment.augment_image(image, num_samples=6, seed=1, flip="horizontal")
    assert copies.shape == (6, 12, 12) and copies.dtype == np.uint8
    mirrored = augment.flip_images(image, "horizontal")
    assert all(np.array_equal(c, image) or np.array_equal(c, mirrored) for c in copies)
    assert any(np.array_equal(c, mirrored) for c in copies) and any(np.array_equal(c, image) for c in copies)
    assert np.array_equal(copies, augment.augment_image(image, num_samples=6, seed=1, flip="horizontal"))
    colour = np.stack([image, image // 2, image // 3], axis=-1)
    assert augment.augment_image(colour, num_samples=2, translation=0.2).shape == (2, 12, 12, 3)


def test_augment_image_shifts_move_the_bar():
    image = _image()
    copies = augment.augment_image(image, num_samples=12, seed=0, translation=0.25)
    columns = [np.average(np.arange(12), weights=c.sum(axis=0) + 1e-9) for c in copies]
    assert np.ptp(columns) > 1.5  # the bar's centre moves by pixels, not by rounding noise


@pytest.mark.parametrize("image, kwargs, error, words", [
    (np.zeros((2, 12, 12, 1), dtype=np.uint8), {}, ValueError, "image must be 2-D or 3-D"),
    (np.zeros((12, 12)), {}, TypeError, "image must be uint8"),
    (np.zeros((12, 12, 2), dtype=np.uint8), {}, ValueError, r"image must be \(H, W\), \(H, W, 1\) or \(H, W, 3\)"),
    (_image(), {"num_samples": 0}, ValueError, "num_samples must be at least 1"),
    (_image(), {"shear": 0.2}, TypeError, r"unknown strength\(s\) \['shear'\]"),
    (_image(), {"flip": "both"}, ValueError, "flip must be one of"),
    (None, {}, TypeError, "image must be an array, got None"),
])
def test_augment_image_bad_input_gets_a_clear_error(image, kwargs, error, words):
    with pytest.raises(error, match=words):
        augment.augment_image(image, **kwargs)


def test_flip_images_mirrors_the_right_axis():
    image = np.arange(6).reshape(2, 3)
    assert augment.flip_images(image, "horizontal").tolist() == [[2, 1, 0], [5, 4, 3]]
    assert augment.flip_images(image, "vertical").tolist() == [[3, 4, 5], [0, 1, 2]]
    assert augment.flip_images(image, "horizontal_and_vertical").tolist() == [[5, 4, 3], [2, 1, 0]]
    assert augment.flip_images(image, None).tolist() == image.tolist()
    batch = np.arange(2 * 2 * 3 * 3).reshape(2, 2, 3, 3)  # two colour images
    assert np.array_equal(augment.flip_images(batch, "horizontal"), batch[:, :, ::-1, :])
    with pytest.raises(ValueError, match="flip must be one of"):
        augment.flip_images(image, "sideways")
    with pytest.raises(ValueError, match="images must be 2-D or 3-D or 4-D"):
        augment.flip_images(np.zeros(5), "horizontal")


# --- dropout and early stopping ----------------------------------------------------------------------

def test_apply_dropout_scales_in_training_and_passes_through_at_inference():
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    keep = np.array([[True, False, True, True]])
    assert overfitting.apply_dropout(x, keep, 0.5, True).tolist() == [[2.0, 0.0, 6.0, 8.0]]
    assert overfitting.apply_dropout(x, keep, 0.5, False).tolist() == x.tolist()
    rng = np.random.default_rng(0)
    big = np.ones(200_000)
    dropped = overfitting.apply_dropout(big, rng.random(big.shape) >= 0.3, 0.3, True)
    assert dropped.mean() == pytest.approx(1.0, abs=0.01)  # the expected value is kept


def test_apply_dropout_matches_keras_dropout_layer():
    x = np.arange(1.0, 65.0, dtype="float32").reshape(4, 16)
    out = np.asarray(layers.Dropout(0.25, seed=7)(x, training=True))
    ours = overfitting.apply_dropout(x, out != 0, 0.25, True)
    assert np.allclose(ours, out)
    assert np.array_equal(np.asarray(layers.Dropout(0.25, seed=7)(x, training=False)), x)


@pytest.mark.parametrize("args, error, words", [
    ((np.ones(3), np.ones(3, dtype=bool), 1.0, True), ValueError, "rate must be a number from 0 up to"),
    ((np.ones(3), np.ones(2, dtype=bool), 0.5, True), ValueError, r"keep must have the shape of x, \(3,\)"),
    ((np.ones(3), np.ones(3), 0.5, True), TypeError, "keep must"),
    ((np.ones(3), np.ones(3, dtype=bool), 0.5, "yes"), TypeError, "training must be True or False"),
    (("abc", np.ones(3, dtype=bool), 0.5, True), TypeError, "x must have a numeric dtype"),
])
def test_apply_dropout_bad_input_gets_a_clear_error(args, error, words):
    with pytest.raises(error, match=words):
        overfitting.apply_dropout(*args)


def _keras_early_stop(curve, patience):
    """Run keras.callbacks.EarlyStopping over a fixed curve; return (best_epoch, stop_epoch) from 1."""
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    for epoch, loss in enumerate(curve):
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if model.stop_training:
            return callback.best_epoch + 1, epoch + 1
    return callback.best_epoch + 1, len(curve)


@pytest.mark.parametrize("seed", range(12))
def test_early_stop_rule_matches_keras_on_random_curves(seed):
    rng = np.random.default_rng(seed)
    curve = np.round(1 / np.arange(1, 21) + rng.normal(0, 0.05, 20) + np.linspace(0, 0.3, 20), 2)  # ties happen
    for patience in (1, 2, 3, 5):
        assert overfitting.compute_early_stop(curve, patience) == _keras_early_stop(curve, patience)


def test_early_stop_rule_on_hand_made_curves():
    assert overfitting.compute_early_stop([1.0, 0.8, 0.7, 0.72, 0.75, 0.71], 2) == (3, 5)
    assert overfitting.compute_early_stop([0.9, 0.8, 0.7], 2) == (3, 3)  # never triggered: trained to the end
    assert overfitting.compute_early_stop([0.5, 0.5, 0.5, 0.4], 2) == (1, 3)  # a tie is no improvement


@pytest.mark.parametrize("args, error, words", [
    (([0.5, float("nan")], 2), ValueError, "val_losses contains NaN"),
    (([0.5, 0.4], 0), ValueError, "patience must be at least 1"),
    (([[0.5, 0.4]], 2), ValueError, "val_losses must be 1-D"),
    (([], 2), ValueError, "val_losses is empty"),
    (([0.5], 1.5), TypeError, "patience must be a whole number"),
])
def test_early_stop_bad_input_gets_a_clear_error(args, error, words):
    with pytest.raises(error, match=words):
        overfitting.compute_early_stop(*args)


def test_summarize_overfitting_reads_the_signs():
    history = {"loss": [1.0, 0.5, 0.2, 0.1], "val_loss": [1.1, 0.7, 0.8, 1.05],
               "accuracy": [0.6, 0.8, 0.95, 1.0], "val_accuracy": [0.55, 0.75, 0.74, 0.73]}
    signs = overfitting.summarize_overfitting(history)
    assert signs["best_epoch"] == 2 and signs["epochs"] == 4
    assert signs["val_loss_rise"] == pytest.approx(1.5) and signs["accuracy_gap"] == pytest.approx(0.27)
    with pytest.raises(TypeError, match="Train with validation_data"):
        overfitting.summarize_overfitting({"loss": [1.0], "accuracy": [0.5]})


def test_shift_curve_counts_right_answers_per_shift():
    images = np.zeros((4, 6, 6), dtype=np.uint8)
    images[:, :, 0] = 255
    labels = np.array([0, 0, 0, 0])

    def predict(X):  # "class 0" while the bright column is still in the left half
        return np.where(X[:, :, :3].sum(axis=(1, 2)) > 0, 0, 1)

    assert overfitting.compute_shift_curve(predict, images, labels, shifts=(0, 2, 3)) == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="labels has 3 entries but there are 4 images"):
        overfitting.compute_shift_curve(predict, images, labels[:3])
    with pytest.raises(TypeError, match="predict must be a function"):
        overfitting.compute_shift_curve("model", images, labels)
    with pytest.raises(TypeError, match="images must"):
        overfitting.compute_shift_curve(predict, images / 255, labels)


def test_figures_have_titles_and_labels():
    fig = augment.show_augmentations(_image(), num_samples=5, seed=0, flip="horizontal")
    assert fig._suptitle.get_text() == "flip horizontal" and fig.axes[0].get_title() == "original"
    assert fig.axes[5].get_title() == "copy 5"
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]}
    ax = training.plot_history({"baseline": history, "dropout": history}, "val_loss")
    assert ax.get_title() == "Validation loss per epoch" and ax.get_ylabel() == "validation loss"
    assert len(ax.lines) == 2 and ax.get_xlabel() == "epoch"
    plt.close("all")
    with pytest.raises(ValueError, match="history\\['baseline'\\] has no 'val_accuracy' curve"):
        training.plot_history({"baseline": history}, "val_accuracy")
    with pytest.raises(TypeError, match="history must be a Keras History"):
        training.plot_history([])
    with pytest.warns(DeprecationWarning, match="use labs.training.plot_history"):
        old = overfitting.plot_histories
    assert old({"baseline": history}).get_title() == "Validation loss per epoch"  # its default metric kept
    plt.close("all")


# --- the model options of notebook 08 --------------------------------------------------------------

def test_small_cnn_without_remedies_is_the_classic_one():
    model = models.make_small_cnn()
    assert [layer.name for layer in model.layers] == ["conv_1", "pool_1", "conv_2", "pool_2", "conv_3", "flatten",
                                                      "dense", "output"]
    assert model.count_params() == 93_322
    assert all(getattr(layer, "kernel_regularizer", None) is None for layer in model.layers)


def test_remedies_keep_the_initial_weights_and_act_only_in_training():
    plain = models.make_small_cnn(seed=3)
    treated = models.make_small_cnn(seed=3, dropout=0.5, l2=1e-3,
                                    augmentation={"flip": "horizontal", "translation": 0.1})
    assert treated.layers[0].name == "augmentation" and "dropout" in [layer.name for layer in treated.layers]
    assert treated.count_params() == plain.count_params()
    for a, b in zip(plain.get_weights(), treated.get_weights()):
        assert np.array_equal(a, b)
    X = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    assert np.allclose(plain.predict(X, verbose=0), treated.predict(X, verbose=0), atol=1e-6)
    assert treated.get_layer("conv_1").kernel_regularizer.l2 == pytest.approx(1e-3)
    assert models.make_small_cnn(dense_units=512).get_layer("dense").units == 512


def test_batchnorm_cnn_takes_augmentation_and_keeps_its_default():
    assert models.make_batchnorm_cnn().count_params() == models.make_batchnorm_cnn(
        augmentation={"flip": "horizontal"}).count_params()
    assert models.make_batchnorm_cnn().get_layer("dropout").rate == 0.2
    assert models.make_batchnorm_cnn(dropout=0.4).get_layer("dropout").rate == 0.4


@pytest.mark.parametrize("kwargs, error, words", [
    ({"dropout": 1.0}, ValueError, "dropout must be a rate from 0 up to"),
    ({"dropout": True}, ValueError, "dropout must be a rate"),
    ({"l2": -1e-3}, ValueError, "l2 must be a weight-decay factor"),
    ({"augmentation": "flip"}, TypeError, "augmentation must be None or a dict"),
    ({"augmentation": {"rotation": 30}}, ValueError, "not degrees"),
    ({"augmentation": {"shear": 0.1}}, TypeError, "unexpected keyword argument 'shear'"),
    ({"dense_units": 0}, ValueError, "dense_units must be at least 1"),
])
def test_model_remedies_bad_input_gets_a_clear_error(kwargs, error, words):
    with pytest.raises(error, match=words):
        models.make_small_cnn(**kwargs)


def test_train_model_runs_extra_callbacks_and_rejects_others():
    rng = np.random.default_rng(0)
    X, y = rng.random((32, 28, 28, 1)).astype("float32"), rng.integers(0, 10, 32)
    model = training.compile_classifier(models.make_small_cnn(), learning_rate=1e-3)
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=10.0)  # nothing is that good
    history = training.train_model(model, X, y, epochs=5, batch_size=16, callbacks=[stopper], progress="silent")
    assert len(history.history["loss"]) == 2
    with pytest.raises(TypeError, match="callbacks must be a list of keras.callbacks.Callback"):
        training.train_model(model, X, y, epochs=1, callbacks=["early"], progress="silent")


# --- the explorer ------------------------------------------------------------------------------------

def test_explorer_redraws_when_a_control_moves():
    images = np.stack([_image(), _image()[::-1]])
    explorer = widgets.augmentation_explorer(images, titles=["bar", "flipped bar"], num_samples=3)
    (controls, picture), note = explorer.children[0].children, explorer.children[1]
    picker, flip, rotation, translation, zoom, contrast, draw = controls.children
    first = bytes(picture.value)
    assert first.startswith(b"\x89PNG") and "no change" in note.value
    translation.value = 0.2
    assert bytes(picture.value) != first and "shift up to" in note.value
    flip.value = "horizontal"
    assert "flip horizontal" in note.value
    before = bytes(picture.value)
    draw.click()
    assert bytes(picture.value) != before and "draw 2" in note.value
    picker.value = 1
    assert rotation.max == 0.5 and contrast.max == 0.5 and zoom.value == 0.0


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((np.zeros((2, 8, 8)),), {}, TypeError, "images must be uint8"),
    ((np.zeros((8, 8), dtype=np.uint8),), {}, ValueError, "images must be 3-D or 4-D"),
    ((np.zeros((2, 8, 8, 4), dtype=np.uint8),), {}, ValueError, r"images must be \(N, H, W\) or \(N, H, W, 3\)"),
    ((np.zeros((2, 8, 8), dtype=np.uint8),), {"titles": ["one"]}, ValueError, "titles must hold one name per image"),
    ((np.zeros((2, 8, 8), dtype=np.uint8),), {"num_samples": 64}, ValueError, "num_samples must be at most 63"),
])
def test_explorer_bad_input_gets_a_clear_error(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        widgets.augmentation_explorer(*args, **kwargs)


# --- checks ------------------------------------------------------------------------------------------

def _learner_augmentation(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    pipeline = []
    if flip:
        pipeline.append(layers.RandomFlip(flip))
    if rotation:
        pipeline.append(layers.RandomRotation(rotation))
    if translation:
        pipeline.append(layers.RandomTranslation(translation, translation))
    if zoom:
        pipeline.append(layers.RandomZoom(zoom))
    if contrast:
        pipeline.append(layers.RandomContrast((contrast, contrast), value_range=(0, 1)))
    return keras.Sequential(pipeline)


def _learner_dropout(x, keep, rate, training):
    return x * keep / (1 - rate) if training else x


def _learner_early_stop(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


CHECKS = [
    (checks.check_make_augmentation, _learner_augmentation),
    (checks.check_apply_dropout, _learner_dropout),
    (checks.check_compute_early_stop, _learner_early_stop),
]


@pytest.mark.parametrize("check, solution", CHECKS)
def test_checks_pass_a_correct_solution(check, solution, capsys):
    assert check(solution) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _", CHECKS)
@pytest.mark.parametrize("learner", [None, 42, unfinished_exercise, lambda *a, **k: None,
                                     lambda *a, **k: np.zeros((2, 2)), lambda *a, **k: "no", lambda *a, **k: 1 / 0,
                                     lambda *a, **k: (1, 2, 3), lambda *a, **k: (-5, 10**6)])
def test_checks_fail_wrong_answers_with_one_line_and_never_raise(check, _, learner, capsys):
    assert check(learner) is False
    assert printed_line(capsys).startswith("❌")


def _mutant_augmentation(change):
    """Return a learner pipeline builder with one typical mistake."""
    def build(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
        pipeline = []
        if flip or change == "always flip":
            pipeline.append(layers.RandomFlip("horizontal_and_vertical" if change == "both flips" else
                                              (flip or "horizontal")))
        if rotation:
            pipeline.append(layers.RandomRotation(rotation * 360 if change == "degrees" else rotation))
        if translation:
            pipeline.append(layers.RandomTranslation(translation, 0.0 if change == "height only" else translation))
        if zoom and change != "no zoom":
            pipeline.append(layers.RandomZoom(zoom))
        if contrast:
            pipeline.append(layers.RandomContrast((contrast, contrast)) if change == "value range"
                            else layers.RandomContrast((contrast, contrast), value_range=(0, 1)))
        if change == "rescaling":
            pipeline.insert(0, layers.Rescaling(1 / 255))
        if change == "list":
            return pipeline
        return keras.Sequential(pipeline)
    return build


@pytest.mark.parametrize("change, words", [
    ("degrees", "±18°, not degrees"),
    ("both flips", "RandomFlip has mode 'horizontal_and_vertical', expected 'horizontal'"),
    ("always flip", "your pipeline has a RandomFlip layer, but flip=None"),
    ("height only", "RandomTranslation(translation, translation)"),
    ("no zoom", "there is no RandomZoom layer"),
    ("value range", "value_range=(0, 1)"),
    ("rescaling", "only the five random layers belong"),
    ("list", "wrap the layers in keras.Sequential"),
])
def test_augmentation_check_names_typical_mistakes(change, words, capsys):
    assert checks.check_make_augmentation(_mutant_augmentation(change)) is False
    assert words in printed_line(capsys)


def test_augmentation_check_accepts_the_symmetric_contrast_pair(capsys):
    def pairs(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
        return augment.make_augmentation(flip, rotation, translation, zoom, contrast)
    assert checks.check_make_augmentation(pairs) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("mutant, words", [
    (lambda x, keep, rate, training: x * keep if training else x, "scaled up by 1 / (1 - rate)"),
    (lambda x, keep, rate, training: x * keep * (1 - rate) if training else x, "Keras scales up in training"),
    (lambda x, keep, rate, training: x * keep / rate if training else x, "not by the rate"),
    (lambda x, keep, rate, training: x * ~keep / (1 - rate) if training else x, "keep is True for the units"),
    (lambda x, keep, rate, training: x * keep / (1 - rate), "at inference nothing is dropped"),
    (lambda x, keep, rate, training: x * keep / (1 - rate) if training else x / (1 - rate), "inference returns x"),
])
def test_dropout_check_names_typical_mistakes(mutant, words, capsys):
    assert checks.check_apply_dropout(mutant) is False
    assert words in printed_line(capsys)


def _mutant_early_stop(change):
    """Return a learner early-stopping rule with one typical mistake."""
    def rule(val_losses, patience):
        best, best_epoch, waited = float("inf"), 0, 0
        for epoch, loss in enumerate(val_losses, start=1):
            improved = loss <= best if change == "ties improve" else loss < best
            if improved:
                best, best_epoch, waited = loss, epoch, 0
                continue
            waited += 1
            if waited > patience if change == "one late" else waited >= patience:
                if change == "zero based":
                    return best_epoch - 1, epoch - 1
                return (epoch if change == "last weights" else best_epoch), epoch
        if change == "peek":
            return int(np.argmin(val_losses)) + 1, len(val_losses)
        return best_epoch, len(val_losses)
    if change == "never stop":
        return lambda val_losses, patience: (int(np.argmin(val_losses)) + 1, len(val_losses))
    if change == "peek":
        return lambda val_losses, patience: (int(np.argmin(val_losses)) + 1,
                                             overfitting.compute_early_stop(val_losses, patience)[1])
    return rule


@pytest.mark.parametrize("change, words", [
    ("zero based", "count epochs from 1"),
    ("one late", "not one epoch later"),
    ("last weights", "the best epoch, not of the last one"),
    ("ties improve", "a tie is no improvement"),
    ("never stop", "stop when that count reaches patience"),
    ("peek", "cannot look at epochs after it has stopped"),
])
def test_early_stop_check_names_typical_mistakes(change, words, capsys):
    assert checks.check_compute_early_stop(_mutant_early_stop(change)) is False
    assert words in printed_line(capsys)


# --- quiz --------------------------------------------------------------------------------------------

def test_augment_quiz_answers_recomputed():
    questions = quizzes.load_quiz("augment")
    assert 3 <= len(questions) <= 8
    dropout_q = next(q for q in questions if "Dropout(0.25)" in q.prompt)
    x, keep = np.ones(4), np.array([True, False, True, True])
    assert dropout_q.answer == pytest.approx(overfitting.apply_dropout(x, keep, 0.25, True).max())
    stop_q = next(q for q in questions if "patience 2" in q.prompt)
    curve = [float(v) for v in stop_q.prompt.split("is ")[1].split(". With")[0].split(", ")]
    assert stop_q.answer == overfitting.compute_early_stop(curve, 2)[1]
    fashion_q = next(q for q in questions if "Fashion-MNIST" in q.prompt)
    assert fashion_q.options[fashion_q.answer] == "horizontal only"
    digits_q = next(q for q in questions if "handwritten digits" in q.prompt)
    assert digits_q.options[digits_q.answer] == "no flip at all"
    where_q = next(q for q in questions if "preprocessing layers" in q.prompt)
    pipeline = augment.make_augmentation(flip="horizontal", seed=0)
    images = np.random.default_rng(0).random((2, 4, 4, 1)).astype("float32")
    assert np.array_equal(np.asarray(pipeline(images, training=False)), images)
    assert where_q.options[where_q.answer].startswith("in every call to fit")


# --- training on the small target ------------------------------------------------------------------

def _tiny_target(n=40):
    """A SmallTarget of random images (n per split), to exercise the training helpers quickly."""
    rng = np.random.default_rng(0)
    split = lambda: (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n))  # noqa: E731
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = split(), split(), split()
    return data.SmallTarget(X_train, y_train, X_val, y_val, X_test, y_test, tuple("abcdefghij"), "tiny")


def test_train_on_target_and_compute_accuracies():
    tiny = _tiny_target()
    model = models.make_small_cnn()
    recipe = {"epochs": 2, "batch_size": 20, "learning_rate": 1e-3}
    history = overfitting.train_on_target(model, tiny, recipe, progress="silent")
    assert len(history.history["val_loss"]) == 2 and history.train_seconds > 0
    assert "val_loss" not in overfitting.train_on_target(model, tiny, recipe, epochs=1, validate=False,
                                                     progress="silent").history
    scores = overfitting.compute_accuracies(model, tiny)
    assert set(scores) == {"training", "validation", "test"} and all(0 <= v <= 1 for v in scores.values())
    assert set(overfitting.compute_accuracies(model, tiny, ("validation",))) == {"validation"}


@pytest.mark.parametrize("call, error, words", [
    (lambda m, t: overfitting.train_on_target(m, "target"), TypeError, "target must be a SmallTarget"),
    (lambda m, t: overfitting.train_on_target(m, t, "fast"), ValueError, "recipe must be one of"),
    (lambda m, t: overfitting.train_on_target(m, t, {"epochs": 1}), ValueError, "recipe must be the name of a training recipe in labs.training.RECIPES"),
    (lambda m, t: overfitting.train_on_target(m, t, validate="yes"), TypeError, "validate must be True or False"),
    (lambda m, t: overfitting.train_on_target(m, t, epochs=0), ValueError, "epochs must be at least 1"),
    (lambda m, t: overfitting.compute_accuracies("model", t), TypeError, "model must be a keras.Model"),
    (lambda m, t: overfitting.compute_accuracies(m, t, "test"), TypeError, "splits must be a tuple"),
    (lambda m, t: overfitting.compute_accuracies(m, t, ("testing",)), ValueError, "splits must be one of"),
])
def test_training_helpers_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call(models.make_small_cnn(), _tiny_target(20))


def test_rotation_curve_turns_the_images():
    images = np.zeros((3, 9, 9), dtype=np.uint8)
    images[:, 1:8, 4] = 255  # a vertical bar
    labels = np.zeros(3, dtype=int)

    def predict(X):  # "class 0" while the bar is still vertical
        return np.where(X[:, 1:8, 4].mean(axis=1) > 200, 0, 1)

    assert overfitting.compute_rotation_curve(predict, images, labels, angles=(0, 90)) == [1.0, 0.0]
    with pytest.raises(ValueError, match="angles must be numbers of degrees"):
        overfitting.compute_rotation_curve(predict, images, labels, angles=("ninety",))


def test_cats_vs_dogs_cnn_has_the_talks_3_4_million_weights():
    model = overfitting.make_cats_vs_dogs_cnn()
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes[:8] == [(148, 148, 32), (74, 74, 32), (72, 72, 64), (36, 36, 64), (34, 34, 128), (17, 17, 128),
                          (15, 15, 128), (7, 7, 128)]
    assert model.get_layer("dense").count_params() == 3_211_776  # as on the talk's slide
    assert model.count_params() == 3_453_121 - 513 + 1026  # a 2-class softmax instead of 1 sigmoid unit
    regularised = overfitting.make_cats_vs_dogs_cnn(dropout=0.5, augmentation={"flip": "horizontal"})
    assert regularised.count_params() == model.count_params() and regularised.layers[0].name == "augmentation"
    with pytest.raises(ValueError, match="dropout must be a rate"):
        overfitting.make_cats_vs_dogs_cnn(dropout=1.5)


def test_validation_curve_agrees_with_keras_own_validation():
    tiny = _tiny_target(64)
    recipe = {"epochs": 2, "batch_size": 32, "learning_rate": 1e-3}
    ours = overfitting.train_on_target(models.make_small_cnn(l2=1e-3), tiny, recipe, progress="silent").history
    model = training.compile_classifier(models.make_small_cnn(l2=1e-3), learning_rate=1e-3)
    X, X_val = models.prepare_images(tiny.X_train), models.prepare_images(tiny.X_val)
    theirs = training.train_model(model, X, tiny.y_train, epochs=2, batch_size=32, validation_data=(X_val, tiny.y_val),
                                progress="silent").history
    assert ours["val_accuracy"] == pytest.approx(theirs["val_accuracy"])
    assert ours["val_loss"] == pytest.approx(theirs["val_loss"], rel=1e-4)  # the weight penalty included
    assert ours["loss"] == theirs["loss"]  # measuring validation does not change training


def test_predict_labels_matches_keras_predict():
    tiny = _tiny_target(30)
    model = models.make_small_cnn()
    expected = model.predict(models.prepare_images(tiny.X_test), verbose=0).argmax(axis=1)
    assert np.array_equal(overfitting.predict_labels(model, tiny.X_test, batch_size=7), expected)
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        overfitting.predict_labels("cnn", tiny.X_test)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        overfitting.predict_labels(model, tiny.X_test, batch_size=0)
    with pytest.raises(ValueError, match="X must be 3-D or 4-D"):
        overfitting.predict_labels(model, tiny.X_test[0, 0])
