"""Checks of notebook 09 (transfer learning) against the reference solution and typical mistakes."""

import numpy as np
import pytest

from check_helpers import printed_line
from labs import checks
from labs.models import keras

layers = keras.layers


def top_k(probabilities, class_names, k=3):
    best = np.argsort(-probabilities)[:k]
    return [(class_names[i], float(probabilities[i])) for i in best]


def make_transfer_model(base, num_classes, pooling=layers.GlobalAveragePooling2D, activation="softmax",
                         freeze=True, units=None):
    base.trainable = not freeze
    inputs = keras.Input(shape=base.input.shape[1:])
    x = base(inputs, training=False)
    x = pooling()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(units or num_classes, activation=activation)(x)
    return keras.Model(inputs, outputs)


TOP_K_MUTANTS = {
    "ascending": (lambda p, names, k=3: [(names[i], float(p[i])) for i in np.argsort(p)[:k]], "least likely"),
    "worst-first": (lambda p, names, k=3: [(names[i], float(p[i])) for i in np.argsort(p)[-k:]], "best first"),
    "indices": (lambda p, names, k=3: [(int(i), float(p[i])) for i in np.argsort(-p)[:k]], "indices"),
    "k-plus-one": (lambda p, names, k=3: [(names[i], float(p[i])) for i in np.argsort(-p)[:k + 1]], "exactly k"),
    "unsorted-prob": (lambda p, names, k=3: [(names[i], float(p[j])) for j, i in enumerate(np.argsort(-p)[:k])],
                      "its own probability"),
    "first-k": (lambda p, names, k=3: [(names[i], float(p[i])) for i in range(k)], "first k classes"),
    "names-only": (lambda p, names, k=3: [names[i] for i in np.argsort(-p)[:k]], "pair"),
    "none": (lambda p, names, k=3: None, "None"),
    "string-prob": (lambda p, names, k=3: [(names[i], str(p[i])) for i in np.argsort(-p)[:k]], "numbers"),
    "raises": (lambda p, names, k=3: names[99], "IndexError"),
}


def test_top_k_passes_the_reference(capsys):
    assert checks.check_top_k(top_k)
    assert printed_line(capsys).startswith("✅ passed — top_k:")


@pytest.mark.parametrize("name", TOP_K_MUTANTS)
def test_top_k_rejects_typical_mistakes(capsys, name):
    mutant, keyword = TOP_K_MUTANTS[name]
    assert not checks.check_top_k(mutant)
    line = printed_line(capsys)
    assert line.startswith("❌ failed — top_k:") and keyword in line, line


def test_transfer_model_passes_the_reference(capsys):
    assert checks.check_make_transfer_model(make_transfer_model)
    assert printed_line(capsys).startswith("✅ passed — make_transfer_model:")


TRANSFER_MUTANTS = {
    "not-frozen": (lambda b, n: make_transfer_model(b, n, freeze=False), "still trainable"),
    "flatten": (lambda b, n: make_transfer_model(b, n, pooling=layers.Flatten), "GlobalAveragePooling2D"),
    "max-pool": (lambda b, n: make_transfer_model(b, n, pooling=layers.GlobalMaxPooling2D), "GlobalAveragePooling2D"),
    "no-softmax": (lambda b, n: make_transfer_model(b, n, activation=None), "softmax"),
    "relu-head": (lambda b, n: make_transfer_model(b, n, activation="relu"), "softmax"),
    "ten-classes": (lambda b, n: make_transfer_model(b, n, units=10), "num_classes"),
    "returns-base": (lambda b, n: b, "base itself"),
    "none": (lambda b, n: None, "None"),
    "raises": (lambda b, n: b.layers[99], "IndexError"),
}


@pytest.mark.parametrize("name", TRANSFER_MUTANTS)
def test_transfer_model_rejects_typical_mistakes(capsys, name):
    mutant, keyword = TRANSFER_MUTANTS[name]
    assert not checks.check_make_transfer_model(mutant)
    line = printed_line(capsys)
    assert line.startswith("❌ failed — make_transfer_model:") and keyword in line, line


# --------------------------------------------------------------------------- notebook 10: unfreeze_from


def unfreeze_from(base, layer_name, skip_bn=True, offset=0, set_base=True):
    if set_base:
        base.trainable = True
    names = [layer.name for layer in base.layers]
    start = names.index(layer_name) + offset
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= start and not (skip_bn and isinstance(layer, layers.BatchNormalization))


UNFREEZE_MUTANTS = {
    "batchnorm-trains": (lambda b, n: unfreeze_from(b, n, skip_bn=False), "BatchNormalization"),
    "starts-after": (lambda b, n: unfreeze_from(b, n, offset=1), "should train"),
    "starts-a-block-early": (lambda b, n: unfreeze_from(b, n, offset=-3), "before it"),
    "base-still-frozen": (lambda b, n: unfreeze_from(b, n, set_base=False), "base itself is still frozen"),
    "everything": (lambda b, n: setattr(b, "trainable", True), "before it"),
    "nothing": (lambda b, n: None, "base itself is still frozen"),
    "raises": (lambda b, n: b.get_layer("no_such_layer"), "ValueError"),
}


def test_unfreeze_from_passes_the_reference(capsys):
    assert checks.check_unfreeze_from(unfreeze_from)
    assert printed_line(capsys).startswith("✅ passed — unfreeze_from:")


@pytest.mark.parametrize("name", UNFREEZE_MUTANTS)
def test_unfreeze_from_rejects_typical_mistakes(capsys, name):
    mutant, keyword = UNFREEZE_MUTANTS[name]
    assert not checks.check_unfreeze_from(mutant)
    line = printed_line(capsys)
    assert line.startswith("❌ failed — unfreeze_from:") and keyword in line, line
