"""The procedural ``shapes`` dataset: coloured squares, circles and triangles with switchable nuisances.

Every nuisance (position, scale, rotation, lighting, clutter, occlusion,
colour) can be turned on or off on its own, which lets a lesson show what a
model must become invariant to. All random draws are made whatever the
switches say and then neutralised, so switching one nuisance does not reshuffle
the others (only the range of positions depends on the shape's size).
"""

import numpy as np
from matplotlib.colors import hsv_to_rgb

from labs._validate import require_int, describe

__all__ = ["SHAPE_CLASSES", "make_shapes"]

SHAPE_CLASSES = ("square", "circle", "triangle")

# Shapes are drawn in a unit frame and scaled by a radius r; these factors give
# all three the same area (pi r^2), so size is not a clue to the class.
_SQUARE_HALF_SIDE = np.sqrt(np.pi) / 2
_TRIANGLE_CIRCUMRADIUS = np.sqrt(4 * np.pi / (3 * np.sqrt(3)))
_EXTENT = 1.6  # furthest any shape reaches from its centre, in units of r (triangle tip, rotated)

_BASE_RADIUS = 0.18  # radius as a fraction of the image size when scale is off
_RADIUS_RANGE = (0.12, 0.24)
_FIXED_COLOUR = np.array([230.0, 80.0, 40.0])  # orange-red, when colour is off
_BACKGROUND = 40.0  # plain dark grey background
_OCCLUDER = 128.0  # mid-grey occluding square


def make_shapes(n, *, size=32, seed=0, position=True, scale=True, rotation=True, lighting=True,
                clutter=False, occlusion=False, colour=True, classes=SHAPE_CLASSES):
    """Draw ``n`` labelled shape images; return X uint8 (n, size, size, 3) 0-255 and y int64 (n,).

    y indexes ``classes`` (default: 0 square, 1 circle, 2 triangle). Classes are
    balanced (counts differ by at most one) and shuffled. The same arguments
    always give the same images. A nuisance switched off means: centred (position),
    fixed size (scale), upright (rotation), even lighting (lighting), plain
    background (clutter), nothing in front (occlusion), one fixed colour (colour).
    """
    n = require_int(n, "n", minimum=1)
    size = require_int(size, "size", minimum=8, maximum=512)
    seed = require_int(seed, "seed", minimum=0)
    flags = _require_flags(position=position, scale=scale, rotation=rotation, lighting=lighting,
                         clutter=clutter, occlusion=occlusion, colour=colour)
    classes = _require_classes(classes)
    params = _draw_params(np.random.default_rng(seed), n, size, len(classes), flags)
    images = _render(params, size, classes)
    return images, params["label"].astype(np.int64)


def _require_flags(**flags):
    """Check every nuisance switch is a bool and return the dict."""
    for name, value in flags.items():
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return {name: bool(value) for name, value in flags.items()}


def _require_classes(classes):
    """Check ``classes`` is a non-empty sequence of distinct known shape names and return a tuple."""
    if isinstance(classes, str) or not hasattr(classes, "__iter__"):
        raise TypeError(f"classes must be a tuple of shape names such as {SHAPE_CLASSES}, got {describe(classes)}.")
    classes = tuple(classes)
    unknown = [c for c in classes if c not in SHAPE_CLASSES]
    if unknown:
        raise ValueError(f"classes must be chosen from {SHAPE_CLASSES}; unknown: {unknown}.")
    if not classes or len(set(classes)) != len(classes):
        raise ValueError(f"classes must be non-empty and without repeats, got {classes}.")
    return classes


def _draw_params(rng, n, size, num_classes, flags):
    """Draw every random parameter, then neutralise the nuisances that are switched off."""
    label = rng.permutation(np.arange(n) % num_classes)
    radius = rng.uniform(*_RADIUS_RANGE, n) * size
    if not flags["scale"]:
        radius = np.full(n, _BASE_RADIUS * size)
    # Centres stay far enough from the border (plus a pixel of anti-aliasing) that no shape is cut off.
    margin = np.minimum(_EXTENT * radius + 1, (size - 1) / 2)
    centre = (size - 1) / 2
    free = rng.uniform(0, 1, (n, 2)) * (size - 1 - 2 * margin)[:, None] + margin[:, None]
    cx, cy = (free.T if flags["position"] else np.full((2, n), centre))
    angle = rng.uniform(0, 2 * np.pi, n)
    hsv = np.column_stack([rng.uniform(0, 1, n), rng.uniform(0.55, 1, n), rng.uniform(0.7, 1, n)])
    colour = hsv_to_rgb(hsv) * 255 if flags["colour"] else np.tile(_FIXED_COLOUR, (n, 1))
    gain = rng.uniform(0.6, 1.3, n)
    slope = rng.uniform(-0.5, 0.5, n)
    light_dir = rng.uniform(0, 2 * np.pi, n)
    clutter = rng.uniform(-70, 70, (n, 5, 5, 3))
    occ_dir = rng.uniform(0, 2 * np.pi, n)
    occ_dist = rng.uniform(0.6, 1.0, n)
    return {
        "label": label, "radius": radius, "cx": cx, "cy": cy,
        "angle": angle if flags["rotation"] else np.zeros(n),
        "colour": colour,
        "gain": gain if flags["lighting"] else np.ones(n),
        "slope": slope if flags["lighting"] else np.zeros(n),
        "light_dir": light_dir,
        "clutter": clutter if flags["clutter"] else None,
        "occluder": (occ_dir, occ_dist) if flags["occlusion"] else None,
    }


def _render(p, size, classes):
    """Render the images described by the parameter dict ``p``; return uint8 (n, size, size, 3)."""
    grid = np.arange(size, dtype=np.float32)
    dx = grid[None, None, :] - p["cx"][:, None, None].astype(np.float32)
    dy = grid[None, :, None] - p["cy"][:, None, None].astype(np.float32)
    image = _background(p, size)
    colour = p["colour"][:, None, None, :].astype(np.float32)
    image += _shape_alpha(dx, dy, p, classes)[..., None] * (colour - image)
    if p["occluder"] is not None:
        image += _occluder_alpha(dx, dy, p)[..., None] * (np.float32(_OCCLUDER) - image)
    image *= _lighting(grid, p)[..., None]
    np.clip(image, 0, 255, out=image)
    image += 0.5  # round to nearest when truncating to uint8
    return image.astype(np.uint8)


def _shape_alpha(dx, dy, p, classes):
    """Return the anti-aliased coverage (n, size, size) in [0, 1] of each image's shape."""
    r = p["radius"][:, None, None].astype(np.float32)
    cos = np.cos(p["angle"])[:, None, None].astype(np.float32)
    sin = np.sin(p["angle"])[:, None, None].astype(np.float32)
    u = (dx * cos + dy * sin) / r
    v = (-dx * sin + dy * cos) / r
    distance = np.empty_like(u)
    for index, name in enumerate(classes):
        members = p["label"] == index
        distance[members] = _DISTANCES[name](u[members], v[members])
    return np.clip(0.5 - distance * r, 0, 1)


def _square_distance(u, v):
    """Return the signed distance (units of r) to a square of area pi."""
    return np.maximum(np.abs(u), np.abs(v)) - _SQUARE_HALF_SIDE


def _circle_distance(u, v):
    """Return the signed distance (units of r) to the unit circle."""
    return np.hypot(u, v) - 1


def _triangle_distance(u, v):
    """Return the signed distance (units of r) to an upright equilateral triangle of area pi."""
    u, v = u / _TRIANGLE_CIRCUMRADIUS, v / _TRIANGLE_CIRCUMRADIUS
    root3 = np.sqrt(3)
    edges = np.maximum(np.maximum((root3 * u - v) / 2, (-root3 * u - v) / 2), v)
    return (edges - 0.5) * _TRIANGLE_CIRCUMRADIUS


_DISTANCES = {"square": _square_distance, "circle": _circle_distance, "triangle": _triangle_distance}


def _background(p, size):
    """Return the background (n, size, size, 3) float32: plain grey, or smooth coloured clutter."""
    n = len(p["radius"])
    if p["clutter"] is None:
        return np.full((n, size, size, 3), _BACKGROUND, dtype=np.float32)
    coarse = p["clutter"].astype(np.float32)  # (n, k, k, 3)
    k = coarse.shape[1]
    weights = _interpolation_matrix(k, size)
    # Bilinear upsampling of the coarse random grid, one axis at a time (two matrix products).
    rows = (weights @ coarse.reshape(n, k, k * 3)).reshape(n, size, k, 3)
    blobs = (rows.transpose(0, 1, 3, 2) @ weights.T).transpose(0, 1, 3, 2)
    return np.ascontiguousarray(blobs) + np.float32(_BACKGROUND + 40)


def _interpolation_matrix(coarse, size):
    """Return the (size, coarse) float32 matrix of linear interpolation weights from coarse to size samples."""
    position = np.linspace(0, coarse - 1, size)
    left = np.minimum(position.astype(int), coarse - 2)
    frac = position - left
    weights = np.zeros((size, coarse), dtype=np.float32)
    weights[np.arange(size), left] = 1 - frac
    weights[np.arange(size), left + 1] = frac
    return weights


def _occluder_alpha(dx, dy, p):
    """Return the coverage (n, size, size) of a grey square covering part of each shape's edge."""
    direction, distance = p["occluder"]
    r = p["radius"][:, None, None]
    ox = (np.cos(direction) * distance)[:, None, None] * r
    oy = (np.sin(direction) * distance)[:, None, None] * r
    half = 0.55 * r
    inside_x = np.clip(half + 0.5 - np.abs(dx - ox), 0, 1)
    inside_y = np.clip(half + 0.5 - np.abs(dy - oy), 0, 1)
    return (inside_x * inside_y).astype(np.float32)


def _lighting(grid, p):
    """Return the brightness field (n, size, size): a gain times a linear gradient across the image."""
    offset = (grid - grid.mean()) / len(grid)
    cos = np.cos(p["light_dir"])[:, None, None]
    sin = np.sin(p["light_dir"])[:, None, None]
    along = offset[None, None, :] * cos + offset[None, :, None] * sin
    return (p["gain"][:, None, None] * (1 + p["slope"][:, None, None] * along)).astype(np.float32)
