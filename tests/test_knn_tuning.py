"""labs.knn_tuning: the grid of k and distances against fitting each k, cross-validation, the figure, bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labs import knn, knn_tuning  # noqa: E402

RNG = np.random.default_rng(0)
X_TRAIN = RNG.integers(0, 256, (60, 16), dtype=np.uint8)
Y_TRAIN = RNG.integers(0, 4, 60)
X_TEST = np.concatenate([RNG.integers(0, 256, (12, 16), dtype=np.uint8), X_TRAIN[:3]])


def test_score_grid_matches_fitting_each_k_separately():
    X_val, y_val = RNG.integers(0, 256, (20, 16)), RNG.integers(0, 4, 20)
    scores = knn_tuning.score_knn_grid(X_TRAIN, Y_TRAIN, X_val, y_val, ks=[1, 3, 5], metrics=("l2", "l1"))
    for metric in ("l2", "l1"):
        for k, score in zip([1, 3, 5], scores[metric]):
            assert score == knn.KNNClassifier(k, metric).fit(X_TRAIN, Y_TRAIN).score(X_val, y_val)


def test_cross_validation_shape_and_range():
    scores = knn_tuning.cross_validate_knn(X_TRAIN, Y_TRAIN, ks=[1, 2], metrics=("l2",), num_folds=3)
    assert scores["l2"].shape == (3, 2) and np.all((0 <= scores["l2"]) & (scores["l2"] <= 1))


def test_plot_k_scores_shows_mean_and_spread():
    ax = knn_tuning.plot_k_scores([1, 3], {"l2": np.array([[0.9, 0.8], [0.7, 0.8]]), "l1": np.array([0.5, 0.6])})
    assert ax.get_xlabel() and ax.get_title()
    assert [line.get_label() for line in ax.get_lines()] == ["L2", "L1"] and len(ax.collections) == 1
    plt.close("all")


@pytest.mark.parametrize("call, error, message", [
    (lambda: knn_tuning.score_knn_grid(X_TRAIN, Y_TRAIN, X_TEST, Y_TRAIN[:15], ks=[]), ValueError, "ks is empty"),
    (lambda: knn_tuning.score_knn_grid(X_TRAIN, Y_TRAIN, X_TEST, Y_TRAIN[:15], ks=[1, 99]), ValueError,
     "at most the number of training rows"),
    (lambda: knn_tuning.score_knn_grid(X_TRAIN, Y_TRAIN, X_TEST[:, :5], Y_TRAIN[:15], ks=[1]), ValueError,
     "X_val has 5 features per row but X_train has 16"),
    (lambda: knn_tuning.cross_validate_knn(X_TRAIN, Y_TRAIN, ks=[1], num_folds=99), ValueError, "num_folds"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
