"""A hand-drawn digit read as MNIST was made (notebook 11): strokes, MNIST-style preparation, the prediction, its figure.

    drawing = labs.drawing.render_strokes(labs.drawing.EXAMPLE_STROKES)   # a 7 drawn with a mouse
    labs.drawing.predict_drawing(model, drawing, layer_names=["conv_1"])
"""

import numpy as np

from .attribution import compute_class_scores
from .inspection import compute_activations
from ._validate import as_array, as_image, describe, require_image_model, require_int

__all__ = ["MNIST_BOX", "MNIST_SIZE", "MNIST_CENTRE", "EXAMPLE_STROKES", "render_strokes", "prepare_drawing",
           "predict_drawing", "show_drawing_result"]

MNIST_BOX = 20  # MNIST digits were scaled to fit a 20x20 box ...
MNIST_SIZE = 28  # ... then placed in a 28x28 frame so that their centre of mass is at the centre
MNIST_CENTRE = 14.0  # measured on mnist_small: the mean centre of mass is (14.0, 14.0), sd 0.3


# A "7" drawn with a mouse on a 280x280 canvas: (x, y) points of each stroke, stored so the drawing
# cells work without a browser.
EXAMPLE_STROKES = [[(70, 62), (120, 58), (170, 56), (212, 60), (206, 84), (186, 124), (166, 168), (150, 212),
                    (142, 240)], [(120, 150), (160, 146), (196, 146)]]


def render_strokes(strokes, size=280, width=18):
    """Draw polylines of (x, y) points as white strokes ``width`` pixels wide on a black size x size canvas (uint8)."""
    size = require_int(size, "size", minimum=8, maximum=4096)
    width = require_int(width, "width", minimum=1, maximum=size)
    if not isinstance(strokes, (list, tuple)):
        raise TypeError(f"strokes must be a list of strokes, each a list of (x, y) points, got {describe(strokes)}.")
    rows, cols = np.mgrid[0:size, 0:size]
    canvas = np.zeros((size, size), dtype=bool)
    for k, stroke in enumerate(strokes):
        points = as_array(stroke, f"strokes[{k}]", ndim=2, dtype_kind="uif").astype(np.float64)
        if points.shape[1] != 2:
            raise ValueError(f"strokes[{k}] must be (x, y) points, shape (n, 2), got {points.shape}.")
        ends = list(zip(points[:-1], points[1:])) or [(points[0], points[0])]
        for (x0, y0), (x1, y1) in ends:
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((cols - x0) * dx + (rows - y0) * dy) / max(dx * dx + dy * dy, 1e-12), 0, 1)
            canvas |= (cols - x0 - t * dx) ** 2 + (rows - y0 - t * dy) ** 2 <= (width / 2) ** 2
    return canvas.astype(np.uint8) * 255


def prepare_drawing(drawing):
    """Turn a drawing (bright ink on black) into an MNIST-style 28x28 uint8 digit.

    drawing: (H, W) greyscale, uint8 0-255 or floats 0-1, any size. As MNIST was made: crop to
    the ink's bounding box, scale it (keeping its aspect ratio, anti-aliased) so its longer side
    is 20 pixels, and place it in a 28x28 frame so its centre of mass lands on pixel (14, 14).
    """
    from scipy import ndimage
    from skimage.transform import resize

    drawing = as_image(drawing, "drawing", ndim=2, channel_ndim=None)
    ink = drawing.astype(np.float64) / (255.0 if drawing.dtype == np.uint8 else 1.0)
    rows, cols = np.nonzero(ink > 0)
    if len(rows) == 0:
        raise ValueError("drawing is empty (no ink: every pixel is 0); draw a digit first.")
    crop = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = MNIST_BOX / max(crop.shape)
    size = (max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale)))
    small = np.clip(resize(crop, size, order=1, anti_aliasing=scale < 1, mode="constant"), 0, 1)
    if small.max() <= 0:
        small = np.ones(size)  # a dot scaled up from nothing: keep it visible
    frame = np.zeros((MNIST_SIZE, MNIST_SIZE))
    top, left = (MNIST_SIZE - size[0]) // 2, (MNIST_SIZE - size[1]) // 2
    frame[top:top + size[0], left:left + size[1]] = small
    centre_row, centre_col = ndimage.center_of_mass(frame)
    shift_row = int(np.clip(round(MNIST_CENTRE - centre_row), -top, MNIST_SIZE - top - size[0]))
    shift_col = int(np.clip(round(MNIST_CENTRE - centre_col), -left, MNIST_SIZE - left - size[1]))
    frame = np.roll(frame, (shift_row, shift_col), axis=(0, 1))
    return np.rint(frame * 255).astype(np.uint8)


def predict_drawing(model, drawing, layer_names=(), top=2):
    """Prepare a drawing MNIST-style and run the digit model on it.

    Returns a dict: "digit" (28x28 uint8), "probabilities" (classes,), "top" [(class, probability), ...]
    best first, and "activations" {layer name: map} for ``layer_names``. The drawing widget shows this.
    """
    model = require_image_model(model)
    if tuple(model.inputs[0].shape[1:]) != (MNIST_SIZE, MNIST_SIZE, 1):
        raise ValueError(f"model must take 28x28 greyscale digits (N, 28, 28, 1), but its input is "
                         f"{tuple(model.inputs[0].shape)}.")
    digit = prepare_drawing(drawing)
    image = digit.astype(np.float32)[..., None] / 255.0
    top = require_int(top, "top", minimum=1, maximum=int(model.outputs[0].shape[-1]))
    probabilities = compute_class_scores(model, image[None])[0]
    order = np.argsort(-probabilities, kind="stable")[:top]
    activations = compute_activations(model, image, list(layer_names)) if len(layer_names) else {}
    return {"digit": digit, "probabilities": probabilities,
            "top": [(int(i), float(probabilities[i])) for i in order], "activations": activations}


# --- figures ------------------------------------------------------------------------------------

def show_drawing_result(result, num_maps=6, title=None):
    """Show predict_drawing's result: the 28x28 digit, the class probabilities, and a few maps per layer."""
    import matplotlib.pyplot as plt

    if not isinstance(result, dict) or not {"digit", "probabilities", "top", "activations"} <= set(result):
        raise TypeError(f"result must be the dict predict_drawing returns, got {describe(result)}.")
    num_maps = require_int(num_maps, "num_maps", minimum=1)
    maps = result["activations"]
    fig = plt.figure(figsize=(2.2 + 0.9 * num_maps, 2.4 + 0.9 * len(maps)))
    grid = fig.add_gridspec(2 + len(maps), num_maps, height_ratios=[2.2, 0.4] + [1] * len(maps))
    left = fig.add_subplot(grid[0, :2])
    left.imshow(result["digit"], cmap="gray", vmin=0, vmax=255)
    left.set(xticks=[], yticks=[], title="MNIST-style 28×28")
    bars = fig.add_subplot(grid[0, 2:])
    probabilities = np.asarray(result["probabilities"])
    bars.bar(range(len(probabilities)), probabilities, color="tab:blue")
    (first, p1), (second, p2) = (result["top"] + [(None, 0.0)])[:2]
    bars.set(xticks=range(len(probabilities)), ylim=(0, 1), ylabel="probability",
             title=f"first guess {first} ({p1:.2f})" + (f", second {second} ({p2:.2f})" if second is not None else ""))
    for row, (name, values) in enumerate(maps.items()):
        for k in range(num_maps):
            ax = fig.add_subplot(grid[2 + row, k])
            ax.set(xticks=[], yticks=[])
            if values.ndim == 3 and k < values.shape[2]:
                ax.imshow(values[..., k], cmap="viridis")
            if k == 0:
                ax.set_ylabel(name, fontsize=7)
    if title:
        fig.suptitle(title)
    return fig
