"""Interactive widgets: thin wrappers that redraw a figure from a pure, tested function of a topic module.

    labs.widgets.augmentation_explorer(images, titles)     # notebook 08: labs.augment.augment_image

Each widget draws into an ipywidgets Image (PNG bytes), so it needs no output capture
and works the same in JupyterLab, in nbclient runs and in saved notebooks.
"""

from ._validate import as_array, check_int, describe

__all__ = ["augmentation_explorer"]


def augmentation_explorer(images, titles=None, num_samples=11, seed=0):
    """Return the augmentation explorer: pick an image, a flip and each transformation's strength.

    images: uint8 array of shape (N, H, W) or (N, H, W, 3). titles: None or N names for the picker.
    num_samples: augmented copies drawn per setting (1-63). seed: the first draw; "new draw" adds 1.
    The grid comes from labs.augment.show_augmentations (labs.augment.augment_image).
    """
    import ipywidgets as widgets

    from .augment import FLIP_MODES, STRENGTH_LIMITS, describe_augmentation, show_augmentations
    from .plots import figure_to_png

    images = as_array(images, "images", ndim=(3, 4), dtype_kind="uif")
    if images.dtype.name != "uint8":
        raise TypeError(f"images must be uint8 with values 0-255, got dtype {images.dtype}.")
    if images.ndim == 4 and images.shape[3] != 3:
        raise ValueError(f"images must be (N, H, W) or (N, H, W, 3), got shape {images.shape}.")
    if titles is not None and (isinstance(titles, str) or len(titles) != len(images)):
        raise ValueError(f"titles must hold one name per image ({len(images)}), got {describe(titles)}.")
    num_samples = check_int(num_samples, "num_samples", minimum=1, maximum=63)
    seed = check_int(seed, "seed", minimum=0)
    names = [f"image {i}" for i in range(len(images))] if titles is None else [str(t) for t in titles]

    style, wide = {"description_width": "80px"}, widgets.Layout(width="320px")
    picker = widgets.Dropdown(options=list(zip(names, range(len(images)))), value=0, description="image",
                              style=style, layout=wide)
    flip = widgets.Dropdown(options=[("none", None)] + [(m.replace("_and_", " and "), m) for m in FLIP_MODES[1:]],
                            value=None, description="flip", style=style, layout=wide)
    steps = {"rotation": 0.01, "translation": 0.02, "zoom": 0.02, "contrast": 0.05}
    sliders = {name: widgets.FloatSlider(value=0.0, min=0.0, max=min(STRENGTH_LIMITS[name][1], 0.5), step=step,
                                         description=name, readout_format=".2f", style=style, layout=wide)
               for name, step in steps.items()}
    draw = widgets.Button(description="new draw", tooltip="draw other random transformations")
    note = widgets.HTML()
    picture = widgets.Image(format="png")
    state = {"seed": seed}

    def strengths():
        """Return the strengths the controls show."""
        return {"flip": flip.value, **{name: float(slider.value) for name, slider in sliders.items()}}

    def update(_=None):
        """Redraw the grid of augmented copies for the current controls."""
        settings = strengths()
        note.value = f"<b>{describe_augmentation(**settings)}</b> · draw {state['seed'] - seed + 1}"
        fig = show_augmentations(images[picker.value], num_samples=num_samples, seed=state["seed"], ncols=6,
                                 title=f"{names[picker.value]}: {describe_augmentation(**settings)}", **settings)
        picture.value = figure_to_png(fig)

    def new_draw(_=None):
        """Draw other random transformations with the same strengths."""
        state["seed"] += 1
        update()

    for control in (picker, flip, *sliders.values()):
        control.observe(update, names="value")
    draw.on_click(new_draw)
    update()
    controls = widgets.VBox([picker, flip, *sliders.values(), draw])
    return widgets.VBox([widgets.HBox([controls, picture]), note])
