"""Checks for notebook 12 (capstone): a stratified, seeded split, macro F1 from a confusion matrix, save and reload."""

import numbers
import os
import tempfile

import numpy as np

from .core import (RETURN_HINT, CheckFailed, call_learner, compare_values, describe_result, learner_number,
                   run_check)

__all__ = ["check_split_train_validation", "check_compute_macro_f1", "check_save_and_reload"]


# --- a stratified, seeded train / validation split -------------------------------------------------

def _labels(counts, seed):
    """Return a shuffled 1-D int array holding ``counts[c]`` images of class c."""
    labels = np.repeat(np.arange(len(counts)), counts)
    return np.random.default_rng(seed).permutation(labels)


# (labels, validation_fraction): a skewed set where a plain random split misses the two small classes,
# and one with a class of a single image. No fraction x count ends in .5, so every way of rounding to
# the nearest whole number agrees.
_SPLIT_CASES = [(_labels([40, 30, 3, 2], seed=12), 0.2), (_labels([12, 12, 11, 8, 1], seed=5), 0.3)]
_SPLIT_SEEDS = (0, 1, 2)

_SPLIT_HINT = ("split each class on its own: shuffle its indices with rng = np.random.default_rng(seed), put the "
               "first round(validation_fraction * count) in validation (at least 1 when the class has 2 or more "
               "images) and the rest in training.")
_MASK_HINT = ("return the positions of the images, not a True/False mask: np.flatnonzero(mask) turns a mask into "
              "indices.")


def _validation_counts(labels, fraction):
    """Return {class: how many of its images go to validation}: round(fraction * count), at least 1 from 2 images."""
    classes, counts = np.unique(labels, return_counts=True)
    wanted = {}
    for label, count in zip(classes, counts):
        share = int(round(float(fraction) * int(count)))
        wanted[int(label)] = max(share, 1) if count >= 2 else share
    return wanted


def _index_array(part, name):
    """Return one side of the learner's split as a 1-D int array, or raise CheckFailed saying what it is."""
    if part is None:
        raise CheckFailed(f"{name} is None.", RETURN_HINT)
    if isinstance(part, (list, tuple)):  # a list of ints indexes labels[...] exactly like an int array
        if any(isinstance(v, (bool, np.bool_)) for v in part):
            raise CheckFailed(f"{name} is a list of True/False values.", _MASK_HINT)
        other = next((v for v in part if not isinstance(v, (numbers.Integral, np.integer))), None)
        if other is not None or any(v is None for v in part):
            raise CheckFailed(f"{name} holds {describe_result(other)}, not only whole numbers.",
                              "return integer positions into labels, e.g. np.flatnonzero(labels == label).")
        part = np.array(part, dtype=np.int64)
    if not isinstance(part, np.ndarray):
        raise CheckFailed(f"{name} is {describe_result(part)}, not an array of indices.",
                          "return two NumPy arrays of integer positions: return train_index, val_index")
    if part.dtype.kind == "b":
        raise CheckFailed(f"{name} is a boolean mask of shape {part.shape}.", _MASK_HINT)
    if part.dtype.kind == "f":
        raise CheckFailed(f"{name} holds floats (dtype {part.dtype}); indices are whole numbers.",
                          "build the indices as integers (np.flatnonzero, np.arange, rng.permutation), or end "
                          "with .astype(int).")
    if part.dtype.kind not in "iu":
        raise CheckFailed(f"{name} is an array of dtype {part.dtype}, not of integer indices.",
                          "return integer positions into labels, not text or objects.")
    if part.ndim != 1:
        raise CheckFailed(f"{name} has shape {part.shape}; expected a 1-D array of indices.",
                          "concatenate the indices of every class into one flat array (np.concatenate).")
    return part


def _split_parts(got):
    """Return the learner's (train_index, val_index) as int arrays, or raise CheckFailed."""
    if got is None:
        raise CheckFailed("split_train_validation returned None.", RETURN_HINT + " End with "
                          "`return train_index, val_index`.")
    if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(f"split_train_validation returned {describe_result(got)}; expected a pair "
                          "(train_index, val_index).", "return train_index, val_index")
    return _index_array(got[0], "train_index"), _index_array(got[1], "val_index")


def _check_partition(train, val, labels, what):
    """Raise CheckFailed unless train and val split range(len(labels)) into two disjoint parts."""
    size = len(labels)
    both = np.concatenate([train, val])
    if len(both) == size and np.array_equal(np.sort(both), np.sort(labels)) and not np.array_equal(
            np.sort(both), np.arange(size)):
        raise CheckFailed(f"{what}: you returned the labels of the images (values 0 to {labels.max()}), "
                          "not their indices.",
                          "return the positions (train_index, val_index); the caller looks the labels up with "
                          "labels[val_index].")
    outside = both[(both < 0) | (both >= size)]
    if len(outside):
        raise CheckFailed(f"{what}: index {int(outside[0])} is out of range, as labels has {size} entries (0 to "
                          f"{size - 1}).", "the indices are positions in labels: from 0 to len(labels) - 1.")
    largest = int(np.unique(labels, return_counts=True)[1].max())
    if len(np.unique(val)) < len(val) and val.max() < largest < size:
        raise CheckFailed(f"{what}: val_index holds values from 0 to {int(val.max())} only, some of them twice: "
                          "these look like positions within each class, not in labels.",
                          "map them back to positions in labels: members = np.flatnonzero(labels == label), "
                          "then members[rng.permutation(len(members))[:count]] (or shuffle members itself).")
    for part, name in ((val, "val_index"), (train, "train_index")):
        values, counts = np.unique(part, return_counts=True)
        if np.any(counts > 1):
            raise CheckFailed(f"{what}: {name} holds index {int(values[counts > 1][0])} "
                              f"{int(counts.max())} times.",
                              "draw without replacement: shuffle each class's indices (rng.permutation) and "
                              "slice, instead of rng.choice(..., replace=True) or rng.integers.")
    shared = np.intersect1d(train, val)
    if len(shared):
        raise CheckFailed(f"{what}: {len(shared)} images (e.g. index {int(shared[0])}) are in both train_index "
                          "and val_index.",
                          "an image goes to one side only: val_index is a slice of the shuffled class, "
                          "train_index everything else (np.setdiff1d(np.arange(len(labels)), val_index)).")
    missing = np.setdiff1d(np.arange(size), both)
    if len(missing):
        raise CheckFailed(f"{what}: {len(missing)} of the {size} images (e.g. index {int(missing[0])}) are in "
                          "neither train_index nor val_index.",
                          "every image goes to one side: train_index holds all the indices not in val_index.")


def _images(count, kind=""):
    """Return '1 image' or 'N images' (with an optional word before 'image')."""
    return f"{count} {kind}image{'' if count == 1 else 's'}"


def _check_counts(val, labels, fraction, what):
    """Raise CheckFailed unless each class sends exactly its share of images to validation."""
    wanted = _validation_counts(labels, fraction)
    got = {label: int(np.count_nonzero(labels[val] == label)) for label in wanted}
    if got == wanted:
        return
    sizes = {label: int(np.count_nonzero(labels == label)) for label in wanted}
    label = next(label for label in wanted if got[label] != wanted[label])
    message = (f"{what}: class {label} ({_images(sizes[label])}) has {_images(got[label], 'validation ')}, "
               f"expected {wanted[label]}.")
    other_side = _validation_counts(labels, 1 - fraction)
    swapped = {c: sizes[c] - wanted[c] for c in wanted}
    if got in (other_side, swapped):
        raise CheckFailed(message, "validation_fraction is the share of each class that goes to validation; "
                                   "training keeps the rest. Return train_index first, then val_index.")
    plain = {c: int(round(fraction * sizes[c])) for c in wanted}
    at_least_one = {c: max(1, plain[c]) for c in wanted}
    if got == at_least_one and got != wanted:
        raise CheckFailed(message, "the 'at least 1' is only for a class with 2 or more images: a class with a single "
                                   "image keeps it in training (round(validation_fraction * 1) is 0 below 0.5).")
    if got == plain:
        raise CheckFailed(message, "a class with 2 or more images keeps at least 1 validation image: "
                                   "max(1, round(validation_fraction * count)) when count >= 2.")
    if all(got[c] in (int(np.floor(fraction * sizes[c])), int(np.ceil(fraction * sizes[c])), wanted[c])
           for c in wanted):
        raise CheckFailed(message, "round to the nearest whole number: round(validation_fraction * count), not "
                                   "int(...) (always down) or np.ceil (always up).")
    if all(abs(got[c] - wanted[c]) <= 1 for c in wanted):
        raise CheckFailed(message, "each class gets exactly round(validation_fraction * its count) validation "
                                   "images (at least 1 when it has 2 or more); a stratified split from a library "
                                   "shares the rounding out differently.")
    def equal_shares(counts):  # the same number from every class (all of a class smaller than that)
        return any(all(counts[c] == min(common, sizes[c]) for c in wanted) for common in set(counts.values()))

    if equal_shares(got) and not equal_shares(wanted):
        raise CheckFailed(message, "each class sends its own share: round(validation_fraction × that class's count), "
                                   "not the same number for every class.")
    absent = [c for c in wanted if got[c] == 0 and wanted[c] > 0]
    if absent:
        message += f" Class {absent[0]} has no validation image at all."
    raise CheckFailed(message, "not stratified: " + _SPLIT_HINT)


def _as_sets(train, val):
    """Return the split as two sorted arrays, to compare splits whatever the order of their indices."""
    return np.sort(train), np.sort(val)


def _same_split(a, b):
    """Return True when two splits put the same images on each side."""
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def _unshuffled_splits(labels, fraction):
    """Return the splits that take the first (or the last) images of each class without shuffling."""
    wanted = _validation_counts(labels, fraction)
    splits = []
    for end in ("first", "last"):
        val = np.concatenate([members[:wanted[label]] if end == "first" else members[len(members) - wanted[label]:]
                              for label in wanted for members in [np.flatnonzero(labels == label)]])
        splits.append(_as_sets(np.setdiff1d(np.arange(len(labels)), val), val))
    return splits


def _same_global_state(function, labels, fraction, seed):
    """Return True when two calls give one split after NumPy's global generator is reset to one state."""
    state = np.random.get_state()
    try:
        results = []
        for _ in range(2):
            np.random.seed(12345)
            results.append(_as_sets(*_split_parts(call_learner(function, labels, fraction, seed))))
        return _same_split(*results)
    except Exception:
        return False
    finally:
        np.random.set_state(state)


def check_split_train_validation(split_train_validation):
    """Check ``split_train_validation(labels, validation_fraction, seed)`` -> (train_index, val_index)."""
    def test(function):
        for labels, fraction in _SPLIT_CASES:
            splits = []
            for seed in _SPLIT_SEEDS:
                what = f"with validation_fraction={fraction}, seed={seed}"
                train, val = _split_parts(call_learner(function, labels, fraction, seed))
                _check_partition(train, val, labels, what)
                _check_counts(val, labels, fraction, what)
                splits.append(_as_sets(train, val))
            again = _as_sets(*_split_parts(call_learner(function, labels, fraction, _SPLIT_SEEDS[0])))
            if not _same_split(again, splits[0]):
                if not _same_global_state(function, labels, fraction, _SPLIT_SEEDS[0]):
                    raise CheckFailed(f"two calls with seed={_SPLIT_SEEDS[0]} gave two different splits.",
                                      "np.random.default_rng() with no argument starts from fresh randomness on "
                                      "every call: pass the seed, rng = np.random.default_rng(seed).")
                raise CheckFailed(f"two calls with seed={_SPLIT_SEEDS[0]} gave two different splits.",
                                  "draw from rng = np.random.default_rng(seed), not from np.random.permutation "
                                  "or np.random.shuffle: that global generator does not know your seed.")
            if any(_same_split(splits[0], unshuffled) for unshuffled in _unshuffled_splits(labels, fraction)):
                raise CheckFailed(f"every seed puts the first (or last) images of each class in validation.",
                                  "shuffle each class's indices before slicing: rng.permutation(members) with "
                                  "rng = np.random.default_rng(seed), so the seed chooses which images go.")
            if all(_same_split(split, splits[0]) for split in splits[1:]):
                raise CheckFailed(f"seeds {', '.join(map(str, _SPLIT_SEEDS))} all gave the same split.",
                                  "pass seed on: np.random.default_rng(seed), not a fixed number, so another seed "
                                  "gives another split.")
        return ("disjoint, complete, stratified (round(fraction × count) per class, at least 1), "
                "the same for the same seed and different for another, on a skewed label set.")
    return run_check("split_train_validation", split_train_validation, test)


# --- macro F1 from a confusion matrix --------------------------------------------------------------

def _confusions():
    """Return (description, confusion matrix) pairs: rows are true classes, columns predicted classes."""
    with_empty_class = np.array([[40, 6, 4, 0],
                                 [3, 10, 2, 0],
                                 [2, 1, 2, 0],
                                 [0, 0, 0, 0]])  # class 3: no images, never predicted
    never_predicted = np.array([[30, 2, 0],
                                [5, 1, 0],
                                [3, 1, 0]])  # class 2 has images but is never predicted
    predicted_not_true = np.array([[8, 1, 1],
                                   [0, 0, 0],
                                   [2, 3, 20]])  # class 1 is predicted but has no images
    perfect = np.array([[7, 0], [0, 3]])
    return [("a 4-class matrix with unbalanced classes and an empty class", with_empty_class),
            ("a 3-class matrix where class 2 is never predicted", never_predicted),
            ("a 3-class matrix where class 1 has no images but is predicted", predicted_not_true),
            ("a perfect 2-class matrix", perfect)]


def _per_class(confusion, divide=np.true_divide):
    """Return (precision, recall, F1, support) per class; 0 wherever a denominator is 0."""
    confusion = np.asarray(confusion, dtype=float)
    hits, predicted, true = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)

    def ratio(top, bottom):
        out = np.zeros_like(top)
        out[bottom > 0] = divide(top[bottom > 0], bottom[bottom > 0])
        return out

    precision, recall = ratio(hits, predicted), ratio(hits, true)
    f1 = ratio(2 * precision * recall, precision + recall)
    return precision, recall, f1, true


def _macro_f1(confusion):
    """Return the mean over every class of its F1 (a class with no images and no predictions scores 0)."""
    return float(_per_class(confusion)[2].mean())


def _f1_mistakes(confusion):
    """Return (value, hint) pairs: what the usual wrong ways of averaging give on ``confusion``."""
    precision, recall, f1, support = _per_class(confusion)
    mean_p, mean_r = precision.mean(), recall.mean()
    counted = (support + np.asarray(confusion).sum(axis=0)) > 0
    floor_f1 = _per_class(confusion, divide=np.floor_divide)[2]
    return [
        (np.trace(confusion) / np.sum(confusion),
         "that is the accuracy (micro F1): macro F1 averages the F1 of each class, so a small class counts as "
         "much as a big one."),
        ((f1 * support).sum() / support.sum(),
         "that is F1 weighted by class size; macro F1 is the plain mean of the per-class F1s."),
        (mean_p, "that is the mean precision; each class's F1 is 2·P·R / (P + R), then average the F1s."),
        (mean_r, "that is the mean recall; each class's F1 is 2·P·R / (P + R), then average the F1s."),
        (2 * mean_p * mean_r / (mean_p + mean_r) if mean_p + mean_r else 0.0,
         "that is the F1 of the mean precision and the mean recall: compute F1 class by class first, then "
         "average."),
        (f1[counted].mean(),
         "average over every class (every row of the matrix): a class with no images and no predictions "
         "scores 0, as scikit-learn's zero_division=0."),
        (f1[(np.asarray(confusion).sum(axis=0) > 0) & (support > 0)].mean(),
         "a class that is never predicted (or has no images) has F1 0 and still counts in the mean; do not skip "
         "it."),
        (floor_f1.mean(),
         "use / for the ratios, not // (floor division turns every precision and recall below 1 into 0)."),
        (100 * f1.mean(), "return a fraction from 0 to 1, not a percentage (no * 100)."),
    ] + [(round(float(f1.mean()), digits),
          f"return the score as it is, not rounded (round(score, {digits}) only when you print it).")
         for digits in (1, 2, 3, 4) if f1.mean() != 1.0]


def check_compute_macro_f1(compute_macro_f1):
    """Check ``compute_macro_f1(confusion)``: the mean of the per-class F1 scores, 0 for a class with none."""
    def test(function):
        for description, confusion in _confusions():
            got = call_learner(function, confusion)
            expected = _macro_f1(confusion)
            what = f"compute_macro_f1 on {description}"
            value = learner_number(got, what)
            if not np.isfinite(value):
                raise CheckFailed(f"{what} is {value}.",
                                  "a class that is never predicted has no precision to divide by: count its "
                                  "precision (and its F1) as 0 instead of dividing 0 by 0.")
            compare_values(value, expected, what, tol=1e-6, mistakes=_f1_mistakes(confusion),
                           hint="per class: precision = TP / column sum, recall = TP / row sum, "
                                "F1 = 2·P·R / (P + R) (0 when P + R = 0); then the plain mean over all classes.")
        return (f"the mean of the per-class F1 scores on {len(_confusions())} matrices, unbalanced classes, "
                "a class never predicted and an empty class (scoring 0) included.")
    return run_check("compute_macro_f1", compute_macro_f1, test,
                     raised_hints={"division by zero": "a class with no predictions (a column of zeros) or no "
                                                       "images has precision or recall 0: test the denominator "
                                                       "before dividing."})


# --- saving and reloading a model ------------------------------------------------------------------

def _tiny_model(keras):
    """Return a small model (4 inputs -> 3 ReLU units -> 2 softmax outputs) with fixed, seeded weights."""
    inputs = keras.Input(shape=(4,), name="features")
    hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(2, activation="softmax", name="scores")(hidden)
    model = keras.Model(inputs, outputs, name="capstone_check")
    rng = np.random.default_rng(12)
    model.set_weights([rng.normal(0, 1, w.shape).astype("float32") for w in model.get_weights()])
    return model


def _check_file(path, folder, got, original):
    """Raise CheckFailed unless a Keras archive was written exactly at ``path``."""
    if os.path.isdir(path):
        raise CheckFailed("path is a folder, not a .keras file.",
                          "model.save(path) writes one .keras file; model.export(...) writes a TensorFlow "
                          "SavedModel folder that keras.models.load_model cannot read.")
    if not os.path.exists(path):
        written = sorted(os.listdir(folder))
        if any(name.endswith(".weights.h5") for name in written):
            raise CheckFailed(f"nothing was written at path, only the weights ({', '.join(written)}).",
                              "model.save(path) writes the whole model (layers and weights) into the .keras file; "
                              "save_weights keeps only the numbers.")
        if written:
            raise CheckFailed(f"nothing was written at path; your function wrote {', '.join(written)} instead.",
                              "save to the path you were given, as it is (it already ends in .keras): "
                              "model.save(path).")
        if got is original:
            raise CheckFailed("nothing was saved, and you returned the model you were given.",
                              "model.save(path), then return keras.models.load_model(path).")
        if got is None:
            raise CheckFailed("nothing was written at path, and save_and_reload returned None.",
                              "model.save(path), then return keras.models.load_model(path).")
        raise CheckFailed("nothing was written at path.", "save the model first: model.save(path), with the "
                                                          "path argument itself (a path ending in .keras).")
    from ..folders import keras_archive_problem

    if keras_archive_problem(path) is not None:
        raise CheckFailed("the file at path is not a Keras archive (a .keras file is a zip holding the "
                          "model's config.json and weights).",
                          "save with model.save(path), not with pickle, np.save or save_weights.")


def check_save_and_reload(save_and_reload):
    """Check ``save_and_reload(model, path)``: the model saved to a .keras file at path and read back from it."""
    def test(function):
        from ..models import keras

        original = _tiny_model(keras)
        inputs = np.random.default_rng(0).normal(0, 1, (5, 4)).astype("float32")
        expected = np.asarray(original(inputs, training=False))
        weights = [w.copy() for w in original.get_weights()]
        with tempfile.TemporaryDirectory(prefix="labs-check-") as folder:
            path = os.path.join(folder, "capstone_model.keras")
            got = call_learner(function, original, path)
            _check_file(path, folder, got, original)
        if got is None:
            raise CheckFailed("save_and_reload returned None.",
                              RETURN_HINT + " End with `return keras.models.load_model(path)`.")
        if got is original:
            raise CheckFailed("you returned the model you were given, not the one read back from the file.",
                              "return keras.models.load_model(path): a fresh model built from the file is the "
                              "proof that the file holds everything.")
        if not isinstance(got, keras.Model):
            raise CheckFailed(f"save_and_reload returned {describe_result(got)}, not a Keras model.",
                              "return keras.models.load_model(path), the model read back from the file.")
        try:
            predictions = np.asarray(got(inputs, training=False))
        except Exception as error:
            raise CheckFailed(f"the returned model fails on a batch of (5, 4) inputs: {type(error).__name__}.",
                              "return keras.models.load_model(path), the model read back from the file.") from None
        if predictions.shape != expected.shape or not np.array_equal(predictions, expected):
            raise CheckFailed("the returned model predicts differently from the model you saved.",
                              "return keras.models.load_model(path) after model.save(path): the same layers and "
                              "the same trained weights, so exactly the same predictions.")
        reloaded = got.get_weights()
        if len(reloaded) != len(weights) or not all(np.array_equal(a, b) for a, b in zip(reloaded, weights)):
            raise CheckFailed("the returned model's weights differ from the saved model's.",
                              "return keras.models.load_model(path) after model.save(path).")
        return "a .keras file at path, read back into a new model with the same weights and predictions."
    return run_check("save_and_reload", save_and_reload, test,
                     raised_hints={"Invalid filepath extension": "Keras saves a whole model to a file ending in "
                                                               ".keras: model.save(path) with the path you were "
                                                               "given.",
                                   ".weights.h5": "save_weights keeps only the numbers (in a .weights.h5 file); "
                                                  "model.save(path) saves the whole model.",
                                   "File not found": "keras.models.load_model(path) reads the .keras file that "
                                                     "model.save(path) wrote: save first, to the same path."})
