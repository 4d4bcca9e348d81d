"""Checks for notebook 02 (nearest neighbours)."""

import sys

import numpy as np

from .. import knn as reference
from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check

__all__ = ["check_l1_distance", "check_l2_distance", "check_distances_two_loops",
           "check_distances_one_loop", "check_distances_no_loops", "check_predict_labels"]

UINT8_HINT = ("convert to float first (a.astype(float)): uint8 arithmetic wraps around, "
              "so 30 - 50 gives 236 instead of -20.")


def _image_pairs():
    """Return fixed pairs of same-shaped arrays: the 2x2 worked example, uint8 images, float vectors."""
    rng = np.random.default_rng(7)
    worked = (np.array([[30, 95], [60, 43]], dtype=np.uint8), np.array([[50, 200], [33, 140]], dtype=np.uint8))
    images = (rng.integers(0, 256, (28, 28), dtype=np.uint8), rng.integers(0, 256, (28, 28), dtype=np.uint8))
    vectors = (rng.normal(size=10), rng.normal(size=10))
    same = (images[0], images[0].copy())
    return [worked, images, vectors, same]


def _check_distance(function, reference_function, name):
    """Compare a learner's distance between two arrays with the reference on the fixed pairs."""
    pairs = _image_pairs()
    for a, b in pairs:
        got = call_learner(function, a, b)
        compare_values(got, reference_function(a, b), f"{name} of two {a.shape} {a.dtype} arrays", tol=1e-6,
                       hint=UINT8_HINT if a.dtype == np.uint8 else None)
    return f"matches the reference on {len(pairs)} pairs (the worked example gives {reference_function(*pairs[0]):g})."


def check_l1_distance(l1_distance):
    """Check the learner's ``l1_distance(a, b)``: the sum of absolute differences."""
    return run_check("l1_distance", l1_distance,
                     lambda f: _check_distance(f, reference.compute_l1_distance, "the L1 distance"),
                     hint="np.abs(a - b).sum() after converting both to float.")


def check_l2_distance(l2_distance):
    """Check the learner's ``l2_distance(a, b)``: the square root of the sum of squared differences."""
    return run_check("l2_distance", l2_distance,
                     lambda f: _check_distance(f, reference.compute_l2_distance, "the L2 distance"),
                     hint="np.sqrt(((a - b) ** 2).sum()) after converting both to float.")


def _distance_sets():
    """Return fixed (X_test, X_train) pairs: uint8 pixels with a repeated row, and float features."""
    rng = np.random.default_rng(11)
    X_train = rng.integers(0, 256, (9, 20), dtype=np.uint8)
    X_test = np.concatenate([rng.integers(0, 256, (4, 20), dtype=np.uint8), X_train[:2]])
    floats = (rng.normal(size=(3, 5)), rng.normal(size=(6, 5)))
    return [(X_test, X_train), floats]


def _check_matrix(function, name):
    """Compare a learner's (num_test, num_train) L2 distance matrix with the reference."""
    for X_test, X_train in _distance_sets():
        got = call_learner(function, X_test, X_train)
        hint = UINT8_HINT if X_test.dtype == np.uint8 else None
        if got is not None and np.shape(got) == (len(X_train), len(X_test)):
            hint = "the result is transposed: row i should be test image i, column j training image j."
        compare_arrays(got, reference.compute_distances_no_loops(X_test, X_train),
                       f"{name} for X_test {X_test.shape} and X_train {X_train.shape}", atol=1e-6, hint=hint)
    return "matches the reference L2 distances on 2 test cases."


def check_distances_two_loops(compute_distances_two_loops):
    """Check the learner's ``compute_distances_two_loops(X_test, X_train)``."""
    return run_check("compute_distances_two_loops", compute_distances_two_loops,
                     lambda f: _check_matrix(f, "dists"),
                     hint="dists[i, j] = np.sqrt(np.sum((X_test[i] - X_train[j]) ** 2)), floats first.")


def check_distances_one_loop(compute_distances_one_loop):
    """Check the learner's ``compute_distances_one_loop(X_test, X_train)``."""
    return run_check("compute_distances_one_loop", compute_distances_one_loop,
                     lambda f: _check_matrix(f, "dists"),
                     hint="for each i: dists[i] = np.sqrt(np.sum((X_train - X_test[i]) ** 2, axis=1)).")


def _count_lines_run(function, *args):
    """Call function and return how many lines of code from its own file ran (loops repeat lines)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return 0
    filename, count = code.co_filename, [0]

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            count[0] += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call_learner(function, *args)
    finally:
        sys.settrace(previous)
    return count[0]


def _check_no_loops(function):
    """Check the values, then that the learner's code does not visit rows one by one."""
    message = _check_matrix(function, "dists")
    rng = np.random.default_rng(3)
    lines = _count_lines_run(function, rng.random((30, 8)), rng.random((40, 8)))
    if lines >= 30:
        raise CheckFailed(f"the values are right, but {lines} lines ran for 30 test rows: the code still loops.",
                          "expand ||a - b||² = ||a||² + ||b||² - 2 a·b and use X_test @ X_train.T "
                          "for all pairs at once.")
    return message.replace("2 test cases.", "2 test cases, without loops.")


def check_distances_no_loops(compute_distances_no_loops):
    """Check the learner's ``compute_distances_no_loops(X_test, X_train)``: right values at vectorised speed."""
    return run_check("compute_distances_no_loops", compute_distances_no_loops, _check_no_loops,
                     hint="||a||² (a column) + ||b||² (a row) - 2 X_test @ X_train.T, "
                          "clip tiny negatives with np.maximum(d2, 0) before np.sqrt.")


def _prediction_cases():
    """Return fixed (dists, y_train, k, hint) cases, including ties in distance and in the vote."""
    rng = np.random.default_rng(5)
    dists, y_train = rng.random((6, 12)), rng.integers(0, 4, 12)
    tie_vote = np.array([[0.1, 0.2, 0.3, 0.4, 5.0]]), np.array([3, 1, 1, 3, 0])  # 2 votes each for 1 and 3
    tie_distance = np.full((1, 40), 9.0), np.arange(40) % 4
    tie_distance[0][0, [6, 30]] = 0.5  # rows 6 (label 2) and 30 (label 1 below) are equally near
    tie_distance[1][30] = 1
    vote_hint = "when labels tie in the vote, choose the smallest label: np.argmax(np.bincount(labels)) does that."
    distance_hint = ("when distances tie, the training row with the smaller index counts as nearer: "
                     "use np.argsort(row, kind='stable') or np.argmin.")
    return [(dists, y_train, 1, None), (dists, y_train, 5, vote_hint), (*tie_vote, 4, vote_hint),
            (*tie_distance, 1, distance_hint)]


def _check_predict(function):
    """Compare a learner's predictions with the reference, ties included."""
    cases = _prediction_cases()
    for number, (dists, y_train, k, hint) in enumerate(cases, start=1):
        got = call_learner(function, dists, y_train, k=k)
        compare_arrays(got, reference.predict_labels(dists, y_train, k), f"predictions for k={k} (case {number})",
                       hint=hint)
    return f"matches the reference on {len(cases)} cases, ties included."


def check_predict_labels(predict_labels):
    """Check the learner's ``predict_labels(dists, y_train, k)``: majority vote of the k nearest."""
    return run_check("predict_labels", predict_labels, _check_predict,
                     hint="for each row: the k smallest distances (np.argsort), their labels y_train[...], "
                          "then the most common label (np.bincount(...).argmax()).")
