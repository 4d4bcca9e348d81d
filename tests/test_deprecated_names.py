"""Old names kept until labs._deprecation.REMOVAL_DATE: same-contract names are the new functions themselves (no warning);
names whose contract changed warn with DeprecationWarning, still work as before and name their arguments."""

import warnings

import numpy as np
import pytest

from labs import activations, conv, gradcheck, images, knn, linear, nn

SCORES = np.random.default_rng(0).normal(size=(4, 3)) * 3

SAME_CONTRACT = [  # (old, new): the very same function, so no warning and nothing to migrate but the name
    (images.to_grayscale, images.to_greyscale),
    (images.GRAY_WEIGHTS, images.GREY_WEIGHTS),
    (linear.compute_numerical_gradient, gradcheck.compute_numerical_gradient),
    (linear.compute_relative_error, gradcheck.compute_relative_error),
    (linear.gradient_check, gradcheck.gradient_check),
    *[(getattr(nn, name), getattr(activations, name))
      for name in ("step", "sigmoid", "tanh", "relu", "softplus", "softmax", "compute_activation",
                   "compute_activation_grad", "ACTIVATIONS")],
]


@pytest.mark.parametrize("old, new", SAME_CONTRACT)
def test_old_names_with_the_same_contract_are_the_new_functions(old, new):
    assert old is new


@pytest.mark.parametrize("call, expected", [
    (lambda: linear.sigmoid(SCORES), lambda: activations.sigmoid(SCORES)),
    (lambda: linear.softmax(SCORES), lambda: activations.softmax(SCORES)),
    (lambda: conv.relu(SCORES), lambda: activations.relu(SCORES)),
    (lambda: nn.compute_relative_error(SCORES, SCORES + 1e-3),
     lambda: gradcheck.compute_relative_norm_error(SCORES, SCORES + 1e-3)),
    (lambda: nn.compute_numerical_gradient(lambda: float(np.sum(SCORES ** 2)), SCORES),
     lambda: gradcheck.compute_numerical_gradient(lambda x: float(np.sum(x ** 2)), SCORES)),
])
def test_old_names_with_a_changed_contract_warn_and_still_work(call, expected):
    with pytest.warns(DeprecationWarning, match="deprecated .* use labs\\.(activations|gradcheck)\\."):
        got = call()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(got, expected())


@pytest.mark.parametrize("call, error, message", [
    (lambda: linear.softmax(np.zeros((0, 3))), ValueError, "scores is empty"),
    (lambda: linear.softmax(np.zeros((2, 2, 2))), ValueError, "scores must be 1-D or 2-D"),
    (lambda: linear.sigmoid(None), TypeError, "scores must be an array"),
    (lambda: conv.relu(np.array([1.0, np.nan])), ValueError, "x contains 1 NaN"),
    (lambda: nn.compute_numerical_gradient(lambda: 0.0, [1.0]), TypeError, "x must be a float NumPy"),
    (lambda: nn.compute_numerical_gradient(3, np.ones(2)), TypeError, "f must be a function"),
    (lambda: nn.compute_numerical_gradient(lambda: 0.0, np.ones(2), h=1), ValueError, "h must be greater than 0"),
    (lambda: nn.compute_relative_error(np.ones(2), np.ones(3)), ValueError, "same shape"),
])
def test_old_names_still_name_their_arguments(call, error, message):
    with pytest.warns(DeprecationWarning), pytest.raises(error, match=message):
        call()


FIGURES = [("knn", "explanation"), ("linear", "templates"), ("nn", "playground")]


@pytest.mark.parametrize("module, name", FIGURES)
def test_old_plot_names_of_figures_warn_and_pass_everything_on(monkeypatch, module, name):
    module = globals()[module]
    monkeypatch.setattr(module, f"show_{name}", lambda *args, **kwargs: (args, kwargs))
    with pytest.warns(DeprecationWarning, match=f"plot_{name} is deprecated .* use labs\\.\\w+\\.show_{name}"):
        assert getattr(module, f"plot_{name}")(1, size=2) == ((1,), {"size": 2})


def test_old_names_are_not_public():
    old = {"linear": ("sigmoid", "softmax", "plot_templates"), "conv": ("relu", "plot_kernels", "plot_gallery",
                                                                      "plot_kernel_response"),
           "nn": ("compute_numerical_gradient", "compute_relative_error", "plot_activations", "plot_playground",
                  "show_activations", "plot_loss_curves"),
           "knn": ("plot_explanation", "score_knn_grid", "cross_validate_knn", "plot_k_scores")}
    for module, names in old.items():
        for name in names:
            assert name not in getattr(globals()[module], "__all__")


@pytest.mark.parametrize("module, name", [(conv, "kernel_editor"), (knn, "neighbour_explorer"), (nn, "playground")])
def test_widgets_moved_to_labs_widgets_still_work_from_their_old_room(module, name):
    from labs import widgets

    with pytest.warns(DeprecationWarning, match=f"use labs\\.widgets\\.{name} instead"):
        old = getattr(module, name)
    assert old is getattr(widgets, name)
    assert name not in module.__all__
    with pytest.raises(AttributeError, match="has no attribute 'no_such_widget'"):
        module.no_such_widget


VISUALISE_ROOMS = {
    "inspection": ("conv_layer_names", "compute_filter_images", "compute_activations", "compute_sparsity",
                   "compute_filter_pattern", "show_filters", "plot_sparsity", "show_filter_view"),
    "attribution": ("compute_class_scores", "compute_input_gradients", "compute_saliency", "compute_smoothgrad",
                    "compute_gradcam", "compute_occlusion", "resize_heatmap", "compute_box_mass", "plot_heatmap",
                    "show_explanations"),
    "drawing": ("MNIST_BOX", "MNIST_SIZE", "MNIST_CENTRE", "EXAMPLE_STROKES", "render_strokes", "prepare_drawing",
                "predict_drawing", "show_drawing_result"),
    "cues": ("CUE_PATTERNS", "cue_box", "add_class_cue", "replace_with_other_class"),
}
KERNEL_NAMES = ("KERNELS", "apply_kernel", "describe_kernel", "WORKED_IMAGE", "WORKED_KERNEL", "DETECTOR_IMAGE",
                "DETECTOR_KERNEL", "POOLING_EXAMPLE", "CURVE_FILTER", "CURVE_MATCH", "CURVE_NO_MATCH", "compute_response",
                "show_kernels", "show_gallery", "kernel_from_entries", "show_kernel_response")
MOVED = [  # (old room, old name, new room, new name): the same object, served from the old room with a warning
    *[("visualise", name, room, name) for room, names in VISUALISE_ROOMS.items() for name in names],
    ("visualise", "show_activations", "inspection", "show_feature_maps"),
    *[("conv", name, "kernels", name) for name in KERNEL_NAMES],
    ("conv", "plot_kernels", "kernels", "show_kernels"),
    ("conv", "plot_gallery", "kernels", "show_gallery"),
    ("conv", "plot_kernel_response", "kernels", "show_kernel_response"),
    *[("knn", name, "knn_tuning", name) for name in ("score_knn_grid", "cross_validate_knn", "plot_k_scores")],
    ("nn", "show_activations", "activations", "show_activation_functions"),
    ("nn", "plot_activations", "activations", "show_activation_functions"),
]


@pytest.mark.parametrize("old_room, old_name, new_room, new_name", MOVED)
def test_names_moved_to_another_room_warn_and_are_the_new_ones(old_room, old_name, new_room, new_name):
    import importlib

    old_module, new_module = (importlib.import_module(f"labs.{room}") for room in (old_room, new_room))
    with pytest.warns(DeprecationWarning, match=f"labs\\.{old_room}\\.{old_name} has moved and will be removed "
                                                f"from labs\\.{old_room} after 2027-03-31; use "
                                                f"labs\\.{new_room}\\.{new_name} instead"):
        old = getattr(old_module, old_name)
    assert old is getattr(new_module, new_name) and new_name in new_module.__all__
    assert old_name not in old_module.__all__


def test_every_name_labs_visualise_had_is_served_from_its_new_room():
    served = {name for names in VISUALISE_ROOMS.values() for name in names} | {"show_activations"}
    assert len(served) == 31  # the 28 names of labs.visualise's __all__ and the three MNIST_* constants
    from labs import visualise

    with pytest.raises(AttributeError, match="has no attribute 'compute_everything'"):
        visualise.compute_everything


def test_one_name_per_idea_the_old_plot_loss_curves_of_nn_warns_and_passes_everything_on(monkeypatch):
    monkeypatch.setattr(nn, "plot_loss_per_epoch", lambda *args, **kwargs: (args, kwargs))
    with pytest.warns(DeprecationWarning, match=r"labs\.nn\.plot_loss_curves is deprecated .* "
                                                r"use labs\.nn\.plot_loss_per_epoch instead"):
        assert nn.plot_loss_curves({"loss": [1.0]}, title="t") == (({"loss": [1.0]},), {"title": "t"})
    assert nn.plot_loss_curves is not linear.plot_loss_curves and "plot_loss_curves" in linear.__all__


def test_no_solution_notebook_calls_an_old_name():
    import importlib
    import json
    import re
    from pathlib import Path

    import labs

    used = set()
    for path in sorted((Path(__file__).resolve().parent.parent / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                used |= {(path.name, *m) for m in re.findall(r"\blabs\.(\w+)(?:\.(\w+))?", "".join(cell["source"]))}
    old = []
    for notebook, room, name in sorted(used):
        if room in labs.DEPRECATED_SUBMODULES:
            old.append(f"{notebook}: labs.{room}")
        elif name and room in labs.SUBMODULES and room not in ("checks", "quizzes"):
            if name not in importlib.import_module(f"labs.{room}").__all__:
                old.append(f"{notebook}: labs.{room}.{name}")
    assert not old, f"notebooks calling names that are old or not public: {old}"


def test_old_check_names_warn_and_give_the_renamed_check():
    from labs import checks

    with pytest.warns(DeprecationWarning, match="use labs\\.checks\\.check_compute_l1_distance instead"):
        old = checks.check_l1_distance
    assert old is checks.check_compute_l1_distance
    for old_name, new_name in checks._OLD_NAMES.items():
        assert new_name in checks.__all__ and old_name not in checks.__all__


def test_old_keywords_lr_and_num_epochs_still_work_with_a_warning():
    with pytest.warns(DeprecationWarning, match=r"run_playground\(lr=\.\.\.\) is deprecated .*\(learning_rate="):
        old = nn.run_playground("xor", lr=0.3, epochs=3, num_samples=40)
    new = nn.run_playground("xor", learning_rate=0.3, epochs=3, num_samples=40)
    assert old["history"] == new["history"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'learning_rat'"):
        nn.train_two_layer({}, None, None, learning_rat=0.1)


def test_training_moved_from_labs_models_still_works_from_there():
    from labs import models, training

    with pytest.warns(DeprecationWarning, match=r"use labs\.training\.train_with_recipe instead"):
        old = models.train_with_recipe
    assert old is training.train_with_recipe
    assert "train_with_recipe" not in models.__all__


def test_linear_train_sgd_still_takes_lr_and_num_epochs_with_a_warning():
    X = np.random.default_rng(0).normal(size=(12, 3))
    y = np.arange(12) % 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = linear.train_sgd(X, y, 3, lr=0.2, num_epochs=2)
    messages = sorted(str(w.message).split(" is ")[0] for w in caught if w.category is DeprecationWarning)
    assert messages == ["labs.linear.train_sgd(lr=...)", "labs.linear.train_sgd(num_epochs=...)"]
    new = linear.train_sgd(X, y, 3, learning_rate=0.2, epochs=2)
    np.testing.assert_array_equal(old[1], new[1])


def test_old_names_do_not_outstay_their_removal_date():
    import datetime

    from labs._deprecation import REMOVAL_DATE

    assert datetime.date.today() <= datetime.date.fromisoformat(REMOVAL_DATE), (
        f"the old names of labs were due to go after {REMOVAL_DATE}: remove them (the end of each room, "
        "labs.checks' _OLD_NAMES, the **old keywords) and tests/test_deprecated_names.py")


def test_the_warning_says_when_the_old_name_goes():
    with pytest.warns(DeprecationWarning, match="will be removed after 2027-03-31; use"):
        linear.plot_templates(np.zeros((2, 4)), image_shape=(2, 2))
    with pytest.warns(DeprecationWarning, match="will be removed from labs.conv after 2027-03-31; use"):
        conv.plot_kernels({"identity": np.eye(3)})
