"""Checks for notebook 08 (overfitting, augmentation, dropout): the augmentation pipeline, dropout, early stopping."""

import numpy as np

from .. import augment as reference, overfitting
from .core import CheckFailed, call_learner, compare_arrays, run_check

__all__ = ["check_make_augmentation", "check_apply_dropout", "check_compute_early_stop"]


# --- the augmentation pipeline ---------------------------------------------------------------------

_AUGMENTATION_CASES = [
    {"flip": "horizontal", "rotation": 0.05, "translation": 0.1, "zoom": 0.1, "contrast": 0.2},
    {"flip": None, "rotation": 0.0, "translation": 0.15, "zoom": 0.0, "contrast": 0.0},
    {"flip": "horizontal_and_vertical", "rotation": 0.25, "translation": 0.0, "zoom": 0.2, "contrast": 0.0},
    {"flip": "vertical", "rotation": 0.0, "translation": 0.0, "zoom": 0.0, "contrast": 0.5},
]
_ARGUMENT = {"RandomFlip": "flip", "RandomRotation": "rotation", "RandomTranslation": "translation",
             "RandomZoom": "zoom", "RandomContrast": "contrast"}


def _as_pair(value):
    """Return a Keras factor as a (low, high) pair of floats: 0.1 -> (-0.1, 0.1); None -> None."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        return tuple(float(v) for v in value)
    return (-float(value), float(value))


def _random_layers(pipeline):
    """Return the layers of a (possibly nested) Keras pipeline, in order."""
    found = []
    for layer in getattr(pipeline, "layers", [pipeline]):
        found += _random_layers(layer) if hasattr(layer, "layers") and layer is not pipeline else [layer]
    return found


def _settings(layer):
    """Return what matters of one preprocessing layer: its class name and its strength(s)."""
    kind, config = type(layer).__name__, layer.get_config()
    if kind == "RandomFlip":
        return kind, {"mode": config.get("mode")}
    if kind == "RandomRotation":
        return kind, {"factor": _as_pair(config.get("factor"))}
    if kind == "RandomTranslation":
        return kind, {"height_factor": _as_pair(config.get("height_factor")),
                      "width_factor": _as_pair(config.get("width_factor"))}
    if kind == "RandomZoom":  # width_factor None: one draw zooms both axes together, keeping the aspect ratio
        width = config.get("width_factor")
        return kind, {"height_factor": _as_pair(config.get("height_factor")),
                      "width_factor": "the same draw" if width is None else _as_pair(width)}
    if kind == "RandomContrast":  # Keras stores one number c as (0, c): the factor then only ranges over [1, 1 + c]
        factor = config.get("factor")
        return kind, {"factor": tuple(float(v) for v in factor) if isinstance(factor, (tuple, list))
                      else (0.0, float(factor)),
                      "value_range": tuple(float(v) for v in config.get("value_range", (0, 255)))}
    return kind, {}


def _call(function, case):
    """Call the learner's make_augmentation with one case's strengths as keywords."""
    return call_learner(function, **case)


def _check_pipeline(pipeline, case):
    """Raise CheckFailed unless ``pipeline`` has exactly the reference's random layers for ``case``."""
    keras = reference_keras()
    shown = ", ".join(f"{k}={v!r}" for k, v in case.items())
    if pipeline is None:
        raise CheckFailed(f"make_augmentation({shown}) returned None.", "end with `return keras.Sequential(...)`.")
    if isinstance(pipeline, (list, tuple)):
        raise CheckFailed(f"make_augmentation({shown}) returned a {type(pipeline).__name__} of layers.",
                          "wrap the layers in keras.Sequential([...]) so the pipeline is one layer.")
    if not isinstance(pipeline, keras.layers.Layer):
        raise CheckFailed(f"make_augmentation({shown}) should return a keras.Sequential, "
                          f"got {type(pipeline).__name__}.")
    got = [_settings(layer) for layer in _random_layers(pipeline)]
    expected = [_settings(layer) for layer in _random_layers(reference.make_augmentation(**case))
                if type(layer).__name__ != "Identity"]
    got_kinds, expected_kinds = sorted(kind for kind, _ in got), sorted(kind for kind, _ in expected)
    others = [kind for kind in got_kinds if kind not in _ARGUMENT]
    if others:
        raise CheckFailed(f"for {shown} your pipeline holds {', '.join(others)}; only the five random layers belong.",
                          "images arrive already scaled to 0-1: no Rescaling or other fixed layer is needed.")
    for kind in expected_kinds:
        if kind not in got_kinds:
            raise CheckFailed(f"for {shown} there is no {kind} layer.",
                              f"add keras.layers.{kind}(...) when {_ARGUMENT[kind]} is set.")
    for kind in got_kinds:
        if kind not in expected_kinds:
            argument = _ARGUMENT[kind]
            raise CheckFailed(f"for {shown} your pipeline has a {kind} layer, but {argument}={case[argument]!r}.",
                              f"leave the {kind} layer out when {argument} is {case[argument]!r}.")
    if len(got_kinds) != len(expected_kinds):
        raise CheckFailed(f"for {shown} your pipeline has {len(got)} layers ({', '.join(got_kinds)}), "
                          f"expected {len(expected)} ({', '.join(expected_kinds)}).", "one layer per transformation.")
    expected_by_kind = dict(expected)
    for kind, settings in got:
        for key, value in expected_by_kind[kind].items():
            if settings.get(key) != value:
                raise CheckFailed(f"for {shown} {kind} has {key} {settings.get(key)!r}, expected {value!r}.",
                                  _setting_hint(kind, key, settings.get(key), case))
    return pipeline


def _setting_hint(kind, key, got, case):
    """Return the hint for one wrong setting of one layer."""
    if kind == "RandomFlip":
        return f"RandomFlip(flip): pass the mode you were given, {case['flip']!r}."
    if kind == "RandomRotation" and got and max(abs(v) for v in got) > 0.5:
        return "Keras takes a rotation as a fraction of a full turn, not in degrees: 0.05 is ±18°."
    if kind == "RandomTranslation":
        return "RandomTranslation(translation, translation): move up to the same fraction vertically and horizontally."
    if kind == "RandomZoom":
        if key == "width_factor":
            return ("RandomZoom(zoom) with one factor: a second factor zooms height and width independently, "
                    "which stretches the image; one factor zooms both axes together.")
        return "RandomZoom(zoom): one factor zooms both axes together."
    if kind == "RandomContrast" and key == "factor":
        if got is not None and len(got) == 2 and got[0] == 0.0 and got[1] == float(case["contrast"]):
            return ("one number only ever raises the contrast in this Keras (the factor runs from 1 to "
                    "1 + contrast); pass the pair (contrast, contrast) to vary it both ways: "
                    "RandomContrast((contrast, contrast), value_range=(0, 1)).")
        return ("RandomContrast((contrast, contrast), value_range=(0, 1)): the factor varies from 1 - contrast "
                "to 1 + contrast.")
    if key == "value_range":
        return "our images are floats from 0 to 1: RandomContrast(contrast, value_range=(0, 1))."
    return f"pass {_ARGUMENT[kind]} as the layer's factor."


def reference_keras():
    """Return keras, imported through labs (quiet, deterministic)."""
    from ..models import keras

    return keras


def _check_inference_is_identity(pipeline):
    """Raise CheckFailed unless the pipeline leaves images unchanged outside training."""
    images = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    try:
        out = np.asarray(pipeline(images, training=False))
    except Exception as error:
        raise CheckFailed(f"your pipeline fails on a batch of (2, 8, 8, 1) images: {type(error).__name__}: {error}",
                          "use only Keras' preprocessing layers inside keras.Sequential([...]).") from None
    if out.shape != images.shape or not np.allclose(out, images):
        raise CheckFailed("outside training (training=False) your pipeline changes the images.",
                          "the random layers are inactive at inference; do not add fixed transformations.")


def check_make_augmentation(make_augmentation):
    """Check the learner's ``make_augmentation(flip, rotation, translation, zoom, contrast)`` pipeline."""
    def test(function):
        for case in _AUGMENTATION_CASES:
            pipeline = _check_pipeline(_call(function, case), case)
        _check_inference_is_identity(pipeline)
        return (f"the right random layers and strengths on {len(_AUGMENTATION_CASES)} settings, "
                "and the images pass unchanged outside training.")
    return run_check("make_augmentation", make_augmentation, test,
                     raised_hints={"width_factor": "RandomTranslation takes two factors, height first: "
                                                   "RandomTranslation(translation, translation) moves up to the same "
                                                   "fraction vertically and horizontally."},
                     hint="Keras takes the strengths as fractions: a rotation of 0.05 turns (±18°, not degrees), "
                          "a translation or zoom of 0.1 of the image size.")


# --- dropout -----------------------------------------------------------------------------------------

def _dropout_cases():
    """Return fixed (x, keep, rate, training) cases."""
    x = np.arange(1.0, 11.0).reshape(2, 5)
    keep_half = np.array([[True, False, True, False, True], [False, True, True, False, True]])
    keep_most = np.array([[True, True, True, True, False], [True, False, True, True, True]])
    return [(x, keep_half, 0.5, True), (x, keep_most, 0.2, True), (x, keep_half, 0.5, False),
            (x, keep_most, 0.2, False), (x.ravel(), keep_most.ravel(), 0.25, True)]


def _dropout_hint(got, x, keep, rate, training):
    """Name the usual mistake behind a wrong dropout output, if it is one of them."""
    def same(value):
        try:
            return np.shape(got) == np.shape(value) and np.allclose(np.asarray(got, dtype=float), value)
        except (TypeError, ValueError):
            return False

    if training:
        if same(x * keep):
            return "in training the kept units are scaled up by 1 / (1 - rate), so their expected sum stays the same."
        if same(x * keep * (1 - rate)) or same(x * (1 - rate)):
            return "Keras scales up in training (divide by 1 - rate), and does nothing at inference."
        if same(x * keep / rate):
            return "divide by the keep probability 1 - rate, not by the rate."
        if same(x * ~keep / (1 - rate)) or same(x * ~keep):
            return "keep is True for the units that stay; the others become 0."
        return "in training: x * keep / (1 - rate)."
    if same(x * keep) or same(x * keep / (1 - rate)):
        return "at inference nothing is dropped: every unit is used, whatever keep says."
    if same(x * (1 - rate)) or same(x / (1 - rate)):
        return "Keras' dropout is inverted: the scaling happens in training, so inference returns x unchanged."
    return "at inference, return x unchanged."


def _flag_inverted(function):
    """Return True when the learner drops at inference and passes x through in training (``if not training``)."""
    x, keep, rate, _ = _dropout_cases()[0]
    try:
        in_training = np.asarray(call_learner(function, x, keep, rate, True), dtype=float)
        at_inference = np.asarray(call_learner(function, x, keep, rate, False), dtype=float)
        return (in_training.shape == x.shape and np.allclose(in_training, x)
                and at_inference.shape == x.shape and np.allclose(at_inference, x * keep / (1 - rate)))
    except Exception:
        return False


def check_apply_dropout(apply_dropout):
    """Check the learner's ``apply_dropout(x, keep, rate, training)`` (inverted dropout, as in Keras)."""
    def test(function):
        if _flag_inverted(function):
            raise CheckFailed("apply_dropout(x, keep, rate, training=True) returns x unchanged, and with "
                              "training=False it drops units.",
                              "the two branches are swapped: `if training:` drop and scale "
                              "(x * keep / (1 - rate)), otherwise return x.")
        for x, keep, rate, training in _dropout_cases():
            got = call_learner(function, x, keep, rate, training)
            expected = overfitting.apply_dropout(x, keep, rate, training)
            compare_arrays(got, expected, f"apply_dropout(x, keep, rate={rate}, training={training})",
                           hint=_dropout_hint(got, x, keep, rate, training))
        return ("kept units scaled by 1 / (1 - rate) in training, every unit unchanged at inference "
                f"({len(_dropout_cases())} cases).")
    return run_check("apply_dropout", apply_dropout, test)


# --- early stopping ----------------------------------------------------------------------------------

_CURVES = [
    ([1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.78, 0.8], 2),
    ([1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.78, 0.8], 3),
    ([0.9, 0.8, 0.7, 0.6], 2),
    ([0.5, 0.5, 0.5, 0.4], 2),
    ([0.6, 0.5, 0.55, 0.4], 1),
    ([0.9, 0.7, 0.75, 0.8, 0.6, 0.5], 2),
    ([0.9, 0.7, 0.8, 0.6, 0.65, 0.5, 0.55], 2),  # improvements between misses: the counter must restart
    ([0.9, 0.7, 0.8, 0.6, 0.65], 2),  # the rule never fires, and the best epoch is not the last
]


def _variant_rule(curve, patience, ties=False, late=False, no_reset=False, stop_at_best=False):
    """Return (best_epoch, stop_epoch) of early stopping with one usual slip.

    ties: a tie improves; late: stops one epoch late; no_reset: the counter is never reset after an
    improvement; stop_at_best: when the rule never fires, stop_epoch is the best epoch, not the last.
    """
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, loss in enumerate(curve, start=1):
        if loss < best or (ties and loss == best):
            best, best_epoch = loss, epoch
            waited = waited if no_reset else 0
            continue
        waited += 1
        if waited > patience if late else waited >= patience:
            return best_epoch, epoch
    return best_epoch, best_epoch if stop_at_best else len(curve)


def _peeking_rule(curve, patience):
    """Return the best epoch of the whole curve (np.argmin) and the stop patience epochs after it."""
    best = int(np.argmin(curve)) + 1
    return best, min(best + patience, len(curve))


def _early_stop_hint(results):
    """Name the usual mistake behind wrong (best_epoch, stop_epoch) answers, given {(curve, patience): got}.

    A slip that gives the learner's answer on every curve wins; failing that, one that explains every
    wrong answer (some slips only show when the rule fires).
    """
    def reference_rule(curve, patience):
        return overfitting.compute_early_stop(curve, patience)

    slips = [
        (lambda c, p: _variant_rule(c, p, no_reset=True),
         "reset the counter of epochs without improvement to 0 whenever an epoch improves: patience counts "
         "epochs in a row."),
        (lambda c, p: _variant_rule(c, p, stop_at_best=True),
         "when patience never runs out, training runs every epoch: stop_epoch is then the last epoch, "
         "len(val_losses), not the best one."),
        (_peeking_rule,
         "early stopping decides epoch by epoch, so it cannot look at epochs after it has stopped: no np.argmin "
         "over the whole curve; keep the best loss so far instead."),
        (lambda c, p: (int(np.argmin(c)) + 1, reference_rule(c, p)[1]),
         "early stopping cannot look at epochs after it has stopped: take the best epoch up to the stop, not "
         "np.argmin over the whole curve."),
        (lambda c, p: _variant_rule(c, p, ties=True),
         "an epoch improves only if its loss is strictly lower than the best so far; a tie is no improvement."),
        (lambda c, p: tuple(v - 1 for v in reference_rule(c, p)), "count epochs from 1, as Keras' training log and "
                                                                   "the epoch tables of notebooks 05 and 07 do."),
        (lambda c, p: _variant_rule(c, p, late=True),
         "stop as soon as patience epoch(s) in a row have not improved, not one epoch later."),
        (lambda c, p: (reference_rule(c, p)[1],) * 2,
         "the weights restored are those of the best epoch, not of the last one trained."),
    ]
    wrong = {key: got for key, got in results.items() if got != reference_rule(list(key[0]), key[1])}
    for answers in (results, wrong):
        for rule, hint in slips:
            if all(got == rule(list(curve), patience) for (curve, patience), got in answers.items()):
                return hint
    if all(got[1] == len(curve) for (curve, _), got in results.items()):
        return "count the epochs since the last improvement and stop when that count reaches patience."
    return "keep the best loss so far; reset a counter when an epoch beats it, stop when the counter reaches patience."


def check_compute_early_stop(compute_early_stop):
    """Check the learner's ``compute_early_stop(val_losses, patience)`` -> (best_epoch, stop_epoch)."""
    def test(function):
        results, first_wrong = {}, None
        for curve, patience in _CURVES:
            got = call_learner(function, list(curve), patience)
            expected = overfitting.compute_early_stop(curve, patience)
            what = f"compute_early_stop({curve}, patience={patience})"
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise CheckFailed(f"{what} returned {got!r:.60}; expected a pair (best_epoch, stop_epoch).",
                                  "return best_epoch, stop_epoch")
            for value, name in zip(got, ("best_epoch", "stop_epoch")):
                if value is None:
                    raise CheckFailed(f"{what} returned {tuple(got)!r:.60}: {name} is None.",
                                      "when patience never runs out, training runs every epoch: after the loop, "
                                      "return best_epoch, len(val_losses)." if name == "stop_epoch" else
                                      "best_epoch is the epoch (from 1) of the lowest loss so far: set it whenever "
                                      "an epoch improves.")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in got):
                raise CheckFailed(f"{what} returned {tuple(got)!r:.60}; expected two whole numbers.",
                                  "epochs are counted in whole numbers: return two ints, not text or floats.")
            got = tuple(int(v) for v in got)
            results[(tuple(curve), patience)] = got
            if got != expected and first_wrong is None:
                first_wrong = f"{what} is {got}, expected {expected}."
        if first_wrong:
            raise CheckFailed(first_wrong, _early_stop_hint(results))
        return f"best and stopping epochs right on {len(_CURVES)} curves, ties and patience 1 to 3 included."
    return run_check("compute_early_stop", compute_early_stop, test)
