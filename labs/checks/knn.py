"""Checks for notebook 02 (nearest neighbours)."""

import numpy as np

from .. import knn as reference
from .core import (CheckFailed, call_learner, compare_arrays, compare_values, count_python_lines, learner_number,
                   run_check)

__all__ = ["check_compute_l1_distance", "check_compute_l2_distance", "check_compute_distances_two_loops",
           "check_compute_distances_one_loop", "check_compute_distances_no_loops", "check_predict_labels"]

UINT8_HINT = ("convert to float first (a.astype(float)): uint8 arithmetic wraps around, "
              "so 30 - 50 gives 236 instead of -20.")
RAISED_HINTS = {"out of bounds for uint8": UINT8_HINT, "could not be broadcast": (
    "line the shapes up: a (num_test, 1) column of test norms plus a (1, num_train) row of training norms "
    "broadcasts to (num_test, num_train); X[:, None, :] - Y[None, :, :] gives every pair's differences.")}


def _right_on_floats(function, reference_function, *arrays):
    """Return True when the learner's function is right once its uint8 inputs are converted to float."""
    floats = [a.astype(float) for a in arrays]
    try:
        got = call_learner(function, *floats)
        expected = reference_function(*floats)
        if np.ndim(expected) == 0:
            return abs(learner_number(got, "") - expected) <= 1e-6
        return np.shape(got) == expected.shape and np.allclose(np.asarray(got, dtype=float), expected, atol=1e-6)
    except Exception:  # anything else wrong: not (only) the uint8 mistake
        return False


def _image_pairs():
    """Return fixed pairs of same-shaped arrays: the 2x2 worked example, uint8 images, float vectors."""
    rng = np.random.default_rng(7)
    worked = (np.array([[30, 95], [60, 43]], dtype=np.uint8), np.array([[50, 200], [33, 140]], dtype=np.uint8))
    images = (rng.integers(0, 256, (28, 28), dtype=np.uint8), rng.integers(0, 256, (28, 28), dtype=np.uint8))
    vectors = (rng.normal(size=10), rng.normal(size=10))
    same = (images[0], images[0].copy())
    return [worked, images, vectors, same]


def _distance_mistakes(a, b, name):
    """Return (value, hint) pairs of the usual wrong distances between a and b."""
    d = a.astype(float) - b.astype(float)
    average = "sum over all entries, don't average."
    if name == "l1":
        return [(d.sum(), "take the absolute value of each difference before summing (np.abs)."),
                (np.sqrt((d ** 2).sum()), "that is the L2 distance; L1 sums the absolute differences, "
                                          "no squares or square root."),
                (np.abs(d).mean(), average)]
    return [((d ** 2).sum(), "take the square root of the sum of squared differences (np.sqrt)."),
            (np.abs(d).sum(), "that is the L1 distance; L2 squares the differences, sums, then takes np.sqrt."),
            (np.sqrt((d ** 2).mean()), average),
            ((d ** 2).mean(), average + " Then take np.sqrt.")]


def _check_distance(function, reference_function, name, hint):
    """Compare a learner's distance between two arrays with the reference on the fixed pairs."""
    pairs = _image_pairs()
    for a, b in pairs:
        got = call_learner(function, a, b)
        what = f"the {name.upper()} distance of two {a.shape} {a.dtype} arrays"
        learner_number(got, what)
        try:
            compare_values(got, reference_function(a, b), what, tol=1e-6, hint=hint,
                           mistakes=_distance_mistakes(a, b, name))
        except CheckFailed as failure:
            if a.dtype == np.uint8 and _right_on_floats(function, reference_function, a, b):
                raise CheckFailed(failure.message, UINT8_HINT) from None
            raise
    return f"matches the reference on {len(pairs)} pairs (the worked example gives {reference_function(*pairs[0]):g})."


def check_compute_l1_distance(compute_l1_distance):
    """Check the learner's ``compute_l1_distance(a, b)``: the sum of absolute differences."""
    hint = "np.abs(a - b).sum() after converting both to float."
    return run_check("compute_l1_distance", compute_l1_distance,
                     lambda f: _check_distance(f, reference.compute_l1_distance, "l1", hint), hint=hint,
                     raised_hints=RAISED_HINTS)


def check_compute_l2_distance(compute_l2_distance):
    """Check the learner's ``compute_l2_distance(a, b)``: the square root of the sum of squared differences."""
    hint = "np.sqrt(((a - b) ** 2).sum()) after converting both to float."
    return run_check("compute_l2_distance", compute_l2_distance,
                     lambda f: _check_distance(f, reference.compute_l2_distance, "l2", hint), hint=hint,
                     raised_hints=RAISED_HINTS)


def _distance_sets():
    """Return fixed (X_test, X_train) pairs: uint8 pixels with a repeated row, and float features."""
    rng = np.random.default_rng(11)
    X_train = rng.integers(0, 256, (9, 20), dtype=np.uint8)
    X_test = np.concatenate([rng.integers(0, 256, (4, 20), dtype=np.uint8), X_train[:2]])
    floats = (rng.normal(size=(3, 5)), rng.normal(size=(6, 5)))
    return [(X_test, X_train), floats]


def _matrix_mistakes(X_test, X_train, expected):
    """Return (candidate, hint) pairs of the usual wrong distance matrices."""
    A, B = X_test.astype(float), X_train.astype(float)
    return [
        (expected.T, "the result is transposed: row i should be test image i, column j training image j."),
        (expected ** 2, "take np.sqrt: these are squared distances."),
        (lambda _: np.abs(A[:, None, :] - B[None, :, :]).sum(axis=-1),
         "that is the L1 distance: square the differences, sum them, then take np.sqrt."),
        (lambda got: got.ndim == 3, "sum the squared differences over the features (the last axis): "
                                    "one number per (test, train) pair."),
        (lambda got: got.ndim == 1, "return the whole (num_test, num_train) matrix, one row per test row."),
    ]


def _check_matrix(function, hint, nan_hint=None):
    """Compare a learner's (num_test, num_train) L2 distance matrix with the reference."""
    for X_test, X_train in _distance_sets():
        got = call_learner(function, X_test, X_train)
        expected = reference.compute_distances_no_loops(X_test, X_train)
        try:
            compare_arrays(got, expected, f"dists for X_test {X_test.shape} and X_train {X_train.shape}",
                           atol=1e-6, hint=hint, nan_hint=nan_hint,
                           mistakes=_matrix_mistakes(X_test, X_train, expected))
        except CheckFailed as failure:
            if (X_test.dtype == np.uint8 and isinstance(got, np.ndarray)
                    and _right_on_floats(function, reference.compute_distances_no_loops, X_test, X_train)):
                raise CheckFailed(failure.message, UINT8_HINT) from None
            raise
    return "matches the reference L2 distances on 2 test cases."


def check_compute_distances_two_loops(compute_distances_two_loops):
    """Check the learner's ``compute_distances_two_loops(X_test, X_train)``."""
    hint = "dists[i, j] = np.sqrt(np.sum((X_test[i] - X_train[j]) ** 2)), floats first."
    return run_check("compute_distances_two_loops", compute_distances_two_loops,
                     lambda f: _check_matrix(f, hint), hint=hint, raised_hints=RAISED_HINTS)


def check_compute_distances_one_loop(compute_distances_one_loop):
    """Check the learner's ``compute_distances_one_loop(X_test, X_train)``."""
    hint = "for each i: dists[i] = np.sqrt(np.sum((X_train - X_test[i]) ** 2, axis=1)), floats first."
    return run_check("compute_distances_one_loop", compute_distances_one_loop,
                     lambda f: _check_matrix(f, hint), hint=hint, raised_hints=RAISED_HINTS)


NO_LOOPS_HINT = ("||a||² (a column) + ||b||² (a row) - 2 X_test @ X_train.T, "
                 "clip tiny negatives with np.maximum(d2, 0) before np.sqrt.")


def _repeated_float_rows():
    """Return (X_test, X_train): 60 float rows and the same rows in reverse order, so 60 true distances are 0.

    Without np.maximum(d2, 0), rounding leaves some of those squared distances a tiny negative number whenever the
    norms (np.sum, einsum, norm) and the matrix product (BLAS) round differently, which they do on every machine we
    tried (17 to 23 of the 60 give NaN).
    """
    X_train = np.random.default_rng(21).normal(size=(60, 32))
    return X_train[::-1].copy(), X_train


def _peak_memory(function, *args):
    """Call ``function(*args)`` through call_learner; return the most memory (bytes) NumPy arrays held meanwhile."""
    import tracemalloc

    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        call_learner(function, *args)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()


def _check_no_loops(function):
    """Check the values (repeated rows too), then that the code neither loops over rows nor builds all differences."""
    nan_hint = "rounding makes some squared distances tiny negatives: clip them with np.maximum(d2, 0) before np.sqrt."
    message = _check_matrix(function, NO_LOOPS_HINT, nan_hint=nan_hint)
    X_test, X_train = _repeated_float_rows()
    compare_arrays(call_learner(function, X_test, X_train), reference.compute_distances_no_loops(X_test, X_train),
                   f"dists for X_test {X_test.shape} holding X_train's {X_train.shape} rows (distance 0 on each)",
                   atol=1e-6, hint=NO_LOOPS_HINT, nan_hint=nan_hint)
    rng = np.random.default_rng(3)
    small = count_python_lines(function, rng.random((30, 8)), rng.random((40, 8)))
    large = count_python_lines(function, rng.random((60, 8)), rng.random((80, 8)))
    if large - small >= 15:
        raise CheckFailed(f"the values are right, but the code still loops: {small} lines of Python ran for "
                          f"30 test rows, {large} for 60.",
                          "expand ||a - b||² = ||a||² + ||b||² - 2 a·b and use X_test @ X_train.T "
                          "for all pairs at once.")
    X_test, X_train = rng.random((40, 256)), rng.random((50, 256))
    every_difference = X_test.shape[0] * X_train.shape[0] * X_train.shape[1] * 8  # bytes of a float64 (40, 50, 256)
    peak = _peak_memory(function, X_test, X_train)
    if peak >= every_difference // 2:
        raise CheckFailed(f"the values are right and nothing loops, but for 40 test and 50 training rows of 256 "
                          f"features your code held {peak / 1e6:.1f} MB: it builds a (num_test, num_train, D) array "
                          "of every difference, which the exercise forbids (3.8 TB for 10,000 × 60,000 images).",
                          "no X_test[:, None, :] - X_train[None, :, :]: expand ||a - b||² = ||a||² + ||b||² - 2 a·b, "
                          "whose only big array is X_test @ X_train.T, (num_test, num_train).")
    return ("matches the reference L2 distances on 3 test cases (a row's distance to itself is 0), without loops "
            "or a (num_test, num_train, D) array.")


def check_compute_distances_no_loops(compute_distances_no_loops):
    """Check the learner's ``compute_distances_no_loops(X_test, X_train)``: right values, no Python loops."""
    return run_check("compute_distances_no_loops", compute_distances_no_loops, _check_no_loops, hint=NO_LOOPS_HINT,
                     raised_hints=RAISED_HINTS)


def _tie_rows():
    """Return (dists, y_train): 40 rows of 64 training rows with many equal distances, each training row its own label.

    Every row ties at its smallest distance (and all through), so any sort that does not keep tied rows in index
    order (np.argsort's default, np.argpartition, heapsort) picks another nearest row somewhere, on every machine:
    with one label per training row, another row is another prediction.
    """
    rng = np.random.default_rng(12)
    dists = rng.integers(2, 9, (40, 64)).astype(float)
    for row in dists[:-1]:
        row[rng.choice(64, rng.integers(2, 12), replace=False)] = 1.0
    dists[-1] = 5.0  # every training row equally near
    return dists, np.arange(64)


def _prediction_cases():
    """Return fixed (dists, y_train, k, hint) cases, including ties in distance and in the vote."""
    rng = np.random.default_rng(5)
    dists, y_train = rng.random((6, 12)), rng.integers(0, 4, 12)
    tie_vote = np.array([[0.1, 0.2, 0.3, 0.4, 5.0]]), np.array([3, 1, 1, 3, 0])  # 2 votes each for 1 and 3
    vote_hint = "when labels tie in the vote, choose the smallest label: np.argmax(np.bincount(labels)) does that."
    distance_hint = ("when distances tie, the training row with the smaller index counts as nearer: use "
                     "np.argsort(row, kind='stable'); np.argsort's default sort and np.argpartition may put "
                     "equal distances in any order.")
    return [(dists, y_train, 1, None), (dists, y_train, 5, vote_hint), (*tie_vote, 4, vote_hint),
            (*_tie_rows(), 1, distance_hint), (*_tie_rows(), 3, distance_hint)]


_TIE_CASES = 3  # the last three cases are built around ties: their hint is the one to show


def _check_predict(function):
    """Compare a learner's predictions with the reference, ties included; labels must be integers."""
    cases = _prediction_cases()
    for number, (dists, y_train, k, hint) in enumerate(cases, start=1):
        got = call_learner(function, dists, y_train, k=k)
        mistakes = [
            (lambda got: got.shape == (dists.shape[1],),
             "one prediction per test row: go along the rows of dists (axis=1)."),
            (lambda got: got.ndim == 2, "vote: one label per test row, the most common among the labels of the k "
                                        "nearest (np.bincount(labels).argmax())."),
            (lambda _: reference.predict_labels(-dists, y_train, k),
             "the nearest neighbours have the smallest distances: np.argsort sorts ascending, take [:k]."),
        ]
        if number <= len(cases) - _TIE_CASES:
            mistakes += [(lambda _: reference.predict_labels(dists, y_train, 1),
                          "use the k nearest, not just the nearest one: np.argsort(row)[:k]."),
                         (lambda _: reference.predict_labels(dists, y_train, k + 1),
                          "take exactly k neighbours: [:k].")]
        what = f"predictions for k={k} (case {number})"
        got = compare_arrays(got, reference.predict_labels(dists, y_train, k), what, hint=hint, mistakes=mistakes)
        if got.dtype.kind not in "iu":
            raise CheckFailed(f"{what} have the right values but dtype {got.dtype}: labels are whole numbers, "
                              "and the docstring asks for an int array.",
                              "make y_pred an int array, e.g. np.zeros(len(dists), dtype=int), so the labels "
                              "can index other arrays (class_names[y_pred]).")
    return f"matches the reference on {len(cases)} cases, ties included."


def check_predict_labels(predict_labels):
    """Check the learner's ``predict_labels(dists, y_train, k)``: majority vote of the k nearest."""
    return run_check("predict_labels", predict_labels, _check_predict,
                     hint="for each row: the k smallest distances (np.argsort), their labels y_train[...], "
                          "then the most common label (np.bincount(...).argmax()).")
