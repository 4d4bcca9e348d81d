"""Linear-classifier reference code (against SciPy / scikit-learn / numerical gradients), errors, checks, quiz."""

import math

import numpy as np
import pytest
from scipy.special import expit, log_softmax
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import log_loss

from labs import activations, gradcheck, linear, quizzes
from labs.checks import linear as checks
from check_helpers import printed_line, unfinished_exercise

RNG = np.random.default_rng(0)
SCORES = RNG.normal(size=(6, 4)) * 3
Y = np.array([0, 3, 1, 1, 2, 3])


# --- probabilities and losses --------------------------------------------------------------------

def test_sigmoid_and_softmax_match_scipy_even_for_huge_scores():
    scores = np.concatenate([SCORES, [[1000.0, -1000.0, 0.0, 5.0]]])
    np.testing.assert_allclose(activations.sigmoid(scores), expit(scores), rtol=1e-12)
    np.testing.assert_allclose(activations.softmax(scores), scipy_softmax(scores, axis=1), rtol=1e-12)
    np.testing.assert_allclose(activations.softmax(scores).sum(axis=1), 1.0)
    np.testing.assert_allclose(activations.softmax(scores[0]), scipy_softmax(scores[0]))


def test_slide_table_sigmoid_vs_softmax():
    scores = np.array([-4.64, -2.68, 2.87, -2.08, -2.26])  # cat, dog, plane, fish, building
    assert activations.sigmoid(scores).sum() == pytest.approx(1.23, abs=0.005)  # independent: no reason to sum to 1
    assert activations.softmax(scores)[2] == pytest.approx(0.98, abs=0.005)


def test_cross_entropy_matches_scikit_learn_log_loss():
    loss, _ = linear.softmax_cross_entropy(SCORES, Y)
    assert loss == pytest.approx(log_loss(Y, scipy_softmax(SCORES, axis=1), labels=range(4)), rel=1e-10)
    assert loss == pytest.approx(-log_softmax(SCORES, axis=1)[np.arange(6), Y].mean())


def test_cross_entropy_is_finite_for_scores_that_overflow_exp():
    loss, dscores = linear.softmax_cross_entropy(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 0]))
    assert loss == pytest.approx(500.0) and np.all(np.isfinite(dscores))


def test_cross_entropy_gradient_matches_centred_differences():
    _, dscores = linear.softmax_cross_entropy(SCORES, Y)
    numeric = gradcheck.compute_numerical_gradient(lambda s: linear.softmax_cross_entropy(s, Y)[0], SCORES.copy())
    assert gradcheck.compute_relative_error(dscores, numeric) < 1e-7


def test_squared_error_and_one_hot():
    np.testing.assert_array_equal(linear.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert linear.squared_error(probs, np.array([0, 1])) == pytest.approx(
        ((0.3**2 + 0.2**2 + 0.1**2) + (0.1**2 + 0.9**2 + 0.8**2)) / 2)


@pytest.mark.parametrize("penalty", linear.PENALTIES)
def test_full_model_gradients_pass_the_gradient_check(penalty):
    X = RNG.normal(size=(8, 5))
    params = {"W": RNG.normal(size=(3, 5)), "b": RNG.normal(size=3)}
    y = RNG.integers(0, 3, 8)
    _, grads = linear.compute_loss_and_gradients(params, X, y, reg=0.1, penalty=penalty)
    for name in ("W", "b"):
        def loss_of(value, name=name):
            return linear.compute_loss_and_gradients({**params, name: value}, X, y, 0.1, penalty)[0]
        assert gradcheck.gradient_check(loss_of, params[name].copy(), grads[name], num_checks=8) < 1e-6


def test_gradient_check_catches_a_wrong_gradient():
    x = RNG.normal(size=5)
    assert gradcheck.gradient_check(lambda v: float(np.sum(v**2)), x.copy(), 2 * x) < 1e-8
    assert gradcheck.gradient_check(lambda v: float(np.sum(v**2)), x.copy(), x) > 0.1


def test_regularisation_adds_the_penalty_and_skips_b():
    params = {"W": np.array([[1.0, -2.0]]).repeat(2, axis=0), "b": np.array([5.0, -5.0])}
    X, y = np.zeros((3, 2)), np.array([0, 1, 0])
    base = linear.compute_loss_and_gradients(params, X, y)[0]
    assert linear.compute_loss_and_gradients(params, X, y, 0.5, "l2")[0] == pytest.approx(base + 0.5 * 10)
    assert linear.compute_loss_and_gradients(params, X, y, 0.5, "l1")[0] == pytest.approx(base + 0.5 * 6)


# --- training ------------------------------------------------------------------------------------

def _blobs(n=40):
    centres = np.array([[4.0, 0.0], [0.0, 4.0], [-4.0, -4.0]])
    y = np.repeat(np.arange(3), n)
    return centres[y] + np.random.default_rng(1).normal(size=(3 * n, 2)), y


def test_full_batch_sgd_is_gradient_descent():
    X, y = _blobs()
    params, losses = linear.train_sgd(X, y, 3, learning_rate=0.3, batch_size=len(X), epochs=2)
    manual = linear.make_params(2, 3)
    for _ in range(2):
        _, grads = linear.compute_loss_and_gradients(manual, X, y)
        manual = {name: manual[name] - 0.3 * grads[name] for name in manual}
    np.testing.assert_allclose(params["W"], manual["W"], atol=1e-12)
    assert len(losses) == 2


@pytest.mark.parametrize("batch_size", [1, 7, 120])
def test_sgd_learns_separable_blobs_and_records_one_loss_per_step(batch_size):
    X, y = _blobs()
    params, losses = linear.train_sgd(X, y, 3, learning_rate=0.1, batch_size=batch_size, epochs=4, seed=3)
    assert len(losses) == 4 * math.ceil(len(X) / batch_size)
    assert losses[0] == pytest.approx(np.log(3), abs=0.05)  # tiny weights: uniform probabilities
    assert np.mean(linear.predict_linear(params, X) == y) > 0.95


def test_sgd_is_seeded():
    X, y = _blobs()
    a = linear.train_sgd(X, y, 3, batch_size=8, epochs=2, seed=5)
    b = linear.train_sgd(X, y, 3, batch_size=8, epochs=2, seed=5)
    np.testing.assert_array_equal(a[1], b[1])


def test_l1_gives_sparser_templates_than_l2():
    X, y = _blobs()
    X = np.hstack([X, RNG.normal(size=(len(X), 20))])  # 20 useless features
    W1 = linear.train_sgd(X, y, 3, learning_rate=0.05, batch_size=16, epochs=30, reg=0.01, penalty="l1")[0]["W"]
    W2 = linear.train_sgd(X, y, 3, learning_rate=0.05, batch_size=16, epochs=30, reg=0.01, penalty="l2")[0]["W"]
    assert np.mean(np.abs(W1[:, 2:]) < 1e-2) > np.mean(np.abs(W2[:, 2:]) < 1e-2)


def test_close_to_scikit_learn_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    X, y = _blobs()
    ours = linear.predict_linear(linear.train_sgd(X, y, 3, learning_rate=0.2, batch_size=16, epochs=20)[0], X)
    theirs = LogisticRegression().fit(X, y).predict(X)
    assert np.mean(ours == theirs) > 0.97


def test_compute_scores_is_x_w_transpose_plus_b():
    X, W, b = RNG.normal(size=(4, 3)), RNG.normal(size=(2, 3)), np.array([1.0, -1.0])
    np.testing.assert_allclose(linear.compute_scores(X, W, b), [[x @ w + c for w, c in zip(W, b)] for x in X])


def test_figures_build():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = linear.show_templates(RNG.normal(size=(3, 4)), image_shape=(2, 2), class_names=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    ax = linear.plot_loss_curves({"batch": np.ones(3), "sgd": np.linspace(2, 1, 30)}, epochs=3, smooth=5)
    assert len(ax.lines) == 2 and ax.get_xlabel() == "epoch"
    plt.close("all")


# --- bad input -----------------------------------------------------------------------------------

GOOD = {"W": np.zeros((3, 4)), "b": np.zeros(3)}


@pytest.mark.parametrize("call, error, message", [
    (lambda: linear.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1])), ValueError,
     "y has 2 labels but there are 3"),
    (lambda: linear.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 4])), ValueError, "class numbers 0..3"),
    (lambda: linear.softmax_cross_entropy(np.zeros((2, 4)), np.array([0.0, 1.0])), TypeError,
     "y: class labels must be integers"),
    (lambda: linear.softmax_cross_entropy(np.array([[np.nan, 0.0]]), np.array([0])), ValueError, "NaN"),
    (lambda: linear.compute_scores(np.zeros((2, 5)), np.zeros((3, 4)), np.zeros(3)), ValueError, "X has 5 features"),
    (lambda: linear.compute_scores(np.zeros((2, 4)), np.zeros((3, 4)), np.zeros(2)), ValueError,
     "b has 2 entries but W has 3 rows"),
    (lambda: linear.compute_loss_and_gradients(GOOD, np.zeros((2, 5)), np.array([0, 1])), ValueError,
     "X has 5 features per row but params\\['W'\\] expects 4"),
    (lambda: linear.compute_loss_and_gradients([1, 2], np.zeros((2, 4)), np.array([0, 1])), TypeError,
     "params must be a dict"),
    (lambda: linear.compute_loss_and_gradients(GOOD, np.zeros((2, 4)), np.array([0, 1]), reg=-1), ValueError,
     "reg must be at least 0"),
    (lambda: linear.compute_loss_and_gradients(GOOD, np.zeros((2, 4)), np.array([0, 1]), penalty="l3"), ValueError,
     "penalty must be one of"),
    (lambda: linear.train_sgd(np.zeros((5, 2)), np.zeros(5, int), 2, batch_size=0), ValueError,
     "batch_size must be at least 1"),
    (lambda: linear.train_sgd(np.zeros((5, 2)), np.zeros(5, int), 2, learning_rate=0), ValueError, "learning_rate must be greater than 0"),
    (lambda: linear.train_sgd(np.zeros((0, 2)), np.zeros(0, int), 2), ValueError, "X is empty"),
    (lambda: linear.train_sgd(np.zeros((5, 2)), np.zeros(5, int), 1), ValueError, "num_classes must be at least 2"),
    (lambda: linear.predict_linear(GOOD, np.zeros((2, 3))), ValueError, "X has 3 features"),
    (lambda: linear.one_hot(np.array([0, 3]), 3), ValueError, "class numbers 0..2"),
    (lambda: gradcheck.compute_numerical_gradient(5, np.zeros(3)), TypeError, "f must be a function"),
    (lambda: gradcheck.compute_numerical_gradient(np.sum, np.zeros(3, int)), TypeError, "x must hold floats"),
    (lambda: gradcheck.gradient_check(np.sum, np.zeros(3), np.zeros(4)), ValueError, "analytic must have the shape"),
    (lambda: gradcheck.compute_relative_error(np.zeros(3), np.zeros(2)), ValueError, "same shape"),
    (lambda: linear.show_templates(np.zeros((3, 5)), image_shape=(2, 2)), ValueError, "has 4 pixels"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- checks --------------------------------------------------------------------------------------

def _naive_softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _loss_without_mean(scores, y):
    loss, dscores = linear.softmax_cross_entropy(scores, y)
    return loss * len(scores), dscores * len(scores)


def _sgd_updating_only_w(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0, seed=0):
    params, rng, losses = linear.make_params(X.shape[1], num_classes, seed=seed), np.random.default_rng(seed), []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = linear.compute_loss_and_gradients(params, X[batch], y[batch], reg)
            params["W"] -= learning_rate * grads["W"]
            losses.append(loss)
    return params, np.array(losses)


CHECKS = [
    (checks.check_softmax, activations.softmax, _naive_softmax),
    (checks.check_softmax_cross_entropy, linear.softmax_cross_entropy, _loss_without_mean),
    (checks.check_train_sgd, linear.train_sgd, _sgd_updating_only_w),
]


@pytest.mark.parametrize("check, reference, _", CHECKS)
def test_check_passes_the_reference(check, reference, _, capsys):
    assert check(reference) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _, subtly_wrong", CHECKS)
@pytest.mark.parametrize("learner", ["stub", None, "none", "shape", "wrong"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_check_fails_bad_learners_with_one_line(check, _, subtly_wrong, learner, capsys):
    function = {"stub": unfinished_exercise, None: None, "none": lambda *a, **k: None,
                "shape": lambda *a, **k: (np.zeros((2, 2)), np.zeros((7, 7))), "wrong": subtly_wrong}[learner]
    assert check(function) is False
    line = printed_line(capsys)
    assert line.startswith("❌")
    if learner == "stub":
        assert "not implemented yet" in line


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_check_messages_name_the_mistake(capsys):
    checks.check_softmax(_naive_softmax)
    assert "maximum" in printed_line(capsys)
    checks.check_softmax_cross_entropy(lambda s, y: linear.softmax_cross_entropy(s, y)[0])
    assert "return loss, dscores" in printed_line(capsys)
    checks.check_train_sgd(_sgd_updating_only_w)
    assert "params['b']" in printed_line(capsys)

    def one_loss_per_epoch(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0, seed=0):
        params, losses = linear.train_sgd(X, y, num_classes, learning_rate, batch_size, epochs, reg, seed=seed)
        return params, losses[::-(-len(X) // batch_size)]
    checks.check_train_sgd(one_loss_per_epoch)
    assert "one loss per update" in printed_line(capsys)


# --- quiz ----------------------------------------------------------------------------------------

def test_quiz_answers_recomputed():
    questions = quizzes.load_quiz("linear")
    params = linear.make_params(28 * 28, 10)
    assert questions[0].answer == params["W"].size + params["b"].size
    table = np.array([-4.64, -2.68, 2.87, -2.08, -2.26])
    assert questions[1].answer == pytest.approx(activations.softmax(table)[2], abs=0.005)
    assert questions[2].options[questions[2].answer] == "softmax"
    uniform = np.zeros((1, 10))
    assert questions[3].answer == pytest.approx(linear.softmax_cross_entropy(uniform, np.array([3]))[0], abs=0.005)
    assert questions[4].options[questions[4].answer].startswith("L1")


def test_a_train_sgd_from_last_release_with_lr_and_num_epochs_is_still_checked(capsys):
    def train_sgd(X, y, num_classes, lr=0.1, batch_size=64, num_epochs=5, reg=0.0, seed=0):
        return linear.train_sgd(X, y, num_classes, learning_rate=lr, batch_size=batch_size, epochs=num_epochs,
                                reg=reg, seed=seed)

    assert checks.check_train_sgd(train_sgd)
    assert printed_line(capsys).startswith("✅ passed — train_sgd")
