"""Checks for notebook 05 (neural networks): softmax, the two-layer network's loss and gradients, mini-batches."""

import inspect

import numpy as np

from .. import activations
from .. import nn as reference
from .core import (RETURN_HINT, CheckFailed, describe_result, call_learner, compare_arrays, compare_values,
                   learner_number, run_check)
from .linear import RAISED_HINTS, softmax_mistakes

__all__ = ["check_stable_softmax", "check_compute_two_layer_loss", "check_make_minibatches"]


def check_stable_softmax(softmax):
    """Check the learner's ``softmax(scores)`` (rows of scores -> rows of probabilities)."""
    def test(function):
        rng = np.random.default_rng(5)
        # the huge case is square (a missing keepdims broadcasts silently) and has rows far below the
        # largest score of the whole array (shifting by the global maximum underflows them to 0 / 0)
        cases = [rng.normal(size=(4, 3)), np.array([[1.0, 2.0, 3.0]]),
                 np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -999.0], [-1000.0, -1001.0, -1002.0]])]
        for scores in cases:
            got = call_learner(function, scores)
            hint = ("subtract each row's maximum before np.exp: exp(1000) overflows to infinity."
                    if np.abs(scores).max() > 100 else
                    "exponentiate, then divide each row by its own sum (axis=1, keepdims=True).")
            compare_arrays(got, activations.softmax(scores), f"softmax of scores {scores.shape}", atol=1e-8, hint=hint,
                           mistakes=softmax_mistakes(scores))
        return f"rows sum to 1 and match the reference on {len(cases)} cases, even for scores of 1000."
    return run_check("softmax", softmax, test, raised_hints=RAISED_HINTS)


def _network_case():
    """Return a small fixed problem: params, X (6, 4), y (6,) for a 4-5-3 network."""
    rng = np.random.default_rng(7)
    params = reference.make_two_layer_params(4, 5, 3, seed=3)
    params["b1"] = 0.1 * rng.normal(size=5)
    params["b2"] = 0.1 * rng.normal(size=3)
    return params, rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)


ALIAS_HINT = ("a loss of NaN or inf means np.log got a number <= 0: did probs change before the loss was taken? "
              "`dscores = probs` makes dscores a second name for the same array, so subtracting 1 from dscores "
              "changes probs too: write dscores = probs.copy().")
OVERFLOW_HINT = ("subtract each row's maximum score before np.exp (scores - scores.max(axis=1, keepdims=True)): "
                 "with scores near 1000, np.exp overflows to inf and inf / inf is NaN.")


def _loss_and_grads(function, params, X, y, large):
    """Call the learner; return (loss, grads) once the result is a pair and the loss is a number, else CheckFailed."""
    result = call_learner(function, params, X, y)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailed(f"expected a tuple (loss, grads), got {describe_result(result)}.",
                          "end with `return loss, grads`.")
    loss, grads = result
    what = "the loss for scores near 1000" if large else "the loss"
    if not np.isfinite(learner_number(loss, what)):
        raise CheckFailed(f"{what} is {float(loss)}.", OVERFLOW_HINT if large else ALIAS_HINT)
    return loss, grads


def _hidden_mistakes(params, X, y):
    """Return (loss, hint) pairs of the losses another hidden activation gives."""
    return [(reference.compute_two_layer_loss(params, X, y, activation=name)[0],
             f"use a ReLU hidden layer, hidden = np.maximum(z1, 0), not a {name}.") for name in ("sigmoid", "tanh")]


def check_compute_two_layer_loss(compute_two_layer_loss):
    """Check the learner's ``compute_two_layer_loss(params, X, y)`` -> (loss, grads), with a gradient check."""
    def test(function):
        params, X, y = _network_case()
        loss, grads = _loss_and_grads(function, params, X, y, large=False)
        expected_loss, expected_grads = reference.compute_two_layer_loss(params, X, y)
        n = len(X)
        compare_values(loss, expected_loss, "the loss", tol=1e-6,
                       mistakes=[(n * expected_loss, "take the mean over the samples, not the sum."),
                                 (-expected_loss, "the loss is -log(p): don't forget the minus sign.")]
                       + _hidden_mistakes(params, X, y),
                       hint="mean over samples of -log(probability of the true class), probabilities by softmax.")
        if not isinstance(grads, dict) or set(grads) != set(reference.PARAM_NAMES):
            keys = f" with keys {sorted(map(str, grads))}" if isinstance(grads, dict) else ""
            raise CheckFailed(f"grads should be a dict with keys {reference.PARAM_NAMES}, "
                              f"got {type(grads).__name__}{keys}.",
                              "one gradient per parameter, same shape as the parameter.")
        try:  # the learner's own gradients against central differences of the learner's own loss
            errors = reference.compute_gradient_errors(params, X, y, loss_fn=lambda p, X, y: function(p, X, y))
            errors = {name: float(errors[name]) for name in reference.PARAM_NAMES}
        except Exception:  # wrong shapes and the like: the comparisons below explain them
            errors = {name: float("nan") for name in reference.PARAM_NAMES}
        for name in ("b2", "W2", "b1", "W1"):  # the order backpropagation computes them
            expected = expected_grads[name]
            mistakes = [(n * expected, "divide dscores by N: the loss is a mean over the samples."),
                        (lambda got: got.shape == (n,), f"sum over the samples (axis=0): grads[{name!r}] has the "
                                                        f"shape of params[{name!r}], {expected.shape}.")]
            if expected.ndim == 2:
                mistakes.append((expected.T, f"grads[{name!r}] has the shape of params[{name!r}], {expected.shape}: "
                                             "yours is transposed."))
            compare_arrays(grads[name], expected, f"grads[{name!r}]", atol=1e-7, mistakes=mistakes,
                           hint=f"numerical gradient check for {name}: relative error {errors[name]:.1e} "
                                "(should be below 1e-6). " + _GRAD_HINTS[name])
        large = {**params, "b2": params["b2"] + 1000.0}  # every score near 1000: the same softmax, loss and grads
        loss, grads = _loss_and_grads(function, large, X, y, large=True)
        compare_values(loss, expected_loss, "the loss for scores near 1000", tol=1e-6, hint=OVERFLOW_HINT)
        for name in ("b2", "W2", "b1", "W1"):
            got = grads.get(name) if isinstance(grads, dict) else None
            compare_arrays(got, expected_grads[name], f"grads[{name!r}] for scores near 1000", atol=1e-7,
                           hint=OVERFLOW_HINT)
        worst = max(errors.values())
        verdict = ("every relative error below 1e-6, backprop is right" if worst < 1e-6
                   else f"largest relative error {worst:.1e}, above 1e-6: look at rounding or float32")
        return (f"loss and the 4 gradients match the reference, for scores near 1000 too; numerical gradient "
                f"check: {verdict}.")
    return run_check("compute_two_layer_loss", compute_two_layer_loss, test)


_GRAD_HINTS = {
    "b2": "dscores = (probs - one_hot(y)) / N; grads['b2'] sums it over the samples.",
    "W2": "grads['W2'] = hidden.T @ dscores, where hidden is the ReLU output.",
    "b1": "dhidden = dscores @ W2.T, zeroed where z1 <= 0 (ReLU); grads['b1'] sums it over the samples.",
    "W1": "grads['W1'] = X.T @ dz1, where dz1 is dhidden zeroed where z1 <= 0.",
}

SLICE_HINT = "shuffle with order = rng.permutation(num_samples), then slice: order[start:start + batch_size]."


def _learner_batches(function, num_samples, batch_size, seed):
    """Call make_minibatches and return its batches as 1-D int arrays, or raise CheckFailed saying what is wrong."""
    what = f"make_minibatches({num_samples}, {batch_size}, rng)"
    result = call_learner(function, num_samples, batch_size, np.random.default_rng(seed))
    if result is None:
        raise CheckFailed(f"{what} returned None.", RETURN_HINT)
    if not isinstance(result, (list, tuple)):
        hint = ("return a list: build it with a list comprehension instead of `yield`." if inspect.isgenerator(result)
                else "return a list of 1-D index arrays; the last one may be shorter." if isinstance(result, np.ndarray)
                else SLICE_HINT)
        raise CheckFailed(f"{what} returned {describe_result(result)}; expected a list of index arrays.", hint)
    batches = []
    for number, batch in enumerate(result):
        name = f"{what}: batch {number}"
        if batch is None or isinstance(batch, (str, bytes, dict, set)):
            raise CheckFailed(f"{name} is {describe_result(batch)}, not an array of indices.", SLICE_HINT)
        try:
            array = np.asarray(batch)
        except (TypeError, ValueError):
            raise CheckFailed(f"{name} is {describe_result(batch)}, not an array of indices.", SLICE_HINT) from None
        if array.ndim == 0:
            raise CheckFailed(f"{name} is the single number {batch!r}, not an array of indices.",
                              "range(0, num_samples, batch_size) gives the start of each batch; the batch itself "
                              "is the slice order[start:start + batch_size].")
        if array.ndim != 1 or array.size == 0:
            raise CheckFailed(f"{name} has shape {array.shape}; each batch is a non-empty 1-D array of indices.",
                              SLICE_HINT)
        if array.dtype.kind not in "iu":
            raise CheckFailed(f"{name} holds {array.dtype} values; indices must be integers.",
                              "rng.permutation(num_samples) gives integers: slice it rather than computing "
                              "positions with / or np.linspace.")
        batches.append(array)
    return what, batches


def check_make_minibatches(make_minibatches):
    """Check the learner's ``make_minibatches(num_samples, batch_size, rng)``: shuffled, complete, sized."""
    def test(function):
        for num_samples, batch_size in [(100, 32), (64, 16), (10, 20)]:
            what, batches = _learner_batches(function, num_samples, batch_size, 0)
            expected_count = -(-num_samples // batch_size)
            if len(batches) != expected_count:
                raise CheckFailed(f"{what} gave {len(batches)} batches, expected {expected_count}.",
                                  "step through the shuffled indices in slices of batch_size; keep the short last one.")
            sizes = [len(b) for b in batches]
            if any(s != batch_size for s in sizes[:-1]) or sizes[-1] > batch_size:
                raise CheckFailed(f"{what} gave batch sizes {sizes}; all but the last must be {batch_size}.",
                                  SLICE_HINT)
            everything = np.sort(np.concatenate(batches))
            if not np.array_equal(everything, np.arange(num_samples)):
                raise CheckFailed(f"{what}: the batches together do not hold each index 0..{num_samples - 1} "
                                  "exactly once.", "shuffle with rng.permutation(num_samples), then slice.")
        first_batches = _learner_batches(function, 100, 32, 0)[1]
        first = np.concatenate(first_batches)
        if np.array_equal(first, np.arange(100)):
            raise CheckFailed("the indices come out in order 0, 1, 2, ...: nothing is shuffled.",
                              "use rng.permutation(num_samples) so every epoch sees a new order.")
        if all(np.array_equal(np.sort(b), np.arange(b.min(), b.min() + len(b))) for b in first_batches):
            raise CheckFailed("every batch holds a run of consecutive indices (0..31, 32..63, ...), shuffled or "
                              "not: the same samples meet in the same batch every epoch.",
                              "shuffle the indices first, order = rng.permutation(num_samples), then cut order "
                              "into slices; not the other way round.")
        again = np.concatenate(_learner_batches(function, 100, 32, 0)[1])
        other = np.concatenate(_learner_batches(function, 100, 32, 1)[1])
        if not np.array_equal(first, again) or np.array_equal(first, other):
            raise CheckFailed("the order does not follow the rng you were given.",
                              "draw the permutation from the rng argument, not from np.random.")
        return "every sample exactly once per epoch, shuffled by rng, in batches of batch_size."
    return run_check("make_minibatches", make_minibatches, test)
