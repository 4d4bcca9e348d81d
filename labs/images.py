"""Images as arrays: reference implementations for notebook 01 and the nuisance demos."""

import numpy as np

from ._validate import as_array, as_image, require_choice, require_int, require_number

__all__ = ["to_greyscale", "intensity_histogram", "shuffle_pixels", "invert", "apply_nuisance",
           "NUISANCES", "GREY_WEIGHTS"]

# ITU-R BT.709 luma weights, the ones skimage.color.rgb2gray uses.
GREY_WEIGHTS = np.array([0.2125, 0.7154, 0.0721])

NUISANCES = ("viewpoint", "scale", "deformation", "occlusion", "illumination", "clutter")


def _as_image(image, name="image"):
    """Check ``image`` is a greyscale (H, W) or colour (H, W, 3) array of numbers (any scale)."""
    image = as_array(image, name, ndim=(2, 3), dtype_kind="uif")
    if image.ndim == 3 and image.shape[2] != 3:
        raise ValueError(f"{name} must be (H, W) or (H, W, 3); got {image.shape[2]} channels in shape {image.shape}.")
    return image


def _as_unit_float(image):
    """Return ``image`` as floats in [0, 1] (uint8 is divided by 255)."""
    if image.dtype == np.uint8:
        return image / 255.0
    return image.astype(float)


def to_greyscale(image):
    """Turn an (H, W, 3) colour image into an (H, W) float image in [0, 1] (luma weights).

    image: uint8 array of shape (H, W, 3) with values 0-255, or floats in [0, 1].
    """
    image = as_image(image, "image")  # uint8, or floats 0-1 (0-255 floats are refused)
    if image.ndim != 3:
        raise ValueError(f"image must be a colour image of shape (H, W, 3), got shape {image.shape}.")
    return _as_unit_float(image) @ GREY_WEIGHTS


def intensity_histogram(image):
    """Count how many values of a uint8 image are 0, 1, ..., 255; returns shape (256,)."""
    image = as_image(image, "image", scale="uint8")
    return np.bincount(image.ravel(), minlength=256)


def shuffle_pixels(image, seed=0):
    """Move every pixel to a random new place (the same move for all channels of a pixel).

    image: array of shape (H, W) or (H, W, C). Returns an array of the same shape and dtype.
    """
    image = _as_image(image)
    seed = require_int(seed, "seed", minimum=0)
    height, width = image.shape[:2]
    order = np.random.default_rng(seed).permutation(height * width)
    flat = image.reshape(height * width, *image.shape[2:])
    return flat[order].reshape(image.shape)


def invert(image):
    """Return the negative of a uint8 image (or batch of images): 255 - value for every value."""
    image = as_image(image, "image", ndim=None, channel_ndim=None, scale="uint8")
    return 255 - image


def apply_nuisance(image, kind, strength=1.0, seed=0):
    """Return ``image`` changed by one of the hard parts of recognition (see NUISANCES).

    image: uint8 array of shape (H, W, 3). strength: 0 (no change) to 1 (strong).
    """
    from skimage import transform, util

    image = as_image(image, "image")  # uint8, or floats 0-1 (0-255 floats are refused)
    kind = require_choice(kind, "kind", NUISANCES)
    strength = require_number(strength, "strength", minimum=0, maximum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    picture = util.img_as_float(image)
    height, width = picture.shape[:2]
    if kind == "viewpoint":
        shear = transform.AffineTransform(shear=0.5 * strength)
        changed = transform.warp(picture, shear.inverse, mode="edge")
    elif kind == "scale":
        small = transform.rescale(picture, 1 - 0.6 * strength, channel_axis=-1 if picture.ndim == 3 else None)
        changed = np.full_like(picture, 0.5)  # the smaller picture, centred on grey
        top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
        changed[top: top + small.shape[0], left: left + small.shape[1]] = small
    elif kind == "deformation":
        rows, cols = np.mgrid[0:height, 0:width].astype(float)
        cols += 12 * strength * np.sin(rows / height * 2 * np.pi * 2)
        changed = _remap(picture, rows, cols)
    elif kind == "occlusion":
        changed = picture.copy()
        top, left = int(height * 0.25), int(width * 0.3)
        changed[top: top + int(height * 0.5 * strength), left: left + int(width * 0.4 * strength)] = 0.1
    elif kind == "illumination":
        ramp = np.linspace(1.0, 1.0 - 0.85 * strength, width)
        changed = picture * (ramp[None, :, None] if picture.ndim == 3 else ramp[None, :])
    else:  # clutter
        noise = rng.uniform(size=picture.shape[:2])
        mask = noise < 0.15 * strength
        changed = picture.copy()
        changed[mask] = rng.uniform(size=(int(mask.sum()),) + picture.shape[2:])
    return util.img_as_ubyte(np.clip(changed, 0, 1))


def _remap(picture, rows, cols):
    """Sample ``picture`` at (rows, cols) with bilinear interpolation."""
    from scipy import ndimage

    coords = np.stack([rows, cols])
    if picture.ndim == 2:
        return ndimage.map_coordinates(picture, coords, order=1, mode="nearest")
    return np.stack([ndimage.map_coordinates(picture[..., c], coords, order=1, mode="nearest")
                     for c in range(picture.shape[2])], axis=-1)


# --- old names, kept until 2027-03-31 (the same function and constant under the house spelling) ---------

to_grayscale = to_greyscale
GRAY_WEIGHTS = GREY_WEIGHTS
