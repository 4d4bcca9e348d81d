"""Mutation tests of the exercise checks: a ✅ must mean the learner's function is right.

Every exercise's reference solution is read from solutions/NN_*.ipynb and must get ✅. Each
entry of MUTANTS is a typical wrong solution, derived from the reference with one mistake; its
check must return False and print exactly one ❌ line whose hint names that mistake (the
keyword). MISBEHAVING learners (None, text, ragged lists, generators, exceptions, NaN, in-place
changes, ...) run through every check: one ❌ line, never an exception, never a warning.

Wrong solutions the checks accept on purpose are listed in ACCEPTED, with the reason.
"""

import collections
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from labs import checks
from labs._keras import import_keras
from check_helpers import unfinished_exercise

keras = import_keras()
layers = keras.layers

ROOT = Path(__file__).resolve().parent.parent

# check -> (notebook, name of the function the learner writes[, which definition of it: 0 = the first])
EXERCISES = {
    "check_invert": ("00_welcome", "invert"),
    "check_to_greyscale": ("01_images_as_arrays", "to_greyscale"),
    "check_intensity_histogram": ("01_images_as_arrays", "intensity_histogram"),
    "check_shuffle_pixels": ("01_images_as_arrays", "shuffle_pixels"),
    "check_compute_l1_distance": ("02_nearest_neighbours", "compute_l1_distance"),
    "check_compute_l2_distance": ("02_nearest_neighbours", "compute_l2_distance"),
    "check_compute_distances_two_loops": ("02_nearest_neighbours", "compute_distances_two_loops"),
    "check_compute_distances_one_loop": ("02_nearest_neighbours", "compute_distances_one_loop"),
    "check_compute_distances_no_loops": ("02_nearest_neighbours", "compute_distances_no_loops"),
    "check_predict_labels": ("02_nearest_neighbours", "predict_labels"),
    "check_softmax": ("03_linear_classifiers", "softmax"),
    "check_softmax_cross_entropy": ("03_linear_classifiers", "softmax_cross_entropy"),
    "check_train_sgd": ("03_linear_classifiers", "train_sgd"),
    "check_reconstruct_with_pca": ("04_classical_features", "reconstruct_with_pca"),
    "check_compute_colour_histogram": ("04_classical_features", "compute_colour_histogram"),
    "check_shift_images": ("04_classical_features", "shift_images"),
    "check_stable_softmax": ("05_neural_networks", "softmax"),
    "check_compute_two_layer_loss": ("05_neural_networks", "compute_two_layer_loss"),
    "check_make_minibatches": ("05_neural_networks", "make_minibatches"),
    "check_conv2d_loops": ("06_convolution_by_hand", "conv2d_loops"),
    "check_conv2d_vectorized": ("06_convolution_by_hand", "conv2d", 0),  # Exercise 2; Exercise 3 extends it
    "check_conv2d": ("06_convolution_by_hand", "conv2d"),
    "check_pool2d": ("06_convolution_by_hand", "pool2d"),
    "check_make_small_cnn": ("07_convolutional_networks", "make_small_cnn"),
    "check_compute_conv_params": ("07_convolutional_networks", "compute_conv_params"),
    "check_compute_dense_params": ("07_convolutional_networks", "compute_dense_params"),
    "check_compute_output_size": ("07_convolutional_networks", "compute_output_size"),
    "check_apply_dropout": ("08_overfitting_augmentation", "apply_dropout"),
    "check_compute_early_stop": ("08_overfitting_augmentation", "compute_early_stop"),
    "check_make_augmentation": ("08_overfitting_augmentation", "make_augmentation"),
    "check_top_k": ("09_transfer_learning", "top_k"),
    "check_make_transfer_model": ("09_transfer_learning", "make_transfer_model"),
    "check_unfreeze_from": ("10_fine_tuning", "unfreeze_from"),
    "check_compute_saliency": ("11_seeing_what_a_cnn_sees", "compute_saliency"),
    "check_compute_occlusion": ("11_seeing_what_a_cnn_sees", "compute_occlusion"),
    "check_prepare_drawing": ("11_seeing_what_a_cnn_sees", "prepare_drawing"),
    "check_split_train_validation": ("12_capstone", "split_train_validation"),
    "check_compute_macro_f1": ("12_capstone", "compute_macro_f1"),
    "check_save_and_reload": ("12_capstone", "save_and_reload"),
}

# Reference solutions of exercises whose solution notebook has not landed yet (check -> function): they
# stand in until solutions/NN_*.ipynb exists; from then on that notebook's own solution cells are the reference.
from test_capstone import REFERENCES as CAPSTONE_REFERENCES  # noqa: E402

PENDING_REFERENCES = dict(CAPSTONE_REFERENCES)


def _has_notebook(notebook):
    """Return True when solutions/<notebook>.ipynb exists."""
    return (ROOT / "solutions" / f"{notebook}.ipynb").exists()


def _load_solutions():
    """Return {check name: the reference solution}, run from the solution notebooks' own cells."""
    definitions = {}  # notebook -> {name: [each definition, in notebook order]}
    for notebook in sorted({notebook for notebook, *_ in EXERCISES.values() if _has_notebook(notebook)}):
        cells = json.loads((ROOT / "solutions" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        namespace, defined = {}, collections.defaultdict(list)
        exec("\n".join(line for source in code for line in source.splitlines()  # noqa: S102
                       if line.startswith(("import ", "from "))), namespace)
        for source in code:
            if "# BEGIN SOLUTION" in source:
                before = dict(namespace)
                exec(compile(source, f"<solutions/{notebook}>", "exec"), namespace)  # noqa: S102
                for name, value in namespace.items():
                    if callable(value) and before.get(name) is not value:
                        defined[name].append(value)
        definitions[notebook] = defined
    return {check: definitions[notebook][name][which[0] if which else -1] if notebook in definitions
            else PENDING_REFERENCES[check] for check, (notebook, name, *which) in EXERCISES.items()}


SOLUTION = _load_solutions()
S = SOLUTION  # short name for the mutants below


def verdict(check_name, learner, capsys):
    """Run a check; return (result, its one printed line), asserting one line, no warnings, nothing on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = getattr(checks, check_name)(learner)
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and out.endswith("\n"), f"a check prints exactly one line, got {out!r}"
    assert not caught, f"warnings: {[str(w.message) for w in caught]}"
    assert err == "", f"stderr: {err!r}"
    assert result in (True, False)
    return result, out.strip()


# --- the reference solutions -----------------------------------------------------------------------

ALL_CHECKS = sorted(name for name in checks.__all__ if name.startswith("check_"))


def _checks_used_by_notebooks():
    """Return the names of the checks the solution notebooks call."""
    used = set()
    for path in (ROOT / "solutions").glob("*.ipynb"):
        used |= set(re.findall(r"labs\.checks\.(check_\w+)\(", path.read_text(encoding="utf-8")))
    return used


def test_every_exercise_of_a_notebook_has_a_solution_and_wrong_solutions():
    used = _checks_used_by_notebooks()
    assert used <= set(ALL_CHECKS), "a notebook calls a check labs.checks does not export"
    in_notebooks = {check for check, (notebook, *_) in EXERCISES.items() if _has_notebook(notebook)}
    assert used == in_notebooks, "a solution notebook's checks and EXERCISES disagree"
    assert set(EXERCISES) == set(MUTANTS), "add the new exercise to EXERCISES and MUTANTS"
    assert set(EXERCISES) - in_notebooks <= set(PENDING_REFERENCES), "an exercise has no reference solution"


# Solution cells that a check now refuses on purpose, until the notebook's exercise is changed (check: why).
SOLUTION_PENDING_CHANGE = {}  # check -> why the notebook's solution must change (a strict xfail until it has)


@pytest.mark.parametrize("check_name", [
    pytest.param(name, marks=pytest.mark.xfail(reason=SOLUTION_PENDING_CHANGE[name], strict=True))
    if name in SOLUTION_PENDING_CHANGE else name for name in sorted(EXERCISES)])
def test_reference_solution_passes(check_name, capsys):
    result, line = verdict(check_name, SOLUTION[check_name], capsys)
    assert result is True and line.startswith("✅"), line


# --- typical wrong solutions -----------------------------------------------------------------------

def _in_place(function, index=0):
    """Return a learner that gives the right answer but first changes argument ``index`` in place."""
    def learner(*args, **kwargs):
        result = function(*[np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
        args[index].flat[0] += 1
        return result
    return learner


def _tolist(function):
    """Return a learner that gives the right answer as (nested) Python lists."""
    return lambda *args, **kwargs: function(*args, **kwargs).tolist()


def _from_other_cell(source, name):
    """Define ``name`` from ``source`` as if in another notebook cell (another file than the caller)."""
    namespace = {}
    exec(compile("import numpy as np\n" + source, "/tmp/ipykernel_0/other_cell.py", "exec"), namespace)  # noqa: S102
    return namespace[name]


_GREY = np.array([0.2125, 0.7154, 0.0721])

# -- 00/01 images --

def _invert_in_place(image):
    image[...] = 255 - image
    return image


def _invert_no_return(image):
    255 - image


def _shuffle_rows(image, seed=0):
    return np.random.default_rng(seed).permutation(image, axis=0)


def _shuffle_columns(image, seed=0):
    return image[:, np.random.default_rng(seed).permutation(image.shape[1])]


def _shuffle_within_rows(image, seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([row[rng.permutation(len(row))] for row in image])


def _shuffle_rows_then_columns(image, seed=0):
    rng = np.random.default_rng(seed)
    return rng.permutation(rng.permutation(image, axis=0), axis=1)


def _shuffle_values(image, seed=0):
    return np.random.default_rng(seed).permutation(image.ravel()).reshape(image.shape)


def _shuffle_unseeded(image, seed=0):
    return np.random.permutation(image.reshape(-1, 3)).reshape(image.shape)


def _shuffle_seed_ignored(image, seed=0):
    return S["check_shuffle_pixels"](image, 0)


def _shuffle_flat_roll(image, seed=0):
    return np.roll(image.reshape(-1, 3), 5, axis=0).reshape(image.shape)


def _shuffle_in_place(image, seed=0):
    np.random.default_rng(seed).shuffle(image.reshape(-1, 3))
    return image


def _shuffle_2x3_blocks(image, seed=0):
    h, w, c = image.shape
    blocks = image.reshape(h // 2, 2, w // 3, 3, c).transpose(0, 2, 1, 3, 4).reshape(-1, 2, 3, c)
    blocks = blocks[np.random.default_rng(seed).permutation(len(blocks))]
    return blocks.reshape(h // 2, w // 3, 2, 3, c).transpose(0, 2, 1, 3, 4).reshape(image.shape)


# -- 02 k-NN --

def _two_loops(X_test, X_train, square_root=True, convert=True, dtype=float, rows=None):
    if convert:
        X_test, X_train = X_test.astype(float), X_train.astype(float)
    dists = np.zeros((len(X_test), len(X_train)), dtype=dtype)
    for i in range(len(X_test) if rows is None else rows(len(X_test))):
        for j in range(len(X_train)):
            d2 = np.sum((X_test[i] - X_train[j]) ** 2)
            dists[i, j] = np.sqrt(d2) if square_root else d2
    return dists


def _one_loop(X_test, X_train, convert=True, metric="l2"):
    if convert:
        X_test, X_train = X_test.astype(float), X_train.astype(float)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        if metric == "l2":
            dists[i] = np.sqrt(np.sum((X_train - X_test[i]) ** 2, axis=1))
        else:
            dists[i] = np.sum(np.abs(X_train - X_test[i]), axis=1)
    return dists


def _no_loops(X_test, X_train, convert=True, clip=True, plus=False, column=True):
    if convert:
        X_test, X_train = X_test.astype(float), X_train.astype(float)
    test_sq = np.sum(X_test ** 2, axis=1)
    test_sq = test_sq[:, None] if column else test_sq
    train_sq = np.sum(X_train ** 2, axis=1)[None, :]
    d2 = test_sq + train_sq + 2 * X_test @ X_train.T if plus else test_sq + train_sq - 2 * X_test @ X_train.T
    return np.sqrt(np.maximum(d2, 0) if clip else d2)


def _no_loops_negative_rounding(X_test, X_train):
    """No clip, on a machine where rounding makes the zero distances slightly negative."""
    X_test, X_train = X_test.astype(float), X_train.astype(float)
    d2 = np.sum(X_test ** 2, axis=1)[:, None] + np.sum(X_train ** 2, axis=1)[None, :] - 2 * X_test @ X_train.T
    return np.sqrt(np.where(d2 < 1e-9, -1e-12, d2))


def _no_loops_abs(X_test, X_train):
    """Right too: a tiny negative rounding error made positive by np.abs instead of 0 by np.maximum."""
    X_test, X_train = X_test.astype(np.float64), X_train.astype(np.float64)
    d2 = (X_test ** 2).sum(axis=1, keepdims=True) + (X_train ** 2).sum(axis=1) - 2 * np.dot(X_test, X_train.T)
    return np.sqrt(np.abs(d2))


_distances_in_other_cell = _from_other_cell("""
def distances_row_by_row(X_test, X_train):
    X_test, X_train = X_test.astype(float), X_train.astype(float)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        dists[i] = np.sqrt(((X_train - X_test[i]) ** 2).sum(axis=1))
    return dists
""", "distances_row_by_row")


def _no_loops_calling_a_looping_helper(X_test, X_train):
    return _distances_in_other_cell(X_test, X_train)


def _no_loops_comprehension(X_test, X_train):
    X_test, X_train = X_test.astype(float), X_train.astype(float)
    return np.array([np.sqrt(((X_train - row) ** 2).sum(axis=1)) for row in X_test])


def _no_loops_apply_along_axis(X_test, X_train):
    X_test, X_train = X_test.astype(float), X_train.astype(float)
    return np.apply_along_axis(lambda row: np.sqrt(((X_train - row) ** 2).sum(axis=1)), 1, X_test)


def _predict(dists, y_train, k=1, order=lambda row: np.argsort(row, kind="stable"), vote=None, take=None):
    y_pred = np.zeros(len(dists), dtype=int)
    for i, row in enumerate(dists):
        nearest = order(row)[:k if take is None else take(k)]
        labels = y_train[nearest]
        y_pred[i] = np.bincount(labels).argmax() if vote is None else vote(labels)
    return y_pred


def _predict_sorting_in_place(dists, y_train, k=1):
    y_pred = np.zeros(len(dists), dtype=int)
    for i, row in enumerate(dists):
        nearest = np.argsort(row, kind="stable")[:k]
        row.sort()
        y_pred[i] = np.bincount(y_train[nearest]).argmax()
    return y_pred


def _predict_into_float_zeros(dists, y_train, k=1):
    y_pred = np.zeros(len(dists))
    for i, row in enumerate(dists):
        y_pred[i] = np.bincount(y_train[np.argsort(row, kind="stable")[:k]]).argmax()
    return y_pred


def _predict_vectorised(dists, y_train, k=1):
    nearest = np.argsort(dists, axis=1, kind="stable")[:, :k]
    return np.array([np.bincount(labels, minlength=y_train.max() + 1).argmax() for labels in y_train[nearest]])


def _predict_scipy_mode(dists, y_train, k=1):
    from scipy import stats

    nearest = np.argsort(dists, axis=1, kind="stable")[:, :k]
    return stats.mode(y_train[nearest], axis=1, keepdims=False).mode.astype(np.int32)


def _predict_lexsort(dists, y_train, k=1):
    y_pred = []
    for row in dists:
        nearest = np.lexsort((np.arange(len(row)), row))[:k]  # by distance, then by index
        counts = collections.Counter(y_train[nearest].tolist())
        y_pred.append(min(counts, key=lambda label: (-counts[label], label)))
    return np.array(y_pred)


# -- 03/05 softmax and cross-entropy --

def _softmax(scores, shift="row", total="row"):
    shifts = {"row": scores.max(axis=1, keepdims=True), "global": scores.max(), "none": 0,
              "row_no_keepdims": scores.max(axis=1)}
    e = np.exp(scores - shifts[shift])
    totals = {"row": lambda: e.sum(axis=1, keepdims=True), "no_keepdims": lambda: e.sum(axis=1),
              "column": lambda: e.sum(axis=0, keepdims=True), "all": lambda: e.sum(), "none": lambda: 1.0}
    return e / totals[total]()


def _softmax_in_place(scores):
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _cross_entropy(scores, y, mean=True, divide=True, minus_one=True, sign=1, log=np.log, stable="row",
                   keepdims=True, log_of_probs=False):
    n = len(scores)
    shift = {"row": scores.max(axis=1, keepdims=True), "global": scores.max(), "none": 0}[stable]
    e = np.exp(scores - shift)
    total = e.sum(axis=1, keepdims=True) if keepdims else e.sum(axis=1)
    probs = e / total
    log_probs = log(probs) if log_of_probs or log is not np.log else scores - shift - np.log(total)
    losses = -log_probs[np.arange(n), y]
    loss = sign * (losses.mean() if mean else losses.sum())
    dscores = probs.copy()
    if minus_one:
        dscores[np.arange(n), y] -= 1
    return loss, sign * (dscores / n if divide else dscores)


def _cross_entropy_in_place(scores, y):
    scores -= scores.max(axis=1, keepdims=True)
    return S["check_softmax_cross_entropy"](scores, y)


# -- 03 train_sgd --

def _sgd(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0, seed=0, *, update_b=True, sign=-1,
         use_lr=True, use_reg=True, shuffle="epoch", shuffle_y=True, batch_rows=True, record="step",
         keep_last=True, fresh_rng=False, result="ok", replace=False):
    import labs

    rng = np.random.default_rng(seed)
    params = labs.linear.make_params(X.shape[1], num_classes, seed=seed)
    losses, order = [], None
    for epoch in range(epochs):
        if fresh_rng:
            rng = np.random.default_rng(seed)
        if shuffle == "epoch" or (shuffle == "once" and order is None):
            order = rng.integers(0, len(X), len(X)) if replace else rng.permutation(len(X))
        elif shuffle == "never":
            order = np.arange(len(X))
        stop = len(X) if keep_last else len(X) - len(X) % batch_size if len(X) % batch_size else len(X)
        epoch_losses = []
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            rows = batch if batch_rows else slice(None)
            labels = y[rows] if shuffle_y else y[start:start + batch_size] if batch_rows else y
            loss, grads = labs.linear.compute_loss_and_gradients(params, X[rows], labels, reg if use_reg else 0.0)
            params["W"] += sign * (learning_rate if use_lr else 1) * grads["W"]
            if update_b:
                params["b"] += sign * (learning_rate if use_lr else 1) * grads["b"]
            epoch_losses.append((loss, grads) if record == "pairs" else loss)
        losses += epoch_losses if record in ("step", "pairs") else [np.mean(epoch_losses)]
    return {"params only": params, "dict": (params, dict(enumerate(losses))), "text": (params, str(losses)),
            "ok": (params, losses if record == "pairs" else np.array(losses)),
            "W transposed": ({"W": params["W"].T, "b": params["b"]}, np.array(losses)),
            "NaN": ({"W": params["W"] * np.nan, "b": params["b"]}, np.array(losses))}[result]


def _sgd_shuffling_x_in_place(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0, seed=0):
    np.random.default_rng(seed).shuffle(X)
    return S["check_train_sgd"](X, y, num_classes, learning_rate, batch_size, epochs, reg, seed)


# -- 04 features --

def _pca(pca, X, k, centre=True, add_back=True, components=lambda V, k: V[:k]):
    V = components(pca.components_, k)
    return (pca.mean_ if add_back else 0) + ((X - pca.mean_) if centre else X) @ V.T @ V


def _pca_in_place(pca, X, k):
    X -= pca.mean_
    V = pca.components_[:k]
    return pca.mean_ + X @ V.T @ V


def _histogram(image, bins=16, range_=(0, 256), divide="pixels", transpose=False, **kwargs):
    counts = np.stack([np.histogram(image[..., c], bins=bins, range=range_, **kwargs)[0] for c in range(3)])
    counts = counts / {"pixels": image.shape[0] * image.shape[1], "values": image.size, "none": 1}[divide]
    return counts.T if transpose else counts


def _shift(images, dx=0, dy=0, dtype=None):
    shifted = S["check_shift_images"](images, dx, dy)
    return shifted if dtype is None else shifted.astype(dtype)


def _shift_batches_only(images, dx=0, dy=0):
    height, width = images.shape[-2:]
    shifted = np.zeros_like(images)
    rows = slice(max(0, -dy), height - max(0, dy)), slice(max(0, dy), height - max(0, -dy))
    cols = slice(max(0, -dx), width - max(0, dx)), slice(max(0, dx), width - max(0, -dx))
    shifted[:, rows[1], cols[1]] = images[:, rows[0], cols[0]]
    return shifted


def _shift_positive_only(images, dx=0, dy=0):
    height, width = images.shape[-2:]
    shifted = np.zeros_like(images)
    shifted[..., dy:, dx:] = images[..., :height - dy, :width - dx]
    return shifted


def _shift_end_slices(images, dx=0, dy=0):
    shifted = np.zeros_like(images)
    shifted[..., dy:, dx:] = images[..., :-dy, :-dx]
    return shifted


def _shift_end_slices_negative_handled(images, dx=0, dy=0):
    shifted = np.zeros_like(images)
    if dx >= 0 and dy >= 0:
        shifted[..., dy:, dx:] = images[..., :-dy, :-dx]
    else:
        shifted[..., :dy or None, :dx or None] = images[..., -dy:, -dx:]
    return shifted


def _shift_by_padding(images, dx=0, dy=0):
    """Right too: pad every side by the shift, then cut the window that moved."""
    h, w = images.shape[-2:]
    p = max(abs(dx), abs(dy))
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(p, p), (p, p)])
    return padded[..., p - dy:p - dy + h, p - dx:p - dx + w]


def _shift_in_place(images, dx=0, dy=0):
    result = S["check_shift_images"](images.copy(), dx, dy)
    images[...] = result
    return images


# -- 05 two-layer network and mini-batches --

def _two_layer(params, X, y, mask=True, mean=True, divide=True, transpose_w2=False, bias_axis=0, hidden="relu",
               keys=("W1", "b1", "W2", "b2"), as_lists=False, loss_as_text=False, shift=True, alias=False):
    n = len(X)
    z1 = X @ params["W1"] + params["b1"]
    h = {"relu": lambda: np.maximum(z1, 0), "sigmoid": lambda: 1 / (1 + np.exp(-z1)), "tanh": lambda: np.tanh(z1)}[hidden]()
    scores = h @ params["W2"] + params["b2"]
    probs = np.exp(scores - scores.max(axis=1, keepdims=True)) if shift else np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean() * (1 if mean else n)
    dscores = probs if alias else probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n if divide else 1
    if alias:  # the loss taken after dscores changed probs
        loss = -np.log(probs[np.arange(n), y]).mean()
    dz1 = dscores @ params["W2"].T * ((z1 > 0) if mask else 1)
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=bias_axis), "W2": _w2_gradient(h, dscores, transpose_w2),
             "b2": dscores.sum(axis=bias_axis)}
    grads = {key: (grads[key].tolist() if as_lists else grads[key]) for key in keys}
    return (str(loss) if loss_as_text else loss), grads


def _w2_gradient(h, dscores, transpose):
    return dscores.T @ h if transpose else h.T @ dscores


def _two_layer_in_place(params, X, y):
    loss, grads = S["check_compute_two_layer_loss"](params, X, y)
    params["W1"] -= 0.1 * grads["W1"]
    return loss, grads


def _batches(num_samples, batch_size, rng, shuffle=True, keep_last=True, kind="list"):
    order = rng.permutation(num_samples) if shuffle else np.arange(num_samples)
    stop = num_samples if keep_last else num_samples - num_samples % batch_size or num_samples
    batches = [order[start:start + batch_size] for start in range(0, stop, batch_size)]
    return {"list": lambda: batches, "generator": lambda: (b for b in batches),
            "floats": lambda: [b.astype(float) for b in batches], "dict": lambda: dict(enumerate(batches)),
            "text": lambda: str(batches)}[kind]()


def _batches_padded(num_samples, batch_size, rng):
    order = rng.permutation(num_samples)
    return [np.resize(order[start:start + batch_size], batch_size) for start in range(0, num_samples, batch_size)]


def _batches_2d(num_samples, batch_size, rng):
    order = rng.permutation(num_samples)
    return order[:num_samples // batch_size * batch_size].reshape(-1, batch_size)


def _batches_order_only(num_samples, batch_size, rng):
    batches = [np.arange(start, min(start + batch_size, num_samples)) for start in range(0, num_samples, batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _batches_within_only(num_samples, batch_size, rng):
    return [rng.permutation(np.arange(start, min(start + batch_size, num_samples)))
            for start in range(0, num_samples, batch_size)]


def _two_layer_log_softmax(params, X, y):
    """Right too: log-softmax (no probs for the loss), one-hot dscores, ReLU mask from the hidden output."""
    n = len(X)
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dscores = (np.exp(log_probs) - np.eye(scores.shape[1])[y]) / n
    dhidden = dscores @ params["W2"].T
    dhidden[hidden <= 0] = 0
    return loss, {"W1": X.T @ dhidden, "b1": dhidden.sum(axis=0), "W2": hidden.T @ dscores,
                  "b2": dscores.sum(axis=0)}


def _two_layer_scipy(params, X, y):
    """Right too: scipy's softmax and logsumexp, the loss as a NumPy scalar, gradients via np.einsum."""
    from scipy import special

    z1 = np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"]
    hidden = np.where(z1 > 0, z1, 0.0)
    scores = hidden @ params["W2"] + params["b2"]
    loss = np.mean(special.logsumexp(scores, axis=1) - scores[np.arange(len(X)), y])
    dscores = special.softmax(scores, axis=1)
    dscores[np.arange(len(X)), y] -= 1
    dscores = dscores / len(X)
    dz1 = (dscores @ params["W2"].T) * (z1 > 0)
    return loss, {"W2": np.einsum("nh,nc->hc", hidden, dscores), "b2": dscores.sum(0),
                  "W1": np.einsum("nd,nh->dh", X, dz1), "b1": dz1.sum(0)}


# -- 06 convolution --

def _loops2d(image, kernel, flip=False, transpose=False, out_shape=None, zeros=np.zeros, as_list=False):
    if flip:
        kernel = kernel[::-1, ::-1]
    if transpose:
        kernel = kernel.T
    kh, kw = kernel.shape
    shape = (image.shape[0] - kh + 1, image.shape[1] - kw + 1) if out_shape is None else out_shape(image, kh, kw)
    out = zeros(shape) if zeros is np.zeros else zeros(image, shape)
    for i in range(min(shape[0], image.shape[0] - kh + 1)):
        for j in range(min(shape[1], image.shape[1] - kw + 1)):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out.tolist() if as_list else out


def _loops2d_in_place(image, kernel):
    image[0, 0] = 99
    return S["check_conv2d_loops"](image, kernel)


def _vectorised(image, kernel, spec="ijkl,kl->ij", flip=False):
    from numpy.lib.stride_tricks import sliding_window_view

    kernel = kernel[::-1, ::-1] if flip else kernel
    return np.einsum(spec, sliding_window_view(image, kernel.shape), kernel)


def _vectorised_row_loop(image, kernel):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, kernel.shape)
    return np.array([np.einsum("jkl,kl->j", row, kernel) for row in windows])


_conv_in_other_cell = _from_other_cell("""
def pixel_by_pixel(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + kh, j:j + kw] * kernel).sum()
    return out
""", "pixel_by_pixel")


def _layer(image, kernel, padding="valid", stride=1, pads=None, use_stride=True, use_padding=True, kernel_fn=None,
           channels=None, as_list=False):
    from numpy.lib.stride_tricks import sliding_window_view

    if kernel_fn is not None:
        kernel = kernel_fn(kernel)
    if channels is not None:
        image, kernel = image[..., :channels], kernel[:, :, :channels]
    kh, kw = kernel.shape[:2]
    if padding == "same" and use_padding:
        chosen = []
        for n, k in [(image.shape[0], kh), (image.shape[1], kw)]:
            out = -(-n // stride)
            total = max((out - 1) * stride + k - n, 0)
            chosen.append(pads(n, k, total) if pads else (total // 2, total - total // 2))
        image = np.pad(image, chosen + [(0, 0)])
    step = stride if use_stride else 1
    windows = sliding_window_view(image, (kh, kw), axis=(0, 1))[::step, ::step]
    result = np.einsum("ijckl,klcf->ijf", windows, kernel)
    return result.tolist() if as_list else result


def _layer_padding_channels_too(image, kernel, padding="valid", stride=1):
    from numpy.lib.stride_tricks import sliding_window_view

    if padding == "same":
        image = np.pad(image, kernel.shape[0] // 2)
    windows = sliding_window_view(image, kernel.shape[:2], axis=(0, 1))[::stride, ::stride]
    return np.einsum("ijckl,klcf->ijf", windows, kernel)


def _pool(feature_map, size=2, reduce=np.max, layout="blocks", crop=True):
    h, w = feature_map.shape[0] // size, feature_map.shape[1] // size
    blocks = feature_map[:h * size, :w * size] if crop else feature_map
    if layout == "blocks":
        return reduce(blocks.reshape(h, size, w, size), axis=(1, 3))
    return reduce(blocks.reshape(h, w, size, size), axis=(2, 3))


def _pool_overlapping(feature_map, size=2):
    from numpy.lib.stride_tricks import sliding_window_view

    return sliding_window_view(feature_map, (size, size)).max(axis=(2, 3))


def _pool_keeping_partial_windows(feature_map, size=2):
    h, w = -(-feature_map.shape[0] // size), -(-feature_map.shape[1] // size)
    return np.array([[feature_map[i * size:(i + 1) * size, j * size:(j + 1) * size].max() for j in range(w)]
                     for i in range(h)])


# -- 07 CNN --

def _cnn(activation="relu", final="softmax", filters=(32, 64, 64), units=64, padding="valid", pool=None,
         flatten=True, with_input=True, kernel=(3, 3), strides=1, extra=None, use_bias=True, hidden_dense=None):
    pool = pool or layers.MaxPooling2D
    stack = [keras.Input(shape=(28, 28, 1))] if with_input else []
    stack += [layers.Conv2D(filters[0], kernel, activation=activation, padding=padding, strides=strides,
                            use_bias=use_bias), pool((2, 2)),
              layers.Conv2D(filters[1], (3, 3), activation=activation, padding=padding), pool((2, 2)),
              layers.Conv2D(filters[2], (3, 3), activation=activation, padding=padding)]
    stack += [layers.Flatten()] if flatten else []
    stack += extra or []
    stack += [layers.Dense(units, activation=activation if hidden_dense is None else hidden_dense),
              layers.Dense(10, activation=final)]
    return keras.Sequential(stack)


def _cnn_separate(relu=layers.ReLU, softmax=layers.Softmax, after_pool=False):
    """The classic CNN with linear Conv2D/Dense layers, each followed by its own activation layer."""
    stack = [keras.Input(shape=(28, 28, 1))]
    for filters, pool in [(32, True), (64, True), (64, False)]:
        stack.append(layers.Conv2D(filters, (3, 3)))
        stack += [layers.MaxPooling2D((2, 2)), relu()] if pool and after_pool else [relu()] + (
            [layers.MaxPooling2D((2, 2))] if pool else [])
    stack += [layers.Flatten(), layers.Dense(64), relu(), layers.Dense(10), softmax()]
    return keras.Sequential(stack)


# -- 08 overfitting and augmentation --

def _dropout(x, keep, rate, training, train="inverted", infer="identity"):
    if training:
        return {"inverted": lambda: x * keep / (1 - rate), "unscaled": lambda: x * keep,
                "by rate": lambda: x * keep / rate, "mask flipped": lambda: x * ~keep / (1 - rate)}[train]()
    return {"identity": lambda: x, "scaled": lambda: x * (1 - rate), "dropped": lambda: x * keep / (1 - rate)}[infer]()


def _dropout_in_place(x, keep, rate, training):
    if training:
        x *= keep / (1 - rate)
    return x


def _early_stop(val_losses, patience, start=1, late=0, tie=False, best_of_all=False, stop_at_end=False):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=start):
        if loss < best or (tie and loss == best):
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience + late and not stop_at_end:
                stop = epoch
                break
    else:
        stop = len(val_losses) - 1 + start
    if best_of_all:
        best_epoch = int(np.argmin(val_losses)) + start
    return best_epoch, stop


def _early_stop_sorting_in_place(val_losses, patience):
    result = S["check_compute_early_stop"](list(val_losses), patience)
    val_losses.sort()
    return result


def _augmentation(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0, degrees=False, always=False,
                  value_range=(0, 1), translation_width=True, extra=(), flip_mode=None, as_list=False):
    pipeline = list(extra)
    if flip is not None or always:
        pipeline.append(layers.RandomFlip(flip_mode or flip or "horizontal"))
    if rotation or always:
        pipeline.append(layers.RandomRotation(rotation * 360 if degrees else rotation))
    if translation or always:
        pipeline.append(layers.RandomTranslation(translation, translation if translation_width else 0.0))
    if zoom or always:
        pipeline.append(layers.RandomZoom(zoom))
    if contrast or always:
        pipeline.append(layers.RandomContrast((contrast, contrast), value_range=value_range))
    return pipeline if as_list else keras.Sequential(pipeline)


# (mutant id, learner, keyword its ❌ line must contain)
MUTANTS = {
    "check_invert": [
        ("1 - image", lambda image: 1 - image, "255 - image"),
        ("image - 255", lambda image: image - 255, "255 - image"),
        ("-image", lambda image: -image, "255 - image"),
        ("int dtype", lambda image: 255 - image.astype(int), "dtype"),
        ("float dtype", lambda image: 255.0 - image, "dtype"),
        ("flipped instead", lambda image: image[::-1], "255 - image"),
        ("nested list", lambda image: (255 - image).tolist(), "not a NumPy array"),
        ("in place", _invert_in_place, "in place"),
        ("no return", _invert_no_return, "return"),
    ],
    "check_to_greyscale": [
        ("plain average", lambda image: image.mean(axis=-1) / 255, "weights"),
        ("no / 255", lambda image: image @ _GREY, "divide by 255"),
        ("BGR weights", lambda image: image[..., ::-1] / 255 @ _GREY, "R, G, B order"),
        ("other weights", lambda image: image / 255 @ np.array([0.299, 0.587, 0.114]), "0.2125"),
        ("keeps a channel axis", lambda image: (image / 255 @ _GREY)[..., None], "(H, W)"),
        ("int dtype", lambda image: (image / 255 @ _GREY).astype(int), "integer dtype"),
        ("weights on the wrong axis", lambda image: np.tensordot(_GREY, image / 255, axes=(0, 0)), "raised"),
        ("nested list", lambda image: (image / 255 @ _GREY).tolist(), "not a NumPy array"),
        ("in place", _in_place(lambda image: image / 255 @ _GREY), "in place"),
    ],
    "check_intensity_histogram": [
        ("no minlength", lambda image: np.bincount(image.ravel()), "minlength=256"),
        ("np.unique counts", lambda image: np.unique(image, return_counts=True)[1], "minlength=256"),
        ("255 bins", lambda image: np.histogram(image, bins=255, range=(0, 256))[0], "256 possible values"),
        ("no range", lambda image: np.histogram(image, bins=256)[0], "range=(0, 256)"),
        ("fractions", lambda image: np.bincount(image.ravel(), minlength=256) / image.size, "count, don't divide"),
        ("first channel only", lambda image: np.bincount(image[..., 0].ravel(), minlength=256), "every channel"),
        ("list", lambda image: np.bincount(image.ravel(), minlength=256).tolist(), "not a NumPy array"),
    ],
    "check_shuffle_pixels": [
        ("whole rows", _shuffle_rows, "only the rows"),
        ("whole columns", _shuffle_columns, "only the columns"),
        ("within each row", _shuffle_within_rows, "own row"),
        ("rows then columns", _shuffle_rows_then_columns, "same row or column"),
        ("2x3 blocks", _shuffle_2x3_blocks, "same row or column"),
        ("flat roll", _shuffle_flat_roll, "same row or column"),
        ("flipped", lambda image, seed=0: image[::-1, ::-1], "same row or column"),
        ("single values", _shuffle_values, "pixels themselves changed"),
        ("unseeded", _shuffle_unseeded, "seed=0 gave different"),
        ("seed ignored", _shuffle_seed_ignored, "seed is ignored"),
        ("unchanged", lambda image, seed=0: image.copy(), "unchanged"),
        ("(H*W, 3) result", lambda image, seed=0: S["check_shuffle_pixels"](image, seed).reshape(-1, 3), "shape"),
        ("float dtype", lambda image, seed=0: S["check_shuffle_pixels"](image, seed).astype(float), "dtype"),
        ("nested list", _tolist(S["check_shuffle_pixels"]), "not a NumPy array"),
        ("shuffles the input in place", _shuffle_in_place, "in place"),
    ],
    "check_compute_l1_distance": [
        ("uint8 wraps", lambda a, b: np.abs(a - b).sum(), "uint8"),
        ("no abs", lambda a, b: float((a.astype(float) - b).sum()), "absolute value"),
        ("L2 instead", lambda a, b: float(np.sqrt(((a.astype(float) - b) ** 2).sum())), "L2 distance"),
        ("mean", lambda a, b: float(np.abs(a.astype(float) - b).mean()), "average"),
        ("int8", lambda a, b: float(np.abs(a.astype(np.int8) - b.astype(np.int8)).sum()), "float"),
        ("text", lambda a, b: str(float(np.abs(a.astype(float) - b).sum())), "not a number"),
        ("no sum", lambda a, b: np.abs(a.astype(float) - b), "single number"),
        ("in a list", lambda a, b: [float(np.abs(a.astype(float) - b).sum())], "single number"),
        ("no return", lambda a, b: None, "return"),
    ],
    "check_compute_l2_distance": [
        ("uint8 wraps", lambda a, b: np.sqrt(((a - b) ** 2).sum()), "uint8"),
        ("converted after subtracting", lambda a, b: np.sqrt(((a - b).astype(float) ** 2).sum()), "uint8"),
        ("np.linalg.norm on uint8", lambda a, b: np.linalg.norm(a - b), "uint8"),
        ("no sqrt", lambda a, b: float(((a.astype(float) - b) ** 2).sum()), "square root"),
        ("L1 instead", lambda a, b: float(np.abs(a.astype(float) - b).sum()), "L1 distance"),
        ("mean", lambda a, b: float(np.sqrt(((a.astype(float) - b) ** 2).mean())), "average"),
        ("text", lambda a, b: f"{np.sqrt(((a.astype(float) - b) ** 2).sum()):.6f}", "not a number"),
        ("0-d array kept as 1-d", lambda a, b: np.sqrt(((a.astype(float) - b) ** 2).sum(keepdims=True)).ravel(),
         "single number"),
    ],
    "check_compute_distances_two_loops": [
        ("no sqrt", lambda a, b: _two_loops(a, b, square_root=False), "np.sqrt"),
        ("transposed", lambda a, b: _two_loops(a, b).T, "transposed"),
        ("uint8 wraps", lambda a, b: _two_loops(a, b, convert=False), "uint8"),
        ("L1", lambda a, b: _one_loop(a, b, metric="l1"), "L1 distance"),
        ("int dists", lambda a, b: _two_loops(a, b, dtype=int), "integer dtype"),
        ("last row missing", lambda a, b: _two_loops(a, b, rows=lambda n: n - 1), "dists[i, j]"),
        ("no sum over features", lambda a, b: (a.astype(float)[:, None] - b.astype(float)[None]) ** 2, "features"),
        ("nested list", _tolist(_two_loops), "not a NumPy array"),
        ("no return", lambda a, b: None, "return"),
    ],
    "check_compute_distances_one_loop": [
        ("no sqrt", lambda a, b: _one_loop(a, b) ** 2, "np.sqrt"),
        ("transposed", lambda a, b: _one_loop(a, b).T, "transposed"),
        ("uint8 wraps", lambda a, b: _one_loop(a, b, convert=False), "uint8"),
        ("L1", lambda a, b: _one_loop(a, b, metric="l1"), "L1 distance"),
        ("one row of sums", lambda a, b: np.array([np.sqrt(((b.astype(float) - r) ** 2).sum()) for r in a]),
         "whole (num_test, num_train) matrix"),
        ("nested list", _tolist(_one_loop), "not a NumPy array"),
        ("in place", _in_place(_one_loop, 1), "in place"),
    ],
    "check_compute_distances_no_loops": [
        ("one loop", lambda a, b: _one_loop(a, b), "still loops"),
        ("two loops", lambda a, b: _two_loops(a, b), "still loops"),
        ("loop in a helper from another cell", _no_loops_calling_a_looping_helper, "still loops"),
        ("list comprehension", _no_loops_comprehension, "still loops"),
        ("np.apply_along_axis", _no_loops_apply_along_axis, "still loops"),
        ("no clip, negative rounding", _no_loops_negative_rounding, "np.maximum(d2, 0)"),
        ("no clip", lambda a, b: _no_loops(a, b, clip=False), "np.maximum(d2, 0)"),
        ("(num_test, num_train, D) differences", lambda a, b: np.sqrt(
            ((a[:, None, :].astype(float) - b[None, :, :]) ** 2).sum(axis=2)), "(num_test, num_train, D)"),
        ("np.linalg.norm of all differences", lambda a, b: np.linalg.norm(
            a[:, None, :].astype(float) - b[None, :, :].astype(float), axis=-1), "(num_test, num_train, D)"),
        ("transposed", lambda a, b: _no_loops(a, b).T, "transposed"),
        ("no sqrt", lambda a, b: _no_loops(a, b) ** 2, "np.sqrt"),
        ("uint8 wraps", lambda a, b: _no_loops(a, b, convert=False), "uint8"),
        ("plus 2ab", lambda a, b: _no_loops(a, b, plus=True), "X_test @ X_train.T"),
        ("test norms not a column", lambda a, b: _no_loops(a, b, column=False), "(num_test, 1) column"),
        ("nested list", _tolist(_no_loops), "not a NumPy array"),
    ],
    "check_predict_labels": [
        ("farthest", lambda d, y, k=1: _predict(d, y, k, order=lambda row: np.argsort(-row, kind="stable")),
         "smallest distances"),
        ("ignores k", lambda d, y, k=1: _predict(d, y, 1), "k nearest"),
        ("k + 1 neighbours", lambda d, y, k=1: _predict(d, y, k, take=lambda k: k + 1), "exactly k"),
        ("k - 1 neighbours", lambda d, y, k=1: _predict(d, y, k, take=lambda k: k - 1), "raised ValueError"),
        ("tied vote to first seen", lambda d, y, k=1: _predict(
            d, y, k, vote=lambda labels: collections.Counter(labels).most_common(1)[0][0]), "smallest label"),
        ("tied distance to last index", lambda d, y, k=1: _predict(
            d, y, k, order=lambda row: len(row) - 1 - np.argsort(row[::-1], kind="stable")), "smaller index"),
        ("wrong axis", lambda d, y, k=1: y[np.argmin(d, axis=0) % len(y)], "one prediction per test row"),
        ("labels of the neighbours", lambda d, y, k=1: y[np.argsort(d, axis=1)[:, :k]], "vote"),
        ("list", lambda d, y, k=1: _predict(d, y, k).tolist(), "not a NumPy array"),
        ("sorts dists in place", _predict_sorting_in_place, "in place"),
        ("np.argsort's default (unstable) sort", lambda d, y, k=1: _predict(d, y, k, order=np.argsort),
         "smaller index"),
        ("np.argpartition", lambda d, y, k=1: _predict(d, y, k, order=lambda row: np.argpartition(row, k - 1)),
         "smaller index"),
        ("heapsort", lambda d, y, k=1: _predict(d, y, k, order=lambda row: np.argsort(row, kind="heapsort")),
         "smaller index"),
        ("float labels", lambda d, y, k=1: _predict(d, y, k).astype(float), "int array"),
        ("np.zeros without dtype", _predict_into_float_zeros, "dtype=int"),
    ],
    "check_softmax": [
        ("naive", lambda s: _softmax(s, shift="none"), "maximum"),
        ("global max", lambda s: _softmax(s, shift="global"), "own maximum"),
        ("no keepdims on the sum", lambda s: _softmax(s, total="no_keepdims"), "keepdims"),
        ("no keepdims on the max", lambda s: _softmax(s, shift="row_no_keepdims"), "keepdims"),
        ("columns", lambda s: _softmax(s, total="column"), "each row"),
        ("sum of everything", lambda s: _softmax(s, total="all"), "own sum"),
        ("not normalised", lambda s: _softmax(s, total="none"), "sum over its row"),
        ("list", lambda s: _softmax(s).tolist(), "not a NumPy array"),
        ("in place", _softmax_in_place, "in place"),
        ("no return", lambda s: None, "return"),
    ],
    "check_softmax_cross_entropy": [
        ("sum", lambda s, y: _cross_entropy(s, y, mean=False), "mean over the N rows"),
        ("dscores not / N", lambda s, y: _cross_entropy(s, y, divide=False), "divide by N"),
        ("no -1 at the true class", lambda s, y: _cross_entropy(s, y, minus_one=False), "subtract 1"),
        ("dscores sign", lambda s, y: (_cross_entropy(s, y)[0], -_cross_entropy(s, y)[1]), "sign"),
        ("missing minus", lambda s, y: _cross_entropy(s, y, sign=-1), "minus sign"),
        ("log2", lambda s, y: _cross_entropy(s, y, log=np.log2), "natural logarithm"),
        ("naive exp", lambda s, y: _cross_entropy(s, y, stable="none"), "maximum"),
        ("global max", lambda s, y: _cross_entropy(s, y, stable="global"), "maximum"),
        ("log of a stable softmax", lambda s, y: _cross_entropy(s, y, log_of_probs=True), "log(0)"),
        ("no keepdims", lambda s, y: _cross_entropy(s, y, keepdims=False), "keepdims"),
        ("(dscores, loss)", lambda s, y: _cross_entropy(s, y)[::-1], "loss comes first"),
        ("loss only", lambda s, y: _cross_entropy(s, y)[0], "return loss, dscores"),
        ("loss as text", lambda s, y: (str(_cross_entropy(s, y)[0]), _cross_entropy(s, y)[1]), "not a number"),
        ("loss as a 1-element array", lambda s, y: (np.array([_cross_entropy(s, y)[0]]), _cross_entropy(s, y)[1]),
         "single number"),
        ("in place", _cross_entropy_in_place, "in place"),
    ],
    "check_train_sgd": [
        ("only W updated", lambda *a, **k: _sgd(*a, **k, update_b=False), "params['b']"),
        ("uphill", lambda *a, **k: _sgd(*a, **k, sign=1), "downhill"),
        ("no lr", lambda *a, **k: _sgd(*a, **k, use_lr=False), "learning rate"),
        ("ignores reg", lambda *a, **k: _sgd(*a, **k, use_reg=False), "pass reg on"),
        ("shuffles once", lambda *a, **k: _sgd(*a, **k, shuffle="once"), "shuffled only once"),
        ("new rng every epoch", lambda *a, **k: _sgd(*a, **k, fresh_rng=True), "shuffled only once"),
        ("never shuffles", lambda *a, **k: _sgd(*a, **k, shuffle="never"), "nothing is shuffled"),
        ("samples with replacement", lambda *a, **k: _sgd(*a, **k, replace=True), "each once"),
        ("y not shuffled with X", lambda *a, **k: _sgd(*a, **k, shuffle_y=False), "same batch"),
        ("whole X every step", lambda *a, **k: _sgd(*a, **k, batch_rows=False), "X[batch]"),
        ("one loss per epoch", lambda *a, **k: _sgd(*a, **k, record="epoch"), "one loss per update"),
        ("drops the last batch", lambda *a, **k: _sgd(*a, **k, keep_last=False), "one loss per update"),
        ("(loss, grads) pairs", lambda *a, **k: _sgd(*a, **k, record="pairs"), "append only the loss"),
        ("losses as a dict", lambda *a, **k: _sgd(*a, **k, result="dict"), "one number per step"),
        ("losses as text", lambda *a, **k: _sgd(*a, **k, result="text"), "one number per step"),
        ("params only", lambda *a, **k: _sgd(*a, **k, result="params only"), "(params, losses)"),
        ("W transposed", lambda *a, **k: _sgd(*a, **k, result="W transposed"), "shape"),
        ("NaN parameters", lambda *a, **k: _sgd(*a, **k, result="NaN"), "NaN"),
        ("shuffles X in place", _sgd_shuffling_x_in_place, "in place"),
    ],
    "check_reconstruct_with_pca": [
        ("no mean at all", lambda p, X, k: _pca(p, X, k, centre=False, add_back=False), "subtract pca.mean_"),
        ("mean not added back", lambda p, X, k: _pca(p, X, k, add_back=False), "add pca.mean_ back"),
        ("not centred", lambda p, X, k: _pca(p, X, k, centre=False), "before projecting"),
        ("all components", lambda p, X, k: _pca(p, X, k, components=lambda V, k: V), "first num_components"),
        ("inverse_transform of everything", lambda p, X, k: p.inverse_transform(p.transform(X)),
         "first num_components"),
        ("one component too many", lambda p, X, k: _pca(p, X, k, components=lambda V, k: V[:k + 1]), "no + 1"),
        ("V @ V.T", lambda p, X, k: p.mean_ + (X - p.mean_) @ p.components_[:k] @ p.components_[:k].T, "raised"),
        ("coefficients only", lambda p, X, k: (X - p.mean_) @ p.components_[:k].T, "map back"),
        ("list", lambda p, X, k: _pca(p, X, k).tolist(), "not a NumPy array"),
        ("centres X in place", _pca_in_place, "in place"),
    ],
    "check_compute_colour_histogram": [
        ("range (0, 255)", lambda image, bins: _histogram(image, bins, range_=(0, 255)), "range=(0, 256)"),
        ("no range", lambda image, bins: _histogram(image, bins, range_=None), "range=(0, 256)"),
        ("counts", lambda image, bins: _histogram(image, bins, divide="none"), "divide the counts"),
        ("integer counts", lambda image, bins: np.stack(
            [np.histogram(image[..., c], bins=bins, range=(0, 256))[0] for c in range(3)]), "Hint: divide the counts"),
        ("divided by all values", lambda image, bins: _histogram(image, bins, divide="values"), "not by all"),
        ("(bins, 3)", lambda image, bins: _histogram(image, bins, transpose=True), "one row per colour channel"),
        ("density=True", lambda image, bins: _histogram(image, bins, divide="none", density=True),
         "divided by the number of pixels"),
        ("list", lambda image, bins: _histogram(image, bins).tolist(), "not a NumPy array"),
    ],
    "check_shift_images": [
        ("np.roll", lambda images, dx, dy: np.roll(images, (dy, dx), axis=(-2, -1)), "np.roll"),
        ("dx and dy swapped", lambda images, dx, dy: _shift(images, dy, dx), "dx moves along the columns"),
        ("wrong direction", lambda images, dx, dy: _shift(images, -dx, -dy), "positive dx"),
        ("float dtype", lambda images, dx, dy: _shift(images, dx, dy, dtype=float), "dtype"),
        ("batches only", _shift_batches_only, "raised IndexError"),
        ("positive shifts only", _shift_positive_only, "raised"),
        ("list", lambda images, dx, dy: _shift(images, dx, dy).tolist(), "not a NumPy array"),
        ("in place", _shift_in_place, "in place"),
        ("[:-dy, :-dx] slices", _shift_end_slices, "negative dx"),
        ("[:-dy, :-dx] slices, negative shifts handled", _shift_end_slices_negative_handled, ":-0 is an empty slice"),
    ],
    "check_stable_softmax": [
        ("naive", lambda s: _softmax(s, shift="none"), "maximum"),
        ("global max", lambda s: _softmax(s, shift="global"), "own maximum"),
        ("no keepdims on the sum", lambda s: _softmax(s, total="no_keepdims"), "keepdims"),
        ("no keepdims on the max", lambda s: _softmax(s, shift="row_no_keepdims"), "keepdims"),
        ("columns", lambda s: _softmax(s, total="column"), "each row"),
        ("sum of everything", lambda s: _softmax(s, total="all"), "own sum"),
        ("not normalised", lambda s: _softmax(s, total="none"), "own sum"),
        ("list", lambda s: _softmax(s).tolist(), "not a NumPy array"),
        ("in place", _softmax_in_place, "in place"),
    ],
    "check_compute_two_layer_loss": [
        ("no ReLU mask", lambda p, X, y: _two_layer(p, X, y, mask=False), "z1 <= 0"),
        ("sum", lambda p, X, y: _two_layer(p, X, y, mean=False), "mean over the samples"),
        ("dscores not / N", lambda p, X, y: _two_layer(p, X, y, divide=False), "divide dscores by N"),
        ("W2 gradient transposed", lambda p, X, y: _two_layer(p, X, y, transpose_w2=True), "transposed"),
        ("bias gradients over the wrong axis", lambda p, X, y: _two_layer(p, X, y, bias_axis=1),
         "sum over the samples"),
        ("sigmoid hidden layer", lambda p, X, y: _two_layer(p, X, y, hidden="sigmoid"), "ReLU hidden layer"),
        ("tanh hidden layer", lambda p, X, y: _two_layer(p, X, y, hidden="tanh"), "ReLU hidden layer"),
        ("no row-max shift", lambda p, X, y: _two_layer(p, X, y, shift=False), "maximum score"),
        ("dscores = probs, loss after", lambda p, X, y: _two_layer(p, X, y, alias=True), "probs.copy()"),
        ("missing b1", lambda p, X, y: _two_layer(p, X, y, keys=("W1", "W2", "b2")), "keys"),
        ("grads only", lambda p, X, y: _two_layer(p, X, y)[1], "tuple (loss, grads)"),
        ("loss as text", lambda p, X, y: _two_layer(p, X, y, loss_as_text=True), "not a number"),
        ("gradients as lists", lambda p, X, y: _two_layer(p, X, y, as_lists=True), "not a NumPy array"),
        ("updates params in place", _two_layer_in_place, "in place"),
    ],
    "check_make_minibatches": [
        ("no shuffle", lambda n, b, rng: _batches(n, b, rng, shuffle=False), "nothing is shuffled"),
        ("global np.random", lambda n, b, rng: _batches(n, b, np.random.default_rng()), "rng you were given"),
        ("fixed seed", lambda n, b, rng: _batches(n, b, np.random.default_rng(5)), "rng you were given"),
        ("drops the last batch", lambda n, b, rng: _batches(n, b, rng, keep_last=False), "batches, expected"),
        ("np.array_split", lambda n, b, rng: np.array_split(rng.permutation(n), max(n // b, 1)), "batches, expected"),
        ("generator", lambda n, b, rng: _batches(n, b, rng, kind="generator"), "generator"),
        ("start positions", lambda n, b, rng: list(range(0, n, b)), "single number"),
        ("dict", lambda n, b, rng: _batches(n, b, rng, kind="dict"), "dict"),
        ("text", lambda n, b, rng: _batches(n, b, rng, kind="text"), "text"),
        ("float indices", lambda n, b, rng: _batches(n, b, rng, kind="floats"), "integers"),
        ("with replacement", lambda n, b, rng: [rng.integers(0, n, len(x)) for x in _batches(n, b, rng)],
         "exactly once"),
        ("last batch padded", _batches_padded, "exactly once"),
        ("2-D array", _batches_2d, "list of index arrays"),
        ("shuffles the batch order only", _batches_order_only, "consecutive"),
        ("shuffles within each batch only", _batches_within_only, "consecutive"),
    ],
    "check_conv2d_loops": [
        ("flipped kernel", lambda image, kernel: _loops2d(image, kernel, flip=True), "flipped the kernel"),
        ("transposed kernel", lambda image, kernel: _loops2d(image, kernel, transpose=True), "transposed"),
        ("one position short", lambda image, kernel: _loops2d(
            image, kernel, out_shape=lambda im, kh, kw: (im.shape[0] - kh, im.shape[1] - kw)), "H - kh + 1"),
        ("image-sized output", lambda image, kernel: _loops2d(
            image, kernel, out_shape=lambda im, kh, kw: im.shape), "'valid' positions"),
        ("zeros_like(image)", lambda image, kernel: _loops2d(
            image, kernel, zeros=lambda im, shape: np.zeros_like(im, shape=shape)), "integer dtype"),
        ("nested list", lambda image, kernel: _loops2d(image, kernel, as_list=True), "not a NumPy array"),
        ("left-right flip", lambda image, kernel: _loops2d(image, kernel[:, ::-1]), "left-right"),
        ("in place", _loops2d_in_place, "in place"),
    ],
    "check_conv2d_vectorized": [
        ("pixel loops", lambda image, kernel: _loops2d(image, kernel), "loops over pixels"),
        ("row loop", _vectorised_row_loop, "loops over pixels"),
        ("loop in a helper from another cell", lambda image, kernel: _conv_in_other_cell(image, kernel),
         "loops over pixels"),
        ("flipped kernel", lambda image, kernel: _vectorised(image, kernel, flip=True), "flipped the kernel"),
        ("einsum indices swapped", lambda image, kernel: _vectorised(image, kernel, spec="ijkl,lk->ij"),
         "transposed"),
        ("nested list", lambda image, kernel: _vectorised(image, kernel).tolist(), "not a NumPy array"),
    ],
    "check_conv2d": [
        ("symmetric (k-1)//2 padding", lambda *a, **k: _layer(*a, **k, pads=lambda n, k_, t: ((k_ - 1) // 2,) * 2),
         "total // 2 before"),
        ("extra zero at the start", lambda *a, **k: _layer(*a, **k, pads=lambda n, k_, t: (t - t // 2, t // 2)),
         "total // 2 before"),
        ("ignores stride", lambda *a, **k: _layer(*a, **k, use_stride=False), "stride"),
        ("ignores padding", lambda *a, **k: _layer(*a, **k, use_padding=False), "adds zeros"),
        ("transposed kernel", lambda *a, **k: _layer(*a, **k, kernel_fn=lambda w: w.transpose(1, 0, 2, 3)),
         "transposed"),
        ("flipped kernel", lambda *a, **k: _layer(*a, **k, kernel_fn=lambda w: w[::-1, ::-1]), "flipped the kernel"),
        ("first channel only", lambda *a, **k: _layer(*a, **k, channels=1), "all input channels"),
        ("pads the channels too", _layer_padding_channels_too, "raised"),
        ("nested lists", lambda *a, **k: _layer(*a, **k, as_list=True), "not a NumPy array"),
    ],
    "check_pool2d": [
        ("overlapping windows", _pool_overlapping, "don't overlap"),
        ("average", lambda fm, size=2: _pool(fm, size, reduce=np.mean), "not the mean"),
        ("minimum", lambda fm, size=2: _pool(fm, size, reduce=np.min), "not the minimum"),
        ("fixed size 2", lambda fm, size=2: _pool(fm, 2), "size argument"),
        ("blocks mixed up", lambda fm, size=2: _pool(fm, size, layout="mixed"), "mixes up"),
        ("keeps partial windows", _pool_keeping_partial_windows, "leftover"),
        ("no crop", lambda fm, size=2: _pool(fm, size, crop=False), "raised ValueError"),
        ("list", lambda fm, size=2: _pool(fm, size).tolist(), "not a NumPy array"),
    ],
    "check_make_small_cnn": [
        ("no activations", lambda: _cnn(activation=None, final=None), "activation"),
        ("no activations but softmax", lambda: _cnn(activation=None), "'relu'"),
        ("sigmoid", lambda: _cnn(activation="sigmoid"), "'relu'"),
        ("hidden Dense without ReLU", lambda: _cnn(hidden_dense="linear"), "layer 7 (Dense)"),
        ("ReLU at the end", lambda: _cnn(final="relu"), "softmax"),
        ("no softmax", lambda: _cnn(final=None), "softmax"),
        ("32 filters in conv 2", lambda: _cnn(filters=(32, 32, 64)), "outputs (11, 11, 32)"),
        ("'same' padding", lambda: _cnn(padding="same"), "outputs"),
        ("5x5 first kernel", lambda: _cnn(kernel=(5, 5)), "outputs"),
        ("stride 2 in conv 1", lambda: _cnn(strides=2), "strides 1"),
        ("average pooling", lambda: _cnn(pool=layers.AveragePooling2D), "layers are"),
        ("no Flatten", lambda: _cnn(flatten=False), "layers are"),
        ("extra Dropout", lambda: _cnn(extra=[layers.Dropout(0.5)]), "layers are"),
        ("128 hidden units", lambda: _cnn(units=128), "outputs (128,)"),
        ("no bias in conv 1", lambda: _cnn(use_bias=False), "parameters"),
        ("no Input", lambda: _cnn(with_input=False), "no known input shape"),
        ("model not returned", lambda: None, "return model"),
        ("separate LeakyReLU layers", lambda: _cnn_separate(relu=layers.LeakyReLU), "layers are"),
        ("separate ReLU(max_value=6) layers", lambda: _cnn_separate(relu=lambda: layers.ReLU(max_value=6.0)),
         "expected 'relu'"),
        ("separate sigmoid layers", lambda: _cnn_separate(relu=lambda: layers.Activation("sigmoid")),
         "expected 'relu'"),
        ("separate ReLU but no softmax", lambda: _cnn_separate(softmax=layers.ReLU), "softmax"),
    ],
    "check_compute_conv_params": [
        ("no bias", lambda kh, kw, c, f: kh * kw * c * f, "one bias"),
        ("no input channels", lambda kh, kw, c, f: (kh * kw + 1) * f, "every input channel"),
        ("one bias in all", lambda kh, kw, c, f: kh * kw * c * f + 1, "one bias per filter"),
        ("times in_channels", lambda kh, kw, c, f: (kh * kw * c + 1) * c, "number of filters"),
        ("text", lambda kh, kw, c, f: str((kh * kw * c + 1) * f), "not a number"),
        ("float", lambda kh, kw, c, f: float((kh * kw * c + 1) * f), "a float"),
        ("in a list", lambda kh, kw, c, f: [(kh * kw * c + 1) * f], "single number"),
        ("no return", lambda kh, kw, c, f: None, "return"),
    ],
    "check_compute_dense_params": [
        ("no bias", lambda n, units: n * units, "one bias"),
        ("one bias in all", lambda n, units: n * units + 1, "one bias per unit"),
        ("bias per input", lambda n, units: (units + 1) * n, "belongs to each unit"),
        ("text", lambda n, units: f"{(n + 1) * units:,}", "not a number"),
        ("float", lambda n, units: (n + 1) * units / 1, "a float"),
        ("array", lambda n, units: np.array([(n + 1) * units]), "single number"),
    ],
    "check_compute_output_size": [
        ("ignores stride", lambda n, k, p, s: -(-n // s) if p == "same" else n - k + 1, "divide by the stride"),
        ("no + 1", lambda n, k, p, s: -(-n // s) if p == "same" else (n - k) // s, "add 1"),
        ("true division", lambda n, k, p, s: -(-n // s) if p == "same" else (n - k) / s + 1, "//"),
        ("same rounds down", lambda n, k, p, s: n // s if p == "same" else (n - k) // s + 1, "rounds up"),
        ("ignores padding", lambda n, k, p, s: (n - k) // s + 1, "'same'"),
        ("np.ceil", lambda n, k, p, s: np.ceil(n / s) if p == "same" else (n - k) // s + 1, "a float"),
        ("text", lambda n, k, p, s: str(-(-n // s) if p == "same" else (n - k) // s + 1), "not a number"),
    ],
    "check_apply_dropout": [
        ("no scaling in training", lambda *a: _dropout(*a, train="unscaled"), "1 / (1 - rate)"),
        ("old-style: scaled at inference", lambda *a: _dropout(*a, train="unscaled", infer="scaled"),
         "1 / (1 - rate)"),
        ("divided by the rate", lambda *a: _dropout(*a, train="by rate"), "not by the rate"),
        ("mask flipped", lambda *a: _dropout(*a, train="mask flipped"), "keep is True"),
        ("drops at inference", lambda *a: _dropout(*a, infer="dropped"), "nothing is dropped"),
        ("scales at inference", lambda *a: _dropout(*a, infer="scaled"), "inverted"),
        ("list", lambda *a: _dropout(*a).tolist(), "not a NumPy array"),
        ("in place", _dropout_in_place, "in place"),
        ("no return", lambda *a: None, "return"),
    ],
    "check_compute_early_stop": [
        ("epochs from 0", lambda v, p: _early_stop(v, p, start=0), "count epochs from 1"),
        ("one epoch late", lambda v, p: _early_stop(v, p, late=1), "not one epoch later"),
        ("never stops", lambda v, p: _early_stop(v, p, stop_at_end=True), "count the epochs since"),
        ("best of the whole curve", lambda v, p: _early_stop(v, p, best_of_all=True), "cannot look at epochs"),
        ("a tie improves", lambda v, p: _early_stop(v, p, tie=True), "strictly lower"),
        ("last epoch as the best", lambda v, p: (_early_stop(v, p)[1],) * 2, "best epoch"),
        ("epochs as text", lambda v, p: tuple(str(e) for e in _early_stop(v, p)), "whole numbers"),
        ("fractional epochs", lambda v, p: tuple(e + 0.5 for e in _early_stop(v, p)), "whole numbers"),
        ("one number", lambda v, p: _early_stop(v, p)[1], "pair"),
        ("sorts val_losses in place", _early_stop_sorting_in_place, "in place"),
    ],
    "check_make_augmentation": [
        ("rotation in degrees", lambda **k: _augmentation(**k, degrees=True), "not degrees"),
        ("every layer always", lambda **k: _augmentation(**k, always=True), "leave the"),
        ("contrast on 0-255", lambda **k: _augmentation(**k, value_range=(0, 255)), "value_range=(0, 1)"),
        ("height translation only", lambda **k: _augmentation(**k, translation_width=False),
         "RandomTranslation(translation, translation)"),
        ("a Rescaling layer", lambda **k: _augmentation(**k, extra=[layers.Rescaling(1 / 255)]),
         "only the five random layers"),
        ("flip always horizontal", lambda **k: _augmentation(**k, flip_mode="horizontal"), "pass the mode"),
        ("no zoom", lambda **k: _augmentation(**{**k, "zoom": 0.0}), "no RandomZoom"),
        ("list of layers", lambda **k: _augmentation(**k, as_list=True), "keras.Sequential"),
        ("no return", lambda **k: None, "returned None"),
    ],
}

# Wrong solutions the checks accept on purpose (id: why), kept out of MUTANTS.
ACCEPTED = {
    "make_minibatches returning lists of ints instead of int arrays":
        "a list of ints indexes X[batch] exactly like an int array.",
    "intensity_histogram with np.histogram(image, bins=256, range=(0, 255))":
        "not a mistake for uint8 images: bin i of width 255/256 holds exactly the value i (255 lands in the "
        "closed last bin), so the counts equal np.bincount's.",
    "conv2d (Exercise 2) calling scipy.signal.correlate2d":
        "right values and no Python loops; the exercise asks for sliding_window_view, but the check can only "
        "judge the result and the loops.",
}

# Notebooks 09-10: their mutants live with their checks' tests (tests/test_transfer.py).
from test_transfer import TOP_K_MUTANTS, TRANSFER_MUTANTS, UNFREEZE_MUTANTS  # noqa: E402

for _check, _table in [("check_top_k", TOP_K_MUTANTS), ("check_make_transfer_model", TRANSFER_MUTANTS),
                       ("check_unfreeze_from", UNFREEZE_MUTANTS)]:
    MUTANTS[_check] = [(mutant_id, learner, keyword) for mutant_id, (learner, keyword) in _table.items()]

# Notebook 11: its mutants live with its checks' tests (tests/test_visualise.py).
from test_visualise import DRAWING_MUTANTS, OCCLUSION_MUTANTS, SALIENCY_MUTANTS  # noqa: E402

for _check, _table in [("check_compute_saliency", SALIENCY_MUTANTS), ("check_compute_occlusion", OCCLUSION_MUTANTS),
                       ("check_prepare_drawing", DRAWING_MUTANTS)]:
    MUTANTS[_check] = [(mutant_id, learner, keyword) for mutant_id, (learner, keyword) in _table.items()]

# Notebook 12: its mutants live with its checks' tests (tests/test_capstone.py).
from test_capstone import F1_MUTANTS, SAVE_MUTANTS, SPLIT_MUTANTS  # noqa: E402
from test_capstone import VALID as CAPSTONE_VALID  # noqa: E402

for _check, _table in [("check_split_train_validation", SPLIT_MUTANTS), ("check_compute_macro_f1", F1_MUTANTS),
                       ("check_save_and_reload", SAVE_MUTANTS)]:
    MUTANTS[_check] = [(mutant_id, learner, keyword) for mutant_id, (learner, keyword) in _table.items()]

# --- notebooks 08-12: wrong answers and right answers written differently, from learners' reports ------------

def _early_stop_no_reset(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch  # the counter is never reset
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stop_stop_at_best(val_losses, patience):
    best_epoch, stop = _early_stop(val_losses, patience)
    fired = any(_early_stop(val_losses[:n], patience)[1] < n for n in range(1, len(val_losses) + 1))
    return best_epoch, stop if fired else best_epoch


def _early_stop_none(val_losses, patience):
    best, best_epoch, waited, stop = float("inf"), 0, 0, None
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                stop = epoch
                break
    return best_epoch, stop


def _early_stop_argmin(val_losses, patience):
    best = int(np.argmin(val_losses)) + 1
    return best, min(best + patience, len(val_losses))


def _early_stop_while(val_losses, patience):
    epoch, best_epoch, since = 0, 1, 0
    while epoch < len(val_losses):
        if val_losses[epoch] < val_losses[best_epoch - 1] or epoch == 0:
            best_epoch, since = epoch + 1, 0
        else:
            since += 1
            if since >= patience:
                return best_epoch, epoch + 1
        epoch += 1
    return best_epoch, len(val_losses)


def _early_stop_vectorised(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    best_so_far = np.minimum.accumulate(losses)
    improved = np.r_[True, losses[1:] < best_so_far[:-1]]
    last_improvement = np.maximum.accumulate(np.where(improved, np.arange(len(losses)), 0))
    waited = np.arange(len(losses)) - last_improvement
    fired = np.flatnonzero(waited >= patience)
    stop = int(fired[0]) + 1 if len(fired) else len(losses)
    return int(last_improvement[stop - 1]) + 1, stop


def _dropout_flag_inverted(x, keep, rate, training):
    if not training:
        return x * keep / (1 - rate)
    return x


def _zoom_independent(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    pipeline = _augmentation(flip, rotation, translation, 0.0, contrast, as_list=True)
    if zoom:
        pipeline.append(layers.RandomZoom(zoom, zoom))
    return keras.Sequential(pipeline)


def _translation_one_factor(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    pipeline = _augmentation(flip, rotation, 0.0, zoom, contrast, as_list=True)
    if translation:
        pipeline.append(layers.RandomTranslation(translation))
    return keras.Sequential(pipeline)


def _contrast_one_number(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    pipeline = _augmentation(flip, rotation, translation, zoom, 0.0, as_list=True)
    if contrast:
        pipeline.append(layers.RandomContrast(contrast, value_range=(0, 1)))
    return keras.Sequential(pipeline)


def _augmentation_with_add(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    model = keras.Sequential(name="my_augmentation")
    for wanted, layer in [(flip is not None, lambda: layers.RandomFlip(flip)),
                          (rotation > 0, lambda: layers.RandomRotation(factor=(-rotation, rotation))),
                          (translation > 0, lambda: layers.RandomTranslation(height_factor=translation,
                                                                             width_factor=translation)),
                          (zoom > 0, lambda: layers.RandomZoom(height_factor=(-zoom, zoom))),
                          (contrast > 0, lambda: layers.RandomContrast([contrast, contrast], value_range=[0, 1]))]:
        if wanted:
            model.add(layer())
    return model


# -- 09 --

def _transfer(base, num_classes, style="functional", dropout=0.2, dropout_place="after", base_training=False,
              freeze="base", scaling=None, with_input=False):
    """make_transfer_model written several ways, with one switchable mistake."""
    if freeze == "base":
        base.trainable = False
    elif freeze == "layers":
        for layer in base.layers:
            layer.trainable = False
    head = ([layers.Dropout(dropout)] if dropout and dropout_place == "before" else []) + \
        [layers.GlobalAveragePooling2D()] + \
        ([layers.Dropout(dropout)] if dropout and dropout_place == "after" else []) + \
        [layers.Dense(num_classes, activation="softmax")]
    front = [layers.Rescaling(*scaling)] if scaling else []
    if style == "sequential":
        start = [keras.Input(shape=base.input.shape[1:])] if with_input else []
        return keras.Sequential(start + front + [base] + head)
    if style == "subclassed":
        return _TransferModel(base, front, head, base_training)
    inputs = keras.Input(shape=base.input.shape[1:])
    x = inputs
    for layer in front:
        x = layer(x)
    x = base(x, training=base_training)
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, x)


class _TransferModel(keras.Model):
    def __init__(self, base, front, head, base_training=False):
        super().__init__()
        self.base, self.front, self.head, self.base_training = base, front, head, base_training

    def call(self, x, training=None):
        for layer in self.front:
            x = layer(x)
        x = self.base(x, training=self.base_training)
        for layer in self.head:
            x = layer(x, training=training) if isinstance(layer, layers.Dropout) else layer(x)
        return x


def _top_k_sorted(probabilities, class_names, k=3):
    return sorted(zip(class_names, probabilities.tolist()), key=lambda pair: pair[1], reverse=True)[:k]


def _top_k_heapq(probabilities, class_names, k=3):
    import heapq

    return [(class_names[i], probabilities[i]) for i in heapq.nlargest(k, range(len(probabilities)),
                                                                        key=probabilities.__getitem__)]


def _top_k_argpartition(probabilities, class_names, k=3):
    best = np.argpartition(probabilities, -k)[-k:]
    best = best[np.argsort(probabilities[best])[::-1]]
    return tuple((class_names[i], probabilities[i]) for i in best)


def _unfreeze_with_flag(base, layer_name):
    base.trainable = True
    reached = False
    for layer in base.layers:
        reached = reached or layer.name == layer_name
        layer.trainable = reached and not isinstance(layer, layers.BatchNormalization)


def _unfreeze_by_get_layer(base, layer_name):
    base.trainable = True
    start = base.layers.index(base.get_layer(layer_name))
    for layer in base.layers[:start]:
        layer.trainable = False
    for layer in base.layers[start:]:
        layer.trainable = type(layer).__name__ != "BatchNormalization"


# -- 11 --

def _saliency_with_predict(model, image, class_index):
    import tensorflow as tf

    x = tf.convert_to_tensor(image[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = model.predict(x, verbose=0)[:, class_index]
    return np.abs(tape.gradient(score, x).numpy()[0]).max(axis=-1)


def _saliency_of(model, image, class_index, of="loss"):
    import tensorflow as tf

    x = tf.convert_to_tensor(image[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        if of == "loss":
            target = keras.losses.sparse_categorical_crossentropy(np.array([class_index]), scores, from_logits=True)
        else:
            target = tf.nn.softmax(scores)[:, class_index]
    return np.abs(tape.gradient(target, x).numpy()[0]).max(axis=-1)


def _saliency_variable(model, image, class_index):
    import tensorflow as tf

    x = tf.Variable(image[None].astype("float32"))
    with tf.GradientTape() as tape:
        score = tf.reduce_sum(model(x)[0, class_index])
    return tf.reduce_max(tf.abs(tape.gradient(score, x)), axis=-1)[0].numpy()


def _saliency_persistent_float64_result(model, image, class_index):
    import tensorflow as tf

    x = tf.constant(image[np.newaxis])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        scores = model(x, training=False)
        score = scores[0][class_index]
    gradient = np.array(tape.gradient(score, x))[0].astype(np.float64)
    return np.max(np.abs(gradient), axis=2)


def _occlusion_batched(model, image, class_index, patch_size, stride):
    rows = (image.shape[0] - patch_size) // stride + 1
    cols = (image.shape[1] - patch_size) // stride + 1
    batch = np.repeat(image[None], rows * cols + 1, axis=0)
    for n, (i, j) in enumerate(np.ndindex(rows, cols), start=1):
        batch[n, i * stride:i * stride + patch_size, j * stride:j * stride + patch_size] = image.mean()
    scores = np.asarray(model(batch, training=False))[:, class_index]
    return (scores[0] - scores[1:]).reshape(rows, cols)


def _occlusion_predict_loops(model, image, class_index, patch_size, stride):
    original = model.predict(image[np.newaxis], verbose=0)[0][class_index]
    result = []
    for top in range(0, image.shape[0] - patch_size + 1, stride):
        row = []
        for left in range(0, image.shape[1] - patch_size + 1, stride):
            copy = np.array(image)
            copy[top:top + patch_size, left:left + patch_size, :] = np.mean(image)
            row.append(original - model.predict(copy[np.newaxis], verbose=0)[0][class_index])
        result.append(row)
    return np.array(result)


def _drawing_with(crop_end=1, swap=False, shift_sign=1, out="uint8", resizer="skimage", shifter="roll"):
    """prepare_drawing written several ways (resize, shift), with one switchable mistake."""
    from scipy import ndimage

    def prepare(drawing):
        ink = drawing.astype(float) / 255
        rows, cols = np.nonzero(ink)
        if swap:
            rows, cols = cols, rows
        ink = ink[rows.min():rows.max() + crop_end, cols.min():cols.max() + crop_end]
        scale = 20 / max(ink.shape)
        size = (max(1, round(ink.shape[0] * scale)), max(1, round(ink.shape[1] * scale)))
        if resizer == "skimage":
            from skimage.transform import resize
            small = np.clip(resize(ink, size, order=1, anti_aliasing=True), 0, 1)
        elif resizer.startswith("pil"):
            from PIL import Image
            method = Image.BILINEAR if resizer == "pil-bilinear" else Image.LANCZOS
            small = np.asarray(Image.fromarray((ink * 255).astype(np.uint8)).resize(size[::-1], method),
                               dtype=float) / 255
        else:
            small = np.clip(ndimage.zoom(ink, (size[0] / ink.shape[0], size[1] / ink.shape[1]), order=1), 0, 1)
            small = small[:size[0], :size[1]]
            size = small.shape
        frame = np.zeros((28, 28))
        top, left = (28 - size[0]) // 2, (28 - size[1]) // 2
        frame[top:top + size[0], left:left + size[1]] = small
        r, c = ndimage.center_of_mass(frame)
        if shifter == "roll":
            frame = np.roll(frame, (shift_sign * round(14 - r), shift_sign * round(14 - c)), axis=(0, 1))
        else:
            frame = np.clip(ndimage.shift(frame, (14 - r, 14 - c), order=1), 0, 1)
        frame = np.rint(frame * 255)
        return frame.astype(np.uint8) if out == "uint8" else frame
    return prepare


# -- 12 --

def _split_no_shuffle(labels, fraction, seed):
    val = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = round(fraction * len(members))
        val.extend(members[:max(count, 1) if len(members) >= 2 else count])
    val = np.array(sorted(val))
    return np.setdiff1d(np.arange(len(labels)), val), val


def _split_unseeded(labels, fraction, seed):
    from test_capstone import _split

    return _split(labels, fraction, seed, rng=lambda: np.random.default_rng())


def _split_positions_within_class(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    val = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = round(fraction * len(members))
        count = max(count, 1) if len(members) >= 2 else count
        val.append(rng.permutation(len(members))[:count])  # positions within the class, not in labels
    val = np.concatenate(val)
    return np.setdiff1d(np.arange(len(labels)), val), val


def _split_equal_counts(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    classes = np.unique(labels)
    per_class = max(1, round(fraction * len(labels) / len(classes)))
    val = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in classes])
    return np.setdiff1d(np.arange(len(labels)), val), np.sort(val)


def _split_shuffle_copies(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in sorted(set(labels.tolist())):
        members = np.where(labels == label)[0].copy()
        rng.shuffle(members)
        count = int(np.round(fraction * len(members)))  # no fraction x count ends in .5 here
        if len(members) > 1 and count == 0:
            count = 1
        val += members[:count].tolist()
        train += members[count:].tolist()
    return np.array(train), np.array(val)


def _reload_with_pathlib(model, path):
    from pathlib import Path

    path = Path(path)
    model.save(path)
    reloaded = keras.models.load_model(path)
    return reloaded


def _f1_python_classes(confusion):
    scores = []
    for c in range(len(confusion)):
        tp = confusion[c][c]
        predicted = sum(confusion[r][c] for r in range(len(confusion)))
        actual = sum(confusion[c])
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        scores.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(scores) / len(scores)


from test_capstone import compute_macro_f1 as _f1_reference  # noqa: E402

_REPORTED_MUTANTS = {
    "check_compute_early_stop": [
        ("counter never reset", _early_stop_no_reset, "reset the counter"),
        ("stop at the best epoch when the rule never fires", _early_stop_stop_at_best, "len(val_losses)"),
        ("argmin over the whole curve", _early_stop_argmin, "cannot look at epochs"),
        ("stop_epoch None when the rule never fires", _early_stop_none, "stop_epoch is None"),
    ],
    "check_apply_dropout": [
        ("training flag inverted", _dropout_flag_inverted, "branches are swapped"),
    ],
    "check_make_augmentation": [
        ("zoom height and width independently", _zoom_independent, "independently"),
        ("RandomTranslation with one factor", _translation_one_factor, "RandomTranslation(translation, translation)"),
        ("RandomContrast with one number", _contrast_one_number, "(contrast, contrast)"),
    ],
    "check_make_transfer_model": [
        ("no Dropout", lambda b, n: _transfer(b, n, dropout=0), "no Dropout"),
        ("Dropout(0.5)", lambda b, n: _transfer(b, n, dropout=0.5), "Dropout(0.2)"),
        ("Dropout before the pooling", lambda b, n: _transfer(b, n, dropout_place="before"),
         "between GlobalAveragePooling2D and the Dense"),
        ("training=True on the frozen base", lambda b, n: _transfer(b, n, base_training=True), "training=True"),
        ("training=True in a subclassed model", lambda b, n: _transfer(b, n, style="subclassed", base_training=True),
         "training=True"),
        ("scaled x / 255 inside the model", lambda b, n: _transfer(b, n, scaling=(1 / 255,)), "x / 255"),
        ("Sequential without Dropout", lambda b, n: _transfer(b, n, style="sequential", dropout=0), "no Dropout"),
    ],
    "check_top_k": [
        ("(probability, name) pairs", lambda p, names, k=3: [(float(p[i]), names[i]) for i in np.argsort(-p)[:k]],
         "name first"),
        ("percentages", lambda p, names, k=3: [(names[i], float(100 * p[i])) for i in np.argsort(-p)[:k]],
         "percentage"),
        ("rounded to 2 decimals", lambda p, names, k=3: [(names[i], round(float(p[i]), 2))
                                                          for i in np.argsort(-p)[:k]], "not rounded"),
    ],
    "check_compute_saliency": [
        ("model.predict inside the tape", _saliency_with_predict, "model.predict"),
        ("saliency of the loss", lambda m, x, c: _saliency_of(m, x, c, "loss"), "not a loss"),
        ("saliency of the softmax probability", lambda m, x, c: _saliency_of(m, x, c, "softmax"), "not a probability"),
    ],
    "check_prepare_drawing": [
        ("floats 0-255, not uint8", _drawing_with(out="float"), "uint8"),
        ("crop drops the last row and column", _drawing_with(crop_end=0), "rows.max() + 1"),
        ("centre-of-mass shift reversed", _drawing_with(shift_sign=-1), "14 - centre"),
        ("rows and columns of np.nonzero swapped", _drawing_with(swap=True), "rows first"),
    ],
    "check_split_train_validation": [
        ("no shuffle", _split_no_shuffle, "shuffle each class"),
        ("default_rng() unseeded", _split_unseeded, "default_rng() with no argument"),
        ("positions within each class", _split_positions_within_class, "positions within"),
        ("equal counts per class", _split_equal_counts, "that class's count"),
    ],
    "check_compute_macro_f1": [
        ("percentage", lambda c: 100 * _f1_reference(c), "percentage"),
        ("rounded to 2 decimals", lambda c: round(_f1_reference(c), 2), "round"),
    ],
}

for _check, _mutants in _REPORTED_MUTANTS.items():
    MUTANTS[_check] = MUTANTS[_check] + _mutants

_MORE_VALID = {
    "check_apply_dropout": [lambda x, keep, rate, training: x * keep.astype(float) * (1 / (1 - rate)) if training
                            else np.array(x), lambda x, keep, rate, training: np.where(keep | (not training), x, 0)
                            / (1 - rate if training else 1)],
    "check_compute_early_stop": [_early_stop_while, _early_stop_vectorised],
    "check_make_augmentation": [lambda **k: keras.Sequential(_augmentation(**k, as_list=True)), _augmentation_with_add],
    "check_top_k": [_top_k_sorted, _top_k_heapq, _top_k_argpartition],
    "check_make_transfer_model": [
        lambda b, n: _transfer(b, n, style="sequential"),
        lambda b, n: _transfer(b, n, style="sequential", with_input=True),
        lambda b, n: _transfer(b, n, style="subclassed"),
        lambda b, n: _transfer(b, n, freeze="layers"),
        lambda b, n: _transfer(b, n, base_training=None),
        lambda b, n: _transfer(b, n, scaling=(1 / 128, -127 / 128)),
        lambda b, n: _transfer(b, n, style="sequential", freeze="layers", scaling=(1 / 128, -127 / 128)),
    ],
    "check_unfreeze_from": [_unfreeze_with_flag, _unfreeze_by_get_layer],
    "check_compute_saliency": [_saliency_variable, _saliency_persistent_float64_result],
    "check_compute_occlusion": [_occlusion_batched, _occlusion_predict_loops],
    "check_prepare_drawing": [_drawing_with(), _drawing_with(resizer="pil"), _drawing_with(resizer="pil-bilinear"),
                              _drawing_with(shifter="ndimage")],
    "check_split_train_validation": [_split_shuffle_copies],
    "check_compute_macro_f1": [_f1_python_classes],
    "check_save_and_reload": [_reload_with_pathlib],
}


MUTANT_CASES = [pytest.param(check_name, learner, keyword, id=f"{check_name}-{mutant_id}")
                for check_name, mutants in MUTANTS.items() for mutant_id, learner, keyword in mutants]


@pytest.mark.parametrize("check_name, learner, keyword", MUTANT_CASES)
def test_wrong_solution_gets_one_cross_with_a_pointed_hint(check_name, learner, keyword, capsys):
    result, line = verdict(check_name, learner, capsys)
    assert result is False and line.startswith("❌"), line
    assert keyword in line, line
    assert "could not check" not in line, line


def test_every_exercise_has_wrong_solutions():
    counts = {check_name: len(mutants) for check_name, mutants in MUTANTS.items()}
    assert min(counts.values()) >= 6, counts
    assert sum(counts.values()) >= 190


# --- misbehaving learners ----------------------------------------------------------------------------

def _nanify(value):
    """Replace every number in a result (arrays, dicts, lists, tuples) by NaN; anything else becomes NaN."""
    if isinstance(value, np.ndarray):
        return np.full(value.shape, np.nan)
    if isinstance(value, dict):
        return {key: _nanify(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_nanify(item) for item in value)
    return float("nan")


def _stringify(value):
    """Turn every number in a result into text, keeping arrays' shapes."""
    if isinstance(value, np.ndarray):
        return value.astype(str)
    if isinstance(value, dict):
        return {key: _stringify(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_stringify(item) for item in value)
    return str(value)


def _objectify(value):
    """Turn every array and number in a result into an array of Python objects, keeping shapes."""
    if isinstance(value, np.ndarray):
        return value.astype(object)
    if isinstance(value, dict):
        return {key: _objectify(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_objectify(item) for item in value)
    return np.array(value, dtype=object)


def _first_array(value):
    """Return the first array among a call's arguments (looking inside dicts), or None."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (dict, list, tuple)):
        for item in (value.values() if isinstance(value, dict) else value):
            found = _first_array(item)
            if found is not None:
                return found
    return None


def _mutating(reference):
    """Return a learner that answers right but changes its first array argument in place."""
    import copy

    def learner(*args, **kwargs):
        result = reference(*copy.deepcopy(args), **kwargs)
        _first_array(args).flat[0] += 1
        return result
    return learner


def _raising(*args, **kwargs):
    return 1 / 0


def _raising_in_a_helper(*args, **kwargs):
    return _helper_that_fails(args)


def _helper_that_fails(args):
    return {}["missing key"]


def _raising_multi_line(*args, **kwargs):
    raise ValueError("first line\nsecond line\n\nthird line")


def _recursing(*args, **kwargs):
    return _recursing(*args, **kwargs)


# (name, make(reference) -> learner, keyword its ❌ line must contain)
MISBEHAVING = [
    ("not a function", lambda ref: 42, "expected a function"),
    ("None instead of a function", lambda ref: None, "expected a function"),
    ("stub", lambda ref: unfinished_exercise, "not implemented yet"),
    ("raises", lambda ref: _raising, "raised ZeroDivisionError: division by zero at line"),
    ("raises in a helper", lambda ref: _raising_in_a_helper, "`return {}[\"missing key\"]`"),
    ("raises a multi-line message", lambda ref: _raising_multi_line, "raised ValueError: first line at line"),
    ("recurses forever", lambda ref: _recursing, "RecursionError"),
    ("takes no arguments", lambda ref: (lambda: None), "❌"),
    ("returns None", lambda ref: (lambda *a, **k: None), "None"),
    ("returns text", lambda ref: (lambda *a, **k: "42"), "❌"),
    ("returns a ragged list", lambda ref: (lambda *a, **k: [[1, 2], [3]]), "❌"),
    ("returns a dict", lambda ref: (lambda *a, **k: {"answer": 1}), "❌"),
    ("returns a generator", lambda ref: (lambda *a, **k: (i for i in range(3))), "❌"),
    ("returns a set", lambda ref: (lambda *a, **k: {1, 2}), "❌"),
    ("returns a complex number", lambda ref: (lambda *a, **k: 1 + 2j), "❌"),
    ("returns True", lambda ref: (lambda *a, **k: True), "❌"),
    ("returns an object", lambda ref: (lambda *a, **k: object()), "❌"),
    ("returns a function", lambda ref: (lambda *a, **k: ref), "❌"),
    ("NaN of the right shape", lambda ref: (lambda *a, **k: _nanify(ref(*a, **k))), "❌"),
    ("text of the right shape", lambda ref: (lambda *a, **k: _stringify(ref(*a, **k))), "❌"),
    ("objects of the right shape", lambda ref: (lambda *a, **k: _objectify(ref(*a, **k))), "❌"),
    ("changes its input in place", _mutating, "in place"),
]

NO_ARRAY_INPUTS = {"check_compute_conv_params", "check_compute_dense_params", "check_compute_output_size", "check_make_small_cnn",
                   "check_make_minibatches", "check_compute_early_stop", "check_make_augmentation", "check_make_transfer_model",
                   "check_save_and_reload"}

NEEDS_A_SOLUTION = {"returns a function", "NaN of the right shape", "text of the right shape",
                    "objects of the right shape", "changes its input in place"}

# Exercises whose job is to change a Keras model in place and return nothing (notebook 10's unfreeze_from):
# a learner returning None or altered return values is right there, and changing the input is the task.
CHANGES_ITS_INPUT = {"check_unfreeze_from"}
NO_RESULT_EXPECTED = {"returns None", "NaN of the right shape", "text of the right shape",
                      "objects of the right shape", "changes its input in place"}

# every exported check; those no notebook uses yet get the learners that need no reference solution
MISBEHAVING_CASES = [
    pytest.param(check_name, make, keyword, id=f"{check_name}-{name}")
    for check_name in ALL_CHECKS for name, make, keyword in MISBEHAVING
    if not (name == "changes its input in place" and check_name in NO_ARRAY_INPUTS)
    and (check_name in SOLUTION or name not in NEEDS_A_SOLUTION)
    and not (check_name in CHANGES_ITS_INPUT and name in NO_RESULT_EXPECTED)
]


@pytest.mark.parametrize("check_name, make, keyword", MISBEHAVING_CASES)
def test_misbehaving_learner_gets_one_cross_and_no_exception(check_name, make, keyword, capsys):
    result, line = verdict(check_name, make(SOLUTION.get(check_name)), capsys)
    assert result is False and line.startswith("❌"), line
    assert keyword in line, line
    assert "could not check" not in line, line


# --- right solutions written differently: a check must not be stricter than the exercise ----------------

def _shuffle_legacy_seed(image, seed=0):
    np.random.seed(seed)
    flat = image.reshape(-1, image.shape[-1]).copy()
    np.random.shuffle(flat)
    return flat.reshape(image.shape)


def _sgd_reshuffling_one_index_array(X, y, num_classes, learning_rate=0.1, batch_size=64, epochs=5, reg=0.0,
                                     seed=0):
    import labs

    rng = np.random.default_rng(seed)
    params = labs.linear.make_params(X.shape[1], num_classes, seed=seed)
    losses, indices = [], np.arange(len(X))
    for _ in range(epochs):
        rng.shuffle(indices)  # shuffles the previous order again: a new order every epoch
        for start in range(0, len(X), batch_size):
            batch = indices[start:start + batch_size]
            _, grads = labs.linear.compute_loss_and_gradients(params, X[batch], y[batch], reg)
            params = {name: params[name] - learning_rate * grads[name] for name in params}
            losses.append(labs.linear.compute_loss_and_gradients(params, X[batch], y[batch], reg)[0])  # after
    return params, losses


def _pca_by_zeroing(pca, X, k):
    codes = pca.transform(X)
    codes[:, k:] = 0
    return pca.inverse_transform(codes)


def _conv_shift_and_add(image, kernel):
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(kh):  # loops over the kernel only: the same few steps for any image size
        for j in range(kw):
            out += kernel[i, j] * image[i:i + out_h, j:j + out_w]
    return out


def _conv_with_labs_padding(image, kernel, padding="valid", stride=1):
    import labs

    image = labs.conv.pad_image(image, kernel.shape[:2], padding, stride)
    kh, kw = kernel.shape[:2]
    rows, cols = (image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1
    out = np.zeros((rows, cols, kernel.shape[3]))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.tensordot(image[i * stride:i * stride + kh, j * stride:j * stride + kw], kernel, axes=3)
    return out


def _functional_cnn():
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for filters, pool in [(32, True), (64, True), (64, False)]:
        x = layers.Conv2D(filters, 3, activation=keras.activations.relu)(x)
        x = layers.MaxPooling2D()(x) if pool else x
    x = layers.Dense(64, activation="relu")(layers.Flatten()(x))
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


VALID = {
    "check_invert": [lambda image: ~image, lambda image: np.subtract(255, image, dtype=np.uint8)],
    "check_to_greyscale": [lambda image: __import__("skimage.color").color.rgb2gray(image)],
    "check_intensity_histogram": [lambda image: np.histogram(image, bins=256, range=(0, 256))[0],
                                  lambda image: np.histogram(image, bins=256, range=(0, 255))[0]],
    "check_shuffle_pixels": [_shuffle_legacy_seed],
    "check_compute_l1_distance": [lambda a, b: np.abs(np.subtract(a, b, dtype=float)).sum(),
                                  lambda a, b: sum(abs(float(x) - float(y)) for x, y in zip(a.ravel(), b.ravel())),
                                  lambda a, b: np.add.reduce(np.abs(a.astype(float) - b), axis=None)],
    "check_compute_l2_distance": [lambda a, b: np.linalg.norm(a.astype(float) - b.astype(float)),
                                  lambda a, b: __import__("math").dist(a.ravel().tolist(), b.ravel().tolist()),
                                  lambda a, b: np.sqrt(np.dot(*[(a.astype(float) - b).ravel()] * 2))],
    "check_compute_distances_two_loops": [lambda a, b: _one_loop(a, b),
                                          lambda a, b: np.array([[np.linalg.norm(x - y) for y in b.astype(float)]
                                                                 for x in a.astype(float)])],
    "check_compute_distances_one_loop": [lambda a, b: _two_loops(a, b),
                                         lambda a, b: np.stack([np.linalg.norm(b.astype(float) - x, axis=1)
                                                                for x in a.astype(float)])],
    "check_compute_distances_no_loops": [
        lambda a, b: __import__("scipy.spatial").spatial.distance.cdist(a.astype(float), b.astype(float)),
        lambda a, b: np.sqrt(np.clip(np.einsum("ij,ij->i", a * 1.0, a * 1.0)[:, None] + np.einsum(
            "ij,ij->i", b * 1.0, b * 1.0) - 2 * np.einsum("ik,jk->ij", a * 1.0, b * 1.0), 0, None)),
        _no_loops_abs],
    "check_predict_labels": [_predict_vectorised, _predict_scipy_mode, _predict_lexsort],
    "check_softmax": [lambda s: __import__("scipy.special").special.softmax(s, axis=1)],
    "check_softmax_cross_entropy": [lambda s, y: _cross_entropy(s, y), lambda s, y: (
        np.mean(__import__("scipy.special").special.logsumexp(s, axis=1) - s[np.arange(len(s)), y]),
        _cross_entropy(s, y)[1])],
    "check_train_sgd": [_sgd_reshuffling_one_index_array],
    "check_reconstruct_with_pca": [_pca_by_zeroing,
                                   lambda pca, X, k: (X - pca.mean_) @ pca.components_[:k].T @ pca.components_[:k]
                                   + pca.mean_,
                                   lambda pca, X, k: pca.mean_ + np.einsum("nk,kd->nd", (X - pca.mean_) @ np.transpose(
                                       pca.components_[:k]), pca.components_[:k])],
    "check_compute_colour_histogram": [
        lambda image, bins: _histogram(image, bins=np.linspace(0, 256, bins + 1), range_=None),
        lambda image, bins: np.stack([np.bincount(image[..., c].ravel().astype(int) * bins // 256, minlength=bins)
                                      for c in range(3)]) / (image.shape[0] * image.shape[1]),
        lambda image, bins: np.array([np.histogram(image[..., c], bins, (0, 256), density=True)[0] * 256 / bins
                                      for c in range(3)])],
    "check_shift_images": [lambda images, dx, dy: np.roll(np.pad(images, [(0, 0)] * (images.ndim - 2) + [
        (abs(dy), abs(dy)), (abs(dx), abs(dx))]), (dy, dx), axis=(-2, -1))[..., abs(dy):abs(dy) + images.shape[-2],
                                                                         abs(dx):abs(dx) + images.shape[-1]],
                           _shift_by_padding],
    "check_stable_softmax": [lambda s: __import__("scipy.special").special.softmax(s, axis=1),
                             lambda s: np.exp(s - __import__("scipy.special").special.logsumexp(s, axis=1,
                                                                                               keepdims=True)),
                             lambda s: np.apply_along_axis(lambda r: np.exp(r - r.max()) / np.exp(r - r.max()).sum(),
                                                           1, s)],
    "check_compute_two_layer_loss": [lambda p, X, y: S["check_compute_two_layer_loss"](p, X, y),
                                     _two_layer_log_softmax, _two_layer_scipy],
    "check_make_minibatches": [lambda n, b, rng: [list(x) for x in _batches(n, b, rng)],
                          lambda n, b, rng: tuple(_batches(n, b, rng)),
                          lambda n, b, rng: np.array_split(rng.permutation(n), range(b, n, b))],
    "check_conv2d_loops": [_conv_shift_and_add],
    "check_conv2d_vectorized": [_conv_shift_and_add,
                                lambda image, kernel: __import__("scipy.signal").signal.correlate2d(image, kernel,
                                                                                                    "valid")],
    "check_conv2d": [_conv_with_labs_padding],
    "check_pool2d": [lambda fm, size=2: np.array(
        [[fm[i:i + size, j:j + size].max() for j in range(0, fm.shape[1] - size + 1, size)]
         for i in range(0, fm.shape[0] - size + 1, size)], dtype=float)],
    "check_make_small_cnn": [
        _functional_cnn, _cnn_separate,
        lambda: _cnn_separate(relu=lambda: layers.Activation("relu"), softmax=lambda: layers.Activation("softmax")),
        lambda: _cnn_separate(after_pool=True)],
    "check_compute_conv_params": [lambda kh, kw, c, f: np.int64((kh * kw * c + 1) * f),
                                  lambda kh, kw, c, f: kh * kw * c * f + f,
                                  lambda kh, kw, c, f: int(np.prod((kh, kw, c, f))) + f],
    "check_compute_dense_params": [lambda n, units: n * units + units,
                                   lambda n, units: int(np.int64(n + 1) * units)],
    "check_compute_output_size": [lambda n, k, p, s: __import__("math").ceil(n / s) if p == "same" else (n - k) // s + 1,
                                  lambda n, k, p, s: (n + s - 1) // s if p == "same" else (n - k + s) // s,
                                  lambda n, k, p, s: len(range(0, n, s)) if p == "same" else len(range(0, n - k + 1, s))],
    "check_apply_dropout": [lambda x, keep, rate, training: np.where(keep, x / (1 - rate), 0.0) if training
                            else x.copy()],
    "check_compute_early_stop": [lambda v, p: list(_early_stop(v, p))],
    "check_make_augmentation": [lambda **k: keras.Sequential(_augmentation(**k, as_list=True)[::-1])],
}

VALID.update(CAPSTONE_VALID)
for _check, _learners in _MORE_VALID.items():
    VALID[_check] = VALID.get(_check, []) + _learners

VALID_CASES = [pytest.param(check_name, learner, id=f"{check_name}-{number}")
               for check_name, learners in VALID.items() for number, learner in enumerate(learners, start=1)]


@pytest.mark.parametrize("check_name, learner", VALID_CASES)
def test_a_right_solution_written_differently_passes(check_name, learner, capsys):
    result, line = verdict(check_name, learner, capsys)
    assert result is True and line.startswith("✅"), line


def test_the_train_sgd_order_probe_tells_rows_apart():
    from labs.checks.linear import _order_probe

    _, _, row_losses = _order_probe()
    assert np.diff(np.sort(row_losses.ravel())).min() > 1e-5  # the drift of 36 steps at lr=1e-12 is ~1e-9
