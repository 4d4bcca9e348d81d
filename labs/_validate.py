"""Input checks shared by every public function: clear messages that name the argument."""

import difflib
import math
import os
from pathlib import Path
import numbers

import numpy as np

__all__ = ["as_array", "as_image", "require_int", "require_number", "require_number_between", "require_bool", "require_choice",
           "require_finite", "require_labels", "require_list", "require_dict", "require_callable", "require_loss_value",
           "require_axes", "require_sha256", "describe"]

# How the dtype kinds of as_array's dtype_kind read in a message.
_KIND_WORDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats"}


def describe(value):
    """Describe a value for an error message: type, and shape/dtype for arrays."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:120]


def _example(array, prefer_fraction=False):
    """Return one value of ``array`` for a message (a non-whole one first when ``prefer_fraction``)."""
    flat = array.ravel()
    if prefer_fraction and array.dtype.kind == "f":
        fractions = flat[~np.isfinite(flat) | (flat != np.round(flat))]
        if len(fractions):
            return f"{fractions[0]:g}"
    value = flat[0]
    return f"{value:g}" if array.dtype.kind == "f" else repr(value.item() if hasattr(value, "item") else value)


def as_array(value, name, *, ndim=None, dtype_kind=None, shape=None, allow_empty=False):
    """Convert ``value`` to an array and check it, raising a message that names ``name``.

    ndim: an int or a tuple of allowed ints. dtype_kind: a string of allowed
    ``dtype.kind`` letters, e.g. "uif" (unsigned, signed, float) or "b".
    shape: a tuple where None means "any size" on that axis.
    """
    if value is None:
        raise TypeError(f"{name} must be an array, got None.")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like, got {describe(value)} ({error}).") from None
    if array.dtype == object:
        raise TypeError(f"{name} must hold numbers, got {describe(value)} with dtype object.")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(f"{n}-D" for n in allowed)
            raise ValueError(f"{name} must be {wanted}, got {describe(array)}.")
    if dtype_kind is not None and array.dtype.kind not in dtype_kind:
        words = " or ".join(dict.fromkeys(_KIND_WORDS[k] for k in dtype_kind if k in _KIND_WORDS))
        if array.dtype.kind in "iuf" and array.size:  # numbers, but not the kind wanted
            raise TypeError(f"{name} must hold {words}, got {array.dtype} values such as "
                            f"{_example(array, prefer_fraction=True)}.")
        raise TypeError(f"{name} must have a numeric dtype ({words}), got {array.dtype}.")
    if shape is not None:
        if array.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, array.shape)):
            wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {wanted}, got {array.shape}.")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one element.")
    return array


def as_image(value, name, *, ndim=(2, 3), channel_ndim=3, channels=(3,), scale="unit"):
    """Check an image (or a batch of images) of pixel values; return it as uint8 or as floats.

    ndim: the allowed ranks. channel_ndim: the rank at which the last axis holds colour channels
    (3 for one image (H, W, 3), 4 for a batch (N, H, W, 3), None for greyscale only); channels:
    the allowed numbers of channels there. Whole numbers 0-255 (e.g. nested lists of ints) become
    uint8. scale says what floats must hold:
    "unit": floats 0-1 (0-255 floats are the "forgot / 255" slip and are refused);
    "uint8": no floats at all, only whole numbers 0-255;
    "0-255": floats 0-255 (the function divides by 255 itself).
    """
    image = as_array(value, name, ndim=ndim, dtype_kind="uif")
    if channel_ndim is not None and image.ndim == channel_ndim and image.shape[-1] not in channels:
        layout = ", ".join(["N"] * (channel_ndim == 4) + ["H", "W", " or ".join(map(str, channels))])
        raise ValueError(f"{name} must have {' or '.join(map(str, channels))} colour channels on its last axis "
                         f"({layout}); got {image.shape[-1]} channels in shape {image.shape}.")
    if image.dtype.kind in "iu":
        low, high = int(image.min()), int(image.max())
        if low < 0 or high > 255:
            raise ValueError(f"{name} holds whole numbers from {low} to {high}, but pixel values must be 0-255 "
                             "(uint8)" + (" or floats from 0 to 1." if scale == "unit" else "."))
        return image.astype(np.uint8, copy=False)
    require_finite(image, name)
    low, high = float(image.min()), float(image.max())
    unit = -1e-6 <= low and high <= 1 + 1e-6  # 0-1, give or take rounding
    if scale == "uint8":
        if unit:
            hint = "; for floats from 0 to 1 use (image * 255).round().astype(np.uint8)"
        elif 0 <= low and high <= 255 and np.all(image == np.round(image)):
            hint = "; these are whole numbers 0-255, so .astype(np.uint8) converts them"
        else:
            hint = ""
        raise TypeError(f"{name} must be uint8 (values 0-255), got dtype {image.dtype}{hint}.")
    if scale == "0-255":
        if low < 0 or high > 255:
            raise ValueError(f"{name} must hold pixel values from 0 to 255; found values from {low:g} to {high:g}.")
        return image
    if unit:
        return image
    if 0 <= low and high <= 255:
        raise ValueError(f"{name} looks like 0–255 values in a float array (values up to {high:g}): "
                         "divide by 255 first, or pass uint8.")
    raise ValueError(f"{name} must hold floats from 0 to 1 or uint8 values 0-255; "
                     f"found values from {low:g} to {high:g}.")


def require_finite(array, name):
    """Raise if ``array`` holds NaN or infinity, saying how many."""
    array = np.asarray(array)
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean or impute them first.")
    return array


def require_int(value, name, *, minimum=None, maximum=None):
    """Check ``value`` is a whole number within [minimum, maximum] and return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {describe(value)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def _range_words(minimum, maximum, above, below):
    """Say in words which numbers a range allows: "between 0 and 1", "greater than 0", ..."""
    low = None if minimum is None and above is None else (
        f"at least {minimum:g}" if minimum is not None else f"greater than {above:g}")
    high = None if maximum is None and below is None else (
        f"at most {maximum:g}" if maximum is not None else f"less than {below:g}")
    if minimum is not None and maximum is not None:
        return f"between {minimum:g} and {maximum:g}"
    return " and ".join(part for part in (low, high) if part)


def require_number(value, name, *, minimum=None, maximum=None, above=None, below=None, hint=""):
    """Check ``value`` is a finite real number (not a bool) in range and return it as float.

    minimum/maximum are inclusive bounds, above/below exclusive ones. hint: words added after
    what is expected, e.g. " (a learning rate such as 0.1)".
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{hint}, got {describe(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number{hint}, got {value}.")
    if ((minimum is not None and value < minimum) or (maximum is not None and value > maximum)
            or (above is not None and value <= above) or (below is not None and value >= below)):
        raise ValueError(f"{name} must be {_range_words(minimum, maximum, above, below)}{hint}, got {value:g}.")
    return value


def require_number_between(value, name, low, high, *, expected, low_ok=True, high_ok=False):
    """Check ``value`` is a real number (not a bool, not NaN) from ``low`` to ``high`` and return it as float.

    low_ok / high_ok: whether the bounds themselves are allowed (default [low, high)). expected: the
    words for the range in the message, e.g. "a rate from 0 up to (not including) 1". Anything else,
    a string or a bool included, gets one ValueError: "{name} must be {expected}, got ...".
    """
    is_number = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not (is_number and (low <= value if low_ok else low < value) and (value <= high if high_ok else value < high)):
        raise ValueError(f"{name} must be {expected}, got {describe(value)}.")
    return float(value)


def require_bool(value, name):
    """Check ``value`` is True or False and return it as bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def require_labels(y, name, num_rows=None, num_classes=None, rows_name=None):
    """Check ``y`` is a 1-D array of class numbers (num_rows of them, below num_classes, when given); return int64.

    rows_name: the argument that has the num_rows rows, named in the message when the lengths differ.
    """
    y = as_array(y, name, ndim=1, dtype_kind="iubf")
    if y.dtype.kind == "f":
        whole = bool(np.all(np.isfinite(y)) and np.all(y == np.round(y)))
        hint = "; they are whole numbers, so y.astype(int) converts them" if whole else ""
        raise TypeError(f"{name}: class labels must be integers, got {y.dtype} values such as "
                        f"{_example(y, prefer_fraction=True)}{hint}.")
    if num_rows is not None and len(y) != num_rows:
        rows = f"{rows_name} has" if rows_name else "there are"
        raise ValueError(f"{name} has {len(y)} labels but {rows} {num_rows} rows; they must match.")
    if y.min() < 0 or (num_classes is not None and y.max() >= num_classes):
        wanted = "0, 1, 2, ..." if num_classes is None else f"0..{num_classes - 1}"
        raise ValueError(f"{name} must hold class numbers {wanted}; found values from {y.min()} to {y.max()}.")
    return y.astype(np.int64, copy=False)


def require_choice(value, name, choices):
    """Check ``value`` is one of ``choices`` and return it."""
    try:
        known = value in choices
    except TypeError:  # unhashable values such as lists
        known = False
    if not known:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def require_list(value, name, *, example, allow_empty=False):
    """Check ``value`` is a list, tuple or 1-D array (not a string or a single value); return a list."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if isinstance(value, range):
        value = list(value)
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list such as {example}, got {describe(value)}.")
    if not value and not allow_empty:
        raise ValueError(f"{name} is empty; it needs at least one entry, e.g. {example}.")
    return list(value)


def require_dict(value, name, *, example):
    """Check ``value`` is a non-empty dict and return it."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict such as {example}, got {describe(value)}.")
    if not value:
        raise ValueError(f"{name} is empty; it needs at least one entry, e.g. {example}.")
    return value


def require_callable(value, name, *, what="a function", num_args=None):
    """Check ``value`` can be called (with ``num_args`` positional arguments, when given) and return it."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {describe(value)}.")
    if num_args is not None:
        import inspect

        try:
            inspect.signature(value).bind(*[None] * num_args)
        except ValueError:  # no signature to inspect (some built-ins): trust it
            pass
        except TypeError as error:
            raise TypeError(f"{name} must be {what}, but it cannot be called with {num_args} argument(s) "
                            f"({error}).") from None
    return value


def require_loss_value(value, name):
    """Return the number a loss function ``name`` returned, or raise if it returned something else."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = "; if it returns (loss, grads), pass a function that keeps the loss: lambda ...: f(...)[0]" \
            if isinstance(value, tuple) else ""
        raise TypeError(f"{name} must return a number (the loss), but it returned {describe(value)}{hint}.")
    return float(value)


def require_sha256(value, name="sha256"):
    """Check ``value`` is a SHA-256 hex digest (64 hex characters) and return it in lower case."""
    if not (isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower())):
        raise ValueError(f"{name} must be a 64-character hex digest, got {describe(value)}.")
    return value.lower()


def require_axes(ax, name="ax"):
    """Check ``ax`` is None or a matplotlib Axes (what plt.subplots() returns) and return it."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise TypeError(f"{name} must be a matplotlib Axes (e.g. from plt.subplots()) or None, got {describe(ax)}.")
    return ax


# Model-ready inputs are about 0-1 or -1..1; larger values are unscaled pixels.
MAX_ABS_INPUT = 10.0


def require_image_model(model, scores=True):
    """Return ``model`` if it is a built Keras model with one (N, H, W, C) input (and (N, classes) output if scores)."""
    from ._keras import import_keras

    keras = import_keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}.")
    try:
        input_shape, output_shape = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
    except (AttributeError, IndexError, ValueError):
        raise ValueError("model has no known input shape; build it with keras.Input(shape=...).") from None
    if len(input_shape) != 4:
        raise ValueError(f"model must take images (N, H, W, C), but its input is {input_shape}.")
    if scores and len(output_shape) != 2:
        raise ValueError(f"model must output class scores (N, classes), but its output is {output_shape}.")
    return model


def require_model_input(image, model, name="image"):
    """Return one model-ready image (H, W, C) as float32, checked against the model's input shape."""
    image = require_finite(as_array(image, name, dtype_kind="uif"), name)
    expected = tuple(model.inputs[0].shape[1:])
    if image.ndim == 4 and image.shape[0] == 1:
        raise ValueError(f"{name} must be one image {expected}, got a batch of one {image.shape}; pass {name}[0].")
    if image.shape != expected:
        hint = " (a greyscale image needs its channel axis: image[..., None])" \
            if image.shape == expected[:2] and expected[2] == 1 else ""
        raise ValueError(f"{name} must have the model's input shape {expected}, got {image.shape}{hint}.")
    if np.abs(image).max() > MAX_ABS_INPUT:
        raise ValueError(f"{name} holds values up to {np.abs(image).max():g}: these look like unscaled 0-255 pixels. "
                         "Scale it as the model expects (labs.models.prepare_images for the small CNN, "
                         "labs.pretrained.preprocess_input for an ImageNet base).")
    return image.astype(np.float32)


def suggest_names(name, names):
    """Return "; did you mean 'a' or 'b'?" for the closest of ``names`` to ``name``, else "; its layers include ...".

    The one way labs points at a mistyped layer name (ends with its own punctuation).
    """
    names = [str(n) for n in names]
    close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return f"; its layers include {', '.join(repr(n) for n in names[:6])}{', ...' if len(names) > 6 else ''}."


def require_file(path, name, what):
    """Return ``path`` as a Path after checking it names an existing file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a string or pathlib.Path), got {describe(path)}.")
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{name}: no such file {str(path)!r} (the current folder is {os.getcwd()!r}).")
    if not path.is_file():
        raise ValueError(f"{name} must be {what}, but {str(path)!r} is a folder.")
    return path


def require_image_size(image_size):
    """Return image_size as a (height, width) tuple of ints from 1 to 4096."""
    example = "a pair (height, width) such as (96, 96)"
    if isinstance(image_size, np.ndarray):
        image_size = image_size.tolist()
    if not isinstance(image_size, (tuple, list)):
        raise TypeError(f"image_size must be {example}, got {describe(image_size)}.")
    if len(image_size) != 2:
        raise ValueError(f"image_size must be {example}, got {describe(image_size)}.")
    return tuple(require_int(size, f"image_size[{i}] ({'height' if i == 0 else 'width'})", minimum=1, maximum=4096)
                 for i, size in enumerate(image_size))


def require_class_names(class_names):
    """Return class_names as a list of distinct, non-empty strings."""
    names = require_list(class_names, "class_names", example="train.class_names")
    wrong = [name for name in names if not isinstance(name, str) or not name or "/" in name]
    if wrong:
        raise TypeError(f"class_names must hold folder names (strings), got {describe(wrong[0])}.")
    if len(set(names)) != len(names):
        raise ValueError(f"class_names lists a name twice: {sorted({n for n in names if names.count(n) > 1})}.")
    return names


def require_rows(X, name, num_features=None):
    """Return a 2-D (N, D) array of finite numbers as float64; num_features: the D that X_train has."""
    X = as_array(X, name, ndim=2, dtype_kind="uif")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {X.shape}); each row needs at least one value.")
    if num_features is not None and X.shape[1] != num_features:
        raise ValueError(f"{name} has {X.shape[1]} features per row but X_train has {num_features}; "
                         f"flatten both the same way (e.g. X.reshape(len(X), -1)).")
    return require_finite(X, name).astype(np.float64, copy=False)


def require_class_index(class_index, model):
    """Return ``class_index`` as an int within the model's outputs."""
    num_classes = int(model.outputs[0].shape[-1])
    return require_int(class_index, "class_index", minimum=0, maximum=num_classes - 1)


def require_image_batch(images, model):
    """Return a batch of model-ready images (N, H, W, C) as float32, checked against the model's input shape."""
    images = require_finite(as_array(images, "images", ndim=4, dtype_kind="uif"), "images")
    if tuple(images.shape[1:]) != tuple(model.inputs[0].shape[1:]):
        raise ValueError(f"images must have shape (N, {', '.join(map(str, model.inputs[0].shape[1:]))}), "
                         f"got {images.shape}.")
    return images.astype(np.float32)


def require_layer(model, layer_name, name="layer_name"):
    """Return the layer called ``layer_name`` of ``model``, or raise naming the closest names."""
    if not isinstance(layer_name, str):
        raise TypeError(f"{name} must be the name of a layer (a string, e.g. 'conv_1'), got {describe(layer_name)}.")
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"{name}: model {model.name!r} has no layer named {layer_name!r}{suggest_names(layer_name, names)}")
    return model.get_layer(layer_name)


def require_feature_map_layer(model, layer_name, name="layer_name", purpose="a feature map"):
    """Return the layer ``layer_name`` if its output is a feature map (N, h, w, channels)."""
    layer = require_layer(model, layer_name, name)
    shape = tuple(layer.output.shape)
    if len(shape) != 4:
        convs = [other.name for other in model.layers
                 if type(other).__name__ != "InputLayer" and len(tuple(other.output.shape)) == 4]
        example = f", e.g. {convs[-1]!r}" if convs else ""
        raise ValueError(f"{name}: layer {layer_name!r} gives {shape}, not {purpose} (N, h, w, channels); "
                         f"pick a convolutional layer{example}.")
    return layer
