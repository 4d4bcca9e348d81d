"""Transfer learning from a pretrained base (notebooks 09-10): the frozen base, a head, unfreezing for fine-tuning.

    base = labs.pretrained.load_base("efficientnet_lite0", input_shape=(96, 96, 3), include_top=False)
    extractor = labs.transfer.make_feature_extractor(base, ("block5c_add", "block6d_add"))
    head = labs.transfer.make_head(features)                 # trained on extractor's features
    model = labs.transfer.make_classifier(extractor, head)   # images in, classes out, the base frozen
    labs.transfer.unfreeze_top(model, "block6a_expand_conv") # then compile again and fine-tune

Notebooks 09 and 10 write these steps in plain Keras on the page first; these are the same steps
wrapped, for the later notebooks and the benchmarks.
"""

import functools

import numpy as np

from . import config
from ._keras import import_keras
from .augment import make_augmentation
from ._validate import (as_array, describe, require_choice, require_feature_map_layer, require_finite, require_int,
                        require_layer, require_number, require_number_between)

__all__ = ["make_transfer_model", "make_feature_extractor", "make_head", "make_classifier", "unfreeze_from",
           "unfreeze_top", "custom_objects"]

# How each base's preprocess_input scales 0-255 pixels, as x * scale + offset (make_classifier builds it in).
_LINEAR_SCALING = {"efficientnet_lite0": (1 / 128, -127 / 128), "mobilenet_v2": (1 / 127.5, -1.0)}


def make_transfer_model(base, num_classes, dropout=0.2):
    """Freeze ``base`` and return base -> GlobalAveragePooling2D -> Dropout -> Dense(num_classes) softmax.

    The reference of notebook 09's exercise 2. base: a Keras model whose output is a feature map
    (N, h, w, channels), e.g. ``load_base(..., include_top=False)``. The base runs in inference mode
    (training=False), so its BatchNormalization layers keep their ImageNet statistics.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a Keras model, got {type(base).__name__}")
    if len(base.output.shape) != 4:
        raise ValueError(f"base must output a feature map (N, h, w, channels), got shape {tuple(base.output.shape)}; "
                         f"load it with include_top=False and pooling=None")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    dropout = require_number(dropout, "dropout", minimum=0, below=1)
    base.trainable = False
    inputs = keras.Input(shape=tuple(base.input.shape[1:]))
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"{base.name}_transfer")


def make_feature_extractor(base, layers=("top_activation",), pooling="avg"):
    """Return a model that pools the outputs of ``layers`` of ``base`` and concatenates them.

    base: a model from load_base(include_top=False). layers: names of its layers, e.g.
    ("block5c_add", "block6d_add"); each output (N, h, w, channels) is pooled over h and w
    ("avg" or "max"), giving (N, sum of channels). The model shares base's layers (and
    weights) and keeps its name, so compute_features scales images for the right base.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model (from load_base), got {describe(base)}.")
    if isinstance(layers, str):
        layers = (layers,)
    if not isinstance(layers, (tuple, list)) or not layers or not all(isinstance(n, str) for n in layers):
        raise TypeError(f"layers must be a non-empty tuple of layer names, e.g. ('block6d_add',), "
                        f"got {describe(layers)}.")
    if len(set(layers)) != len(layers):
        raise ValueError(f"layers must not repeat a name, got {tuple(layers)}.")
    require_choice(pooling, "pooling", ("avg", "max"))
    for name in layers:
        require_feature_map_layer(base, name, "layers")
    pool = keras.layers.GlobalAveragePooling2D if pooling == "avg" else keras.layers.GlobalMaxPooling2D
    pooled = [pool(name=f"{pooling}_pool_{name}")(base.get_layer(name).output) for name in layers]
    output = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate(name="features")(pooled)
    return keras.Model(base.input, output, name=base.name)


def make_head(features, num_classes=10, hidden_units=256, dropout=0.5, seed=config.SEED):
    """Build a classifier head for pooled features: standardise -> Dropout -> Dense relu -> Dropout -> Dense softmax.

    features: the training features (N, D) from compute_features; their mean and variance
    fix the standardisation (as scikit-learn's StandardScaler), so the head sees features of
    unit scale whichever layers they come from. hidden_units: the hidden layer's width (0:
    none, the head is a linear softmax classifier). dropout: the rate of both Dropout layers,
    in [0, 1). Weights are seeded.
    """
    keras = import_keras()
    features = as_array(features, "features", ndim=2, dtype_kind="uif")
    require_finite(features, "features")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    hidden_units = require_int(hidden_units, "hidden_units", minimum=0)
    dropout = require_number_between(dropout, "dropout", 0, 1, expected="a rate from 0 up to (not including) 1")
    seed = require_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    layers = keras.layers
    standardise = layers.Normalization(name="standardise")
    standardise.adapt(features.astype(np.float32))
    stack = [keras.Input(shape=(features.shape[1],), name="features"), standardise,
             layers.Dropout(float(dropout), seed=seed, name="dropout")]
    if hidden_units:
        stack += [layers.Dense(hidden_units, activation="relu", name="hidden"),
                  layers.Dropout(float(dropout), seed=seed + 1, name="hidden_dropout")]
    stack.append(layers.Dense(num_classes, activation="softmax", name="output"))
    return keras.Sequential(stack, name="head")


def make_classifier(extractor, head, augmentation=None, seed=config.SEED):
    """Chain images -> [augmentation] -> scaling -> frozen extractor -> head into one model.

    extractor: from make_feature_extractor (its name says which base, hence the scaling);
    head: a model taking the extractor's output, e.g. make_head(...) trained on features.
    The model takes 0-255 RGB images (N, H, W, 3) and scales them itself. augmentation: None
    or a dict of labs.augment.make_augmentation strengths, e.g. {"flip": "horizontal"}, built
    seeded and applied (in training only) to the images in [0, 1], before scaling.
    The extractor is frozen and always runs in inference mode (BatchNorm uses its ImageNet
    statistics, no drop-connect), also when unfreeze_top makes some of its layers trainable.
    Give the model raw images (fit, predict, evaluate), not compute_features: that scales too.
    """
    keras = import_keras()
    for value, argname in ((extractor, "extractor"), (head, "head")):
        if not isinstance(value, keras.Model):
            raise TypeError(f"{argname} must be a keras.Model, got {describe(value)}.")
    if extractor.name not in _LINEAR_SCALING:
        raise ValueError(f"extractor must come from make_feature_extractor on one of the bases "
                         f"{', '.join(_LINEAR_SCALING)} (its name says which), got a model named {extractor.name!r}.")
    if tuple(head.inputs[0].shape[1:]) != tuple(extractor.outputs[0].shape[1:]):
        raise ValueError(f"head takes inputs of shape {tuple(head.inputs[0].shape[1:])} but the extractor gives "
                         f"{tuple(extractor.outputs[0].shape[1:])}; build the head on this extractor's features.")
    if augmentation is not None and not isinstance(augmentation, dict):
        raise TypeError("augmentation must be None or a dict of labs.augment.make_augmentation strengths, "
                        f"e.g. {{'flip': 'horizontal', 'translation': 0.1}}; got {describe(augmentation)}.")
    seed = require_int(seed, "seed", minimum=0)
    scale, offset = _LINEAR_SCALING[extractor.name]
    images = keras.Input(shape=tuple(extractor.inputs[0].shape[1:]), name="images")
    x = images
    if augmentation:
        x = keras.layers.Rescaling(1 / 255, name="to_unit")(x)  # the augmentation layers work on 0-1 images
        x = make_augmentation(**augmentation, seed=seed)(x)
        scale = scale * 255
    x = keras.layers.Rescaling(scale, offset, name="scaling")(x)
    extractor.trainable = False
    x = _inference_mode_class()(extractor, name="frozen_base")(x)
    return keras.Model(images, head(x), name=f"{extractor.name}_classifier")


def unfreeze_from(base, layer_name):
    """Let ``layer_name`` and every later layer of ``base`` train, except BatchNormalization layers.

    The reference of notebook 10's exercise 1. base: a Keras model (a base, or an extractor from
    make_feature_extractor); layer_name: the name of one of its layers. Layers before it stay frozen.
    Compile the model that holds the base again afterwards, or fit keeps training what was trainable before.
    """
    keras = import_keras()
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model, got {describe(base)}.")
    require_layer(base, layer_name)
    base.trainable = True
    start = [layer.name for layer in base.layers].index(layer_name)
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= start and not isinstance(layer, keras.layers.BatchNormalization)


def unfreeze_top(model, from_layer=None):
    """Make the base's layers from ``from_layer`` on trainable (every one when None); return the trainable count.

    model: a classifier from make_classifier (or an extractor). from_layer: a layer name of
    the base, e.g. "block6a_expand_conv": that layer and all after it train, those before stay
    frozen (unfreeze_from on the base inside). BatchNormalization layers always stay frozen. Returns the
    number of trainable parameters of the whole model. Compile the model again afterwards (train_with_recipe does).
    """
    keras = import_keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (from make_classifier), got {describe(model)}.")
    wrappers = [layer for layer in model.layers if isinstance(layer, _inference_mode_class())]
    extractor = wrappers[0].model if wrappers else model
    if from_layer is not None:
        require_layer(extractor, from_layer, "from_layer")
    unfreeze_from(extractor, extractor.layers[0].name if from_layer is None else from_layer)
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def custom_objects():
    """Return the custom layers of labs' models by their saved names, for Keras' model loading.

    A model from make_classifier wraps its base in labs' InferenceMode layer; to load it
    from a .keras file in a fresh session, give these to
    ``keras.saving.load_model(path, custom_objects=labs.transfer.custom_objects())``
    (labs.saving.load_keras_model does).
    """
    layer = _inference_mode_class()
    return {"labs>InferenceMode": layer}


@functools.lru_cache(maxsize=1)
def _inference_mode_class():
    """Return (defined once, when Keras is first needed) the layer that runs a model in inference mode."""
    keras = import_keras()

    @keras.saving.register_keras_serializable(package="labs")
    class InferenceMode(keras.layers.Layer):
        """Call a wrapped model with training=False always, even inside fit().

        A functional model passes fit()'s training=True to a nested model, overriding a
        training=False written in the call (Keras 3; keras-team/keras#20285), so a frozen
        base's drop-connect would still drop. This layer holds the flag.
        """

        def __init__(self, model, **kwargs):
            super().__init__(**kwargs)
            self.model = model

        def call(self, inputs):
            return self.model(inputs, training=False)

        def compute_output_shape(self, input_shape):
            return self.model.compute_output_shape(input_shape)

        def get_config(self):
            return {**super().get_config(), "model": keras.saving.serialize_keras_object(self.model)}

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            return cls(keras.saving.deserialize_keras_object(config.pop("model")), **config)

    return InferenceMode


