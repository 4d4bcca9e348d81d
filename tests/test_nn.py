"""labs.activations, labs.gradcheck, labs.nn (the NumPy two-layer network, gradient check, SGD, playground), its checks and quiz."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import special  # noqa: E402

from labs import activations, gradcheck, nn, quizzes, widgets  # noqa: E402
from labs.checks import nn as checks  # noqa: E402
from labs._keras import import_keras  # noqa: E402
from check_helpers import printed_line, unfinished_exercise  # noqa: E402

import_keras()
import tensorflow as tf  # noqa: E402

Z = np.linspace(-6, 6, 121)


# --- activations ----------------------------------------------------------------------------------

def test_activations_match_scipy_and_numpy():
    np.testing.assert_allclose(activations.sigmoid(Z), special.expit(Z))
    np.testing.assert_allclose(activations.tanh(Z), np.tanh(Z))
    np.testing.assert_allclose(activations.relu(Z), np.where(Z > 0, Z, 0))
    np.testing.assert_allclose(activations.softplus(Z), np.log1p(np.exp(Z)))
    np.testing.assert_array_equal(activations.step(Z), (Z >= 0).astype(float))
    scores = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(activations.softmax(scores), special.softmax(scores, axis=1))
    np.testing.assert_allclose(activations.softmax(scores[0]), special.softmax(scores[0]))


def test_activations_are_stable_for_huge_inputs():
    big = np.array([-1000.0, 0.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert activations.sigmoid(big).tolist() == [0.0, 0.5, 1.0]
        np.testing.assert_allclose(activations.softplus(big), [0.0, np.log(2), 1000.0])
        np.testing.assert_allclose(activations.softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softplus", "step"])
def test_derivatives_match_central_differences_away_from_zero(name):
    z = Z[np.abs(Z) > 0.1]
    h = 1e-6
    numeric = (activations.compute_activation(name, z + h) - activations.compute_activation(name, z - h)) / (2 * h)
    np.testing.assert_allclose(activations.compute_activation_grad(name, z), numeric, atol=1e-6)


def test_softplus_slope_is_the_sigmoid_and_softmax_of_two_is_the_sigmoid():
    np.testing.assert_allclose(activations.compute_activation_grad("softplus", Z), activations.sigmoid(Z))
    np.testing.assert_allclose(activations.compute_activation("softmax", np.column_stack([Z, 0 * Z]))[:, 0], activations.sigmoid(Z))


@pytest.mark.parametrize("call, error, words", [
    (lambda: activations.compute_activation("swish", Z), ValueError, "name must be one of"),
    (lambda: activations.compute_activation_grad("softmax", Z), ValueError, "name must be one of"),
    (lambda: activations.sigmoid(np.array([1.0, np.nan])), ValueError, "z contains 1 NaN"),
    (lambda: activations.relu(None), TypeError, "z must be an array, got None"),
    (lambda: activations.softmax(3.0), ValueError, "at least one axis"),
])
def test_activation_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- the two-layer network ----------------------------------------------------------------------

def _problem(seed=0, n=8, d=5, h=6, c=3):
    rng = np.random.default_rng(seed)
    params = nn.make_two_layer_params(d, h, c, seed=seed)
    params["b1"] = 0.1 * rng.normal(size=h)
    params["b2"] = 0.1 * rng.normal(size=c)
    return params, rng.normal(size=(n, d)), rng.integers(0, c, size=n)


def test_params_have_the_documented_shapes_and_are_seeded():
    params = nn.make_two_layer_params(784, 64, 10, seed=1)
    assert {k: v.shape for k, v in params.items()} == {"W1": (784, 64), "b1": (64,), "W2": (64, 10), "b2": (10,)}
    assert np.std(params["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.05)
    assert np.array_equal(params["W1"], nn.make_two_layer_params(784, 64, 10, seed=1)["W1"])
    assert not params["b1"].any()


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softplus"])
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_loss_and_gradients_match_tensorflow_autodiff(activation, reg):
    params, X, y = _problem(seed=2)
    loss, grads = nn.compute_two_layer_loss(params, X, y, activation=activation, reg=reg)
    variables = {k: tf.Variable(v) for k, v in params.items()}
    with tf.GradientTape() as tape:
        hidden = getattr(tf.nn, activation)(X @ variables["W1"] + variables["b1"])
        scores = hidden @ variables["W2"] + variables["b2"]
        tf_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, scores))
        tf_loss += reg * (tf.reduce_sum(variables["W1"] ** 2) + tf.reduce_sum(variables["W2"] ** 2))
    tf_grads = tape.gradient(tf_loss, variables)
    assert loss == pytest.approx(float(tf_loss), rel=1e-12)
    for name in params:
        np.testing.assert_allclose(grads[name], tf_grads[name].numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softplus"])
def test_gradient_check_relative_error_is_below_1e_6(activation):
    params, X, y = _problem(seed=3)
    errors = nn.compute_gradient_errors(params, X, y, activation=activation, reg=0.05)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-6


def test_gradient_check_catches_a_wrong_gradient():
    params, X, y = _problem(seed=4)

    def wrong(p, X, y):
        loss, grads = nn.compute_two_layer_loss(p, X, y)
        grads["W1"] = grads["W1"] * 1.1
        return loss, grads
    errors = nn.compute_gradient_errors(params, X, y, loss_fn=wrong)
    assert errors["W1"] > 0.01 and errors["W2"] < 1e-6


def test_numerical_gradient_of_a_square_and_relative_error():
    x = np.array([1.0, -2.0, 3.0])
    grad = gradcheck.compute_numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    np.testing.assert_allclose(grad, 2 * x, atol=1e-8)
    assert x.tolist() == [1.0, -2.0, 3.0]  # restored
    assert gradcheck.compute_relative_norm_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.compute_relative_norm_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert gradcheck.compute_relative_norm_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert gradcheck.compute_relative_error([1.0, 1e-3], [1.0, 0.0]) == 1.0  # element-wise: the worst entry
    assert gradcheck.compute_relative_norm_error([1.0, 1e-3], [1.0, 0.0]) < 1e-3  # norms: the whole array


def test_predict_and_forward_shapes():
    params, X, _ = _problem(n=7)
    scores, cache = nn.two_layer_forward(params, X)
    assert scores.shape == (7, 3) and cache["hidden"].shape == (7, 6)
    assert np.all(cache["hidden"] >= 0)
    np.testing.assert_array_equal(nn.predict_two_layer(params, X), scores.argmax(axis=1))


@pytest.mark.parametrize("call, error, words", [
    (lambda p, X, y: nn.two_layer_forward(p, X[:, :3]), ValueError, r"X must have shape \(N, 5\)"),
    (lambda p, X, y: nn.two_layer_forward({"W1": p["W1"]}, X), TypeError, "params must be a dict with keys"),
    (lambda p, X, y: nn.two_layer_forward({**p, "W2": p["W2"][:2]}, X), ValueError, "must have 6 rows"),
    (lambda p, X, y: nn.two_layer_forward({**p, "b1": p["b1"][:2]}, X), ValueError, r"b1'\] must have shape"),
    (lambda p, X, y: nn.two_layer_forward(p, X, activation="step"), ValueError, "activation must be one of"),
    (lambda p, X, y: nn.compute_two_layer_loss(p, X, y[:3]), ValueError, "y has 3 labels but X has 8 rows"),
    (lambda p, X, y: nn.compute_two_layer_loss(p, X, y + 5), ValueError, "class numbers 0..2"),
    (lambda p, X, y: nn.compute_two_layer_loss(p, X, y * 0.5), ValueError, "y: class labels must be integers"),
    (lambda p, X, y: nn.compute_two_layer_loss(p, X, y, reg=-1), ValueError, "reg must be at least 0"),
    (lambda p, X, y: nn.two_layer_forward(p, np.where(X > 1, np.nan, X)), ValueError, "X contains"),
    (lambda p, X, y: nn.make_two_layer_params(5, 0, 3), ValueError, "num_hidden must be at least 1"),
    (lambda p, X, y: nn.make_two_layer_params(5, 4, 3, weight_scale=-1), ValueError, "weight_scale must be"),
    (lambda p, X, y: gradcheck.compute_numerical_gradient(3, X), TypeError, "f must be a function"),
    (lambda p, X, y: gradcheck.compute_numerical_gradient(lambda x: 0.0, X, h=1), ValueError,
     "h must be greater than 0 and less than 1"),
    (lambda p, X, y: gradcheck.compute_relative_norm_error(np.ones(2), np.ones(3)), ValueError, "same shape"),
])
def test_network_bad_input_gets_a_clear_error(call, error, words):
    params, X, y = _problem()
    with pytest.raises((error, TypeError), match=words):
        call(params, X, y)


# --- mini-batch SGD -------------------------------------------------------------------------------

def test_minibatches_cover_every_sample_once_in_shuffled_batches():
    batches = nn.make_minibatches(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    everything = np.concatenate(batches)
    assert sorted(everything) == list(range(10)) and list(everything) != list(range(10))
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        nn.make_minibatches(10, 4, 0)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        nn.make_minibatches(10, 0, np.random.default_rng(0))


def test_sgd_update_steps_against_the_gradient():
    new = nn.sgd_update({"w": np.array([1.0, 2.0])}, {"w": np.array([10.0, -10.0])}, learning_rate=0.1)
    assert new["w"].tolist() == [0.0, 3.0]
    with pytest.raises(ValueError, match="learning_rate must be greater than 0"):
        nn.sgd_update({"w": np.zeros(1)}, {"w": np.zeros(1)}, learning_rate=0)


def test_training_lowers_the_loss_deterministically():
    X, y = nn.make_toy_dataset("moons", 200, noise=0.1, seed=0)
    params = nn.make_two_layer_params(2, 16, 2, seed=0)
    trained, history = nn.train_two_layer(params, X, y, learning_rate=0.3, batch_size=20, epochs=40, activation="tanh",
                                          X_val=X[:50], y_val=y[:50])
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 40
    assert history["loss"][-1] < 0.5 * history["loss"][0] and history["accuracy"][-1] > 0.95
    again, history_again = nn.train_two_layer(params, X, y, learning_rate=0.3, batch_size=20, epochs=40,
                                              activation="tanh", X_val=X[:50], y_val=y[:50])
    assert history == history_again and np.array_equal(trained["W1"], again["W1"])
    assert not np.array_equal(trained["W1"], params["W1"])  # the input parameters are untouched copies
    with pytest.raises(ValueError, match="pass both X_val and y_val"):
        nn.train_two_layer(params, X, y, X_val=X)


# --- the playground -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", nn.TOY_DATASETS)
def test_toy_datasets_are_balanced_seeded_2d_problems(name):
    X, y = nn.make_toy_dataset(name, 200, noise=0.1, seed=1)
    assert X.shape == (200, 2) and y.shape == (200,) and set(np.unique(y)) == {0, 1}
    assert abs(np.mean(y) - 0.5) < 0.1
    X_again, _ = nn.make_toy_dataset(name, 200, noise=0.1, seed=1)
    assert np.array_equal(X, X_again)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = nn.make_toy_dataset("xor", 100, noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_decision_grid_covers_the_data():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, probs = nn.compute_decision_grid(lambda P: np.column_stack([1 - (P[:, 0] > 0.5), P[:, 0] > 0.5]),
                                             X, num_points=11, margin=0.0)
    assert xx.shape == yy.shape == probs.shape == (11, 11)
    assert xx.min() == 0 and xx.max() == 1 and yy.max() == 2
    assert probs[0, 0] == 0 and probs[0, -1] == 1
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\)"):
        nn.compute_decision_grid(lambda P: P, np.ones((3, 3)))
    with pytest.raises(ValueError, match="predict_proba must return class probabilities of shape"):
        nn.compute_decision_grid(lambda P: P[:, :1].ravel(), X)
    with pytest.raises(TypeError, match="predict_proba must be a function"):
        nn.compute_decision_grid(None, X)


def test_playground_learns_circles_and_a_linear_net_cannot_learn_xor():
    result = nn.run_playground("circles", hidden_units=8, activation="tanh", learning_rate=0.3, noise=0.05, epochs=100)
    assert result["history"]["val_accuracy"][-1] > 0.95
    assert result["grid"][2].shape == (100, 100)
    assert len(result["X_train"]) == len(result["X_val"]) == 200
    tiny = nn.run_playground("xor", hidden_units=1, activation="relu", learning_rate=0.3, noise=0.0, epochs=60)
    wide = nn.run_playground("xor", hidden_units=16, activation="relu", learning_rate=0.3, noise=0.0, epochs=60)
    assert tiny["history"]["val_accuracy"][-1] < 0.8 < 0.9 < wide["history"]["val_accuracy"][-1]


@pytest.mark.parametrize("kwargs, words", [
    ({"dataset": "swirls"}, "dataset must be one of"),
    ({"noise": 2.0}, "noise must be a number between 0 and 1"),
    ({"hidden_units": 0}, "hidden_units must be at least 1"),
    ({"activation": "softmax"}, "activation must be one of"),
    ({"learning_rate": 0}, "learning_rate must be greater than 0 and at most 10"),
])
def test_playground_bad_settings_get_a_clear_error(kwargs, words):
    with pytest.raises(ValueError, match=words):
        nn.run_playground(**kwargs, epochs=1)


def test_figures_have_titles_and_labels():
    fig = activations.show_activation_functions()
    assert [ax.get_title() for ax in fig.axes] == ["step", "sigmoid", "tanh", "relu", "softplus",
                                                   "softmax([z, 0])[0]"]
    assert all(ax.get_xlabel() for ax in fig.axes)
    result = nn.run_playground("moons", epochs=5)
    fig = nn.show_playground(result)
    left, right = fig.axes[:2]
    assert left.get_title().startswith("moons") and left.get_xlabel() and right.get_ylabel()
    assert right.get_title().startswith("train ")
    plt.close("all")
    with pytest.raises(ValueError, match="names must be one of"):
        activations.show_activation_functions(["gelu"])
    ax = nn.plot_loss_per_epoch({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.6]})
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "validation loss"] and ax.get_xlabel()
    plt.close("all")


# --- checks ---------------------------------------------------------------------------------------

def _learner_loss(params, X, y):
    """A learner's solution written out step by step (ReLU hidden layer)."""
    z1 = X @ params["W1"] + params["b1"]
    hidden = np.maximum(z1, 0)
    scores = hidden @ params["W2"] + params["b2"]
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    n = len(X)
    loss = -np.log(probs[np.arange(n), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    dz1 = dscores @ params["W2"].T * (z1 > 0)
    return loss, {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": hidden.T @ dscores, "b2": dscores.sum(0)}


def _learner_batches(num_samples, batch_size, rng):
    order = rng.permutation(num_samples)
    return [order[i:i + batch_size] for i in range(0, num_samples, batch_size)]


CHECKS = [
    (checks.check_stable_softmax, lambda s: np.exp(s - s.max(1, keepdims=True)) / np.exp(s - s.max(1, keepdims=True)).sum(1, keepdims=True)),
    (checks.check_compute_two_layer_loss, _learner_loss),
    (checks.check_make_minibatches, _learner_batches),
]


@pytest.mark.parametrize("check, solution", CHECKS)
def test_nn_checks_pass_a_correct_solution(check, solution, capsys):
    assert check(solution) is True
    assert printed_line(capsys).startswith("✅")


def test_two_layer_check_reports_the_gradient_check(capsys):
    checks.check_compute_two_layer_loss(_learner_loss)
    assert "numerical gradient check: every relative error below 1e-6" in printed_line(capsys)


@pytest.mark.parametrize("check, _", CHECKS)
@pytest.mark.parametrize("learner", [None, unfinished_exercise, lambda *a, **k: None, lambda *a, **k: np.zeros((2, 2)),
                                     lambda *a, **k: "no", lambda *a, **k: 1 / 0])
def test_nn_checks_fail_wrong_answers_with_one_line(check, _, learner, capsys):
    assert check(learner) is False
    assert printed_line(capsys).startswith("❌")


def test_nn_checks_name_subtle_mistakes(capsys):
    assert not checks.check_stable_softmax(lambda s: np.exp(s) / np.exp(s).sum(1, keepdims=True))
    assert "subtract each row's maximum" in printed_line(capsys)
    assert not checks.check_stable_softmax(lambda s: np.exp(s) / np.exp(s).sum())
    assert "Hint:" in printed_line(capsys)

    def no_relu_mask(params, X, y):
        loss, grads = _learner_loss(params, X, y)
        z1 = X @ params["W1"] + params["b1"]
        dz1 = (grads["b1"] * 0)  # recompute W1/b1 without the ReLU mask
        probs = activations.softmax(np.maximum(z1, 0) @ params["W2"] + params["b2"])
        probs[np.arange(len(X)), y] -= 1
        dz1 = probs / len(X) @ params["W2"].T
        return loss, {**grads, "W1": X.T @ dz1, "b1": dz1.sum(0)}
    assert not checks.check_compute_two_layer_loss(no_relu_mask)
    line = printed_line(capsys)
    assert "grads['b1']" in line and "relative error" in line and "z1 <= 0" in line

    def sum_not_mean(params, X, y):
        loss, grads = _learner_loss(params, X, y)
        return loss * len(X), grads
    assert not checks.check_compute_two_layer_loss(sum_not_mean)
    assert "the loss is" in printed_line(capsys)
    assert not checks.check_compute_two_layer_loss(lambda p, X, y: _learner_loss(p, X, y)[1])
    assert "tuple (loss, grads)" in printed_line(capsys)

    assert not checks.check_make_minibatches(lambda n, b, rng: [np.arange(n)[i:i + b] for i in range(0, n, b)])
    assert "nothing is shuffled" in printed_line(capsys)
    assert not checks.check_make_minibatches(lambda n, b, rng: _learner_batches(n, b, np.random.default_rng(5)))
    assert "rng you were given" in printed_line(capsys)
    assert not checks.check_make_minibatches(lambda n, b, rng: _learner_batches(n, b, rng)[:-1])
    assert "batches, expected" in printed_line(capsys)


# --- quiz -----------------------------------------------------------------------------------------

def test_nn_quiz_answers_recomputed():
    questions = quizzes.load_quiz("nn")
    assert 3 <= len(questions) <= 5
    steps = next(q for q in questions if "gradient steps" in q.prompt)
    assert steps.answer == len(nn.make_minibatches(4000, 32, np.random.default_rng(0)))
    dense = next(q for q in questions if "Dense layer of 512" in q.prompt)
    assert dense.answer == nn.make_two_layer_params(28 * 28, 512, 10)["W1"].size + 512
    photo = next(q for q in questions if "200×200" in q.prompt)
    assert photo.answer == np.zeros((200, 200, 3)).size == 120_000
    relu_q = next(q for q in questions if "derivative of ReLU" in q.prompt)
    assert float(relu_q.options[relu_q.answer]) == activations.compute_activation_grad("relu", np.array([-3.0]))[0]
    output_q = next(q for q in questions if "output layer" in q.prompt)
    assert output_q.options[output_q.answer].lower() == "softmax"


def test_playground_widget_retrains_when_a_slider_moves():
    widget = widgets.playground("circles")
    controls, picture = widget.children
    first = picture.value
    assert first[:4] == b"\x89PNG"
    hidden = next(c for c in controls.children if c.description == "hidden units")
    epochs = next(c for c in controls.children if c.description == "epochs")
    epochs.value = 10
    hidden.value = 2
    assert picture.value != first
    with pytest.raises(ValueError, match="dataset must be one of"):
        widgets.playground("swirls")


def test_nn_and_linear_penalise_weights_as_keras_l2_does():
    import keras
    from labs import linear
    params, X, y = _problem(seed=3)
    keras_penalty = sum(float(keras.regularizers.L2(0.1)(params[name].astype("float32"))) for name in ("W1", "W2"))
    ours = nn.compute_two_layer_loss(params, X, y, reg=0.1)[0] - nn.compute_two_layer_loss(params, X, y)[0]
    assert ours == pytest.approx(keras_penalty, rel=1e-5)
    linear_params = {"W": params["W2"].T, "b": params["b2"]}  # (classes, features)
    features = np.random.default_rng(0).normal(size=(len(y), params["W2"].shape[0]))
    linear_penalty = (linear.compute_loss_and_gradients(linear_params, features, y, reg=0.1)[0]
                      - linear.compute_loss_and_gradients(linear_params, features, y)[0])
    assert linear_penalty == pytest.approx(float(keras.regularizers.L2(0.1)(params["W2"].astype("float32"))), rel=1e-5)
