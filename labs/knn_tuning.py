"""Choosing k and the distance for k-NN (notebook 02): validation accuracy per pair, cross-validated, and its figure."""

import numpy as np

from .knn import METRIC_LABELS, METRICS, find_nearest_neighbours, vote
from ._validate import (as_array, require_axes, require_choice, require_dict, require_finite, require_int, require_labels,
                        require_list, require_rows)

__all__ = ["score_knn_grid", "cross_validate_knn", "plot_k_scores"]


def _require_ks(ks, num_train):
    """Check a list of k values (whole numbers from 1 to num_train) and return it as a tuple."""
    ks = tuple(require_int(k, "each k in ks", minimum=1) for k in require_list(ks, "ks", example="[1, 3, 5]"))
    if max(ks) > num_train:
        raise ValueError(f"every k in ks must be at most the number of training rows ({num_train}), "
                         f"got {max(ks)}.")
    return ks


def _require_metrics(metrics):
    """Check a list of metric names and return it as a tuple."""
    metrics = require_list(metrics, "metrics", example="['l1', 'l2']")
    return tuple(require_choice(metric, "metrics", METRICS) for metric in metrics)


def score_knn_grid(X_train, y_train, X_val, y_val, ks, metrics=METRICS):
    """Return the validation accuracy of k-NN for every k and metric: {metric: array (len(ks),)}.

    X_train: (num_train, D), y_train: (num_train,), X_val: (num_val, D), y_val: (num_val,).
    Finds the max(ks) neighbours once per metric, then votes with each k.
    """
    X_train = require_rows(X_train, "X_train")
    X_val = require_rows(X_val, "X_val", X_train.shape[1])
    y_train = require_labels(y_train, "y_train", len(X_train), rows_name="X_train")
    y_val = require_labels(y_val, "y_val", len(X_val), rows_name="X_val")
    ks = _require_ks(ks, len(X_train))
    metrics = _require_metrics(metrics)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    scores = {}
    for metric in metrics:
        _, nearest = find_nearest_neighbours(X_val, X_train, max(ks), metric)
        labels = y_train[nearest]
        scores[metric] = np.array([np.mean(vote(labels[:, :k], num_classes) == y_val) for k in ks])
    return scores


def cross_validate_knn(X, y, ks, metrics=METRICS, num_folds=5, seed=0):
    """Return k-fold cross-validated k-NN accuracies: {metric: array (num_folds, len(ks))}.

    X: array of shape (N, D); y: int labels of shape (N,). Folds are stratified and seeded.
    """
    from sklearn.model_selection import StratifiedKFold

    X = require_rows(X, "X")
    y = require_labels(y, "y", len(X), rows_name="X")
    _require_ks(ks, len(X))
    metrics = _require_metrics(metrics)
    num_folds = require_int(num_folds, "num_folds", minimum=2, maximum=len(X))
    smallest = int(np.bincount(y)[np.unique(y)].min())
    if num_folds > smallest:
        raise ValueError(f"num_folds={num_folds} is more than the {smallest} example(s) of the smallest class in y; "
                         "stratified folds need every class in every fold: use fewer folds or more data.")
    folds = StratifiedKFold(num_folds, shuffle=True, random_state=require_int(seed, "seed", minimum=0))
    per_fold = [score_knn_grid(X[train], y[train], X[val], y[val], ks, metrics) for train, val in folds.split(X, y)]
    return {metric: np.stack([fold[metric] for fold in per_fold]) for metric in metrics}


def plot_k_scores(ks, scores, ax=None, title="Choosing k and the distance"):
    """Plot accuracy against k, one line per metric; 2-D score arrays show the mean ± std over folds.

    ks: sequence of k values; scores: {metric: array (len(ks),) or (num_folds, len(ks))}.
    """
    import matplotlib.pyplot as plt

    ks = require_list(ks, "ks", example="[1, 3, 5]")
    scores = require_dict(scores, "scores", example="{'l2': [0.91, 0.92, 0.90]}")
    scores = {metric: require_finite(np.atleast_2d(as_array(values, f"scores[{metric!r}]", ndim=(1, 2),
                                                          dtype_kind="uif")).astype(float), f"scores[{metric!r}]")
              for metric, values in scores.items()}
    require_axes(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for metric, values in scores.items():
        if values.shape[1] != len(ks):
            raise ValueError(f"scores[{metric!r}] has {values.shape[1]} values per row but ks has {len(ks)}.")
        mean = values.mean(axis=0)
        ax.plot(ks, mean, marker="o", label=METRIC_LABELS[metric])
        if len(values) > 1:
            std = values.std(axis=0)
            ax.fill_between(ks, mean - std, mean + std, alpha=0.2)
    ax.set_xlabel("k (number of neighbours)")
    ax.set_ylabel("accuracy")
    ax.set_xticks(list(ks))
    ax.set_title(title)
    ax.legend(title="distance")
    return ax
