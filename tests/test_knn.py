"""k-NN reference code (against SciPy and scikit-learn), its input errors, its checks and its quiz."""

from collections import Counter

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.neighbors import KNeighborsClassifier

from labs import knn, plots, quizzes, widgets
from labs.checks import knn as checks
from check_helpers import printed_line, unfinished_exercise

RNG = np.random.default_rng(0)
X_TRAIN = RNG.integers(0, 256, (60, 16), dtype=np.uint8)
Y_TRAIN = RNG.integers(0, 4, 60)
X_TEST = np.concatenate([RNG.integers(0, 256, (12, 16), dtype=np.uint8), X_TRAIN[:3]])


# --- distances -----------------------------------------------------------------------------------

def test_worked_example_from_the_slides():
    a, b = np.array([[30, 95], [60, 43]], dtype=np.uint8), np.array([[50, 200], [33, 140]], dtype=np.uint8)
    assert knn.compute_l1_distance(a, b) == 249  # no uint8 wrap-around
    assert knn.compute_l2_distance(a, b) == pytest.approx(np.sqrt(20**2 + 105**2 + 27**2 + 97**2))


@pytest.mark.parametrize("function", [knn.compute_distances_two_loops, knn.compute_distances_one_loop,
                                      knn.compute_distances_no_loops])
def test_three_distance_matrices_match_scipy(function):
    expected = cdist(X_TEST.astype(float), X_TRAIN.astype(float))
    np.testing.assert_allclose(function(X_TEST, X_TRAIN), expected, rtol=1e-10, atol=1e-6)


def test_no_loop_distance_of_an_image_to_itself_is_zero_not_nan():
    X = RNG.random((5, 300)) * 1e3
    d = knn.compute_distances_no_loops(X, X)
    assert np.all(np.isfinite(d)) and np.all(np.diag(d) < 1e-6 * d.max())


@pytest.mark.parametrize("metric, scipy_name", [("l1", "cityblock"), ("l2", "euclidean"), ("cosine", "cosine")])
def test_compute_distances_matches_scipy(metric, scipy_name):
    expected = cdist(X_TEST.astype(float), X_TRAIN.astype(float), metric=scipy_name)
    np.testing.assert_allclose(knn.compute_distances(X_TEST, X_TRAIN, metric), expected, atol=1e-9)


# --- neighbours, votes, ties ----------------------------------------------------------------------

@pytest.mark.parametrize("metric", knn.METRICS)
@pytest.mark.parametrize("k", [1, 4, 60])
def test_neighbours_are_the_stably_sorted_distances(metric, k):
    d = knn.compute_distances(X_TEST, X_TRAIN, metric)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    distances, indices = knn.find_nearest_neighbours(X_TEST, X_TRAIN, k, metric, chunk_size=4)
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_allclose(distances, np.take_along_axis(d, order, axis=1), atol=1e-9)


def test_fast_selection_handles_many_ties_exactly():
    d = RNG.integers(0, 5, (30, 1000)).astype(float)  # hundreds of equal values per row
    for k in (1, 7, 200):
        values, cols = knn._k_smallest(d, k)
        expected = np.argsort(d, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(cols, expected)
        np.testing.assert_array_equal(values, np.take_along_axis(d, expected, axis=1))


def _exact_order(X_test, X_train, k):
    """Return the k nearest by exact integer squared distances, ties by index."""
    d2 = ((X_test[:, None, :].astype(np.int64) - X_train[None, :, :].astype(np.int64)) ** 2).sum(axis=2)
    return np.argsort(d2, axis=1, kind="stable")[:, :k]


@pytest.mark.parametrize("k", [1, 5, 12])
def test_float32_screening_gives_the_exact_float64_answer_with_many_ties(k):
    X_train = RNG.integers(0, 3, (2000, 20))  # small integers: thousands of exactly equal distances
    X_test = RNG.integers(0, 3, (40, 20))
    _, indices = knn.find_nearest_neighbours(X_test, X_train, k)
    np.testing.assert_array_equal(indices, _exact_order(X_test, X_train, k))


def test_rows_float32_cannot_decide_are_redone_exactly(monkeypatch):
    base = RNG.integers(3000, 4000, 784)
    X_train = base + RNG.integers(-2, 3, (500, 784)) * (RNG.random((500, 784)) < 0.01)  # near-duplicates
    X_test = base[None, :] + RNG.integers(-2, 3, (6, 784)) * (RNG.random((6, 784)) < 0.01)
    full_rows = []
    original = knn._l2_exact_scores

    def spy(block, train, cols=None):
        if cols is None:
            full_rows.append(len(block))
        return original(block, train, cols)

    monkeypatch.setattr(knn, "_l2_exact_scores", spy)
    _, indices = knn.find_nearest_neighbours(X_test, X_train, 3)
    assert sum(full_rows) == 6  # float32 error (about 10⁴ here) dwarfs the gaps (a few units): all redone
    np.testing.assert_array_equal(indices, _exact_order(X_test, X_train, 3))


def test_typical_images_need_no_float64_redo(monkeypatch):
    X_train, X_test = RNG.integers(0, 256, (800, 784)), RNG.integers(0, 256, (20, 784))
    calls = []
    original = knn._l2_exact_scores
    monkeypatch.setattr(knn, "_l2_exact_scores",
                        lambda b, t, cols=None: calls.append(cols is None) or original(b, t, cols))
    _, indices = knn.find_nearest_neighbours(X_test, X_train, 5)
    assert calls == [False]  # only the candidates were re-ranked in float64
    np.testing.assert_array_equal(indices, _exact_order(X_test, X_train, 5))


def test_equal_distances_go_to_the_lower_training_index():
    X_train = np.array([[0.0], [2.0], [-2.0], [2.0]])
    _, indices = knn.find_nearest_neighbours(np.array([[0.0], [1.0]]), X_train, k=3)
    np.testing.assert_array_equal(indices, [[0, 1, 2], [0, 1, 3]])  # distances 1, 1, 3, 1


def test_vote_majority_and_tie_to_smallest_label():
    labels = np.array([[3, 1, 1, 3], [2, 2, 0, 1], [5, 4, 4, 5], [0, 0, 0, 0]])
    np.testing.assert_array_equal(knn.vote(labels), [1, 2, 4, 0])


def test_predict_labels_from_a_distance_matrix():
    dists = np.array([[0.3, 0.1, 0.2, 0.9], [0.5, 0.6, 0.1, 0.2]])
    y_train = np.array([0, 1, 0, 2])
    np.testing.assert_array_equal(knn.predict_labels(dists, y_train, k=1), [1, 0])
    np.testing.assert_array_equal(knn.predict_labels(dists, y_train, k=3), [0, 0])


@pytest.mark.parametrize("k", [1, 3, 4, 7])
def test_all_three_distance_codes_and_the_classifier_agree_with_scikit_learn(k):
    X_train = RNG.integers(0, 256, (300, 64), dtype=np.uint8)
    y_train = RNG.integers(0, 5, 300)
    X_test = RNG.integers(0, 256, (40, 64), dtype=np.uint8)
    expected = KNeighborsClassifier(k, algorithm="brute").fit(X_train.astype(float), y_train).predict(
        X_test.astype(float))
    for function in (knn.compute_distances_two_loops, knn.compute_distances_one_loop,
                     knn.compute_distances_no_loops):
        np.testing.assert_array_equal(knn.predict_labels(function(X_test, X_train), y_train, k), expected)
    np.testing.assert_array_equal(knn.KNNClassifier(k, chunk_size=7).fit(X_train, y_train).predict(X_test), expected)


def test_classifier_score_and_kneighbors():
    model = knn.KNNClassifier(1).fit(X_TRAIN, Y_TRAIN)
    assert model.score(X_TRAIN, Y_TRAIN) == 1.0  # every training image is its own nearest neighbour
    distances, indices = model.kneighbors(X_TRAIN[:5])
    np.testing.assert_array_equal(indices[:, 0], np.arange(5))
    assert np.allclose(distances, 0)


def test_chunk_size_does_not_change_the_answer():
    a = knn.find_nearest_neighbours(X_TEST, X_TRAIN, 5, chunk_size=1)
    b = knn.find_nearest_neighbours(X_TEST, X_TRAIN, 5)
    np.testing.assert_array_equal(a[1], b[1])
    assert knn._chunk_rows(60_000, None) * 60_000 * 4 <= knn.MEMORY_BUDGET_MB * 2**20


# --- one prediction explained, explorer ------------------------------------------------------------------------

def test_explain_prediction_for_an_image():
    images = X_TRAIN.reshape(60, 4, 4)
    explanation = knn.explain_prediction(images[7], images, Y_TRAIN, k=5)
    assert explanation["indices"][0] == 7 and explanation["distances"][0] == 0
    assert explanation["votes"].sum() == 5
    assert explanation["prediction"] == knn.vote(Y_TRAIN[explanation["indices"]][None])[0]
    np.testing.assert_array_equal(explanation["labels"], Y_TRAIN[explanation["indices"]])


def test_explanation_figure_and_explorer_build():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = X_TRAIN.reshape(60, 4, 4)
    fig = knn.show_explanation(images[0], images, knn.explain_prediction(images[0], images, Y_TRAIN, 3))
    assert len(fig.axes) == 5
    assert plots.figure_to_png(fig).startswith(b"\x89PNG") and not plt.fignum_exists(fig.number)
    explorer = widgets.neighbour_explorer(images[:5], Y_TRAIN[:5], images, Y_TRAIN)
    controls, metric, picture = explorer.children
    first = bytes(picture.value)
    assert first.startswith(b"\x89PNG")
    controls.children[1].value = 1  # k = 1: the widget redraws
    assert bytes(picture.value) != first
    plt.close("all")


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: knn.compute_l1_distance(np.zeros(3), np.zeros(4)), ValueError, "same shape"),
    (lambda: knn.compute_l2_distance(np.array([1.0, np.nan]), np.zeros(2)), ValueError, "NaN"),
    (lambda: knn.compute_l2_distance(np.array(["a", "b"]), np.zeros(2)), TypeError, "numeric dtype"),
    (lambda: knn.compute_distances_no_loops(np.zeros((2, 3)), np.zeros((4, 5))), ValueError,
     "X_test has 3 features per row but X_train has 5"),
    (lambda: knn.compute_distances_two_loops(np.zeros((0, 3)), np.zeros((4, 3))), ValueError, "X_test is empty"),
    (lambda: knn.compute_distances_one_loop(np.zeros((2, 3)), np.zeros(3)), ValueError, "X_train must be 2-D"),
    (lambda: knn.compute_distances(np.zeros((2, 3)), np.zeros((4, 3)), "l3"), ValueError, "metric must be one of"),
    (lambda: knn.compute_distances(np.full((2, 3), np.inf), np.zeros((4, 3))), ValueError, "X_test contains"),
    (lambda: knn.find_nearest_neighbours(np.zeros((2, 3)), np.zeros((4, 3)), k=5), ValueError,
     "k must be at most the number of training rows \\(4\\), got k=5"),
    (lambda: knn.find_nearest_neighbours(np.zeros((2, 3)), np.zeros((4, 3)), k=0), ValueError, "k must be at least 1"),
    (lambda: knn.find_nearest_neighbours(np.zeros((2, 3)), np.zeros((4, 3)), k=2.5), TypeError, "k must be a whole"),
    (lambda: knn.find_nearest_neighbours(np.zeros((2, 3)), np.zeros((4, 3)), chunk_size=0), ValueError,
     "chunk_size must be at least 1"),
    (lambda: knn.predict_labels(np.zeros((2, 4)), np.zeros(3, int)), ValueError,
     "y_train has 3 labels but there are 4"),
    (lambda: knn.predict_labels(np.zeros((2, 4)), np.zeros(4)), TypeError, "y_train: class labels must be integers"),
    (lambda: knn.predict_labels(np.zeros((2, 4)), -np.ones(4, int)), ValueError, "class numbers"),
    (lambda: knn.predict_labels(np.zeros((2, 4)), np.zeros(4, int), k=9), ValueError, "k must be at most"),
    (lambda: knn.vote(np.array([1, 2])), ValueError, "neighbour_labels must be 2-D"),
    (lambda: knn.KNNClassifier(3).fit(np.zeros((2, 3)), [0, 1]), ValueError, "k must be at most"),
    (lambda: knn.KNNClassifier(1, metric="manhattan"), ValueError, "metric must be one of"),
    (lambda: knn.KNNClassifier(1).predict(np.zeros((1, 3))), RuntimeError, "call fit"),
    (lambda: knn.KNNClassifier(1).fit(np.zeros((2, 3)), [0, 1]).predict(np.zeros((1, 4))), ValueError,
     "X has 4 features per row but X_train has 3"),
    (lambda: knn.KNNClassifier(1).fit(np.zeros((2, 3)), [0, 1]).predict(np.full((1, 3), np.nan)), ValueError, "NaN"),
    (lambda: knn.explain_prediction(np.zeros(5), X_TRAIN, Y_TRAIN), ValueError, "x has 5 values"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- checks --------------------------------------------------------------------------------------

CHECKS = [
    (checks.check_compute_l1_distance, knn.compute_l1_distance, lambda a, b: np.abs(a - b).sum()),  # uint8 wraps
    (checks.check_compute_l2_distance, knn.compute_l2_distance, lambda a, b: np.sum((a.astype(float) - b) ** 2)),  # no sqrt
    (checks.check_compute_distances_two_loops, knn.compute_distances_two_loops,
     lambda a, b: knn.compute_distances_two_loops(a, b) ** 2),
    (checks.check_compute_distances_one_loop, knn.compute_distances_one_loop,
     lambda a, b: knn.compute_distances_one_loop(a, b).T),
    (checks.check_compute_distances_no_loops, knn.compute_distances_no_loops, knn.compute_distances_one_loop),  # loops
    (checks.check_predict_labels, knn.predict_labels,
     lambda d, y, k=1: np.array([np.bincount(y[np.argsort(row)[:k]]).argmax() if k > 1 else y[np.argmax(row)]
                                 for row in d])),  # farthest for k=1
]


@pytest.mark.parametrize("check, reference, _", CHECKS)
def test_check_passes_the_reference(check, reference, _, capsys):
    assert check(reference) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _, subtly_wrong", CHECKS)
@pytest.mark.parametrize("learner", ["stub", None, "none", "shape", "wrong"])
def test_check_fails_bad_learners_with_one_line(check, _, subtly_wrong, learner, capsys):
    function = {"stub": unfinished_exercise, None: None, "none": lambda *a, **k: None,
                "shape": lambda *a, **k: np.zeros((3, 3, 3)), "wrong": subtly_wrong}[learner]
    assert check(function) is False
    line = printed_line(capsys)
    assert line.startswith("❌")
    if learner == "stub":
        assert "not implemented yet" in line


def test_check_messages_name_the_mistake(capsys):
    checks.check_compute_l1_distance(lambda a, b: np.abs(a - b).sum())
    assert "uint8 arithmetic wraps around" in printed_line(capsys)
    checks.check_compute_distances_no_loops(knn.compute_distances_two_loops)
    assert "still loops" in printed_line(capsys)
    checks.check_compute_distances_one_loop(lambda a, b: knn.compute_distances_one_loop(a, b).T)
    assert "transposed" in printed_line(capsys)
    checks.check_predict_labels(lambda d, y, k=1: np.array(  # a tied vote goes to the nearest neighbour's label
        [Counter(y[np.argsort(r, kind="stable")[:k]]).most_common(1)[0][0] for r in d]))
    line = printed_line(capsys)
    assert line.startswith("❌") and "smallest label" in line
    checks.check_predict_labels(lambda d, y, k=1: knn.predict_labels(d[:, ::-1], y[::-1], k))  # ties to last index
    assert "smaller index" in printed_line(capsys)


def test_loop_free_broadcasting_is_refused_by_the_no_loop_check(capsys):
    # loop-free, but the exercise forbids the (num_test, num_train, D) array of every difference
    def broadcast(a, b):
        a, b = a.astype(float), b.astype(float)
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
    assert checks.check_compute_distances_no_loops(broadcast) is False
    assert "(num_test, num_train, D) array" in printed_line(capsys)


# --- quiz ----------------------------------------------------------------------------------------

def test_quiz_answers_recomputed():
    questions = quizzes.load_quiz("knn")
    a, b = np.array([[30, 95], [60, 43]], dtype=np.uint8), np.array([[50, 200], [33, 140]], dtype=np.uint8)
    assert questions[0].answer == knn.compute_l1_distance(a, b)
    assert questions[1].answer == pytest.approx(knn.compute_l2_distance(a, b), abs=0.05)
    assert "validation" in questions[2].options[questions[2].answer]
    assert questions[3].answer == pytest.approx(np.zeros(1, np.float64).itemsize * 10_000 * 60_000 / 1e9)
    assert questions[4].options[questions[4].answer] == str(knn.vote(np.array([[3, 1, 1, 3]]))[0])
