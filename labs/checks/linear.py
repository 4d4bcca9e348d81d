"""Checks for notebook 03 (linear classifiers)."""

import inspect

import numpy as np

from .. import activations, gradcheck
from .. import linear as reference
from .core import CheckFailed, call_learner, compare_arrays, compare_values, learner_array, learner_number, run_check

__all__ = ["check_softmax", "check_softmax_cross_entropy", "check_train_sgd"]

STABILITY_HINT = "subtract each row's maximum score before np.exp, so exp never overflows (softmax does not change)."
LOG_SUM_EXP_HINT = ("take the log without forming tiny probabilities: log_probs = shifted - "
                    "np.log(np.exp(shifted).sum(axis=1, keepdims=True)); a probability of exp(-2000) is 0, "
                    "and log(0) is -inf.")
KEEPDIMS_HINT = ("keep the summed axis: s.sum(axis=1, keepdims=True) has shape (N, 1), so each row is divided by "
                 "its own sum (the same for s.max).")
RAISED_HINTS = {"could not be broadcast": KEEPDIMS_HINT}


def _score_cases():
    """Return fixed (scores, y) cases: small random scores, and huge scores that overflow a naive exp.

    The huge case is square (a missing keepdims broadcasts silently) and has a row far below the
    largest score of the whole array (shifting by the global maximum underflows it to 0 / 0).
    """
    rng = np.random.default_rng(8)
    small = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    huge = (np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0], [-1000.0, -1001.0, -999.0]]),
            np.array([1, 0, 2]))
    return [small, huge]


def softmax_mistakes(scores):
    """Return (candidate, hint) pairs of the usual wrong softmax outputs for ``scores`` (N, C)."""
    def softmax_with(shift, total):
        e = np.exp(scores - shift)
        return e / total(e)
    row_max = scores.max(axis=1, keepdims=True)
    return [
        (lambda _: softmax_with(scores.max(), lambda e: e.sum(axis=1, keepdims=True)),
         "subtract each row's own maximum (scores.max(axis=1, keepdims=True)), not the maximum of the whole "
         "array: a row far below it underflows to 0 / 0."),
        (lambda _: softmax_with(row_max, lambda e: e.sum(axis=1)), KEEPDIMS_HINT),
        (lambda _: softmax_with(scores.max(axis=1), lambda e: e.sum(axis=1, keepdims=True)), KEEPDIMS_HINT),
        (lambda got: np.allclose(got.sum(axis=0), 1) and not np.allclose(got.sum(axis=1), 1),
         "normalise each row (axis=1): each row's probabilities sum to 1, not each column's."),
        (lambda got: np.isclose(got.sum(), 1) and len(got) > 1,
         "divide each row by its own sum (axis=1, keepdims=True), not by the sum of everything."),
    ]


def _check_softmax(function):
    """Compare a learner's softmax with the reference, huge scores included."""
    for number, (scores, _) in enumerate(_score_cases()):
        got = call_learner(function, scores)
        compare_arrays(got, activations.softmax(scores), f"softmax of {scores.shape} scores"
                       + (" as large as 1000" if number else ""), atol=1e-9, mistakes=softmax_mistakes(scores),
                       hint=STABILITY_HINT if number else "exp of each score divided by the sum over its row "
                                                          "(axis=1, keepdims=True).")
    return "rows sum to 1 and match the reference, even for scores of 1000."


def check_softmax(softmax):
    """Check the learner's ``softmax(scores)`` on (N, C) scores, including huge ones."""
    return run_check("softmax", softmax, _check_softmax, raised_hints=RAISED_HINTS)


def _unpack_pair(result, what):
    """Return the two parts of a (loss, gradient) result, or raise CheckFailed saying what came back."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = "None" if result is None else type(result).__name__
        if isinstance(result, (tuple, list)):
            got += f" of length {len(result)}"
        raise CheckFailed(f"{what} should return two things (loss, dscores), got {got}.",
                          "end with `return loss, dscores`.")
    first, second = result
    if isinstance(first, np.ndarray) and first.ndim == 2 and np.ndim(second) == 0:
        raise CheckFailed(f"{what} returned (dscores, loss): the loss comes first.", "end with `return loss, dscores`.")
    return result


def _check_cross_entropy(function):
    """Compare a learner's (loss, dscores) with the reference and with centred differences."""
    gradients = []
    for number, (scores, y) in enumerate(_score_cases()):
        loss, dscores = _unpack_pair(call_learner(function, scores, y), "softmax_cross_entropy")
        expected_loss, expected_grad = reference.softmax_cross_entropy(scores, y)
        n = len(scores)
        what = f"the loss for {scores.shape} scores" + (" as large as 1000" if number else "")
        stable_softmax = isinstance(dscores, np.ndarray) and dscores.dtype.kind == "f" and np.all(np.isfinite(dscores))
        overflow_hint = (LOG_SUM_EXP_HINT if np.isposinf(learner_number(loss, what)) and stable_softmax
                         else STABILITY_HINT)
        compare_values(loss, expected_loss, what, tol=1e-7, hint=overflow_hint if number else
                       "the mean over the N rows of -log(probability of the true class).",
                       mistakes=[(n * expected_loss, "take the mean over the N rows, not the sum."),
                                 (-expected_loss, "the loss is -log(p): don't forget the minus sign."),
                                 (expected_loss / np.log(2), "use the natural logarithm np.log, not np.log2."),
                                 (expected_loss / np.log(10), "use the natural logarithm np.log, not np.log10.")])
        probs = activations.softmax(scores)
        gradients.append(compare_arrays(
            dscores, expected_grad, f"dscores for {scores.shape} scores", atol=1e-9,
            mistakes=[(n * expected_grad, "divide by N, the number of rows: the loss is a mean."),
                      (probs / n, "subtract 1 at the true class: dscores = (softmax(scores) - one_hot(y)) / N."),
                      (-expected_grad, "mind the sign: dscores = (softmax(scores) - one_hot(y)) / N."),
                      (expected_grad.T, "dscores has the shape of scores, (N, C).")],
            hint="dscores = (softmax(scores) - one_hot(y)) / N: subtract 1 at the true class, divide by the "
                 "number of rows."))
    scores, y = _score_cases()[0]
    loss_only = lambda s: _unpack_pair(call_learner(function, s, y), "softmax_cross_entropy")[0]  # noqa: E731
    try:
        error = gradcheck.gradient_check(loss_only, scores.copy(), gradients[0])
    except (TypeError, ValueError):  # a loss that is not a plain number on nudged scores
        raise CheckFailed("the numerical gradient check could not evaluate your loss on slightly changed scores.",
                          "return the loss as a plain number (a float).") from None
    return f"loss and gradient match the reference; numerical gradient check: relative error {error:.0e}."


def check_softmax_cross_entropy(softmax_cross_entropy):
    """Check the learner's ``softmax_cross_entropy(scores, y)`` -> (loss, dscores), stability included."""
    return run_check("softmax_cross_entropy", softmax_cross_entropy, _check_cross_entropy,
                     raised_hints=RAISED_HINTS)


# --- train_sgd -----------------------------------------------------------------------------------

def _blobs(seed=0, num_per_class=30, num_classes=3, num_features=6):
    """Return separable synthetic data: X (N, D) around one centre per class, y (N,)."""
    rng = np.random.default_rng(seed)
    centres = 3.0 * rng.normal(size=(num_classes, num_features))
    y = np.repeat(np.arange(num_classes), num_per_class)
    return centres[y] + rng.normal(size=(len(y), num_features)), y


def _order_probe():
    """Return 12 rows whose single-row losses at the starting weights all differ: a loss names its row."""
    rng = np.random.default_rng(21)
    X = 40.0 * rng.normal(size=(12, 4))
    y = np.arange(12) % 3
    params = reference.make_params(4, 3, seed=0)
    scores = X @ params["W"].T + params["b"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    row_losses = np.log(np.exp(shifted).sum(axis=1, keepdims=True)) - shifted  # (row, label) -> loss
    return X, y, row_losses


def _unpack_training(result, num_classes, num_features):
    """Return (params, losses) from a learner's train_sgd result, or raise CheckFailed saying what is wrong."""
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[0], dict):
        got = "None" if result is None else type(result).__name__
        if isinstance(result, (tuple, list)):
            got += " of " + ", ".join(type(item).__name__ for item in result[:3])
        raise CheckFailed(f"train_sgd should return (params, losses) with params a dict, got {got}.",
                          "end with `return params, np.array(losses)`.")
    params, losses = result
    for name, shape in (("W", (num_classes, num_features)), ("b", (num_classes,))):
        if name not in params:
            raise CheckFailed(f"params has no {name!r} (keys {sorted(map(str, params))}).",
                              "keep the dict from make_params and update its 'W' and 'b' entries.")
        value = learner_array(params[name], f"params[{name!r}]")
        if value.shape != shape:
            raise CheckFailed(f"params[{name!r}] has shape {value.shape}, expected {shape}.",
                              "W is (num_classes, num_features), one row per class: keep make_params' shapes.")
    if isinstance(losses, (str, bytes, dict)) or losses is None:
        raise CheckFailed(f"losses should be one number per step, got {type(losses).__name__}.",
                          "append each batch's loss to a list and return np.array(losses).")
    try:
        losses = np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed("losses should be one number per step, but it holds other things (e.g. (loss, grads) "
                          "pairs).", "append only the loss: `loss, grads = ...; losses.append(loss)`.") from None
    if losses.ndim != 1:
        raise CheckFailed(f"losses should be a flat list, one number per step; it has shape {losses.shape}.",
                          "append each batch's loss (a number) to a list and return np.array(losses).")
    return params, losses


def _train(function, X, y, num_classes=3, **kwargs):
    """Run the learner's train_sgd and return its checked (params, losses).

    A train_sgd written from last release's notebook takes lr= and num_epochs=: it is called with those.
    """
    try:
        names = set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = set()
    if {"lr", "num_epochs"} <= names and not {"learning_rate", "epochs"} & names:
        old_name = {new: old for old, new in reference.RENAMED_ARGUMENTS.items()}
        kwargs = {old_name.get(key, key): value for key, value in kwargs.items()}
    result = call_learner(function, X, y, num_classes, seed=0, **kwargs)
    return _unpack_training(result, num_classes, X.shape[1])


def _check_step(function, X, y, reg):
    """One full-batch step (with or without reg) must equal the reference step."""
    start = reference.make_params(X.shape[1], 3, seed=0)
    _, grads = reference.compute_loss_and_gradients(start, X, y, reg)
    _, grads_without_reg = reference.compute_loss_and_gradients(start, X, y)
    order = np.random.default_rng(0).permutation(len(X))  # the scaffold's rng, if it draws one permutation
    _, grads_mismatched = reference.compute_loss_and_gradients(start, X[order], y, reg)
    kwargs = {"reg": reg} if reg else {}
    params, _ = _train(function, X, y, learning_rate=0.5, batch_size=len(X), epochs=1, **kwargs)
    for name in ("W", "b"):
        step = 0.5 * grads[name]
        mistakes = [(start[name] + step, "step downhill: params[name] -= learning_rate * grads[name] (minus, not plus)."),
                    (start[name] - grads[name], "multiply the gradient by the learning rate before the step."),
                    (start[name], f"update params[{name!r}] too: params[name] -= learning_rate * grads[name]."),
                    (start[name] - 0.5 * grads_mismatched[name],
                     "index X and y with the same batch of indices: X[batch], y[batch].")]
        if reg:
            mistakes.insert(0, (start[name] - 0.5 * grads_without_reg[name],
                                "pass reg on: compute_loss_and_gradients(params, X[batch], y[batch], reg)."))
        compare_arrays(params[name], start[name] - step,
                       f"params[{name!r}] after one full-batch step" + (f" with reg={reg}" if reg else ""),
                       atol=1e-9, mistakes=mistakes,
                       hint="update both W and b with params[name] -= learning_rate * grads[name] (minus: go downhill); with "
                            "batch_size = N one step sees every row each once: order = rng.permutation(len(X)), "
                            "batch = order[start:start + batch_size], X[batch] and y[batch].")


def _check_order(function):
    """With batch_size=1 and a tiny learning rate each loss names its row: every epoch must visit all rows in a new order."""
    X, y, row_losses = _order_probe()
    epochs, num_rows = 3, len(X)
    _, losses = _train(function, X, y, learning_rate=1e-12, batch_size=1, epochs=epochs)
    if len(losses) != epochs * num_rows:
        raise CheckFailed(f"losses has {len(losses)} entries; {epochs} epochs of batches of 1 from {num_rows} "
                          f"rows make {epochs * num_rows} steps.", "append one loss per update.")
    gaps = np.diff(np.sort(row_losses.ravel()))
    tolerance = gaps.min() / 4
    distance = np.abs(losses[:, None, None] - row_losses[None])  # (step, row, label)
    best = distance.reshape(len(losses), -1).argmin(axis=1)
    rows, labels = np.unravel_index(best, row_losses.shape)
    if not np.all(distance.reshape(len(losses), -1).min(axis=1) <= tolerance):
        raise CheckFailed("with batch_size=1 the losses are not the losses of single rows.",
                          "take the rows of each batch: X[batch] and y[batch], with batch = order[start:start + "
                          "batch_size].")
    if np.any(labels != y[rows]):
        raise CheckFailed("with batch_size=1 some losses pair a row of X with the label of another row.",
                          "index X and y with the same batch of indices: X[batch], y[batch].")
    orders = rows.reshape(epochs, num_rows)
    for epoch, order in enumerate(orders, start=1):
        if not np.array_equal(np.sort(order), np.arange(num_rows)):
            raise CheckFailed(f"epoch {epoch} does not visit each of the {num_rows} rows exactly once.",
                              "shuffle with order = rng.permutation(len(X)) and step through it in slices.")
    if np.array_equal(orders[0], np.arange(num_rows)):
        raise CheckFailed("the rows come in order 0, 1, 2, ...: nothing is shuffled.",
                          "start each epoch with order = rng.permutation(len(X)).")
    if any(np.array_equal(orders[0], order) for order in orders[1:]):
        raise CheckFailed("every epoch visits the rows in the same order: they are shuffled only once.",
                          "draw a new order = rng.permutation(len(X)) at the start of every epoch, inside the "
                          "epoch loop, from the one rng made before it.")


def _check_training(function):
    """Full-batch steps equal the reference; batches follow a new order each epoch; the loss falls."""
    X, y = _blobs()
    _check_step(function, X, y, reg=0.0)
    _check_step(function, X, y, reg=0.1)
    params, losses = _train(function, X, y, learning_rate=0.5, batch_size=16, epochs=3)
    steps = 3 * -(-len(X) // 16)
    if len(losses) != steps:
        raise CheckFailed(f"losses has {len(losses)} entries; 3 epochs of batches of 16 from {len(X)} rows "
                          f"make {steps} steps.",
                          "append one loss per update; the last batch of an epoch may be smaller.")
    _check_order(function)
    W, b = np.asarray(params["W"], dtype=float), np.asarray(params["b"], dtype=float)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b)) and np.all(np.isfinite(losses))):
        raise CheckFailed("after 3 epochs the parameters or losses contain NaN or infinity.",
                          "step with params[name] -= learning_rate * grads[name] on each batch's gradients.")
    accuracy = np.mean(np.argmax(X @ W.T + b, axis=1) == y)
    if not (losses[-3:].mean() < 0.5 * losses[:3].mean() and accuracy >= 0.9):
        raise CheckFailed(f"the loss went from {losses[0]:.3f} to {losses[-1]:.3f} and training accuracy is "
                          f"{accuracy:.2f}; on this easy data it should fall well below half and reach 0.9.",
                          "shuffle once per epoch, take the rows of each batch, compute their loss and "
                          "gradients, then step.")
    return f"one step matches the reference, {steps} losses recorded, loss {losses[0]:.2f} → {losses[-1]:.2f}."


def check_train_sgd(train_sgd):
    """Check the learner's ``train_sgd(X, y, num_classes, learning_rate, batch_size, epochs, reg, seed)`` on easy data."""
    return run_check("train_sgd", train_sgd, _check_training)
