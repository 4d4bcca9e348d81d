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


FIGURES = [("conv", "kernels"), ("conv", "gallery"), ("conv", "kernel_response"), ("knn", "explanation"),
           ("linear", "templates"), ("nn", "activations"), ("nn", "playground")]


@pytest.mark.parametrize("module, name", FIGURES)
def test_old_plot_names_of_figures_warn_and_pass_everything_on(monkeypatch, module, name):
    module = globals()[module]
    monkeypatch.setattr(module, f"show_{name}", lambda *args, **kwargs: (args, kwargs))
    with pytest.warns(DeprecationWarning, match=f"plot_{name} is deprecated .* use labs\\.\\w+\\.show_{name}"):
        assert getattr(module, f"plot_{name}")(1, size=2) == ((1,), {"size": 2})


def test_old_names_are_not_public():
    old = {"linear": ("sigmoid", "softmax", "plot_templates"), "conv": ("relu", "plot_kernels", "plot_gallery",
                                                                      "plot_kernel_response"),
           "nn": ("compute_numerical_gradient", "compute_relative_error", "plot_activations", "plot_playground"),
           "knn": ("plot_explanation",)}
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
    from labs import conv

    with pytest.warns(DeprecationWarning, match="will be removed after 2027-03-31; use"):
        conv.plot_kernels
        conv.plot_kernels({"identity": conv.KERNELS["identity"]})
