"""EfficientNet-Lite0 in Keras 3, and where each of its weights sits in the PyTorch state dict it ships in.

``build_lite0`` builds the network (EfficientNet-B0's stages without squeeze-and-excitation, ReLU6,
layers named as ``keras.applications`` names them); ``torch_weight_names`` is the table from each
Keras layer to its PyTorch name; ``copy_torch_weights`` copies the arrays across, changing the layout
where PyTorch's differs. labs.pretrained puts the three together.
"""

from ._keras import import_keras

__all__ = ["LITE0_STAGES", "BN_EPSILON", "DROP_CONNECT_RATE", "build_lite0", "torch_weight_names",
           "copy_torch_weights"]

# EfficientNet-B0's stages without squeeze-excitation: (repeats, kernel, stride, expansion, filters out).
LITE0_STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
                (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
BN_EPSILON = 1e-3  # TensorFlow's EfficientNet value (PyTorch's default would be 1e-5)
DROP_CONNECT_RATE = 0.2  # stochastic depth while training, as keras.applications' EfficientNets


def _blocks():
    """Yield (Keras prefix, PyTorch prefix, kernel, strides, expansion, filters in, filters out, block index)."""
    block, filters_in = 0, 32
    for stage, (repeats, kernel, stride, expansion, filters_out) in enumerate(LITE0_STAGES, start=1):
        for repeat in range(repeats):
            yield (f"block{stage}{chr(ord('a') + repeat)}_", f"_blocks.{block}.", kernel,
                   stride if repeat == 0 else 1, expansion, filters_in, filters_out, block)
            block, filters_in = block + 1, filters_out


def build_lite0(input_shape, include_top=True, pooling=None, classifier_activation="softmax",
                name="efficientnet_lite0"):
    """Return EfficientNet-Lite0 as a Keras functional model with freshly initialised weights."""
    keras = import_keras()
    layers = keras.layers

    def conv(x, filters, kernel, strides, layer_name):
        return layers.Conv2D(filters, kernel, strides, padding="same", use_bias=False, name=layer_name)(x)

    def batchnorm(x, layer_name):
        return layers.BatchNormalization(epsilon=BN_EPSILON, name=layer_name)(x)

    inputs = keras.Input(shape=input_shape, name="input_layer")
    x = batchnorm(conv(inputs, 32, 3, 2, "stem_conv"), "stem_bn")
    x = layers.Activation("relu6", name="stem_activation")(x)
    total_blocks = sum(stage[0] for stage in LITE0_STAGES)
    for prefix, _, kernel, strides, expansion, filters_in, filters_out, block in _blocks():
        block_input = x
        if expansion != 1:
            x = batchnorm(conv(x, filters_in * expansion, 1, 1, prefix + "expand_conv"), prefix + "expand_bn")
            x = layers.Activation("relu6", name=prefix + "expand_activation")(x)
        x = layers.DepthwiseConv2D(kernel, strides, padding="same", use_bias=False, name=prefix + "dwconv")(x)
        x = batchnorm(x, prefix + "bn")
        x = layers.Activation("relu6", name=prefix + "activation")(x)
        x = batchnorm(conv(x, filters_out, 1, 1, prefix + "project_conv"), prefix + "project_bn")
        if strides == 1 and filters_in == filters_out:
            rate = DROP_CONNECT_RATE * block / total_blocks
            x = layers.Dropout(rate, noise_shape=(None, 1, 1, 1), name=prefix + "drop")(x)
            x = layers.Add(name=prefix + "add")([x, block_input])
    x = batchnorm(conv(x, 1280, 1, 1, "top_conv"), "top_bn")
    x = layers.Activation("relu6", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.2, name="top_dropout")(x)
        x = layers.Dense(1000, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(inputs, x, name=name)


def torch_weight_names():
    """Return {Keras layer name: PyTorch name prefix} for every layer of EfficientNet-Lite0 that has weights."""
    names = {"stem_conv": "_conv_stem", "stem_bn": "_bn0"}
    for prefix, torch_prefix, _, _, expansion, _, _, _ in _blocks():
        if expansion != 1:
            names[prefix + "expand_conv"] = torch_prefix + "_expand_conv"
            names[prefix + "expand_bn"] = torch_prefix + "_bn0"
        names.update({prefix + "dwconv": torch_prefix + "_depthwise_conv", prefix + "bn": torch_prefix + "_bn1",
                      prefix + "project_conv": torch_prefix + "_project_conv",
                      prefix + "project_bn": torch_prefix + "_bn2"})
    names.update({"top_conv": "_conv_head", "top_bn": "_bn1", "predictions": "_fc"})
    return names


def copy_torch_weights(model, state):
    """Copy a PyTorch state dict (name -> NumPy array) into ``model``, built by build_lite0; return the model.

    Layouts: a PyTorch convolution is (out, in, h, w), Keras' (h, w, in, out); a depthwise one
    (channels, 1, h, w) against (h, w, channels, 1); a dense layer (out, in) against (in, out).
    """
    keras = import_keras()
    names = torch_weight_names()
    for layer in model.layers:
        if layer.name not in names:
            continue
        torch_name = names[layer.name]
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            arrays = [state[f"{torch_name}.weight"].transpose((2, 3, 0, 1))]
        elif isinstance(layer, keras.layers.Conv2D):
            arrays = [state[f"{torch_name}.weight"].transpose((2, 3, 1, 0))]
        elif isinstance(layer, keras.layers.BatchNormalization):
            arrays = [state[f"{torch_name}.{part}"] for part in ("weight", "bias", "running_mean", "running_var")]
        else:  # the classifier
            arrays = [state[f"{torch_name}.weight"].T, state[f"{torch_name}.bias"]]
        layer.set_weights(arrays)
    return model
