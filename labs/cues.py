"""A spurious cue planted in digits (notebook 11): a border mark that gives the class away, and mixed-up scans."""

import numpy as np

from ._validate import as_image, require_choice, require_int, require_labels, require_number

__all__ = ["CUE_PATTERNS", "cue_box", "add_class_cue", "replace_with_other_class"]


CUE_PATTERNS = ("solid", "checker")


def cue_box(label, image_size=28, cue_size=4, num_classes=10, inset=0):
    """Return the box (top, left, bottom, right) where add_class_cue puts the mark of class ``label``.

    The marks of the classes go round the border of the image, clockwise from the top-left corner.
    inset: the last ``inset`` rows and columns are left free, so the marks go round the border of the
    top-left (image_size - inset) square. The small CNN never looks at the last 2 rows and columns of
    a 28x28 digit (its valid convolutions and floor-rounded pools drop them; their gradient is exactly
    0): inset=2 keeps every mark where it can see it.
    """
    image_size = require_int(image_size, "image_size", minimum=8)
    cue_size = require_int(cue_size, "cue_size", minimum=1, maximum=image_size // 4)
    inset = require_int(inset, "inset", minimum=0, maximum=image_size // 4)
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    label = require_int(label, "label", minimum=0, maximum=num_classes - 1)
    span = image_size - inset - cue_size
    perimeter = 4 * span
    position = round(label * perimeter / num_classes)
    side, offset = divmod(position, span)
    top, left = [(0, offset), (offset, span), (span, span - offset), (span - offset, 0)][side]
    return (top, left, top + cue_size, left + cue_size)


def add_class_cue(X, y, cue_labels=None, cue_size=4, rate=1.0, seed=0, num_classes=10, pattern="solid", inset=0):
    """Return a copy of the uint8 images X (N, H, W) with a bright square mark that gives away the class.

    Image k gets the mark of class cue_labels[k] (default: its own label y[k]) at
    cue_box(..., inset=inset), with probability ``rate`` (else no mark). Pass other labels as
    cue_labels to swap the cue. pattern: "solid" (every pixel of the mark white) or "checker" (a
    one-pixel checkerboard of white and the image's own pixels: a texture, which draws more of
    the network's attention than a flat square).
    """
    X = as_image(X, "X", ndim=3, channel_ndim=None, scale="uint8")
    if X.shape[1] != X.shape[2]:
        raise ValueError(f"X must hold square images (N, S, S), got {X.shape}.")
    num_classes = require_int(num_classes, "num_classes", minimum=2)
    y = np.asarray(y)
    y = require_labels(y, "y", len(X), num_classes, rows_name="X")
    cue_labels = y if cue_labels is None else require_labels(np.asarray(cue_labels), "cue_labels", len(X),
                                                           num_classes, rows_name="X")
    rate = require_number(rate, "rate", minimum=0, maximum=1)
    pattern = require_choice(pattern, "pattern", CUE_PATTERNS)
    marked = np.random.default_rng(require_int(seed, "seed", minimum=0)).random(len(X)) < rate
    out = X.copy()
    boxes = [cue_box(c, X.shape[1], cue_size, num_classes, inset) for c in range(num_classes)]
    for k in np.nonzero(marked)[0]:
        top, left, bottom, right = boxes[cue_labels[k]]
        if pattern == "solid":
            out[k, top:bottom, left:right] = 255
        else:
            white = (np.add.outer(np.arange(top, bottom), np.arange(left, right)) % 2) == 0
            out[k, top:bottom, left:right][white] = 255
    return out


def replace_with_other_class(X, y, fraction, seed=0):
    """Return a copy of the uint8 images X (N, H, W) with a ``fraction`` of them swapped for an image of another class.

    round(fraction * N) images, chosen with ``seed``, are each replaced by a random image of X whose
    label differs from theirs; the labels y stay as they were, so those images are now mislabelled
    (the scans got mixed up, the labels did not). Before add_class_cue, it makes the mark more
    reliable than the digit: the mark follows the label on every image, the digit only on the rest.
    """
    X = as_image(X, "X", ndim=3, channel_ndim=None, scale="uint8")
    y = require_labels(np.asarray(y), "y", len(X), rows_name="X")
    fraction = require_number(fraction, "fraction", minimum=0, maximum=1)
    rng = np.random.default_rng(require_int(seed, "seed", minimum=0))
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"y must hold at least two classes to take an image of another class from; "
                         f"it holds only class {classes[0] if len(classes) else 'none'}.")
    others = {c: np.flatnonzero(y != c) for c in classes}
    out = X.copy()
    for k in np.sort(rng.choice(len(X), size=round(fraction * len(X)), replace=False)):
        out[k] = X[rng.choice(others[y[k]])]
    return out
