"""Data augmentation (notebooks 08-12): Keras' random preprocessing layers as one pipeline, and previews of it.

    augmentation = labs.augment.make_augmentation(flip="horizontal", translation=0.1, seed=0)
    labs.augment.show_augmentations(image, rotation=0.05)      # an image and 15 augmented copies

Notebook 08 writes the pipeline itself as keras.Sequential([...]); this room builds the same
pipeline for the models of labs.models, the augmentation explorer (labs.widgets) and the benchmarks.
"""

import numbers

import numpy as np

from ._validate import as_array, require_choice, require_int, describe

__all__ = ["FLIP_MODES", "STRENGTH_LIMITS", "make_augmentation", "describe_augmentation", "augment_image",
           "flip_images", "show_augmentations"]

FLIP_MODES = (None, "horizontal", "vertical", "horizontal_and_vertical")

# The strength of each transformation as Keras' preprocessing layers take it, and its allowed range.
STRENGTH_LIMITS = {
    "rotation": (0.0, 0.5, "a fraction of a full turn: 0.05 turns up to ±18°, 0.5 up to ±180°"),
    "translation": (0.0, 0.5, "a fraction of the image size: 0.1 moves up to 10% of the width and height"),
    "zoom": (0.0, 0.5, "a fraction of the image size: 0.1 zooms in or out by up to 10%"),
    "contrast": (0.0, 0.9, "a fraction: 0.3 multiplies the contrast by a factor from 0.7 to 1.3"),
}


# --- augmentation ----------------------------------------------------------------------------------

def _require_strength(value, name):
    """Return ``value`` as a float within STRENGTH_LIMITS[name], or raise naming the argument and its unit."""
    low, high, meaning = STRENGTH_LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a number from {low:g} to {high:g} ({meaning}), got {describe(value)}.")
    if not low <= value <= high:
        hint = ""
        if name == "rotation" and value > high:
            hint = f" Keras takes a fraction of a turn, not degrees: {value:g}° is {value / 360:.3f}."
        raise ValueError(f"{name} must be from {low:g} to {high:g} ({meaning}), got {value:g}.{hint}")
    return float(value)


def _require_flip(flip):
    """Return ``flip`` if it is one of FLIP_MODES, else raise listing them."""
    if flip not in FLIP_MODES:
        raise ValueError(f"flip must be one of {', '.join(map(repr, FLIP_MODES))}; got {flip!r}. "
                         "(Keras' RandomFlip knows only these three modes.)")
    return flip


def make_augmentation(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0, seed=None,
                      fill_mode="constant"):
    """Build a Keras pipeline of random preprocessing layers; it changes images only while training.

    flip: None, "horizontal", "vertical" or "horizontal_and_vertical" (RandomFlip's modes).
    rotation, translation, zoom, contrast: strengths as Keras takes them (see STRENGTH_LIMITS);
    0 leaves that layer out. seed: an int makes the random draws repeatable. fill_mode: how
    uncovered pixels are filled ("constant": black, as a digit's background).
    Images go in as floats in [0, 1] of shape (N, H, W, C). Returns a keras.Sequential named "augmentation".
    """
    from ._keras import import_keras

    keras = import_keras()
    flip = _require_flip(flip)
    strengths = {name: _require_strength(value, name) for name, value in
                 [("rotation", rotation), ("translation", translation), ("zoom", zoom), ("contrast", contrast)]}
    if seed is not None:
        seed = require_int(seed, "seed", minimum=0)
    fill_mode = require_choice(fill_mode, "fill_mode", ("constant", "reflect", "nearest", "wrap"))
    layers, pipeline = keras.layers, []

    def seeded(offset):
        return None if seed is None else seed + offset

    if flip is not None:
        pipeline.append(layers.RandomFlip(flip, seed=seeded(0), name="flip"))
    if strengths["rotation"]:
        pipeline.append(layers.RandomRotation(strengths["rotation"], fill_mode=fill_mode, seed=seeded(1),
                                              name="rotation"))
    if strengths["translation"]:
        pipeline.append(layers.RandomTranslation(strengths["translation"], strengths["translation"],
                                                 fill_mode=fill_mode, seed=seeded(2), name="translation"))
    if strengths["zoom"]:
        pipeline.append(layers.RandomZoom(strengths["zoom"], fill_mode=fill_mode, seed=seeded(3), name="zoom"))
    if strengths["contrast"]:
        # a pair: Keras 3 reads one number c as the range [1, 1 + c], the pair (c, c) as [1 - c, 1 + c]
        pipeline.append(layers.RandomContrast((strengths["contrast"], strengths["contrast"]), value_range=(0, 1),
                                              seed=seeded(4), name="contrast"))
    if not pipeline:
        pipeline.append(layers.Identity(name="no_change"))
    return keras.Sequential(pipeline, name="augmentation")


def describe_augmentation(flip=None, rotation=0.0, translation=0.0, zoom=0.0, contrast=0.0):
    """Return one line saying what a pipeline with these strengths does, in degrees and pixels of a 28x28 image."""
    flip = _require_flip(flip)
    parts = [] if flip is None else [f"flip {flip.replace('_and_', ' and ')}"]
    rotation, translation = _require_strength(rotation, "rotation"), _require_strength(translation, "translation")
    zoom, contrast = _require_strength(zoom, "zoom"), _require_strength(contrast, "contrast")
    if rotation:
        parts.append(f"rotate up to ±{rotation * 360:.0f}°")
    if translation:
        parts.append(f"shift up to ±{translation * 28:.1f} px")
    if zoom:
        parts.append(f"zoom ±{zoom:.0%}")
    if contrast:
        parts.append(f"contrast ×{1 - contrast:.2f} to ×{1 + contrast:.2f}")
    return ", ".join(parts) if parts else "no change"


def _as_uint8_image(image):
    """Return a uint8 (H, W) or (H, W, 1 or 3) image, or raise naming ``image``."""
    image = as_array(image, "image", ndim=(2, 3), dtype_kind="uif")
    if image.dtype != np.uint8:
        raise TypeError(f"image must be uint8 with values 0-255 (as the datasets give them), got dtype {image.dtype}.")
    if image.ndim == 3 and image.shape[2] not in (1, 3):
        raise ValueError(f"image must be (H, W), (H, W, 1) or (H, W, 3), got shape {image.shape}.")
    return image


def augment_image(image, num_samples=16, seed=0, **strengths):
    """Return ``num_samples`` randomly augmented copies of one image, as uint8 (num_samples, *image.shape).

    image: uint8 (H, W) or (H, W, C). strengths: make_augmentation's flip, rotation, translation,
    zoom and contrast. The same seed gives the same copies.
    """
    image = _as_uint8_image(image)
    num_samples = require_int(num_samples, "num_samples", minimum=1, maximum=256)
    seed = require_int(seed, "seed", minimum=0)
    unknown = sorted(set(strengths) - {"flip", "rotation", "translation", "zoom", "contrast"})
    if unknown:
        raise TypeError(f"augment_image got unknown strength(s) {unknown}; "
                        "it accepts flip, rotation, translation, zoom, contrast.")
    pipeline = make_augmentation(**strengths, seed=seed)
    batch = np.repeat((image.astype("float32") / 255.0).reshape(1, *image.shape[:2], -1), num_samples, axis=0)
    out = np.asarray(pipeline(batch, training=True))
    out = np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)
    return out.reshape(num_samples, *image.shape)


def flip_images(images, mode="horizontal"):
    """Mirror images left-right ("horizontal"), upside down ("vertical") or both.

    images: array of shape (H, W), (N, H, W) or (N, H, W, C) for colour (C = 3). Returns the same shape.
    """
    images = as_array(images, "images", ndim=(2, 3, 4), dtype_kind="uif")
    mode = _require_flip(mode)
    if mode is None:
        return images.copy()
    rows, cols = (-3, -2) if images.ndim == 4 else (-2, -1)
    if mode in ("horizontal", "horizontal_and_vertical"):
        images = np.flip(images, axis=cols)
    if mode in ("vertical", "horizontal_and_vertical"):
        images = np.flip(images, axis=rows)
    return images.copy()


# --- figures ---------------------------------------------------------------------------------------

def show_augmentations(image, num_samples=15, seed=0, ncols=8, title=None, **strengths):
    """Show an image and ``num_samples`` augmented copies of it in a grid; returns the figure."""
    from .plots import show_images

    image = _as_uint8_image(image)
    copies = augment_image(image, num_samples=num_samples, seed=seed, **strengths)
    pictures = [image, *copies]
    titles = ["original"] + [f"copy {i}" for i in range(1, len(copies) + 1)]
    return show_images([p[..., 0] if p.ndim == 3 and p.shape[2] == 1 else p for p in pictures], titles,
                       ncols=ncols, suptitle=title or describe_augmentation(**strengths))
