"""Checks for notebook 07 (convolutional networks): parameter counts, output sizes, the small CNN."""

import numpy as np

from .. import conv as conv_reference
from ..activations import relu
from .. import models as reference
from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check

__all__ = ["check_compute_conv_params", "check_compute_dense_params", "check_compute_output_size", "check_make_small_cnn"]


def check_compute_conv_params(compute_conv_params):
    """Check the learner's ``compute_conv_params(kernel_h, kernel_w, in_channels, filters)`` formula."""
    def test(function):
        cases = [(3, 3, 1, 32), (3, 3, 32, 64), (3, 3, 64, 64), (5, 5, 3, 16), (1, 1, 64, 10), (3, 5, 2, 7)]
        for kh, kw, c_in, filters in cases:
            got = call_learner(function, kh, kw, c_in, filters)
            weights = kh * kw * c_in
            mistakes = [(weights * filters, "each filter also has one bias: add 1 before multiplying by the number "
                                             "of filters."),
                        ((kh * kw + 1) * filters, "a filter spans every input channel: it has kh * kw * in_channels "
                                                  "weights."),
                        (weights * filters + 1, "one bias per filter, not one in all: (kh * kw * in_channels + 1) * "
                                                "filters."),
                        ((weights + 1) * c_in, "multiply by the number of filters (one kernel each), not of input "
                                               "channels.")]
            compare_values(got, reference.compute_conv_params(kh, kw, c_in, filters),
                           f"compute_conv_params{(kh, kw, c_in, filters)}", tol=0, integer=True, mistakes=mistakes,
                           hint="(kh * kw * in_channels + 1) * filters.")
        return f"(kh·kw·c_in + 1)·filters is right on {len(cases)} layers, e.g. 320, 18,496 and 36,928."
    return run_check("compute_conv_params", compute_conv_params, test)


def check_compute_dense_params(compute_dense_params):
    """Check the learner's ``compute_dense_params(num_inputs, units)`` formula."""
    def test(function):
        cases = [(576, 64), (64, 10), (784, 512), (512, 512), (1, 1)]
        for num_inputs, units in cases:
            got = call_learner(function, num_inputs, units)
            mistakes = [(num_inputs * units, "each unit also has one bias: (num_inputs + 1) * units."),
                        (num_inputs * units + 1, "one bias per unit, not one in all: (num_inputs + 1) * units."),
                        ((units + 1) * num_inputs, "the bias belongs to each unit: (num_inputs + 1) * units.")]
            compare_values(got, reference.compute_dense_params(num_inputs, units),
                           f"compute_dense_params({num_inputs}, {units})", tol=0, integer=True, mistakes=mistakes,
                           hint="(num_inputs + 1) * units.")
        return f"(num_inputs + 1)·units is right on {len(cases)} layers, e.g. 36,928 and 650."
    return run_check("compute_dense_params", compute_dense_params, test)


def check_compute_output_size(compute_output_size):
    """Check the learner's ``compute_output_size(input_size, kernel_size, padding, stride)`` formula."""
    def test(function):
        cases = [(28, 3, "valid", 1), (13, 3, "valid", 1), (26, 2, "valid", 2), (11, 2, "valid", 2),
                 (28, 3, "same", 1), (28, 3, "same", 2), (7, 3, "same", 2), (9, 5, "valid", 2), (5, 5, "valid", 1)]
        for size, kernel, padding, stride in cases:
            got = call_learner(function, size, kernel, padding, stride)
            valid, same = (size - kernel) // stride + 1, -(-size // stride)
            if padding == "valid":
                hint = "'valid': (input_size - kernel_size) // stride + 1."
                mistakes = [(size - kernel + 1, "divide by the stride: (input_size - kernel_size) // stride + 1."),
                            ((size - kernel) // stride, "add 1: the first position counts too."),
                            ((size - kernel) / stride + 1, "use // (floor division): a last window that does not "
                                                           "fit is not a position."),
                            (same, "'valid' does not pad: the kernel must fit inside, (input_size - kernel_size) "
                                   "// stride + 1.")]
            else:
                hint = "'same': ceil(input_size / stride), the kernel size does not matter."
                mistakes = [(size // stride, "'same' rounds up: ceil(input_size / stride), e.g. "
                                             "-(-input_size // stride)."),
                            (valid, hint), (size, "divide by the stride: ceil(input_size / stride).")]
            compare_values(got, conv_reference.compute_output_size(size, kernel, padding, stride),
                           f"compute_output_size({size}, {kernel}, {padding!r}, {stride})", tol=0, integer=True,
                           mistakes=mistakes, hint=hint)
        return f"right on {len(cases)} cases: valid and same, stride 1 and 2, convolution and pooling."
    return run_check("compute_output_size", compute_output_size, test)


_EXPECTED_LAYERS = [("Conv2D", (26, 26, 32), 320), ("MaxPooling2D", (13, 13, 32), 0),
                    ("Conv2D", (11, 11, 64), 18496), ("MaxPooling2D", (5, 5, 64), 0),
                    ("Conv2D", (3, 3, 64), 36928), ("Flatten", (576,), 0),
                    ("Dense", (64,), 36928), ("Dense", (10,), 650)]
_ACTIVATIONS = ["relu", None, "relu", None, "relu", None, "relu", "softmax"]


def _activation_of(layer):
    """Return the name of the activation a layer applies ('linear' for none), e.g. 'relu' for Conv2D(..., 'relu')."""
    kind = type(layer).__name__
    if kind == "ReLU":  # keras.layers.ReLU(): plain only with its defaults
        plain = (getattr(layer, "max_value", None) is None and not getattr(layer, "negative_slope", 0)
                 and not getattr(layer, "threshold", 0))
        return "relu" if plain else "a clipped or leaky relu"
    if kind == "Softmax":
        return "softmax" if getattr(layer, "axis", -1) in (-1, 1, (-1,)) else "softmax over another axis"
    return getattr(getattr(layer, "activation", None), "__name__", "") or "linear"


def _merge_activation_layers(model_layers):
    """Return [(layer, activation name)], a separate ReLU / Activation / Softmax layer joined to the layer it follows.

    Conv2D(32, 3) then ReLU() computes what Conv2D(32, 3, activation='relu') does; so does a ReLU after the
    MaxPooling2D or Flatten that follows a linear Conv2D (max pooling and flattening commute with ReLU). Any other
    activation layer stays a layer of its own (and then the list of layers is wrong).
    """
    merged = []
    for layer in model_layers:
        if type(layer).__name__ in ("ReLU", "Activation", "Softmax"):
            name = _activation_of(layer)
            target = len(merged) - 1
            while name == "relu" and target > 0 and type(merged[target][0]).__name__ in ("MaxPooling2D", "Flatten"):
                target -= 1
            if target >= 0 and type(merged[target][0]).__name__ in ("Conv2D", "Dense") \
                    and merged[target][1] == "linear":
                merged[target] = (merged[target][0], name)
                continue
        merged.append((layer, _activation_of(layer)))
    return merged


def _known_weights():
    """Return fixed weights for the classic CNN (Keras order: kernel then bias, per layer), of moderate size."""
    rng = np.random.default_rng(17)
    shapes = [(3, 3, 1, 32), (3, 3, 32, 64), (3, 3, 64, 64), (576, 64), (64, 10)]
    weights = []
    for shape in shapes:
        fan_in = int(np.prod(shape[:-1]))
        weights += [rng.normal(size=shape) * np.sqrt(2.0 / fan_in), 0.1 * rng.normal(size=shape[-1])]
    return [w.astype(np.float32) for w in weights]


def _reference_forward(weights, images):
    """Run the classic CNN in NumPy (valid 3x3 convolutions, ReLU, 2x2 max pooling) on (N, 28, 28, 1) images."""
    outputs = []
    for x in images.astype(np.float64):
        for number in range(3):
            x = relu(conv_reference.conv2d(x, weights[2 * number].astype(np.float64)) + weights[2 * number + 1])
            if number < 2:
                x = conv_reference.pool2d(x, 2)
        x = relu(x.reshape(-1) @ weights[6] + weights[7])
        scores = x @ weights[8] + weights[9]
        e = np.exp(scores - scores.max())
        outputs.append(e / e.sum())
    return np.array(outputs)


def check_make_small_cnn(make_small_cnn):
    """Check the learner's ``make_small_cnn()``: the classic CNN's layers, shapes, activations and parameters."""
    def test(function):
        model = call_learner(function)
        if model is None:
            raise CheckFailed("make_small_cnn() returned None.", "end with `return model`.")
        if not isinstance(model, reference.keras.Model):
            hint = ("wrap the list of layers in keras.Sequential([...]) and return that model."
                    if isinstance(model, (list, tuple)) else "return the keras.Sequential([...]) model itself.")
            raise CheckFailed(f"make_small_cnn() should return a Keras model, got {type(model).__name__}.", hint)
        merged = _merge_activation_layers([layer for layer in model.layers if type(layer).__name__ != "InputLayer"])
        model_layers = [layer for layer, _ in merged]
        try:
            layers = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
                      for layer in model_layers]
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
        for number, ((layer, activation), expected) in enumerate(zip(merged, _ACTIVATIONS), start=1):
            if expected == "softmax" and activation != "softmax":
                raise CheckFailed("the last layer does not use a softmax activation.",
                                  "Dense(10, activation='softmax') turns the 10 scores into probabilities.")
            if expected == "relu" and activation != "relu":
                raise CheckFailed(f"layer {number} ({type(layer).__name__}) has activation {activation!r}, "
                                  "expected 'relu'.",
                                  "add activation='relu' to every Conv2D and to the hidden Dense layer (or a ReLU() "
                                  "layer after it): without it, stacked layers collapse into one linear map.")
        weights = _known_weights()
        images = np.random.default_rng(18).random((2, 28, 28, 1)).astype(np.float32)
        model.set_weights(weights)
        got = np.asarray(model(images, training=False))
        compare_arrays(got, _reference_forward(weights, images), "the output of your model with fixed weights",
                       atol=1e-4, rtol=1e-3,
                       hint="with the reference's weights your model computes something else: keep Keras' defaults "
                            "(padding 'valid', strides 1 for Conv2D, MaxPooling2D((2, 2))).")
        return f"all {len(layers)} layers have the right shapes; {model.count_params():,} parameters in all."
    return run_check("make_small_cnn", make_small_cnn, test, raised_hints={
        "output size would be zero or negative": "a layer's output shrank to nothing: keep Keras' defaults, "
                                                 "padding 'valid' and strides 1 for Conv2D, 3x3 kernels, 2x2 pools."})
