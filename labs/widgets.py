"""Interactive widgets: every ipywidget of the course, each a thin wrapper over a pure, tested function.

    labs.widgets.neighbour_explorer(X_test, y_test, X_train, y_train)   # notebook 02: labs.knn.explain_prediction
    labs.widgets.playground("xor")                                      # notebook 05: labs.nn.run_playground
    labs.widgets.kernel_editor(photo)                                   # notebook 06: labs.kernels.show_kernel_response
    labs.widgets.TrainingBar(epochs)                                    # notebooks 07-12: labs.training.ProgressBar
    labs.widgets.augmentation_explorer(images, titles)                  # notebook 08: labs.augment.augment_image
    labs.widgets.drawing_canvas(model)                                  # notebook 11: labs.drawing.predict_drawing
    labs.widgets.filter_browser(model, images)                          # notebook 11: labs.inspection.show_filter_view
    labs.widgets.show_quiz(topic)                                       # every notebook: labs.quizzes.grade

Each widget draws into an ipywidgets Image (PNG bytes), so it needs no output capture
and works the same in JupyterLab, in nbclient runs and in saved notebooks.
Loading this module loads nothing else: each widget imports its topic module when it is
built, so any room may show a widget without an import loop.
"""

import functools
import html

from ._validate import as_array, as_image, require_choice, require_finite, require_int, require_labels, require_list, describe

__all__ = ["neighbour_explorer", "playground", "kernel_editor", "TrainingBar", "augmentation_explorer",
           "drawing_canvas", "filter_browser", "show_quiz"]


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
    num_samples = require_int(num_samples, "num_samples", minimum=1, maximum=63)
    seed = require_int(seed, "seed", minimum=0)
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
    The strokes are recorded from the mouse events and drawn by labs.drawing.render_strokes, then
    labs.drawing.predict_drawing prepares them MNIST-style and runs the model, on every pen-up.
    Until something is drawn (and without a browser, or without ipycanvas) it shows the stored
    example drawing, labs.drawing.EXAMPLE_STROKES.
    """
    import ipywidgets as widgets

    from .plots import figure_to_png
    from ._validate import require_image_model
    from .drawing import EXAMPLE_STROKES, predict_drawing, render_strokes, show_drawing_result

    model = require_image_model(model)
    if tuple(model.inputs[0].shape[1:]) != (28, 28, 1):
        raise ValueError(f"model must take 28x28 greyscale digits (N, 28, 28, 1), got input "
                         f"{tuple(model.inputs[0].shape)}.")
    layer_names = list(layer_names)
    size = require_int(size, "size", minimum=56, maximum=1000)
    pen_width = require_int(pen_width, "pen_width", minimum=1, maximum=size // 4)
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
    (default: every layer with a feature-map output). Patterns come from labs.inspection.compute_filter_pattern
    (pattern_steps steps, computed once per filter and kept).
    """
    import ipywidgets as widgets

    from .plots import figure_to_png
    from ._validate import require_image_model, require_model_input
    from .inspection import compute_filter_pattern, conv_layer_names, show_filter_view

    model = require_image_model(model, scores=False)
    images = as_array(images, "images", ndim=4, dtype_kind="uif")
    for k in range(len(images)):
        require_model_input(images[k], model, f"images[{k}]")
    names = conv_layer_names(model) if layer_names is None else [str(n) for n in layer_names]
    pattern_steps = require_int(pattern_steps, "pattern_steps", minimum=0, maximum=500)
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


# --- the kernel editor (notebook 06) ---------------------------------------------------------

def kernel_editor(image, preset="sharpen"):
    """Return the interactive kernel editor: nine weight boxes and a preset menu, redrawn on every change.

    image: uint8 array of shape (H, W) or (H, W, 3); a crop of a few hundred pixels keeps it snappy.
    """
    import ipywidgets as widgets

    from .kernels import KERNELS, describe_kernel, kernel_from_entries, show_kernel_response
    from .plots import figure_to_png

    image = as_image(image, "image", scale="uint8")
    presets = {name: kernel for name, kernel in KERNELS.items() if kernel.shape == (3, 3)}
    preset = require_choice(preset, "preset", tuple(presets))
    boxes = [widgets.FloatText(value=0.0, step=0.5, layout=widgets.Layout(width="70px")) for _ in range(9)]
    menu = widgets.Dropdown(options=list(presets), value=preset, description="preset")
    note = widgets.HTML()
    picture = widgets.Image(format="png")
    state = {"loading": False}

    def redraw(_=None):
        """Filter the photo with the kernel in the boxes."""
        if state["loading"]:
            return
        kernel = kernel_from_entries([box.value for box in boxes])
        note.value = describe_kernel(kernel)
        picture.value = figure_to_png(show_kernel_response(image, kernel))

    def load(_=None):
        """Copy the chosen preset into the boxes, then redraw once."""
        state["loading"] = True
        for box, value in zip(boxes, presets[menu.value].ravel()):
            box.value = round(float(value), 4)
        state["loading"] = False
        redraw()

    menu.observe(load, names="value")
    for box in boxes:
        box.observe(redraw, names="value")
    load()
    grid = widgets.GridBox(boxes, layout=widgets.Layout(grid_template_columns="repeat(3, 75px)"))
    return widgets.VBox([widgets.HBox([menu, grid]), note, picture])


# --- the neighbour explorer (notebook 02) ----------------------------------------------------

def neighbour_explorer(X_test, y_test, X_train, y_train, class_names=None, max_k=15):
    """Return an interactive explorer: pick a test image, k and the distance; see neighbours and vote.

    X_test: (num_test, H, W); y_test: (num_test,); X_train: (num_train, H, W); y_train: (num_train,).
    The picture is redrawn into an image widget, so the explorer needs no output capture.
    """
    import ipywidgets as widgets

    from .knn import METRICS, explain_prediction, show_explanation
    from .plots import figure_to_png

    X_test = require_finite(as_array(X_test, "X_test", ndim=3, dtype_kind="uif"), "X_test")
    y_test = require_labels(y_test, "y_test", len(X_test), rows_name="X_test")
    X_train = require_finite(as_array(X_train, "X_train", ndim=3, dtype_kind="uif"), "X_train")
    if X_train.shape[1:] != X_test.shape[1:]:
        raise ValueError(f"X_train holds images of shape {X_train.shape[1:]} but X_test {X_test.shape[1:]}; "
                         "they must match.")
    y_train = require_labels(y_train, "y_train", len(X_train), rows_name="X_train")
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    if class_names is not None and len(require_list(class_names, "class_names", example="['0', '1', ...]")) < num_classes:
        raise ValueError(f"class_names has {len(class_names)} names but the labels go up to {num_classes - 1}.")
    max_k = min(require_int(max_k, "max_k", minimum=1), len(X_train))  # k cannot exceed the training images
    index = widgets.IntSlider(value=0, min=0, max=len(X_test) - 1, description="test image")
    k = widgets.IntSlider(value=min(5, max_k), min=1, max=max_k, description="k")
    metric = widgets.ToggleButtons(options=list(METRICS), value="l2", description="distance")
    picture = widgets.Image(format="png")

    def update(_=None):
        """Redraw the neighbours and the vote for the current controls."""
        explanation = explain_prediction(X_test[index.value], X_train, y_train, k.value, metric.value)
        picture.value = figure_to_png(show_explanation(X_test[index.value], X_train, explanation, class_names,
                                                       int(y_test[index.value])), dpi=80)

    for control in (index, k, metric):
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([index, k]), metric, picture])


# --- the playground (notebook 05) ------------------------------------------------------------

def playground(dataset="circles"):
    """Return the interactive playground: sliders for data, hidden units, activation, learning rate, noise.

    Each change retrains the network with run_playground and redraws show_playground.
    """
    import ipywidgets as widgets

    from .nn import HIDDEN_ACTIVATIONS, TOY_DATASETS, run_playground, show_playground
    from .plots import figure_to_png

    dataset = require_choice(dataset, "dataset", TOY_DATASETS)
    style = {"description_width": "110px"}
    controls = {
        "dataset": widgets.Dropdown(options=list(TOY_DATASETS), value=dataset, description="data", style=style),
        "hidden_units": widgets.IntSlider(value=8, min=1, max=64, description="hidden units", style=style),
        "activation": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value="tanh", description="activation",
                                       style=style),
        "learning_rate": widgets.FloatLogSlider(value=0.3, base=10, min=-3, max=0.5, step=0.25, description="learning rate",
                                     style=style),
        "noise": widgets.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="noise", style=style),
        "epochs": widgets.IntSlider(value=150, min=10, max=400, step=10, description="epochs", style=style),
    }
    for control in controls.values():
        control.continuous_update = False
    picture = widgets.Image(format="png")

    def update(_=None):
        """Retrain for the current settings and redraw."""
        settings = {name: control.value for name, control in controls.items()}
        picture.value = figure_to_png(show_playground(run_playground(**settings)))

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return widgets.HBox([widgets.VBox(list(controls.values())), picture])


# --- quizzes (every notebook) ----------------------------------------------------------------

def show_quiz(topic):
    """Display the quiz for ``topic`` as widgets with immediate feedback (as text where widgets cannot show)."""
    import ipywidgets as widgets

    from .quizzes.core import load_quiz, quiz_text

    boxes = [_question_widget(i, q, widgets) for i, q in enumerate(load_quiz(topic), start=1)]
    return _quiz_box_class()(boxes, quiz_text(topic))


@functools.cache
def _quiz_box_class():
    """Return the quiz widget class: a VBox whose text form is the readable quiz, not 'VBox(children=...'."""
    import ipywidgets as widgets

    class QuizBox(widgets.VBox):
        """The quiz widget; without a widget front end (nbconvert, a terminal) it reads as the quiz text."""

        def __init__(self, children, text):
            super().__init__(children)
            self.text = text

        def __repr__(self):
            return self.text

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            bundle["text/plain"] = self.text
            return bundle

    return QuizBox


def _question_widget(number, question, widgets):
    """Build the widget of one question: prompt, input, feedback line."""
    from .quizzes.core import MultipleChoice, grade

    prompt = widgets.HTML(_lines(f"<b>Q{number}. {html.escape(question.prompt)}</b>"))
    feedback = widgets.HTML("")
    if isinstance(question, MultipleChoice):
        labels = [(f"{i}. {option}", i) for i, option in enumerate(question.options, start=1)]
        entry = widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="auto"))
        entry.observe(lambda change: _show(feedback, grade(question, change["new"])), names="value")
        return widgets.VBox([prompt, entry, feedback])
    entry = widgets.Text(placeholder="type a number and press Enter")
    button = widgets.Button(description="Check")
    button.on_click(lambda _: _show(feedback, grade(question, entry.value)))
    entry.continuous_update = False
    entry.observe(lambda change: _show(feedback, grade(question, change["new"])), names="value")
    return widgets.VBox([prompt, widgets.HBox([entry, button]), feedback])


def _show(feedback_widget, feedback):
    """Write a verdict into the feedback line."""
    colour = "green" if feedback.correct else "#b00"
    feedback_widget.value = _lines(f"<span style='color:{colour}'>{html.escape(feedback.message)}</span>")


def _lines(content):
    """Wrap HTML so that a long prompt or feedback wraps with text line spacing.

    ipywidgets gives an HTML widget the line height of one control row (28 px), which
    spreads wrapped lines far apart; this block sets ordinary spacing for its text.
    """
    return f"<div style='line-height:1.4; padding:2px 0'>{content}</div>"


# --- training progress (notebooks 07-12) ---------------------------------------------------------

class TrainingBar:
    """A training progress bar shown in the notebook: one step per epoch and the last epoch's metrics.

    labs.training.ProgressBar (the Keras callback) drives it; the widget changes through its own
    messages, so a stored notebook keeps one stable line.
    """

    def __init__(self, epochs):
        import ipywidgets as widgets
        from IPython.display import display

        self.epochs = require_int(epochs, "epochs", minimum=1)
        self.bar = widgets.IntProgress(value=0, min=0, max=self.epochs, description="training")
        self.label = widgets.Label(value=f"epoch 0/{self.epochs}")
        display(widgets.HBox([self.bar, self.label]))

    def advance(self, epochs_done, line):
        """Move the bar to ``epochs_done`` and show ``line`` beside it."""
        self.bar.value = require_int(epochs_done, "epochs_done", minimum=0, maximum=self.epochs)
        self.label.value = str(line)

    def finish(self):
        """Colour the finished bar green."""
        self.bar.bar_style = "success"
