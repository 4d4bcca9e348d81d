"""labs.models (Keras builders, training helper, parameter formulas), the CNN checks and the cnn quiz."""

import ast
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labs import conv, models, training, quizzes, widgets  # noqa: E402
from labs.checks import cnn as checks  # noqa: E402
from check_helpers import printed_line, unfinished_exercise  # noqa: E402

keras = models.keras
SMALL_CNN_PARAMS = [320, 0, 18_496, 0, 36_928, 0, 36_928, 650]


# --- the models and their parameter counts --------------------------------------------------------

def test_small_cnn_matches_the_lecture_summary():
    model = models.make_small_cnn()
    table = models.summarize_model(model)
    assert table["parameters"].tolist() == SMALL_CNN_PARAMS
    assert model.count_params() == sum(SMALL_CNN_PARAMS) == 93_322
    assert table["output shape"].tolist() == ["(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)",
                                              "(None, 5, 5, 64)", "(None, 3, 3, 64)", "(None, 576)",
                                              "(None, 64)", "(None, 10)"]


def test_parameter_formulas_agree_with_keras_layer_by_layer():
    model = models.make_small_cnn()
    size, channels = 28, 1
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kh, kw = layer.kernel_size
            assert layer.count_params() == models.compute_conv_params(kh, kw, channels, layer.filters)
            size, channels = conv.compute_output_size(size, kh), layer.filters
        elif isinstance(layer, keras.layers.MaxPooling2D):
            size = conv.compute_output_size(size, 2, "valid", 2)
        elif isinstance(layer, keras.layers.Flatten):
            channels = size * size * channels
        elif isinstance(layer, keras.layers.Dense):
            assert layer.count_params() == models.compute_dense_params(channels, layer.units)
            channels = layer.units
        if not isinstance(layer, (keras.layers.Flatten, keras.layers.Dense)):
            assert tuple(layer.output.shape[1:]) == (size, size, channels)


def test_convolutional_part_does_not_grow_with_the_input_size():
    small = models.count_params_by_kind(models.make_small_cnn((28, 28, 1)))
    large = models.count_params_by_kind(models.make_small_cnn((64, 64, 1)))
    assert small["convolutional"] == large["convolutional"] == 320 + 18_496 + 36_928
    assert large["dense"] > small["dense"]
    assert small["total"] == 93_322


def test_dense_network_has_two_hidden_layers_of_512():
    model = models.make_dense_mnist()
    assert [layer.count_params() for layer in model.layers] == [
        0, models.compute_dense_params(784, 512), models.compute_dense_params(512, 512),
        models.compute_dense_params(512, 10)]
    assert model.count_params() == 669_706
    assert models.make_dense_mnist((28, 28, 1)).count_params() == 669_706


def test_batchnorm_cnn_counts_add_up():
    model = models.make_batchnorm_cnn()
    conv_1 = 3 * 3 * 1 * 32  # no bias: batch norm shifts
    conv_2 = 3 * 3 * 32 * 64
    norms = 4 * 32 + 4 * 64  # gamma, beta, moving mean, moving variance
    side = conv.compute_output_size(conv.compute_output_size(28, 3) // 2, 3) // 2
    dense = models.compute_dense_params(side * side * 64, 128) + models.compute_dense_params(128, 10)
    assert model.count_params() == conv_1 + conv_2 + norms + dense
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)


def test_builders_are_seeded():
    first = models.make_small_cnn(seed=3).get_weights()[0]
    assert np.array_equal(first, models.make_small_cnn(seed=3).get_weights()[0])
    assert not np.array_equal(first, models.make_small_cnn(seed=4).get_weights()[0])


@pytest.mark.parametrize("call, error, words", [
    (lambda: models.make_small_cnn((28, 28)), ValueError, "input_shape must be a tuple of 3 sizes"),
    (lambda: models.make_small_cnn((28, 28, 0)), ValueError, "input_shape must be at least 1"),
    (lambda: models.make_small_cnn(num_classes=1), ValueError, "num_classes must be at least 2"),
    (lambda: models.make_dense_mnist(784), ValueError, "input_shape must be a tuple of 1 or 2 or 3 sizes"),
    (lambda: models.make_batchnorm_cnn(seed=-1), ValueError, "seed must be at least 0"),
    (lambda: models.compute_conv_params(3, 3, 0, 32), ValueError, "in_channels must be at least 1"),
    (lambda: models.compute_dense_params(784.0, 10), TypeError, "num_inputs must be a whole number"),
    (lambda: training.compile_classifier("model"), TypeError, "model must be a keras.Model"),
    (lambda: training.compile_classifier(models.make_small_cnn(), learning_rate=0), ValueError,
     "learning_rate must be greater than 0"),
    (lambda: training.make_warmup_cosine(1e-3, 1), ValueError, "total_steps must be at least 2"),
    (lambda: training.make_warmup_cosine(-1e-3, 100), ValueError, "learning_rate must be greater than 0"),
    (lambda: training.make_warmup_cosine(1e-3, 100, warmup_fraction=1), ValueError, "warmup_fraction"),
    (lambda: models.summarize_model(None), TypeError, "model must be a keras.Model"),
    (lambda: models.count_params_by_kind([]), TypeError, "model must be a keras.Model"),
])
def test_model_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_warmup_cosine_rises_then_falls_to_zero():
    schedule = training.make_warmup_cosine(2e-3, 100)
    values = [float(schedule(step)) for step in (0, 10, 55, 100)]
    assert values[0] == 0 and values[1] == pytest.approx(2e-3) and 0 < values[2] < 2e-3
    assert values[3] == pytest.approx(0, abs=1e-9)
    assert float(training.make_warmup_cosine(1e-3, 10, warmup_fraction=0)(0)) == pytest.approx(1e-3)


# --- preparing data and training ------------------------------------------------------------------

@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3])
def test_smoothed_sparse_crossentropy_matches_keras_on_one_hot_labels(smoothing):
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(10), size=32).astype("float32")
    labels = rng.integers(0, 10, size=32)
    ours = training.SmoothedSparseCrossentropy(smoothing)(labels, probabilities)
    reference = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)(np.eye(10)[labels], probabilities)
    assert float(ours) == pytest.approx(float(reference), rel=1e-6)
    as_column = training.SmoothedSparseCrossentropy(smoothing)(labels[:, None], probabilities)  # Keras' (N, 1) labels
    assert float(as_column) == pytest.approx(float(ours), rel=1e-6)
    if smoothing == 0:
        plain = keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)
        assert float(ours) == pytest.approx(float(plain), rel=1e-6)


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn.t accept a copy keyword:DeprecationWarning")
def test_smoothed_loss_survives_saving_a_compiled_model(tmp_path):
    model = training.compile_classifier(_tiny_model(), learning_rate=1e-2, label_smoothing=0.2)
    path = tmp_path / "tiny.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.loss, training.SmoothedSparseCrossentropy) and loaded.loss.label_smoothing == 0.2
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\), got int 1"):
        training.SmoothedSparseCrossentropy(1)
    with pytest.raises(ValueError, match="label_smoothing must be a number"):
        training.compile_classifier(_tiny_model(), label_smoothing="a little")



def test_prepare_images_scales_and_adds_a_channel():
    X = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    prepared = models.prepare_images(X)
    assert prepared.shape == (1, 2, 2, 1) and prepared.dtype == np.float32
    assert prepared.ravel().tolist() == pytest.approx([0, 1, 0.2, 0.4])
    assert models.prepare_images(np.zeros((2, 4, 4, 3), dtype=np.uint8)).shape == (2, 4, 4, 3)
    with pytest.raises(ValueError, match="already scaled"):
        models.prepare_images(prepared[..., 0])
    with pytest.raises(ValueError, match="X must be 3-D or 4-D"):
        models.prepare_images(np.zeros((4, 784)))


def _tiny_problem():
    rng = np.random.default_rng(0)
    X = rng.random((64, 8, 8, 1)).astype("float32")
    y = (X[:, :4].mean(axis=(1, 2, 3)) > X[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    return X, y


def _tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    return training.compile_classifier(keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax")]), learning_rate=1e-2)


@pytest.fixture(scope="module")
def trained():
    """Train the tiny model once, printing its progress; return (history, printed lines)."""
    import contextlib
    import io

    X, y = _tiny_problem()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        history = training.train_model(_tiny_model(), X, y, epochs=2, batch_size=16, validation_split=0.25,
                                     progress="print")
    return history, printed.getvalue().strip().splitlines()


def test_training_is_quiet_deterministic_and_timed(trained, capsys):
    X, y = _tiny_problem()
    again = training.train_model(_tiny_model(), X, y, epochs=2, batch_size=16, validation_split=0.25)
    assert capsys.readouterr().out == ""  # progress="auto" prints nothing outside a notebook
    history, _ = trained
    assert again.history == history.history
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.train_seconds > 0
    table = training.history_table(history)
    assert list(table.index) == [1, 2] and table.index.name == "epoch"
    assert (table.round(3) == table).all().all()


def test_train_with_recipe_decays_the_learning_rate_to_zero():
    X, y = _tiny_problem()
    model = _tiny_model()
    history = training.train_with_recipe(model, X, y, {"epochs": 2, "batch_size": 32, "learning_rate": 0.01},
                                       progress="silent")
    assert len(history.history["loss"]) == 2
    assert float(model.optimizer.learning_rate) == pytest.approx(0, abs=1e-9)  # 4 of 4 steps done
    assert model.loss == "sparse_categorical_crossentropy"
    training.train_with_recipe(model, X, y, {"epochs": 1, "batch_size": 32, "learning_rate": 0.01,
                                           "label_smoothing": 0.1}, progress="silent")
    assert model.loss.label_smoothing == 0.1
    assert {"dense_mnist", "small_cnn", "batchnorm_cnn"} <= set(training.training_recipe_names())


def test_progress_bar_widget_follows_the_epochs(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setattr(training, "_notebook_bar", None)
    callback = training.ProgressBar(3, mode="display")
    callback.on_train_begin()
    assert callback.mode == "print" and callback.bar is None  # no bar registered: lines instead
    training.register_notebook_bar(widgets.TrainingBar)  # what labs.setup() does
    callback = training.ProgressBar(3, mode="display")
    callback.on_train_begin()
    for epoch in range(3):
        callback.on_epoch_end(epoch, {"loss": 0.5, "accuracy": 0.8, "learning_rate": 0.1})
    callback.on_train_end()
    (box,) = shown
    bar, label = box.children
    assert bar.value == bar.max == 3 and bar.bar_style == "success"
    assert label.value == "epoch 3/3 · loss 0.500 · accuracy 0.800"


def test_progress_can_be_printed_for_scripts(trained):
    _, lines = trained
    assert len(lines) == 2 and lines[1].startswith("training: epoch 2/2 · accuracy")


@pytest.mark.parametrize("call, error, words", [
    (lambda X, y: training.train_model(keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()]), X, y),
     ValueError, "not compiled yet"),
    (lambda X, y: training.train_model(_tiny_model(), X, y[:10]), ValueError, "y has 10 labels but X has 64 rows"),
    (lambda X, y: training.train_model(_tiny_model(), X[..., 0], y), ValueError, r"X must have shape \(N, 8, 8, 1\)"),
    (lambda X, y: training.train_model(_tiny_model(), X, y, epochs=0), ValueError, "epochs must be at least 1"),
    (lambda X, y: training.train_model(_tiny_model(), X, y, progress="loud"), ValueError, "progress must be"),
    (lambda X, y: training.train_model("model", X, y), TypeError, "model must be a keras.Model"),
    (lambda X, y: training.train_model(_tiny_model(), X, y.astype(float)), TypeError, "y: class labels must be integers"),
    (lambda X, y: training.train_with_recipe(_tiny_model(), X, y, "fast"), ValueError, "recipe must be one of"),
    (lambda X, y: training.train_with_recipe(_tiny_model(), X, y, {"epochs": 2}), ValueError,
     "recipe must be one of"),
    (lambda X, y: training.train_with_recipe(_tiny_model(), None, y, "small_cnn"), TypeError, "X must be an array"),
])
def test_training_bad_input_gets_a_clear_error(call, error, words):
    X, y = _tiny_problem()
    with pytest.raises(error, match=words):
        call(X, y)


def test_history_plots_have_titles_and_labels():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.7]}
    ax = training.plot_history(history, "loss")
    assert ax.get_title() == "Loss per epoch" and ax.get_xlabel() == "epoch" and len(ax.lines) == 2
    fig = training.show_history(history, title="dense network")
    assert fig._suptitle.get_text() == "dense network" and len(fig.axes) == 2
    plt.close("all")
    with pytest.raises(ValueError, match="metric must be one of"):
        training.plot_history(history, "precision")
    with pytest.raises(TypeError, match="history must be a Keras History"):
        training.history_table([1, 2])


# --- checks ---------------------------------------------------------------------------------------

def _learner_cnn(filters_2=64, final="softmax", input_shape=(28, 28, 1)):
    layers = keras.layers
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(filters_2, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"), layers.Flatten(),
        layers.Dense(64, activation="relu"), layers.Dense(10, activation=final)])


def _output_size(size, kernel, padding, stride):
    if padding == "same":
        return -(-size // stride)
    return (size - kernel) // stride + 1


CHECKS = [
    (checks.check_compute_conv_params, lambda kh, kw, c, f: (kh * kw * c + 1) * f),
    (checks.check_compute_dense_params, lambda n, units: (n + 1) * units),
    (checks.check_compute_output_size, _output_size),
    (checks.check_make_small_cnn, _learner_cnn),
]


@pytest.mark.parametrize("check, solution", CHECKS)
def test_cnn_checks_pass_a_correct_solution(check, solution, capsys):
    assert check(solution) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _", CHECKS)
@pytest.mark.parametrize("learner", [None, unfinished_exercise, lambda *a, **k: None, lambda *a, **k: np.zeros((2, 2)),
                                     lambda *a, **k: "no", lambda *a, **k: 1 / 0])
def test_cnn_checks_fail_wrong_answers_with_one_line(check, _, learner, capsys):
    assert check(learner) is False
    assert printed_line(capsys).startswith("❌")


def test_cnn_checks_name_subtle_mistakes(capsys):
    assert not checks.check_compute_conv_params(lambda kh, kw, c, f: kh * kw * c * f)
    assert "one bias" in printed_line(capsys)
    assert not checks.check_compute_conv_params(lambda kh, kw, c, f: (kh * kw + 1) * f)
    assert "every input channel" in printed_line(capsys)
    assert not checks.check_compute_dense_params(lambda n, units: n * units)
    assert "one bias" in printed_line(capsys)
    assert not checks.check_compute_output_size(lambda size, kernel, padding, stride: size - kernel + 1)
    assert "Hint:" in printed_line(capsys)
    assert not checks.check_compute_output_size(lambda size, kernel, padding, stride: (size - kernel) // stride + 1)
    assert "'same'" in printed_line(capsys)
    assert not checks.check_make_small_cnn(lambda: _learner_cnn(filters_2=32))
    assert "layer 3 (Conv2D) outputs (11, 11, 32)" in printed_line(capsys)
    assert not checks.check_make_small_cnn(lambda: _learner_cnn(final="relu"))
    assert "softmax" in printed_line(capsys)
    assert not checks.check_make_small_cnn(lambda: _learner_cnn(input_shape=(32, 32, 1)))
    assert "outputs (30, 30, 32)" in printed_line(capsys)
    assert not checks.check_make_small_cnn(lambda: keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                                                keras.layers.Dense(10)]))
    assert "layers are ['Flatten', 'Dense']" in printed_line(capsys)


# --- quiz -----------------------------------------------------------------------------------------

def test_cnn_quiz_answers_recomputed():
    questions = quizzes.load_quiz("cnn")
    assert 3 <= len(questions) <= 5
    model = models.make_small_cnn()
    total = next(q for q in questions if "in all" in q.prompt)
    assert total.answer == model.count_params()
    conv_q = next(q for q in questions if "32 channels" in q.prompt)
    assert conv_q.answer == model.get_layer("conv_2").count_params()
    flatten_q = next(q for q in questions if "Flatten pass on" in q.prompt)
    assert flatten_q.answer == model.get_layer("flatten").output.shape[1]
    size_q = next(q for q in questions if "64×64" in q.prompt)
    same = (models.count_params_by_kind(models.make_small_cnn((64, 64, 1)))["convolutional"]
            == models.count_params_by_kind(model)["convolutional"])
    assert same and size_q.options[size_q.answer] == "it stays the same"


def test_the_layer_table_by_formula_agrees_with_keras():
    spec = [("conv", 32), ("pool", 2), ("conv", 64), ("pool", 2), ("conv", 64), ("flatten", None), ("dense", 64),
            ("dense", 10)]
    table = models.compute_layer_table(spec, input_shape=(28, 28, 1))
    keras_says = models.summarize_model(models.make_small_cnn())
    assert table["parameters"].tolist() == keras_says["parameters"].tolist()
    keras_shapes = [ast.literal_eval(shape)[1:] for shape in keras_says["output shape"]]  # "(None, 26, 26, 32)" -> (26, 26, 32)
    assert [ast.literal_eval(shape) for shape in table["output shape"]] == keras_shapes


def test_progress_bar_takes_its_length_from_fit(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    training.register_notebook_bar(widgets.TrainingBar)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bar = training.ProgressBar(mode="display")
    model.fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]), epochs=3, verbose=0, callbacks=[bar])
    model.fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]), epochs=2, verbose=0, callbacks=[bar])
    first, second = (box.children[0] for box in shown)
    assert (first.max, first.value, second.max, second.value) == (3, 3, 2, 2)
