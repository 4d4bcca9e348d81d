"""Checks for notebook 10 (fine-tuning): unfreezing the top of a base, BatchNorm kept frozen."""

from .core import CheckFailed, call_learner, run_check

__all__ = ["check_unfreeze_from"]


def _tiny_base(keras):
    """Return a small base with named stages: conv, BatchNorm and activation layers in blocks 1-3."""
    inputs = keras.Input(shape=(16, 16, 3), name="input")
    x = inputs
    for block in (1, 2, 3):
        x = keras.layers.Conv2D(4, 3, padding="same", name=f"block{block}_conv")(x)
        x = keras.layers.BatchNormalization(name=f"block{block}_bn")(x)
        x = keras.layers.ReLU(name=f"block{block}_relu")(x)
    return keras.Model(inputs, x, name="tiny_base")


def check_unfreeze_from(unfreeze_from):
    """Check ``unfreeze_from(base, layer_name)``: that layer and all after it train, except BatchNorm layers."""
    def test(function):
        from ..models import keras

        for start in ("block2_conv", "block3_conv", "block1_conv"):
            base = _tiny_base(keras)
            base.trainable = False
            call_learner(function, base, start)
            names = [layer.name for layer in base.layers]
            index = names.index(start)
            for position, layer in enumerate(base.layers):
                is_bn = isinstance(layer, keras.layers.BatchNormalization)
                expected = position >= index and not is_bn and bool(layer.weights)
                got = bool(layer.trainable) and base.trainable and bool(layer.weights)
                if got == expected:
                    continue
                if is_bn:
                    raise CheckFailed(f"with layer_name={start!r}, BatchNormalization layer {layer.name!r} is trainable.",
                                      "keep every BatchNormalization layer frozen (layer.trainable = False): on a few "
                                      "small batches its statistics would overwrite ImageNet's.")
                if not base.trainable:
                    raise CheckFailed("the base itself is still frozen, so none of its layers can train.",
                                      "set base.trainable = True first, then freeze the layers before layer_name.")
                if position < index:
                    raise CheckFailed(f"with layer_name={start!r}, {layer.name!r} (before it) is trainable.",
                                      "layers before layer_name stay frozen: only that layer and the ones after it "
                                      "train.")
                raise CheckFailed(f"with layer_name={start!r}, {layer.name!r} is frozen but should train.",
                                  "layer_name itself and every layer after it train (except BatchNormalization).")
        return "layers from layer_name on train, the ones before stay frozen, BatchNorm stays frozen."
    return run_check("unfreeze_from", unfreeze_from, test)
