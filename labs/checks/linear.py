"""Checks for notebook 03 (linear classifiers)."""

import numpy as np

from .. import linear as reference
from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check

__all__ = ["check_softmax", "check_softmax_cross_entropy", "check_train_sgd"]

STABILITY_HINT = "subtract each row's maximum score before np.exp, so exp never overflows (softmax does not change)."


def _score_cases():
    """Return fixed (scores, y) cases: small random scores and huge scores that overflow a naive exp."""
    rng = np.random.default_rng(8)
    small = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    huge = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0]]), np.array([1, 0])
    return [small, huge]


def _check_softmax(function):
    """Compare a learner's softmax with the reference, huge scores included."""
    for number, (scores, _) in enumerate(_score_cases()):
        got = call_learner(function, scores)
        compare_arrays(got, reference.softmax(scores), f"softmax of {scores.shape} scores"
                       + (" as large as 1000" if number else ""), atol=1e-9,
                       hint=STABILITY_HINT if number else "exp of each score divided by the sum over its row "
                                                          "(axis=1, keepdims=True).")
    return "rows sum to 1 and match the reference, even for scores of 1000."


def check_softmax(softmax):
    """Check the learner's ``softmax(scores)`` on (N, C) scores, including huge ones."""
    return run_check("softmax", softmax, _check_softmax)


def _unpack_pair(result, what):
    """Return the two parts of a (loss, gradient) result, or raise CheckFailed saying what came back."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = "None" if result is None else type(result).__name__
        raise CheckFailed(f"{what} should return two things (loss, dscores), got {got}.",
                          "end with `return loss, dscores`.")
    return result


def _check_cross_entropy(function):
    """Compare a learner's (loss, dscores) with the reference and with centred differences."""
    gradients = []
    for number, (scores, y) in enumerate(_score_cases()):
        loss, dscores = _unpack_pair(call_learner(function, scores, y), "softmax_cross_entropy")
        expected_loss, expected_grad = reference.softmax_cross_entropy(scores, y)
        what = f"the loss for {scores.shape} scores" + (" as large as 1000" if number else "")
        compare_values(loss, expected_loss, what, tol=1e-7, hint=STABILITY_HINT if number else
                       "the mean over the N rows of -log(probability of the true class).")
        gradients.append(compare_arrays(dscores, expected_grad, f"dscores for {scores.shape} scores", atol=1e-9,
                                        hint="dscores = (softmax(scores) - one_hot(y)) / N: subtract 1 at the "
                                             "true class, divide by the number of rows."))
    scores, y = _score_cases()[0]
    loss_only = lambda s: _unpack_pair(call_learner(function, s, y), "softmax_cross_entropy")[0]  # noqa: E731
    error = reference.gradient_check(loss_only, scores.copy(), gradients[0])
    return f"loss and gradient match the reference; numerical gradient check: relative error {error:.0e}."


def check_softmax_cross_entropy(softmax_cross_entropy):
    """Check the learner's ``softmax_cross_entropy(scores, y)`` -> (loss, dscores), stability included."""
    return run_check("softmax_cross_entropy", softmax_cross_entropy, _check_cross_entropy)


def _blobs(seed=0, num_per_class=30, num_classes=3, num_features=6):
    """Return separable synthetic data: X (N, D) around one centre per class, y (N,)."""
    rng = np.random.default_rng(seed)
    centres = 3.0 * rng.normal(size=(num_classes, num_features))
    y = np.repeat(np.arange(num_classes), num_per_class)
    return centres[y] + rng.normal(size=(len(y), num_features)), y


def _unpack_training(result):
    """Return (params, losses) from a learner's train_sgd result, or raise CheckFailed."""
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[0], dict):
        got = "None" if result is None else type(result).__name__
        raise CheckFailed(f"train_sgd should return (params, losses) with params a dict, got {got}.",
                          "end with `return params, np.array(losses)`.")
    return result[0], np.asarray(result[1], dtype=float).ravel()


def _check_training(function):
    """One full-batch step equals the reference; the history has one loss per step; the loss falls."""
    X, y = _blobs()
    params, _ = _unpack_training(call_learner(function, X, y, 3, lr=0.5, batch_size=len(X), num_epochs=1, seed=0))
    start = reference.make_params(X.shape[1], 3, seed=0)
    _, grads = reference.compute_loss_and_gradients(start, X, y)
    for name in ("W", "b"):
        compare_arrays(params.get(name), start[name] - 0.5 * grads[name],
                       f"params[{name!r}] after one full-batch step", atol=1e-9,
                       hint="update both W and b with params[name] -= lr * grads[name] (minus: go downhill).")
    params, losses = _unpack_training(call_learner(function, X, y, 3, lr=0.5, batch_size=16, num_epochs=3, seed=0))
    steps = 3 * -(-len(X) // 16)
    if len(losses) != steps:
        raise CheckFailed(f"losses has {len(losses)} entries; 3 epochs of batches of 16 from {len(X)} rows "
                          f"make {steps} steps.",
                          "append one loss per update; the last batch of an epoch may be smaller.")
    accuracy = np.mean(reference.predict_linear(params, X) == y)
    if not (losses[-3:].mean() < 0.5 * losses[:3].mean() and accuracy >= 0.9):
        raise CheckFailed(f"the loss went from {losses[0]:.3f} to {losses[-1]:.3f} and training accuracy is "
                          f"{accuracy:.2f}; on this easy data it should fall well below half and reach 0.9.",
                          "shuffle once per epoch, take the rows of each batch, compute their loss and "
                          "gradients, then step.")
    return f"one step matches the reference, {steps} losses recorded, loss {losses[0]:.2f} → {losses[-1]:.2f}."


def check_train_sgd(train_sgd):
    """Check the learner's ``train_sgd(X, y, num_classes, lr, batch_size, num_epochs, seed)`` on easy data."""
    return run_check("train_sgd", train_sgd, _check_training)
