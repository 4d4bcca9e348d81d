"""Checks for notebook 07 (convolutional networks): parameter counts, output sizes, the small CNN."""

import numpy as np

from .. import conv as conv_reference
from .. import models as reference
from .core import CheckFailed, call_learner, compare_values, run_check

__all__ = ["check_conv_params", "check_dense_params", "check_output_size", "check_small_cnn"]


def _is(got, value):
    """Return True when ``got`` is the single number ``value`` (False for arrays, text, None)."""
    try:
        return np.ndim(got) == 0 and float(got) == value
    except (TypeError, ValueError):
        return False


def check_conv_params(conv_params):
    """Check the learner's ``conv_params(kernel_h, kernel_w, in_channels, filters)`` formula."""
    def test(function):
        cases = [(3, 3, 1, 32), (3, 3, 32, 64), (3, 3, 64, 64), (5, 5, 3, 16), (1, 1, 64, 10), (3, 5, 2, 7)]
        for kh, kw, c_in, filters in cases:
            got = call_learner(function, kh, kw, c_in, filters)
            expected = reference.compute_conv_params(kh, kw, c_in, filters)
            if _is(got, kh * kw * c_in * filters):
                hint = "each filter also has one bias: add 1 before multiplying by the number of filters."
            elif _is(got, (kh * kw + 1) * filters):
                hint = "a filter spans every input channel: it has kh * kw * in_channels weights."
            else:
                hint = "(kh * kw * in_channels + 1) * filters."
            compare_values(got, expected, f"conv_params{(kh, kw, c_in, filters)}", tol=0, hint=hint)
        return f"(kh·kw·c_in + 1)·filters is right on {len(cases)} layers, e.g. 320, 18,496 and 36,928."
    return run_check("conv_params", conv_params, test)


def check_dense_params(dense_params):
    """Check the learner's ``dense_params(num_inputs, units)`` formula."""
    def test(function):
        cases = [(576, 64), (64, 10), (784, 512), (512, 512), (1, 1)]
        for num_inputs, units in cases:
            got = call_learner(function, num_inputs, units)
            hint = ("each unit also has one bias: (num_inputs + 1) * units."
                    if _is(got, num_inputs * units) else "(num_inputs + 1) * units.")
            compare_values(got, reference.compute_dense_params(num_inputs, units),
                           f"dense_params({num_inputs}, {units})", tol=0, hint=hint)
        return f"(num_inputs + 1)·units is right on {len(cases)} layers, e.g. 36,928 and 650."
    return run_check("dense_params", dense_params, test)


def check_output_size(output_size):
    """Check the learner's ``output_size(input_size, kernel_size, padding, stride)`` formula."""
    def test(function):
        cases = [(28, 3, "valid", 1), (13, 3, "valid", 1), (26, 2, "valid", 2), (11, 2, "valid", 2),
                 (28, 3, "same", 1), (28, 3, "same", 2), (7, 3, "same", 2), (9, 5, "valid", 2), (5, 5, "valid", 1)]
        for size, kernel, padding, stride in cases:
            got = call_learner(function, size, kernel, padding, stride)
            hint = ("'valid': (input_size - kernel_size) // stride + 1." if padding == "valid" else
                    "'same': ceil(input_size / stride), the kernel size does not matter.")
            compare_values(got, conv_reference.compute_output_size(size, kernel, padding, stride),
                           f"output_size({size}, {kernel}, {padding!r}, {stride})", tol=0, hint=hint)
        return f"right on {len(cases)} cases: valid and same, stride 1 and 2, convolution and pooling."
    return run_check("output_size", output_size, test)


_EXPECTED_LAYERS = [("Conv2D", (26, 26, 32), 320), ("MaxPooling2D", (13, 13, 32), 0),
                    ("Conv2D", (11, 11, 64), 18496), ("MaxPooling2D", (5, 5, 64), 0),
                    ("Conv2D", (3, 3, 64), 36928), ("Flatten", (576,), 0),
                    ("Dense", (64,), 36928), ("Dense", (10,), 650)]


def check_small_cnn(build_small_cnn):
    """Check the learner's ``build_small_cnn()``: the classic CNN's layers, shapes and 93,322 parameters."""
    def test(function):
        model = call_learner(function)
        if model is None:
            raise CheckFailed("build_small_cnn() returned None.", "end with `return model`.")
        if not isinstance(model, reference.keras.Model):
            raise CheckFailed(f"build_small_cnn() should return a Keras model, got {type(model).__name__}.")
        try:
            layers = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
                      for layer in model.layers]
        except (AttributeError, ValueError):
            raise CheckFailed("the model has no known input shape.",
                              "start the Sequential list with keras.Input(shape=(28, 28, 1)).") from None
        kinds = [kind for kind, _, _ in layers]
        expected_kinds = [kind for kind, _, _ in _EXPECTED_LAYERS]
        if kinds != expected_kinds:
            raise CheckFailed(f"layers are {kinds}, expected {expected_kinds}.",
                              "Conv2D 32 -> MaxPooling2D -> Conv2D 64 -> MaxPooling2D -> Conv2D 64 -> "
                              "Flatten -> Dense 64 -> Dense 10.")
        for number, (got, expected) in enumerate(zip(layers, _EXPECTED_LAYERS), start=1):
            if got[1] != expected[1]:
                raise CheckFailed(f"layer {number} ({got[0]}) outputs {got[1]}, expected {expected[1]}.",
                                  "3x3 kernels with the default 'valid' padding; 2x2 pooling; input (28, 28, 1).")
            if got[2] != expected[2]:
                raise CheckFailed(f"layer {number} ({got[0]}) has {got[2]:,} parameters, expected {expected[2]:,}.",
                                  "check the number of filters or units of that layer.")
        activation = getattr(model.layers[-1], "activation", None)
        if getattr(activation, "__name__", "") != "softmax":
            raise CheckFailed("the last layer does not use a softmax activation.",
                              "Dense(10, activation='softmax') turns the 10 scores into probabilities.")
        return f"all {len(layers)} layers have the right shapes; {model.count_params():,} parameters in all."
    return run_check("small_cnn", build_small_cnn, test)
