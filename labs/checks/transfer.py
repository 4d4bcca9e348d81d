"""Checks for notebook 09 (transfer learning): top-k decoding by hand, a frozen base with a new head."""

import numpy as np

from .core import CheckFailed, call_learner, compare_arrays, run_check

__all__ = ["check_top_k", "check_make_transfer_model"]

_NAMES = ["tench", "goldfish", "great white shark", "tiger shark", "hammerhead", "electric ray", "stingray",
          "cock", "hen", "ostrich"]


def _probabilities(seed):
    """Return 10 distinct probabilities that sum to 1, in a seeded random order."""
    rng = np.random.default_rng(seed)
    scores = rng.permutation(np.linspace(0.5, 3.0, 10)) + rng.random(10) * 0.01
    exps = np.exp(scores)
    return exps / exps.sum()


def check_top_k(top_k):
    """Check the learner's ``top_k(probabilities, class_names, k)``: the k best (name, probability), best first."""
    def test(function):
        cases = [(_probabilities(seed), k) for seed, k in [(0, 3), (1, 1), (2, 5), (3, 10)]]
        for probabilities, k in cases:
            got = call_learner(function, probabilities, list(_NAMES), k)
            order = np.argsort(-probabilities)[:k]
            expected = [(_NAMES[i], float(probabilities[i])) for i in order]
            _compare_top_k(got, expected, probabilities, k)
        return f"the k most likely classes, best first, with their probabilities, for k = 1, 3, 5 and 10."
    return run_check("top_k", top_k, test)


def _compare_top_k(got, expected, probabilities, k):
    """Raise CheckFailed unless ``got`` lists the (name, probability) pairs of ``expected``, in order."""
    if got is None:
        raise CheckFailed("top_k returned None.", "end with `return pairs`, a list of (name, probability).")
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__len__"):
        raise CheckFailed(f"top_k returned a {type(got).__name__}, expected a list of (name, probability) pairs.",
                          "build a list: [(class_names[i], probabilities[i]) for i in best].")
    if len(got) != k:
        raise CheckFailed(f"with k={k} you returned {len(got)} pairs.",
                          "keep exactly k classes: the first k of the indices sorted by probability.")
    pairs = []
    for item in got:
        if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
            raise CheckFailed(f"each entry must be a (name, probability) pair, got {item!r:.60}.",
                              "append (class_names[i], probabilities[i]) for each chosen index i.")
        pairs.append(tuple(item))
    names = [name for name, _ in pairs]
    expected_names = [name for name, _ in expected]
    if all(isinstance(p, str) for _, p in pairs) and all(not isinstance(n, str) for n in names):
        raise CheckFailed(f"the pairs are (probability, name), e.g. {pairs[0]!r:.60}.",
                          "name first: append (class_names[i], probabilities[i]).")
    if all(isinstance(n, (int, np.integer)) for n in names):
        raise CheckFailed("the pairs hold class indices, not names.", "look the name up: class_names[i].")
    if names != expected_names:
        if names == [_NAMES[i] for i in np.argsort(probabilities)[:k]]:
            hint = "those are the k least likely classes: sort by decreasing probability (np.argsort(-p))."
        elif names == [_NAMES[i] for i in np.argsort(probabilities)[::-1][:k][::-1]]:
            hint = "right classes, wrong order: best first (decreasing probability)."
        elif names == _NAMES[:k]:
            hint = "those are the first k classes of the list: sort the indices by probability first."
        else:
            hint = "sort the class indices by decreasing probability (np.argsort(-probabilities)) and keep the first k."
        raise CheckFailed(f"with k={k} you chose {names}, expected {expected_names}.", hint)
    if not all(isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool) for _, p in pairs):
        raise CheckFailed("the probabilities must be numbers.", "use probabilities[i] itself, not a string of it.")
    values = np.array([p for _, p in pairs], dtype=float)
    wanted = np.array([p for _, p in expected])
    compare_arrays(values, wanted, f"the probabilities for k={k}",
                   mistakes=[(wanted * 100, "return the probability itself, from 0 to 1, not a percentage "
                                            "(no * 100)."),
                             (lambda got: bool(np.any(got != wanted)) and any(
                                 np.allclose(got, np.round(wanted, d), atol=1e-12) for d in range(7)),
                              "return the probabilities as they are, not rounded: round only when you print.")],
                   hint="give each class its own probability: probabilities[i] for the same index i as its name.")


def _tiny_base(keras, seed):
    """Return a small convolutional base: (32, 32, 3) images -> (3, 3, 8) feature maps, seeded weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.Conv2D(4, 3, strides=2, activation="relu", name="conv_a")(inputs)
    x = keras.layers.Conv2D(8, 3, strides=2, activation="relu", name="conv_b")(x)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    return keras.Model(inputs, x, name="tiny_base")


def _spy_on_training(base):
    """Record the ``training`` argument of every call of ``base``; return the list the calls append to."""
    seen, original = [], base.call

    def call(*args, **kwargs):
        seen.append(kwargs.get("training"))
        return original(*args, **kwargs)

    base.call = call
    return seen


_PREPROCESS = (1 / 128, -127 / 128)  # EfficientNet-Lite's own scaling, (x - 127) / 128: right inside the model too
_OTHER_SCALINGS = {(1 / 255, 0.0): "x / 255", (1 / 127.5, -1.0): "x / 127.5 - 1"}


def _head_probabilities(base, images, kernel, bias, scale=None):
    """Return softmax(mean-pooled base features @ kernel + bias), the images first scaled by (a, b) if given."""
    if scale is not None:
        images = images * scale[0] + scale[1]
    features = np.asarray(base(images, training=False)).mean(axis=(1, 2))
    scores = features @ kernel + bias
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    return expected / expected.sum(axis=1, keepdims=True), features, scores


def _check_head_dropout(model, base, dense, images, scale):
    """Raise CheckFailed unless, in training, exactly Dropout(0.2) acts on the pooled features.

    With the Dense kernel set to [identity | 0], log p_j - log p_last recovers the dropped features
    d_j exactly: Dropout(rate) after the pooling makes each d_j either 0 or f_j / (1 - rate).
    """
    kernel = np.zeros((8, 10), dtype=np.float32)
    kernel[:, :8] = np.eye(8)
    dense.set_weights([kernel, np.zeros(10, dtype=np.float32)])
    batch = np.concatenate([images] * 16)
    features = _head_probabilities(base, batch, kernel, np.zeros(10, np.float32), scale)[1]
    with np.errstate(all="ignore"):
        probabilities = np.asarray(model(batch, training=True), dtype=np.float64)
        dropped = np.log(probabilities[:, :8]) - np.log(probabilities[:, 9:10])
    where = features > 1e-3
    ratios = dropped[where] / features[where]
    place = ("put Dropout(0.2) between GlobalAveragePooling2D and the Dense layer: it drops whole pooled "
             "features, not single values of the feature map or the probabilities.")
    if not np.all(np.isfinite(ratios)):
        raise CheckFailed("in training the model's output is not a softmax of the pooled features.", place)
    kept = ratios[np.abs(ratios) > 1e-3]
    if len(kept) == len(ratios) and np.allclose(ratios, 1, atol=1e-3):
        raise CheckFailed("in training no feature is ever dropped: the head has no Dropout.",
                          "add Dropout(0.2) between GlobalAveragePooling2D and the Dense layer.")
    if len(kept) and np.allclose(kept, kept[0], atol=1e-3, rtol=1e-3):
        rate = 1 - 1 / float(kept[0])
        if abs(rate - 0.2) > 0.01:
            raise CheckFailed(f"in training the head drops features at a rate of {rate:.2f}.",
                              "the exercise asks for Dropout(0.2): a fifth of the features dropped.")
        return
    raise CheckFailed("in training the pooled features are not dropped whole.", place)


def check_make_transfer_model(make_transfer_model):
    """Check ``make_transfer_model(base, num_classes)``: frozen base, average pooling, a softmax Dense head."""
    def test(function):
        from ..models import keras

        for num_classes in (5, 10):
            base = _tiny_base(keras, seed=num_classes)
            frozen_weights = [w.copy() for w in base.get_weights()]
            model = call_learner(function, base, num_classes)
            if model is None:
                raise CheckFailed("make_transfer_model returned None.", "end with `return model`.")
            if not isinstance(model, keras.Model):
                raise CheckFailed(f"expected a Keras model, got {type(model).__name__}.",
                                  "return keras.Model(inputs, outputs) or a keras.Sequential.")
            if model is base:
                raise CheckFailed("you returned the base itself.", "add the new head on top and return the new model.")
            if base.trainable_weights:  # base.trainable = False, or every layer frozen one by one
                raise CheckFailed("the base is still trainable: training would change ImageNet's weights.",
                                  "set base.trainable = False before building the model.")
            images = np.random.default_rng(num_classes).random((3, 32, 32, 3)).astype(np.float32)
            training_seen = _spy_on_training(base)
            try:
                output = np.asarray(model(images))  # builds a Sequential without an Input, or a subclassed model
            except Exception as error:
                raise CheckFailed(f"the model fails on a batch of (3, 32, 32, 3) images: {type(error).__name__}.",
                                  "start from the base's input: keras.Input(shape=base.input.shape[1:]) or a "
                                  "Sequential whose first layer is the base.") from None
            if any(flag is True for flag in training_seen):
                raise CheckFailed("the frozen base is called with training=True.",
                                  "call it with training=False (base(inputs, training=False)): the base only "
                                  "computes features, its BatchNormalization layers keep ImageNet's statistics.")
            shape = (None,) + tuple(output.shape[1:])
            if shape != (None, num_classes):
                raise CheckFailed(f"with num_classes={num_classes} the model outputs {shape}, expected (None, "
                                  f"{num_classes}).", "end with Dense(num_classes, activation='softmax').")
            trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
            head = 8 * num_classes + num_classes
            if trainable != head:
                if trainable == 9 * 8 * num_classes + num_classes:
                    hint = "pool the feature map with GlobalAveragePooling2D instead of Flatten."
                else:
                    hint = ("only the head trains: GlobalAveragePooling2D (no weights), Dropout (none) and "
                            "Dense(num_classes) (features x classes + classes).")
                raise CheckFailed(f"the model has {trainable:,} trainable parameters, expected {head:,}.", hint)
            dense = [layer for layer in _all_layers(model) if type(layer).__name__ == "Dense"]
            rng = np.random.default_rng(0)
            kernel = rng.normal(0, 1, (8, num_classes)).astype(np.float32)
            bias = rng.normal(0, 0.1, num_classes).astype(np.float32)
            dense[-1].set_weights([kernel, bias])
            expected, _, scores = _head_probabilities(base, images, kernel, bias)
            got = np.asarray(model(images, training=False))
            if np.allclose(got, scores, atol=1e-4):
                raise CheckFailed("the outputs are raw scores, not probabilities.",
                                  "use activation='softmax' in the last Dense layer.")
            scale = None
            if got.shape == expected.shape and not np.allclose(got, expected, atol=1e-4, rtol=1e-3):
                pixels = images * 255  # a scaling inside the model shows on 0-255 pixels
                got_pixels = np.asarray(model(pixels, training=False))
                if np.allclose(got_pixels, _head_probabilities(base, pixels, kernel, bias, _PREPROCESS)[0],
                               atol=1e-4, rtol=1e-3):
                    scale, images = _PREPROCESS, pixels  # the base's own scaling inside the model: right as well
                for other, words in _OTHER_SCALINGS.items():
                    if scale is None and np.allclose(
                            got_pixels, _head_probabilities(base, pixels, kernel, bias, other)[0], atol=1e-4,
                            rtol=1e-3):
                        raise CheckFailed(f"the model scales its input as {words} before the base.",
                                          "the images arrive already scaled by labs.pretrained.preprocess_input; "
                                          "leave the scaling out (inside the model only EfficientNet-Lite's own "
                                          "(x - 127) / 128 is right).")
            if scale is None:
                compare_arrays(got, expected, "the output with fixed weights", atol=1e-4, rtol=1e-3,
                               hint="GlobalAveragePooling2D on the base's output, then Dense(num_classes, "
                                    "activation='softmax'); Dropout changes nothing at inference.")
            if num_classes == 10:
                _check_head_dropout(model, base, dense[-1], images, scale)
            for before, after in zip(frozen_weights, base.get_weights()):
                if not np.array_equal(before, after):
                    raise CheckFailed("your function changed the base's weights.", "freeze it; do not retrain it.")
        return ("the base is frozen; only the new head trains (pooling, Dropout(0.2) on the pooled features, softmax "
                "Dense), for 5 and 10 classes.")
    return run_check("make_transfer_model", make_transfer_model, test)


def _all_layers(model):
    """Return every layer of a model, looking inside nested models."""
    found = []
    for layer in model.layers:
        found += _all_layers(layer) if hasattr(layer, "layers") and layer.layers else [layer]
    return found
