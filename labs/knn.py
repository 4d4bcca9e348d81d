"""k-NN (notebook 02): distances, distance matrices three ways, voting, a chunked classifier, one prediction explained.

Tie-breaking, everywhere in this module (the same rules as scikit-learn's brute-force
``KNeighborsClassifier``):

* neighbours are ordered by distance, and equal distances by training index (the
  earlier training row counts as nearer);
* the vote picks the label that most of the k neighbours carry, and a tie between
  labels goes to the smallest label.
"""

import numpy as np

from ._deprecation import moved_to_rooms, renamed
from ._validate import (as_array, require_choice, require_finite, require_int, require_labels, require_list, require_rows,
                        describe)

__all__ = ["METRICS", "METRIC_LABELS", "compute_l1_distance", "compute_l2_distance",
           "compute_distances_two_loops", "compute_distances_one_loop", "compute_distances_no_loops",
           "compute_distances", "find_nearest_neighbours", "vote", "predict_labels",
           "KNNClassifier", "explain_prediction", "show_explanation"]

METRICS = ("l1", "l2", "cosine")
METRIC_LABELS = {"l1": "L1", "l2": "L2", "cosine": "cosine"}  # how each metric is written in figures
MEMORY_BUDGET_MB = 256  # size of one block of float32 scores in find_nearest_neighbours
SCREEN_MARGIN = 16  # extra float32 candidates re-ranked exactly for L2


# --- distances between two images --------------------------------------------------------------

def _pair(a, b):
    """Check two images/vectors of the same shape and return them as float64 arrays."""
    a = require_finite(as_array(a, "a", dtype_kind="uif"), "a")
    b = require_finite(as_array(b, "b", dtype_kind="uif"), "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got a {a.shape} and b {b.shape}.")
    return a.astype(np.float64), b.astype(np.float64)


def compute_l1_distance(a, b):
    """Return the L1 distance: the sum of absolute differences of two same-shaped arrays.

    a, b: arrays of the same shape (two images (H, W) or two vectors (D,)).
    """
    a, b = _pair(a, b)
    return float(np.abs(a - b).sum())


def compute_l2_distance(a, b):
    """Return the L2 (Euclidean) distance: the square root of the sum of squared differences.

    a, b: arrays of the same shape (two images (H, W) or two vectors (D,)).
    """
    a, b = _pair(a, b)
    return float(np.sqrt(((a - b) ** 2).sum()))


# --- distance matrices (cs231n style, L2) -------------------------------------------------------

def _as_pair_of_sets(X_test, X_train, test_name="X_test"):
    """Check X_test (num_test, D) and X_train (num_train, D) and return both as float64."""
    X_train = require_rows(X_train, "X_train")
    return require_rows(X_test, test_name, X_train.shape[1]), X_train


def compute_distances_two_loops(X_test, X_train):
    """Return the L2 distance of every test row to every training row, with two Python loops.

    X_test: array of shape (num_test, D); X_train: array of shape (num_train, D).
    Returns dists of shape (num_test, num_train), dists[i, j] = ||X_test[i] - X_train[j]||.
    """
    X_test, X_train = _as_pair_of_sets(X_test, X_train)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        for j in range(len(X_train)):
            dists[i, j] = np.sqrt(np.sum((X_test[i] - X_train[j]) ** 2))
    return dists


def compute_distances_one_loop(X_test, X_train):
    """Return the L2 distance matrix with one loop over the test rows (broadcast over training rows).

    X_test: array of shape (num_test, D); X_train: array of shape (num_train, D).
    Returns dists of shape (num_test, num_train).
    """
    X_test, X_train = _as_pair_of_sets(X_test, X_train)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        dists[i] = np.sqrt(np.sum((X_train - X_test[i]) ** 2, axis=1))
    return dists


def _squared_l2(X_test, X_train, train_sq=None):
    """Return squared L2 distances of float64 rows via ||a||² + ||b||² - 2 a·b, clipped at 0."""
    if train_sq is None:
        train_sq = np.einsum("ij,ij->i", X_train, X_train)
    test_sq = np.einsum("ij,ij->i", X_test, X_test)
    d2 = X_test @ X_train.T
    d2 *= -2.0
    d2 += test_sq[:, None]
    d2 += train_sq[None, :]
    np.maximum(d2, 0.0, out=d2)  # rounding can make a zero distance slightly negative
    return d2


def compute_distances_no_loops(X_test, X_train):
    """Return the L2 distance matrix with no loops: ||a - b||² = ||a||² + ||b||² - 2 a·b.

    X_test: array of shape (num_test, D); X_train: array of shape (num_train, D).
    Returns dists of shape (num_test, num_train).
    """
    X_test, X_train = _as_pair_of_sets(X_test, X_train)
    return np.sqrt(_squared_l2(X_test, X_train))


def _unit_rows(X):
    """Return the rows of X divided by their L2 norm (all-zero rows stay zero)."""
    norms = np.sqrt(np.einsum("ij,ij->i", X, X))
    return X / np.where(norms > 0, norms, 1.0)[:, None]


def compute_distances(X_test, X_train, metric="l2"):
    """Return the distance of every test row to every training row (vectorised).

    X_test: array of shape (num_test, D); X_train: array of shape (num_train, D).
    metric: "l1" (sum of absolute differences), "l2" (Euclidean) or "cosine"
    (1 - cos of the angle between the two rows; ignores overall brightness).
    Returns an array of shape (num_test, num_train).
    """
    metric = require_choice(metric, "metric", METRICS)
    X_test, X_train = _as_pair_of_sets(X_test, X_train)
    if metric == "l2":
        return np.sqrt(_squared_l2(X_test, X_train))
    if metric == "cosine":
        return 1.0 - _unit_rows(X_test) @ _unit_rows(X_train).T
    from scipy.spatial.distance import cdist
    return cdist(X_test, X_train, metric="cityblock")


# --- neighbours and votes ------------------------------------------------------------------------

def _k_smallest(d, k, group=128):
    """Return (values, indices) of the k smallest entries of each row of d, ties by column index.

    d: array of shape (rows, n). The result is sorted nearest first, shape (rows, k).
    Fast path for long rows: cut each row into groups of ``group`` columns. The k-th smallest
    group minimum, T, is at least the row's k-th smallest value, so the answer lies in the
    few groups whose minimum is <= T; only those are sorted (by value, then column index).
    """
    rows, n = d.shape
    starts = np.arange(0, n, group)
    if len(starts) <= k:
        cols = np.argsort(d, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(d, cols, axis=1), cols
    group_min = np.minimum.reduceat(d, starts, axis=1)
    threshold = np.partition(group_min, k - 1, axis=1)[:, k - 1]
    row, first_col = np.nonzero(group_min <= threshold[:, None])
    col = first_col[:, None] * group + np.arange(group)  # every column of each candidate group
    value = d[row[:, None], np.minimum(col, n - 1)]
    inside = (col < n) & (value <= threshold[row][:, None])
    row, col, value = np.broadcast_to(row[:, None], col.shape)[inside], col[inside], value[inside]
    order = np.lexsort((col, value, row))  # by row, then value, then column
    picked = order[np.searchsorted(row[order], np.arange(rows))[:, None] + np.arange(k)]
    return value[picked], col[picked]


def _chunk_rows(num_train, chunk_size):
    """Return how many test rows to process at once so one block stays within the memory budget."""
    if chunk_size is not None:
        return require_int(chunk_size, "chunk_size", minimum=1)
    return max(1, int(MEMORY_BUDGET_MB * 2**20 // (4 * num_train)))


def _prepare_training(X_train, metric):
    """Return what the block search needs: the rows (unit rows for cosine); for L2 also norms and a float32 copy."""
    if metric == "cosine":
        return {"X": _unit_rows(X_train)}
    if metric == "l1":
        return {"X": X_train}
    sq = np.einsum("ij,ij->i", X_train, X_train)
    return {"X": X_train, "sq": sq, "X32": X_train.astype(np.float32), "sq32": sq.astype(np.float32),
            "max_norm": float(np.sqrt(sq.max()))}


def _block_neighbours(block, train, k, metric):
    """Return (distances, indices) of the k nearest training rows for one block of test rows (rows, D)."""
    if metric == "l1":
        from scipy.spatial.distance import cdist
        return _k_smallest(cdist(block, train["X"], metric="cityblock"), k)
    if metric == "cosine":
        values, cols = _k_smallest(-(_unit_rows(block) @ train["X"].T), k)
        return 1.0 + values, cols
    values, cols = _l2_screened(block, train, k)
    values += np.einsum("ij,ij->i", block, block)[:, None]  # ||a||² is the same for every training row
    return np.sqrt(np.maximum(values, 0.0)), cols


def _l2_exact_scores(block, train, cols=None):
    """Return ||b||² - 2 a·b in float64 (the squared L2 distance minus ||a||²): all columns, or cols (rows, m)."""
    if cols is None:
        scores = (-2.0 * block) @ train["X"].T
        scores += train["sq"]
        return scores
    return train["sq"][cols] - 2.0 * np.einsum("rd,rmd->rm", block, train["X"][cols])


def _l2_screened(block, train, k):
    """Return the k smallest ||b||² - 2 a·b per row, exactly as float64 would, at float32 speed.

    Screen all training rows with a float32 matrix product (twice as fast), re-rank the best
    k + SCREEN_MARGIN candidates exactly in float64, and redo in float64 any row where the
    float32 rounding error bound says a training row outside the candidates could still win.
    """
    num_train, margin = len(train["X"]), k + SCREEN_MARGIN
    if num_train <= 4 * margin:
        return _k_smallest(_l2_exact_scores(block, train), k)
    approx = (-2.0 * block).astype(np.float32) @ train["X32"].T
    approx += train["sq32"]
    approx_values, candidates = _k_smallest(approx, margin + 1)  # the last one bounds every non-candidate
    candidates = np.sort(candidates[:, :margin], axis=1)  # by index, so the stable sort breaks ties by index
    exact = _l2_exact_scores(block, train, candidates)
    order = np.argsort(exact, axis=1, kind="stable")[:, :k]
    values, cols = np.take_along_axis(exact, order, axis=1), np.take_along_axis(candidates, order, axis=1)
    unsure = np.flatnonzero(values[:, -1] >= approx_values[:, -1] - _float32_error_bound(block, train))
    if len(unsure):
        values[unsure], cols[unsure] = _k_smallest(_l2_exact_scores(block[unsure], train), k)
    return values, cols


def _float32_error_bound(block, train):
    """Return, per test row, a bound on |float32 - exact| for ||b||² - 2 a·b over every training row b.

    Rounding in a float32 dot product of length D is at most about D·u·Σ|a_i b_i| <= D·u·||a||·||b||
    (u = 2⁻²⁴), plus one rounding each for ||b||² and the sum; (||a|| + max ||b||)² covers all terms.
    """
    norms = np.sqrt(np.einsum("ij,ij->i", block, block))
    return (block.shape[1] + 8) * 2.0**-24 * (norms + train["max_norm"]) ** 2 * 1.01


def find_nearest_neighbours(X_test, X_train, k=1, metric="l2", chunk_size=None):
    """Return the distances and training indices of the k nearest neighbours of each test row.

    X_test: array of shape (num_test, D); X_train: array of shape (num_train, D).
    Works on blocks of ``chunk_size`` test rows (by default about 256 MB of scores at a
    time), so 10,000 x 60,000 never builds the whole distance matrix.
    Returns (distances, indices), both of shape (num_test, k), nearest first; equal
    distances are ordered by training index.
    """
    metric = require_choice(metric, "metric", METRICS)
    X_test, X_train = _as_pair_of_sets(X_test, X_train)
    k = require_int(k, "k", minimum=1)
    if k > len(X_train):
        raise ValueError(f"k must be at most the number of training rows ({len(X_train)}), got k={k}.")
    return _search(X_test, _prepare_training(X_train, metric), k, metric, _chunk_rows(len(X_train), chunk_size))


def _search(X_test, train, k, metric, rows):
    """Return (distances, indices) of the k nearest prepared training rows, ``rows`` test rows at a time."""
    distances = np.empty((len(X_test), k))
    indices = np.empty((len(X_test), k), dtype=np.intp)
    for start in range(0, len(X_test), rows):
        stop = start + rows
        distances[start:stop], indices[start:stop] = _block_neighbours(X_test[start:stop], train, k, metric)
    return distances, indices


def vote(neighbour_labels, num_classes=None):
    """Return the majority label of each row of neighbour labels; a tie goes to the smallest label.

    neighbour_labels: int array of shape (num_test, k) with labels 0..num_classes-1.
    Returns an int64 array of shape (num_test,).
    """
    labels = as_array(neighbour_labels, "neighbour_labels", ndim=2, dtype_kind="iu")
    if labels.min() < 0:
        raise ValueError(f"neighbour_labels must be class numbers 0, 1, 2, ...; found {labels.min()}.")
    num_classes = int(labels.max()) + 1 if num_classes is None else require_int(
        num_classes, "num_classes", minimum=int(labels.max()) + 1)
    counts = np.zeros((labels.shape[0], num_classes), dtype=np.int64)
    np.add.at(counts, (np.arange(labels.shape[0])[:, None], labels), 1)
    return counts.argmax(axis=1)  # argmax returns the first (smallest) label among equal counts


def predict_labels(dists, y_train, k=1):
    """Predict a label for each test row from its distances to the training rows (majority of k).

    dists: array of shape (num_test, num_train); y_train: int array of shape (num_train,).
    Returns an int64 array of shape (num_test,). Ties: see the module docstring.
    """
    dists = require_finite(as_array(dists, "dists", ndim=2, dtype_kind="uif"), "dists")
    y_train = require_labels(y_train, "y_train", dists.shape[1])
    k = require_int(k, "k", minimum=1)
    if k > dists.shape[1]:
        raise ValueError(f"k must be at most the number of training rows ({dists.shape[1]}), got k={k}.")
    _, nearest = _k_smallest(dists.astype(np.float64, copy=False), k)
    return vote(y_train[nearest], int(y_train.max()) + 1)


class KNNClassifier:
    """k-nearest-neighbour classifier with the chunked, vectorised search (a scikit-learn-style API).

    k: number of neighbours; metric: "l1", "l2" or "cosine"; chunk_size: test rows per block (None: auto).
    """

    def __init__(self, k=1, metric="l2", chunk_size=None):
        self.k = require_int(k, "k", minimum=1)
        self.metric = require_choice(metric, "metric", METRICS)
        self.chunk_size = chunk_size

    def fit(self, X, y):
        """Remember the training set. X: array of shape (num_train, D); y: int labels (num_train,)."""
        X = require_rows(X, "X")
        y = require_labels(y, "y", len(X))
        if self.k > len(X):
            raise ValueError(f"k must be at most the number of training rows ({len(X)}), got k={self.k}.")
        self.X_train_, self.y_train_ = X, y
        self.num_classes_ = int(y.max()) + 1
        self._train = _prepare_training(X, self.metric)  # norms and copies, computed once
        return self

    def kneighbors(self, X):
        """Return (distances, indices) of the k nearest training rows. X: array of shape (num_test, D)."""
        if not hasattr(self, "X_train_"):
            raise RuntimeError("call fit(X_train, y_train) before kneighbors or predict.")
        X = require_rows(X, "X", self.X_train_.shape[1])
        return _search(X, self._train, self.k, self.metric, _chunk_rows(len(self.X_train_), self.chunk_size))

    def predict(self, X):
        """Predict labels of shape (num_test,) for X of shape (num_test, D) by majority vote."""
        _, indices = self.kneighbors(X)
        return vote(self.y_train_[indices], self.num_classes_)

    def score(self, X, y):
        """Return the accuracy on X (num_test, D) with true labels y (num_test,)."""
        if not hasattr(self, "X_train_"):
            raise RuntimeError("call fit(X_train, y_train) before score.")
        X = require_rows(X, "X", self.X_train_.shape[1])
        y = require_labels(y, "y", len(X), rows_name="X")
        return float(np.mean(self.predict(X) == y))


# --- the neighbour explorer ---------------------------------------------------------------------

def explain_prediction(x, X_train, y_train, k=5, metric="l2"):
    """Return what k-NN does for one test image: its neighbours, their labels, the votes, the prediction.

    x: one image (H, W) or vector (D,); X_train: (num_train, H, W) or (num_train, D); y_train: (num_train,).
    Returns a dict with indices (k,), distances (k,), labels (k,), votes (num_classes,), prediction.
    """
    X_train = require_finite(as_array(X_train, "X_train", ndim=(2, 3), dtype_kind="uif"), "X_train")
    x = require_finite(as_array(x, "x", ndim=(1, 2), dtype_kind="uif"), "x")
    if x.size != X_train[0].size:
        raise ValueError(f"x has {x.size} values but each training image has {X_train[0].size}; "
                         f"x has shape {x.shape}, X_train {X_train.shape}.")
    y_train = require_labels(y_train, "y_train", len(X_train), rows_name="X_train")
    distances, indices = find_nearest_neighbours(x.reshape(1, -1), X_train.reshape(len(X_train), -1), k, metric)
    labels = y_train[indices[0]]
    votes = np.bincount(labels, minlength=int(y_train.max()) + 1)
    return {"indices": indices[0], "distances": distances[0], "labels": labels, "votes": votes,
            "prediction": int(votes.argmax()), "k": k, "metric": metric}


def show_explanation(x, X_train, explanation, class_names=None, true_label=None):
    """Draw the test image, its k nearest training images (label, distance) and the vote; return the figure.

    x: image (H, W); X_train: (num_train, H, W); explanation: the dict from explain_prediction.
    """
    import matplotlib.pyplot as plt

    X_train = as_array(X_train, "X_train", ndim=3, dtype_kind="uif")
    x = as_array(x, "x", dtype_kind="uif")
    if x.size != X_train[0].size:
        raise ValueError(f"x has {x.size} values but each training image has {X_train[0].size} "
                         f"(shape {X_train.shape[1:]}); pass the test image and the training images.")
    keys = ("indices", "distances", "labels", "votes", "prediction", "metric")
    if not isinstance(explanation, dict) or any(key not in explanation for key in keys):
        raise TypeError(f"explanation must be the dict explain_prediction returns (keys {', '.join(keys)}), "
                        f"got {describe(explanation)}.")
    num_classes = len(explanation["votes"])
    names = [str(c) for c in range(num_classes)] if class_names is None else require_list(
        class_names, "class_names", example="['0', '1', ...]")
    if len(names) < num_classes:
        raise ValueError(f"class_names has {len(names)} names but the vote counts {num_classes} classes.")
    if true_label is not None:
        true_label = require_int(true_label, "true_label", minimum=0, maximum=len(names) - 1)
    k = len(explanation["indices"])
    fig = plt.figure(figsize=(1.3 * (k + 1) + 3.2, 2.2))
    grid = fig.add_gridspec(1, k + 2, width_ratios=[1] * (k + 1) + [2.5])
    ax = fig.add_subplot(grid[0])
    ax.imshow(np.asarray(x).reshape(X_train.shape[1:]), cmap="gray")
    title = "test image" if true_label is None else f"test: {names[true_label]}"
    ax.set_title(title, fontsize=9)
    ax.axis("off")
    for slot, (index, dist, label) in enumerate(zip(explanation["indices"], explanation["distances"],
                                                   explanation["labels"]), start=1):
        ax = fig.add_subplot(grid[slot])
        ax.imshow(X_train[index], cmap="gray")
        ax.set_title(f"{names[label]}\nd={dist:.0f}" if dist >= 10 else f"{names[label]}\nd={dist:.3f}",
                     fontsize=8)
        ax.axis("off")
    ax = fig.add_subplot(grid[-1])
    colours = ["tab:green" if c == explanation["prediction"] else "0.6" for c in range(len(explanation["votes"]))]
    ax.bar(range(len(explanation["votes"])), explanation["votes"], color=colours)
    ax.set_xticks(range(len(explanation["votes"])), names, rotation=90, fontsize=7)
    ax.set_ylabel("votes")
    ax.set_title(f"vote → {names[explanation['prediction']]}", fontsize=9)
    fig.suptitle(f"{k} nearest training images ({METRIC_LABELS[explanation['metric']]} distance)", fontsize=10)
    fig.tight_layout()
    return fig


# --- old names, kept until 2027-03-31 --------------------------------------------------------------

plot_explanation = renamed(__name__, "plot_explanation", "show_explanation")
__getattr__ = moved_to_rooms(__name__, {"labs.knn_tuning": ("score_knn_grid", "cross_validate_knn", "plot_k_scores"),
                                        "labs.widgets": ("neighbour_explorer",)})
