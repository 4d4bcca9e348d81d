"""Interactive widgets: thin wrappers that redraw a figure from a pure, tested function of a topic module.

    labs.widgets.augmentation_explorer(images, titles)     # notebook 08: labs.augment.augment_image
    labs.widgets.drawing_canvas(model)                     # notebook 11: labs.visualise.predict_drawing
    labs.widgets.filter_browser(model, images)             # notebook 11: labs.visualise.show_filter_view

Each widget draws into an ipywidgets Image (PNG bytes), so it needs no output capture
and works the same in JupyterLab, in nbclient runs and in saved notebooks.
"""

from ._validate import as_array, check_int, describe

__all__ = ["augmentation_explorer", "drawing_canvas", "filter_browser"]


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


def drawing_canvas(model, layer_names=("conv_1", "conv_2", "conv_3"), size=280, pen_width=18):
    """Return the draw-a-digit widget: a mouse canvas, and the small CNN's guesses and activations.

    model: a digit model taking (N, 28, 28, 1) images 0-1 (labs.models.make_small_cnn, trained).
    The strokes are recorded from the mouse events and drawn by labs.visualise.render_strokes, then
    labs.visualise.predict_drawing prepares them MNIST-style and runs the model, on every pen-up.
    Until something is drawn (and without a browser, or without ipycanvas) it shows the stored
    example drawing, labs.visualise.EXAMPLE_STROKES.
    """
    import ipywidgets as widgets

    from .plots import figure_to_png
    from ._validate import check_image_model
    from .visualise import EXAMPLE_STROKES, predict_drawing, render_strokes, show_drawing_result

    model = check_image_model(model)
    if tuple(model.inputs[0].shape[1:]) != (28, 28, 1):
        raise ValueError(f"model must take 28x28 greyscale digits (N, 28, 28, 1), got input "
                         f"{tuple(model.inputs[0].shape)}.")
    layer_names = list(layer_names)
    size = check_int(size, "size", minimum=56, maximum=1000)
    pen_width = check_int(pen_width, "pen_width", minimum=1, maximum=size // 4)
    picture = widgets.Image(format="png")
    note = widgets.HTML()
    state = {"strokes": [], "pen": False}

    def update(strokes, label):
        """Prepare and classify the strokes and redraw the result."""
        try:
            result = predict_drawing(model, render_strokes(strokes, size, pen_width), layer_names)
        except ValueError as error:  # an empty drawing
            note.value = f"<i>{error}</i>"
            return
        picture.value = figure_to_png(show_drawing_result(result, title=label))
        first, p1 = result["top"][0]
        note.value = f"<b>{label}</b>: first guess {first} ({p1:.2f}), second {result['top'][1][0]} " \
                     f"({result['top'][1][1]:.2f})"

    update(EXAMPLE_STROKES, "the stored example drawing")
    scale = size / 280
    example = [[(x * scale, y * scale) for x, y in stroke] for stroke in EXAMPLE_STROKES]
    try:
        from ipycanvas import Canvas
    except ImportError:
        note.value += " · <i>install ipycanvas (pinned in requirements.txt) to draw your own</i>"
        return widgets.VBox([picture, note])
    canvas = Canvas(width=size, height=size, layout=widgets.Layout(width=f"{size}px", height=f"{size}px"))
    clear = widgets.Button(description="clear", tooltip="erase the canvas")

    def reset(_=None):
        """Erase the canvas (black) and forget the strokes."""
        state["strokes"], state["pen"] = [], False
        canvas.fill_style = "black"
        canvas.fill_rect(0, 0, size, size)
        canvas.stroke_style, canvas.line_width, canvas.line_cap = "white", pen_width, "round"

    def pen_down(x, y):
        state["pen"] = True
        state["strokes"].append([(x, y)])

    def pen_move(x, y):
        if state["pen"]:
            (x0, y0) = state["strokes"][-1][-1]
            state["strokes"][-1].append((x, y))
            canvas.stroke_line(x0, y0, x, y)

    def pen_up(x, y):  # also when the mouse leaves the canvas
        if state["pen"]:
            state["pen"] = False
            update(state["strokes"], "your drawing")

    reset()
    for stroke in example:  # show the stored example on the canvas too
        for (x0, y0), (x1, y1) in zip(stroke[:-1], stroke[1:]):
            canvas.stroke_line(x0, y0, x1, y1)
    canvas.on_mouse_down(pen_down)
    canvas.on_mouse_move(pen_move)
    canvas.on_mouse_up(pen_up)
    canvas.on_mouse_out(pen_up)
    clear.on_click(reset)
    return widgets.VBox([widgets.HBox([widgets.VBox([canvas, clear]), picture]), note])


def filter_browser(model, images, layer_names=None, pattern_steps=20):
    """Return the layer / filter browser: pick a layer, a filter and an image; see the filter, its activation, its pattern.

    model: a Keras image model; images: model-ready images (N, H, W, C). layer_names: the layers to offer
    (default: every layer with a feature-map output). Patterns come from labs.visualise.compute_filter_pattern
    (pattern_steps steps, computed once per filter and kept).
    """
    import ipywidgets as widgets

    from .plots import figure_to_png
    from ._validate import check_image_model, check_model_input
    from .visualise import compute_filter_pattern, conv_layer_names, show_filter_view

    model = check_image_model(model, scores=False)
    images = as_array(images, "images", ndim=4, dtype_kind="uif")
    for k in range(len(images)):
        check_model_input(images[k], model, f"images[{k}]")
    names = conv_layer_names(model) if layer_names is None else [str(n) for n in layer_names]
    pattern_steps = check_int(pattern_steps, "pattern_steps", minimum=0, maximum=500)
    style, wide = {"description_width": "60px"}, widgets.Layout(width="300px")
    layer = widgets.Dropdown(options=names, value=names[0], description="layer", style=style, layout=wide)
    index = widgets.IntSlider(value=0, min=0, max=int(model.get_layer(names[0]).output.shape[-1]) - 1,
                              description="filter", style=style, layout=wide)
    image = widgets.Dropdown(options=[(f"image {k}", k) for k in range(len(images))], value=0,
                             description="image", style=style, layout=wide)
    picture = widgets.Image(format="png")
    patterns = {}

    def update(_=None):
        """Redraw the filter, its activation and its pattern."""
        key = (layer.value, index.value)
        if pattern_steps and key not in patterns:
            patterns[key] = compute_filter_pattern(model, layer.value, index.value, steps=pattern_steps)
        picture.value = figure_to_png(show_filter_view(model, images[image.value], layer.value, index.value,
                                                       patterns.get(key)))

    def new_layer(change):
        index.max = int(model.get_layer(change["new"]).output.shape[-1]) - 1
        index.value = min(index.value, index.max)
        update()

    layer.observe(new_layer, names="value")
    index.observe(update, names="value")
    image.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([layer, index, image]), picture])
