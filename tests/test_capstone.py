"""Checks of notebook 12 (capstone) against the reference solutions and typical mistakes.

Until solutions/12_capstone.ipynb exists, REFERENCES below are the reference solutions that
tests/test_check_mutants.py runs (the notebook's solution cells take over once it lands); the
mutant tables are imported there too, like notebooks 09-11's.
"""

import os
import pickle

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from check_helpers import printed_line
from labs import checks
from labs.checks.capstone import _SPLIT_CASES, _confusions, _macro_f1
from labs.models import keras


# --- the reference solutions, as in the solution notebook's exercise cells ----------------------------

def split_train_validation(labels, validation_fraction, seed):
    """Split the images into a training set and a validation set, class by class.

    labels: 1-D int array, the class of each image. validation_fraction: the share of each
    class that goes to validation, between 0 and 1 (e.g. 0.2). seed: an int.
    Returns (train_index, val_index): two 1-D int arrays of positions in labels. Every
    position is in exactly one of them. Each class sends round(validation_fraction × its
    count) images to validation, and at least 1 when it has 2 or more images; which ones is
    random, drawn from np.random.default_rng(seed): the same seed gives the same split,
    another seed another split. labels itself is not changed.
    """
    # BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    val_parts = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        count = round(validation_fraction * len(members))
        if len(members) >= 2:
            count = max(count, 1)
        val_parts.append(members[:count])
    val_index = np.sort(np.concatenate(val_parts))
    train_index = np.setdiff1d(np.arange(len(labels)), val_index)
    return train_index, val_index
    # END SOLUTION


def compute_macro_f1(confusion):
    """Return the macro-averaged F1 score of a confusion matrix, as a float.

    confusion: square int array, confusion[i, j] = how many images of true class i were
    predicted as class j. Per class: precision = correct / predicted as that class (column
    sum), recall = correct / images of that class (row sum), F1 = 2·P·R / (P + R). A ratio
    whose denominator is 0 counts as 0 (as scikit-learn's zero_division=0), so a class that is
    never predicted, or has no images at all, scores F1 = 0. Macro F1 is the plain mean of the
    F1 of every class (every row), whatever its size.
    """
    # BEGIN SOLUTION
    confusion = np.asarray(confusion, dtype=float)
    hits = np.diag(confusion)
    predicted = confusion.sum(axis=0)
    true = confusion.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, true, out=np.zeros_like(hits), where=true > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(hits), where=both > 0)
    return float(f1.mean())
    # END SOLUTION


def save_and_reload(model, path):
    """Save a Keras model to the file path (ending in .keras) and return the model read back from it.

    model: a Keras model. path: a file name ending in .keras. The file holds everything
    (layers, weights): the returned model is a new object whose predictions are exactly the
    original's.
    """
    # BEGIN SOLUTION
    model.save(path)
    return keras.models.load_model(path)
    # END SOLUTION


REFERENCES = {"check_split_train_validation": split_train_validation,
              "check_compute_macro_f1": compute_macro_f1,
              "check_save_and_reload": save_and_reload}


# --- the references against scikit-learn and the contract -------------------------------------------

def _confusion(y_true, y_pred, num_classes):
    confusion = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(confusion, (y_true, y_pred), 1)
    return confusion


@pytest.mark.parametrize("seed", range(20))
def test_macro_f1_matches_scikit_learn_on_label_vectors(seed):
    rng = np.random.default_rng(seed)
    num_classes = int(rng.integers(2, 7))
    weights = rng.dirichlet(np.ones(num_classes) * 0.5)  # unbalanced classes; some may be empty
    y_true = rng.choice(num_classes, size=int(rng.integers(5, 80)), p=weights)
    y_pred = np.where(rng.random(len(y_true)) < 0.6, y_true, rng.choice(num_classes, size=len(y_true), p=weights))
    confusion = _confusion(y_true, y_pred, num_classes)
    expected = f1_score(y_true, y_pred, labels=np.arange(num_classes), average="macro", zero_division=0)
    assert compute_macro_f1(confusion) == pytest.approx(expected, abs=1e-12)
    assert _macro_f1(confusion) == pytest.approx(expected, abs=1e-12)
    assert compute_macro_f1(confusion.T) == pytest.approx(expected, abs=1e-12)  # transposing is not a mistake


def _labels_of(confusion):
    """Return (y_true, y_pred) label vectors that give ``confusion``."""
    pairs = [(i, j) for i in range(len(confusion)) for j in range(len(confusion)) for _ in range(confusion[i, j])]
    return np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])


def test_the_checks_matrices_agree_with_scikit_learn():
    for _, confusion in _confusions():
        y_true, y_pred = _labels_of(confusion)
        assert np.array_equal(_confusion(y_true, y_pred, len(confusion)), confusion)
        expected = f1_score(y_true, y_pred, labels=np.arange(len(confusion)), average="macro", zero_division=0)
        assert _macro_f1(confusion) == pytest.approx(expected, abs=1e-12)


def test_the_split_cases_have_no_rounding_ties_and_a_class_a_plain_split_misses():
    for labels, fraction in _SPLIT_CASES:
        counts = np.bincount(labels)
        assert not np.any(np.isclose((fraction * counts) % 1, 0.5))
    assert np.bincount(_SPLIT_CASES[0][0]).min() == 2 and 1 in np.bincount(_SPLIT_CASES[1][0])


def test_the_reference_split_keeps_every_class_and_follows_the_seed():
    labels, fraction = _SPLIT_CASES[0]
    train, val = split_train_validation(labels, fraction, 0)
    assert np.bincount(labels[val]).tolist() == [8, 6, 1, 1]
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(len(labels)))
    assert np.array_equal(split_train_validation(labels, fraction, 0)[1], val)
    assert not np.array_equal(split_train_validation(labels, fraction, 1)[1], val)


# --- typical wrong solutions (id: (learner, a piece of the hint)) --------------------------------------

def _split(labels, fraction, seed, *, count=None, rng=None, draw=None, train="rest", order="train first",
           result="indices", least_one=True):
    """The reference split with one mistake: the per-class count, the generator, the draw, the training side."""
    rng = rng() if rng else np.random.default_rng(seed)
    val_parts, train_parts = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        wanted = (count or (lambda f, n: round(f * n)))(fraction, len(members))
        if least_one and len(members) >= 2:
            wanted = max(wanted, 1)
        if draw == "with replacement":
            val_parts.append(members[rng.integers(0, len(members), wanted)])
            continue
        shuffled = rng.permutation(members)
        val_parts.append(shuffled[:wanted])
        train_parts.append(shuffled[wanted + (1 if train == "off by one" else 0):])
    val_index = np.sort(np.concatenate(val_parts))
    if train == "everything":
        train_index = np.arange(len(labels))
    elif train == "off by one":
        train_index = np.sort(np.concatenate(train_parts))
    else:
        train_index = np.setdiff1d(np.arange(len(labels)), val_index)
    if result == "masks":
        return np.isin(np.arange(len(labels)), train_index), np.isin(np.arange(len(labels)), val_index)
    if result == "labels":
        return labels[train_index], labels[val_index]
    if result == "floats":
        return train_index.astype(float), val_index.astype(float)
    return (val_index, train_index) if order == "val first" else (train_index, val_index)


def _plain_random_split(labels, fraction, seed):
    order = np.random.default_rng(seed).permutation(len(labels))
    count = round(fraction * len(labels))
    return np.sort(order[count:]), np.sort(order[:count])


def _split_shuffling_labels_in_place(labels, fraction, seed):
    result = split_train_validation(labels.copy(), fraction, seed)
    np.random.default_rng(seed).shuffle(labels)
    return result


def _sklearn_split(labels, fraction, seed):
    return train_test_split(np.arange(len(labels)), test_size=fraction, stratify=labels, random_state=seed)


SPLIT_MUTANTS = {
    "train is every image (overlap)": (lambda l, f, s: _split(l, f, s, train="everything"), "one side only"),
    "drawn with replacement": (lambda l, f, s: _split(l, f, s, draw="with replacement"), "without replacement"),
    "an image in neither set": (lambda l, f, s: _split(l, f, s, train="off by one"), "neither"),
    "plain random split": (_plain_random_split, "not stratified"),
    "seed ignored": (lambda l, f, s: _split(l, f, s, rng=lambda: np.random.default_rng(0)), "pass seed on"),
    "global generator": (lambda l, f, s: _split(l, f, s, rng=lambda: np.random), "global generator"),
    "fraction on the wrong side": (lambda l, f, s: _split(l, f, s, count=lambda f, n: round((1 - f) * n)),
                                   "share of each class that goes to validation"),
    "val_index first": (lambda l, f, s: _split(l, f, s, order="val first"), "Return train_index first"),
    "no class without validation": (lambda l, f, s: _split(l, f, s, least_one=False), "at least 1"),
    "at least 1 also for a single image": (lambda l, f, s: _split(l, f, s, count=lambda f, n: max(1, round(f * n))),
                                           "only for a class with 2 or more images"),
    "int() rounds down": (lambda l, f, s: _split(l, f, s, count=lambda f, n: int(f * n)), "nearest whole number"),
    "scikit-learn's stratified split": (_sklearn_split, "at least 1"),
    "boolean masks": (lambda l, f, s: _split(l, f, s, result="masks"), "True/False mask"),
    "labels instead of indices": (lambda l, f, s: _split(l, f, s, result="labels"), "labels of the images"),
    "float indices": (lambda l, f, s: _split(l, f, s, result="floats"), "whole numbers"),
    "val_index only": (lambda l, f, s: _split(l, f, s)[1], "(train_index, val_index)"),
    "shuffles labels in place": (_split_shuffling_labels_in_place, "in place"),
    "no return": (lambda l, f, s: None, "return"),
}


def _f1_parts(confusion):
    confusion = np.asarray(confusion, dtype=float)
    hits, predicted, true = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, true, out=np.zeros_like(hits), where=true > 0)
    both = precision + recall
    return precision, recall, np.divide(2 * precision * recall, both, out=np.zeros_like(hits), where=both > 0), true


def _f1_nan(confusion):
    hits, predicted, true = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)
    precision, recall = hits / predicted, hits / true
    return float(np.mean(2 * precision * recall / (precision + recall)))


def _f1_nanmean(confusion):
    hits, predicted, true = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)
    precision, recall = hits / predicted, hits / true
    f1 = 2 * precision * recall / (precision + recall)
    return float(np.nanmean(np.where((precision + recall) == 0, 0, f1)))


def _f1_python_loops(confusion):
    rows = confusion.tolist()
    scores = []
    for i, row in enumerate(rows):
        precision = row[i] / sum(r[i] for r in rows)
        recall = row[i] / sum(row)
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def _f1_floor_division(confusion):
    hits, predicted, true = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.where(predicted > 0, hits // np.maximum(predicted, 1), 0)
    recall = np.where(true > 0, hits // np.maximum(true, 1), 0)
    both = precision + recall
    return float(np.mean(np.where(both > 0, 2 * precision * recall // np.maximum(both, 1), 0)))


def _f1_zeroing_the_diagonal(confusion):
    result = compute_macro_f1(confusion)
    np.fill_diagonal(confusion, 0)
    return result


def _f1_of_means(confusion):
    precision, recall, _, _ = _f1_parts(confusion)
    p, r = precision.mean(), recall.mean()
    return float(2 * p * r / (p + r))


F1_MUTANTS = {
    "accuracy (micro F1)": (lambda c: float(np.trace(c) / c.sum()), "accuracy (micro F1)"),
    "weighted F1": (lambda c: float((_f1_parts(c)[2] * _f1_parts(c)[3]).sum() / c.sum()), "weighted by class size"),
    "mean precision": (lambda c: float(_f1_parts(c)[0].mean()), "mean precision"),
    "mean recall": (lambda c: float(_f1_parts(c)[1].mean()), "mean recall"),
    "F1 of the mean precision and recall": (_f1_of_means, "F1 class by class first"),
    "NaN for a class never predicted": (_f1_nan, "never predicted"),
    "nanmean skips undefined classes": (_f1_nanmean, "every class"),
    "skips the empty class (scikit-learn's default labels)": (
        lambda c: float(_f1_parts(c)[2][(c.sum(axis=0) + c.sum(axis=1)) > 0].mean()), "every class"),
    "ZeroDivisionError in Python loops": (_f1_python_loops, "test the denominator"),
    "integer division": (_f1_floor_division, "not //"),
    "per-class F1 array": (lambda c: _f1_parts(c)[2], "one number"),
    "text": (lambda c: f"{compute_macro_f1(c):.3f}", "not a number"),
    "changes the matrix in place": (_f1_zeroing_the_diagonal, "in place"),
    "no return": (lambda c: None, "return"),
}


def _save_returning_original(model, path):
    model.save(path)
    return model


def _save_weights_only(model, path):
    model.save_weights(path.replace(".keras", ".weights.h5"))
    return model


def _save_elsewhere(model, path):
    other = os.path.join(os.path.dirname(path), "my_model.keras")
    model.save(other)
    return keras.models.load_model(other)


def _save_with_extension_added(model, path):
    model.save(path + ".keras")
    return keras.models.load_model(path + ".keras")


def _save_without_extension(model, path):
    model.save(path[:-len(".keras")])
    return keras.models.load_model(path)


def _save_weights_to_path(model, path):
    model.save_weights(path)
    return keras.models.load_model(path)


def _pickle_weights(model, path):
    with open(path, "wb") as file:
        pickle.dump(model.get_weights(), file)
    return model


def _save_then_return_a_clone(model, path):
    model.save(path)
    return keras.models.clone_model(model)  # the same layers, new random weights


def _save_returning_none(model, path):
    model.save(path)


def _load_without_saving(model, path):
    return keras.models.load_model(path)


SAVE_MUTANTS = {
    "returns the model without saving": (lambda model, path: model, "model.save(path), then return"),
    "saves, returns the original": (_save_returning_original, "not the one read back"),
    "weights only, returns the original": (_save_weights_only, "only the weights"),
    "saves to another path": (_save_elsewhere, "the path you were given"),
    "adds .keras again": (_save_with_extension_added, "as it is"),
    "drops the extension": (_save_without_extension, "ending in .keras"),
    "save_weights to the .keras path": (_save_weights_to_path, "save_weights keeps only the numbers"),
    "pickles the weights": (_pickle_weights, "not a Keras archive"),
    "returns a fresh clone": (_save_then_return_a_clone, "predicts differently"),
    "returns None": (_save_returning_none, "returned None"),
    "loads without saving": (_load_without_saving, "save first"),
}


# --- right solutions written differently --------------------------------------------------------------

def _split_as_lists(labels, fraction, seed):
    train, val = split_train_validation(labels, fraction, seed)
    return list(train), [int(i) for i in val]


def _split_unsorted_with_choice(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    val = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = max(1, round(fraction * len(members))) if len(members) >= 2 else round(fraction * len(members))
        val.extend(rng.choice(members, size=count, replace=False).tolist())
    val = np.array(val, dtype=np.int32)
    is_val = np.zeros(len(labels), dtype=bool)
    is_val[val] = True
    return rng.permutation(np.flatnonzero(~is_val)), val


def _f1_with_scikit_learn(confusion):
    y_true, y_pred = _labels_of(confusion)
    return f1_score(y_true, y_pred, labels=np.arange(len(confusion)), average="macro", zero_division=0)


def _f1_from_counts(confusion):
    hits = np.diag(confusion)
    denominator = confusion.sum(axis=0) + confusion.sum(axis=1)
    return np.mean(np.where(denominator > 0, 2 * hits / np.maximum(denominator, 1), 0.0))


def _reload_uncompiled(model, path):
    model.save(path)
    return keras.models.load_model(path, compile=False)


def _save_with_keras_function(model, path):
    keras.saving.save_model(model, path)
    return keras.saving.load_model(path)


VALID = {
    "check_split_train_validation": [_split_as_lists, _split_unsorted_with_choice],
    "check_compute_macro_f1": [lambda c: compute_macro_f1(c.T), _f1_with_scikit_learn, _f1_from_counts],
    "check_save_and_reload": [_reload_uncompiled, _save_with_keras_function],
}


# --- the references pass; test_check_mutants.py runs MUTANTS and VALID above with every other check's ---------

CHECKS = [("check_split_train_validation", "split_train_validation", SPLIT_MUTANTS),
          ("check_compute_macro_f1", "compute_macro_f1", F1_MUTANTS),
          ("check_save_and_reload", "save_and_reload", SAVE_MUTANTS)]


@pytest.mark.parametrize("check_name, label", [(c, label) for c, label, _ in CHECKS])
def test_the_references_pass(check_name, label, capsys):
    assert getattr(checks, check_name)(REFERENCES[check_name]) is True
    assert printed_line(capsys).startswith(f"✅ passed — {label}:")


def test_the_save_check_leaves_no_file_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for learner in (save_and_reload, _save_elsewhere, _pickle_weights, _save_weights_only):
        checks.check_save_and_reload(learner)
    assert list(tmp_path.iterdir()) == []
