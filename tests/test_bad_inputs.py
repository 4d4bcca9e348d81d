"""Every public labs function refuses the bad inputs learners produce, with an error that names the argument.

One table, ``TABLE``, holds for each public function of the modules below a valid call and the
bad arguments to swap into it: wrong types, lists for arrays, wrong rank or shape, wrong dtype
or range (the "forgot / 255" slip), empty arrays, NaN/inf, mismatched lengths, zero or negative
sizes, unknown names and None. For every bad argument the test asserts that

* a TypeError or ValueError is raised at all (no silent wrong result),
* it is raised by labs itself, not deep inside NumPy, matplotlib, scikit-learn or Keras, and
* its message names the argument.

``test_every_public_function_is_in_the_table`` keeps the table complete: a new public function
must get a row (or a place, with a reason, in ``NO_LEARNER_INPUT``).
"""

import importlib
import re
from collections import namedtuple
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import labs  # noqa: E402
from labs import (activations, attribution, conv, cues, data, download, drawing, environment, features,  # noqa: E402
                  gradcheck, images, inspection, kernels, knn, knn_tuning, linear, models, nn, plots, shapes, training,
                  widgets)
from labs._validate import as_image, require_labels, require_number  # noqa: E402

MODULES = (images, features, knn, knn_tuning, activations, gradcheck, linear, nn, conv, kernels, models, training, data,
           shapes, plots, download, environment, inspection, attribution, cues, drawing, widgets)
LABS_DIR = Path(labs.__file__).resolve().parent
keras = models.keras

# --- inputs ---------------------------------------------------------------------------------------

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, (8, 10, 3), dtype=np.uint8)  # one colour image
GREY = RNG.integers(0, 256, (8, 10), dtype=np.uint8)  # one greyscale image
DIGITS = RNG.integers(0, 256, (6, 8, 8), dtype=np.uint8)  # a batch of greyscale images
X = RNG.normal(size=(6, 4))
Y = np.array([0, 1, 2, 0, 1, 2])
X_VAL, Y_VAL = RNG.normal(size=(3, 4)), np.array([2, 1, 0])
W, B = RNG.normal(size=(3, 4)), np.zeros(3)
PARAMS = {"W": W, "b": B}
NET = nn.make_two_layer_params(4, 5, 3, seed=0)
HISTORY = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.7], "val_loss": [1.1, 0.6], "val_accuracy": [0.4, 0.6]}


def with_value(array, index, value):
    """Return a float copy of ``array`` with one entry set to ``value`` (NaN, inf, ...)."""
    changed = np.array(array, dtype=float)
    changed[index] = value
    return changed


def as_ints(array, index=None, value=None):
    """Return ``array`` as int64 (what np.asarray makes of nested lists), optionally with one entry changed."""
    changed = np.array(array, dtype=np.int64)
    if index is not None:
        changed[index] = value
    return changed


FORGOT_255 = PHOTO.astype(float)  # the "forgot / 255" slip: floats 0-255
UNIT = PHOTO / 255.0
INT_300, INT_NEG = as_ints(PHOTO, (0, 0, 0), 300), as_ints(PHOTO, (0, 0, 0), -1)
NAN_PHOTO, NAN_X = with_value(UNIT, (0, 0, 0), np.nan), with_value(X, (0, 0), np.nan)
INF_X = with_value(X, (1, 1), np.inf)
FOUR_4X4 = RNG.integers(0, 256, (4, 4, 4), dtype=np.uint8)  # a batch of four 4x4 images, not an RGBA image
EMPTY_PHOTO = np.zeros((0, 0, 3), dtype=np.uint8)
STRINGS = np.array([["a", "b"], ["c", "d"]])
FLOAT_LABELS = np.array([0, 1, 2.5, 0, 1, 2])


def fitted_pca():
    from sklearn.decomposition import PCA

    return PCA(3).fit(X)


def unfitted_classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


def fitted_classifier():
    return unfitted_classifier().fit(X, Y)


def tiny_model(compile=True):
    """Return a small Keras model for (4, 4) inputs and 3 classes (compiled unless told)."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4, 4)), keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
    return training.compile_classifier(model) if compile else model


IMAGES_4X4 = RNG.random((6, 4, 4)).astype("float32")
UNCOMPILED = tiny_model(compile=False)


def new_axes():
    return plt.subplots()[1]


def playground_result():
    return nn.run_playground("xor", hidden_units=3, epochs=2, num_samples=20)


def explanation():
    return knn.explain_prediction(DIGITS[0], DIGITS, Y, k=3)


def existing_file():
    """Return (path, sha256) of a file that exists (this test file), so fetch_file needs no network."""
    path = Path(__file__).resolve()
    return path, download.compute_sha256(path)


def vis_model():
    """Return a small conv model for notebook 11's functions: (8, 8, 1) -> conv (2 filters) -> 3 scores."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
                             keras.layers.Flatten(name="flatten"), keras.layers.Dense(3, name="scores")])


VIS_MODEL = vis_model()
VIS_IMAGE = RNG.random((8, 8, 1)).astype("float32")
VIS_BATCH = RNG.random((2, 8, 8, 1)).astype("float32")
VIS_KERNEL = RNG.normal(size=(3, 3, 1, 2))
VIS_MAPS = {"conv": RNG.random((6, 6, 2))}
VIS_HEATMAP = RNG.random((4, 4))
DRAWING = np.zeros((40, 40), dtype=np.uint8)
DRAWING[5:30, 18:22] = 255
DIGIT_MODEL = models.make_small_cnn()
MODEL_SLIPS = [("model", None), ("model", "net"), ("model", UNCOMPILED, "model", "images")]
VIS_IMAGE_SLIPS = [("image", None), ("image", VIS_IMAGE[:5]), ("image", VIS_IMAGE[None], "image", "batch of one"),
                   ("image", VIS_IMAGE * 255, "image", "0-255"), ("image", with_value(VIS_IMAGE, (0, 0, 0), np.nan)),
                   ("image", STRINGS)]
CLASS_SLIPS = [("class_index", 3), ("class_index", -1), ("class_index", 1.5), ("class_index", "cat")]


def drawing_result():
    return drawing.predict_drawing(DIGIT_MODEL, DRAWING, ["conv_1"])


# --- the table ------------------------------------------------------------------------------------

Row = namedtuple("Row", "valid bad call")
Bad = namedtuple("Bad", "arg value name says")


def row(valid, *bad, call=None):
    """One function's row: a valid call (kwargs, or a function returning them) and the bad arguments.

    Each bad argument is (arg, value) or (arg, value, name) or (arg, value, name, says): the
    message must name ``name`` (default: arg) and, when given, match the regex ``says``.
    """
    return Row(valid, [Bad(*(b + (None,) * (4 - len(b)))) for b in bad], call)


IMAGE_SLIPS = [  # bad single colour images for functions that read pixel values
    ("image", None), ("image", "cat.png"), ("image", FORGOT_255, "image", "divide by 255"),
    ("image", INT_300, "image", "0-255"), ("image", INT_NEG), ("image", NAN_PHOTO),
    ("image", FOUR_4X4, "image", "channels"), ("image", EMPTY_PHOTO), ("image", PHOTO[None]), ("image", STRINGS),
]
UINT8_SLIPS = [  # the same, for functions that take uint8 images only
    ("image", FORGOT_255, "image", "uint8"), ("image", UNIT, "image", "uint8")] + IMAGE_SLIPS[3:]
AX = [("ax", "left"), ("ax", plt.figure)]

TABLE = {
    # images
    "images.to_greyscale": row(dict(image=PHOTO), *IMAGE_SLIPS, ("image", GREY)),
    "images.intensity_histogram": row(dict(image=PHOTO), *IMAGE_SLIPS[:2], *UINT8_SLIPS),
    "images.shuffle_pixels": row(dict(image=PHOTO), ("image", None), ("image", PHOTO[0, 0]), ("image", EMPTY_PHOTO),
                                 ("image", STRINGS), ("seed", -1), ("seed", 1.5), ("seed", "0")),
    "images.invert": row(dict(image=PHOTO), ("image", None), ("image", UNIT, "image", "uint8"), ("image", INT_300),
                         ("image", FORGOT_255, "image", "uint8"), ("image", INT_NEG), ("image", EMPTY_PHOTO),
                         ("image", STRINGS)),
    "images.apply_nuisance": row(dict(image=PHOTO, kind="scale"), *IMAGE_SLIPS, ("kind", "blur"), ("kind", None),
                                 ("strength", 1.5), ("strength", np.nan), ("strength", "strong"), ("strength", -0.1),
                                 ("seed", -1)),
    # features
    "features.flatten_images": row(dict(images=DIGITS), ("images", None), ("images", DIGITS[0]),
                                   ("images", DIGITS / 255.0, "images", "uint8"), ("images", STRINGS)),
    "features.compute_distance_contrast": row(
        dict(dims=[1, 10], num_points=20), ("dims", 5), ("dims", []), ("dims", None), ("dims", [0, 10]),
        ("dims", "abc"), ("dims", [1.5]), ("num_points", 1), ("num_points", 2.5), ("seed", -1)),
    "features.reconstruct_with_pca": row(
        lambda: dict(pca=fitted_pca(), X=X, num_components=2), ("pca", None), ("pca", "pca"), ("X", X[:, :3]),
        ("X", NAN_X), ("X", X[0]), ("X", None), ("X", STRINGS), ("num_components", 4), ("num_components", -1),
        ("num_components", 1.5)),
    "features.compute_hog": row(
        dict(images=DIGITS), ("images", DIGITS[0]), ("images", None), ("images", with_value(DIGITS, (0, 0, 0), np.nan)),
        ("images", DIGITS[:0]), ("images", STRINGS[None]), ("orientations", 0), ("orientations", 9.0),
        ("pixels_per_cell", 4), ("pixels_per_cell", (0, 4)), ("pixels_per_cell", (4,)), ("pixels_per_cell", (9, 9)),
        ("pixels_per_cell", None), ("cells_per_block", 2), ("cells_per_block", (0, 2)), ("cells_per_block", (3, 3)),
        ("block_norm", "L2"), ("transform_sqrt", "yes")),
    "features.compute_hog_image": row(
        dict(image=DIGITS[0]), ("image", DIGITS), ("image", None), ("image", with_value(DIGITS[0], (0, 0), np.nan)),
        ("image", STRINGS), ("orientations", 0), ("pixels_per_cell", 4), ("pixels_per_cell", (0, 4)),
        ("pixels_per_cell", (9, 9)), ("cells_per_block", 2), ("cells_per_block", (3, 3))),
    "features.HOGFeatures": row(
        dict(X=DIGITS.reshape(6, -1), image_shape=(8, 8)), ("image_shape", 28), ("image_shape", (8,)),
        ("image_shape", (0, 8)), ("image_shape", (7, 7), "image_shape"), ("image_shape", None), ("X", DIGITS[0, 0]),
        ("X", None), ("X", with_value(DIGITS.reshape(6, -1), (0, 0), np.nan)), ("X", STRINGS), ("orientations", 0),
        ("pixels_per_cell", 4), ("cells_per_block", (3, 3)), ("block_norm", "L2"), ("transform_sqrt", "no"),
        call=lambda X, **settings: features.HOGFeatures(**settings).fit(X).transform(X)),
    "features.compute_colour_histogram": row(
        dict(image=PHOTO), *IMAGE_SLIPS[:2], *UINT8_SLIPS, ("image", GREY), ("bins", 0), ("bins", 257),
        ("bins", 2.5), ("bins", None)),
    "features.build_pyramid": row(
        dict(image=PHOTO, num_levels=2), *IMAGE_SLIPS, ("image", PHOTO[0, 0]), ("num_levels", 0), ("num_levels", 2.5),
        ("num_levels", 9), ("downscale", 1), ("downscale", np.nan), ("downscale", np.inf), ("downscale", "2"),
        ("downscale", None)),
    "features.shift_images": row(
        dict(images=DIGITS, dx=1, dy=-1), ("images", PHOTO, "images", "colour"), ("images", DIGITS[0, 0]),
        ("images", DIGITS[None]), ("images", None), ("images", DIGITS[:0]), ("images", STRINGS[None]),
        ("dx", 1.5), ("dx", 100), ("dx", "1"), ("dy", None), ("dy", -9)),
    "features.perturb_images": row(
        dict(images=DIGITS), ("images", DIGITS / 255, "images", "uint8"), ("images", as_ints(DIGITS, (0, 0, 0), 300)),
        ("images", DIGITS[0]), ("images", None), ("images", PHOTO[None]), ("max_shift", 100), ("max_shift", -1),
        ("max_shift", 1.5), ("max_rotation", np.nan), ("max_rotation", 360), ("max_rotation", "20"),
        ("noise", 2), ("noise", "a"), ("noise", -0.1), ("seed", -1)),
    "features.digits_to_mnist_format": row(
        dict(images=DIGITS), ("images", np.zeros((6, 28, 28), np.uint8)), ("images", DIGITS / 255),
        ("images", as_ints(DIGITS, (0, 0, 0), 300)), ("images", DIGITS[0]), ("images", None), ("images", DIGITS[:0])),
    "features.score_classifier": row(
        lambda: dict(model=fitted_classifier(), X=X, y=Y), ("model", None), ("model", "knn"),
        ("model", unfitted_classifier()),
        ("X", None), ("X", X[:, :3]), ("X", X[:5], "X", "y has 6 labels but X has 5 rows"), ("X", NAN_X),
        ("X", STRINGS), ("y", FLOAT_LABELS),
        ("y", Y[:5]), ("y", None), ("y", Y[:, None])),
    "features.plot_distance_contrast": row(
        dict(dims=[1, 10, 100], contrast=[3.0, 1.0, 0.3]), ("dims", [1, 10]), ("dims", None), ("dims", 5),
        ("dims", ["a", "b", "c"]), ("contrast", None), ("contrast", [3.0, np.nan, 0.3]), ("contrast", [1, 2, 3, 4]),
        ("contrast", [[3.0, 1.0, 0.3]]), *AX),
    "features.plot_explained_variance": row(
        lambda: dict(pca=fitted_pca()), ("pca", None), ("pca", "pca"), ("marks", 0.9), ("marks", [1.5]),
        ("marks", ["a"]), ("marks", [np.nan]), *AX),
    "features.plot_colour_histogram": row(
        dict(image=PHOTO), *IMAGE_SLIPS[:2], *UINT8_SLIPS, ("bins", 0), ("bins", "32"), *AX),
    "features.plot_pyramid": row(
        lambda: dict(levels=features.build_pyramid(PHOTO, 2)), ("levels", []), ("levels", None), ("levels", UNIT),
        ("levels", [FORGOT_255, FORGOT_255[::2, ::2]], "levels", "divide by 255"),
        ("levels", [UNIT[::2, ::2], UNIT]), ("levels", [UNIT, UNIT[::2, ::2, 0]]), ("levels", [UNIT, "a"]),
        ("levels", [NAN_PHOTO]), *AX),
    # knn
    **{f"knn.compute_{kind}_distance": row(
        dict(a=GREY, b=GREY[::-1]), ("a", None), ("a", GREY[:4]), ("a", with_value(GREY, (0, 0), np.nan)),
        ("a", STRINGS), ("a", GREY[:0]), ("b", None), ("b", GREY.ravel()), ("b", "abc"), ("b", [[1, 2], [3]]))
       for kind in ("l1", "l2")},
    **{f"knn.compute_distances{suffix}": row(
        dict(X_test=X_VAL, X_train=X), ("X_test", X_VAL[:, :3]), ("X_test", X_VAL.reshape(3, 2, 2)),
        ("X_test", X_VAL[0]), ("X_test", X_VAL[:0]), ("X_test", None), ("X_test", with_value(X_VAL, (0, 0), np.inf)),
        ("X_train", NAN_X), ("X_train", None), ("X_train", STRINGS), ("X_train", X[:, :0]),
        *([("metric", "euclidean"), ("metric", None), ("metric", ["l2"])] if suffix == "" else []))
       for suffix in ("_two_loops", "_one_loop", "_no_loops", "")},
    "knn.find_nearest_neighbours": row(
        dict(X_test=X_VAL, X_train=X, k=2), ("X_test", X_VAL[:, :3]), ("X_test", None), ("X_train", NAN_X),
        ("X_train", X.reshape(6, 2, 2)), ("k", 0), ("k", 7), ("k", 1.5), ("k", "3"), ("metric", "l3"),
        ("chunk_size", 0), ("chunk_size", 1.5)),
    "knn.vote": row(
        dict(neighbour_labels=[[0, 1, 1], [2, 2, 0]]), ("neighbour_labels", [[0.5, 1, 1]]),
        ("neighbour_labels", [0, 1, 1]), ("neighbour_labels", [[-1, 0]]), ("neighbour_labels", None),
        ("neighbour_labels", np.zeros((0, 3), int)), ("neighbour_labels", [["a"]]), ("num_classes", 1),
        ("num_classes", 2.5)),
    "knn.predict_labels": row(
        dict(dists=np.abs(X_VAL @ X.T), y_train=Y, k=3), ("dists", None), ("dists", np.ones(6)),
        ("dists", with_value(np.ones((3, 6)), (0, 0), np.nan)), ("y_train", Y[:5]), ("y_train", FLOAT_LABELS),
        ("y_train", -Y - 1), ("y_train", None), ("k", 0), ("k", 7), ("k", 2.0)),
    "knn.KNNClassifier": row(
        dict(), ("k", 0), ("k", 2.5), ("k", 7), ("metric", "manhattan"), ("chunk_size", 0), ("chunk_size", "big"),
        ("X", NAN_X), ("X", None), ("X", X[:, :0]), ("y", Y[:5]), ("y", FLOAT_LABELS), ("X_new", X_VAL[:, :3], "X"),
        ("X_new", X_VAL[0], "X"), ("y_new", Y_VAL[:2], "y"), ("y_new", None, "y"),
        call=lambda k=1, metric="l2", chunk_size=None, X=X, y=Y, X_new=X_VAL, y_new=Y_VAL:
            knn.KNNClassifier(k, metric, chunk_size).fit(X, y).score(X_new, y_new)),
    "knn_tuning.score_knn_grid": row(
        dict(X_train=X, y_train=Y, X_val=X_VAL, y_val=Y_VAL, ks=[1, 3]), ("X_val", X_VAL[:, :3]),
        ("X_val", NAN_X), ("X_val", None), ("X_train", X[:, :3]), ("y_train", Y[:5]), ("y_train", FLOAT_LABELS),
        ("y_val", Y_VAL[:2]), ("y_val", Y_VAL * 0.5), ("ks", 5), ("ks", []), ("ks", [0]), ("ks", [10]), ("ks", None),
        ("ks", [1.5]), ("metrics", "l2"), ("metrics", ["l3"]), ("metrics", [])),
    "knn_tuning.cross_validate_knn": row(
        dict(X=np.vstack([X, X]), y=np.concatenate([Y, Y]), ks=[1], num_folds=2), ("X", X.reshape(6, 2, 2)),
        ("X", None), ("y", Y), ("y", FLOAT_LABELS), ("ks", 1), ("ks", []), ("metrics", "l1"), ("num_folds", 1),
        ("num_folds", 13), ("num_folds", 2.0), ("num_folds", 5, "num_folds"), ("seed", -1)),
    "knn.explain_prediction": row(
        dict(x=X_VAL[0], X_train=X, y_train=Y, k=3), ("x", X_VAL[0, :3]), ("x", with_value(X_VAL[0], 0, np.nan)),
        ("x", np.zeros((1, 1, 4))), ("x", None), ("X_train", X[0]), ("X_train", NAN_X), ("X_train", None),
        ("y_train", Y[:5]), ("y_train", FLOAT_LABELS), ("k", 0), ("k", 7), ("metric", "l3")),
    "knn_tuning.plot_k_scores": row(
        dict(ks=[1, 3], scores={"l2": [0.5, 0.6]}), ("ks", 5), ("ks", None), ("ks", [1, 3, 5], "ks"),
        ("scores", [0.5, 0.6]), ("scores", None), ("scores", {}), ("scores", {"l2": [0.5]}),
        ("scores", {"l2": "ab"}), ("scores", {"l2": [0.5, np.nan]}), *AX),
    "knn.show_explanation": row(
        lambda: dict(x=DIGITS[0], X_train=DIGITS, explanation=explanation()), ("x", DIGITS[0, :4]), ("x", None),
        ("X_train", DIGITS.reshape(6, -1)), ("X_train", None), ("explanation", None), ("explanation", {}),
        ("explanation", "neighbours"), ("class_names", ["zero"]), ("class_names", "012"), ("true_label", 20),
        ("true_label", 1.5), ("true_label", "3")),
    "widgets.neighbour_explorer": row(
        dict(X_test=DIGITS[:2], y_test=Y[:2], X_train=DIGITS, y_train=Y), ("X_test", DIGITS[0]),
        ("X_test", None), ("y_test", Y[:3]), ("y_test", FLOAT_LABELS[:2]), ("X_train", DIGITS[:, :4]),
        ("X_train", DIGITS.reshape(6, -1)), ("y_train", Y[:5]), ("y_train", None), ("class_names", ["a"]),
        ("max_k", 0), ("max_k", 2.5)),
    # activations
    **{f"activations.{name}": row(dict(z=X), ("z", None), ("z", STRINGS), ("z", NAN_X), ("z", [[1, 2], [3]]))
       for name in ("step", "sigmoid", "tanh", "relu", "softplus")},
    "activations.softmax": row(dict(z=X), ("z", None), ("z", 3.0), ("z", NAN_X), ("z", np.zeros(0)),
                               ("z", np.zeros((2, 0))), ("z", STRINGS)),
    "activations.compute_activation": row(dict(name="relu", z=X), ("name", "swish"), ("name", None),
                                          ("name", ["relu"]), ("z", NAN_X), ("z", None)),
    "activations.compute_activation_grad": row(dict(name="tanh", z=X), ("name", "softmax"), ("name", 3),
                                               ("z", INF_X), ("z", "abc")),
    # gradcheck
    "gradcheck.compute_numerical_gradient": row(
        dict(f=lambda x: float(np.sum(x ** 2)), x=np.ones(3)), ("f", None), ("f", "sum"),
        ("f", lambda x: (float(np.sum(x)), {"W": x}), "f", "number"), ("f", lambda: 1.0), ("x", np.ones(3, int)),
        ("x", None), ("x", ["a"]), ("h", 0), ("h", -1e-5), ("h", np.nan), ("h", "small")),
    "gradcheck.compute_relative_error": row(
        dict(a=X, b=X + 1e-9), ("a", None), ("a", NAN_X), ("a", STRINGS), ("b", X[0]), ("b", INF_X)),
    "gradcheck.gradient_check": row(
        dict(f=lambda x: float(np.sum(x ** 2)), x=np.ones((2, 3)), analytic=2 * np.ones((2, 3))), ("f", None),
        ("f", lambda x: (1.0, x), "f"), ("x", np.ones((2, 3), int)), ("x", None), ("analytic", np.ones(6)),
        ("analytic", with_value(np.ones((2, 3)), (0, 0), np.nan)), ("analytic", None), ("num_checks", 0),
        ("num_checks", 2.5), ("h", 0), ("h", "1e-5"), ("seed", -1)),
    "gradcheck.compute_relative_norm_error": row(
        dict(a=X, b=X), ("a", None), ("a", NAN_X), ("a", "abc"), ("b", X[0]), ("b", INF_X)),
    # linear
    "linear.one_hot": row(
        dict(y=Y, num_classes=3), ("y", FLOAT_LABELS, "y", "class labels must be integers"), ("y", Y + 1),
        ("y", Y[:, None]), ("y", None), ("y", [-1, 0]), ("num_classes", 0), ("num_classes", 3.0)),
    "linear.compute_scores": row(
        dict(X=X, W=W, b=B), ("X", X[:, :3]), ("X", NAN_X), ("X", None), ("X", X.reshape(6, 2, 2)), ("W", None),
        ("W", W[0]), ("W", with_value(W, (0, 0), np.nan)), ("b", B[:2]), ("b", None), ("b", "abc")),
    **{f"linear.{name}": row(
        dict(**{arg: np.abs(X) / np.abs(X).sum(1, keepdims=True)}, y=Y), (arg, None), (arg, NAN_X), (arg, X[0]),
        ("y", Y[:5]), ("y", FLOAT_LABELS), ("y", Y + 3), ("y", None))
       for name, arg in (("softmax_cross_entropy", "scores"), ("squared_error", "probs"))},
    "linear.make_params": row(
        dict(num_features=4, num_classes=3), ("num_features", 0), ("num_features", 4.0), ("num_classes", 1),
        ("num_classes", None), ("scale", np.nan), ("scale", np.inf), ("scale", "small"), ("scale", -1e-3),
        ("seed", -1)),
    "linear.compute_loss_and_gradients": row(
        dict(params=PARAMS, X=X, y=Y), ("params", None), ("params", {"W": W}),
        ("params", {"W": W, "b": B[:2]}, "params['b']"), ("params", {"W": W[:, :3], "b": B}, "params['W']"),
        ("params", {"W": with_value(W, (0, 0), np.nan), "b": B}, "params['W']"),
        ("X", NAN_X), ("X", None), ("y", Y[:5]), ("y", Y + 3), ("y", FLOAT_LABELS), ("reg", np.nan),
        ("reg", np.inf), ("reg", "a"), ("reg", -1), ("reg", None), ("penalty", "l3")),
    "linear.train_sgd": row(
        dict(X=X, y=Y, num_classes=3, epochs=1), ("X", NAN_X), ("X", None), ("X", X.reshape(6, 2, 2)),
        ("y", Y[:5]), ("y", Y + 3), ("y", FLOAT_LABELS), ("num_classes", 1), ("learning_rate", np.inf), ("learning_rate", np.nan),
        ("learning_rate", 0), ("learning_rate", "0.1"), ("batch_size", 0), ("epochs", 0), ("epochs", 1.5), ("reg", np.nan),
        ("reg", -1), ("penalty", "l0"), ("seed", -1)),
    "linear.predict_linear": row(
        dict(params=PARAMS, X=X), ("params", None), ("params", W), ("params", {"W": W, "b": B[:1]}, "params['b']"),
        ("X", X[:, :3]), ("X", X.reshape(6, 2, 2)), ("X", NAN_X), ("X", None)),
    "linear.show_templates": row(
        dict(W=W, image_shape=(2, 2)), ("W", W[0]), ("W", None), ("W", with_value(W, (0, 0), np.nan)),
        ("image_shape", 4), ("image_shape", (2, 3)), ("image_shape", None), ("image_shape", (2, -2)),
        ("class_names", ["a"]), ("class_names", 3)),
    "linear.plot_loss_curves": row(
        dict(curves={"sgd": [1.0, 0.8, 0.5]}, epochs=1), ("curves", [1.0, 0.5]), ("curves", None),
        ("curves", {}), ("curves", {"sgd": []}), ("curves", {"sgd": "abc"}), ("curves", {"sgd": [[1.0]]}),
        ("epochs", 0), ("epochs", "1"), ("epochs", None), ("smooth", 0), ("smooth", 1.5), *AX),
    # nn
    "nn.make_two_layer_params": row(
        dict(num_inputs=4, num_hidden=5, num_classes=3), ("num_inputs", 0), ("num_hidden", 2.5), ("num_classes", 1),
        ("seed", -1), ("weight_scale", np.nan), ("weight_scale", np.inf), ("weight_scale", True),
        ("weight_scale", -1), ("weight_scale", "0.1")),
    **{f"nn.{name}": row(
        dict(params=NET, X=X, **({"y": Y} if name == "compute_two_layer_loss" else {})),
        ("params", None), ("params", {"W1": NET["W1"]}), ("params", {**NET, "W2": NET["W2"][:2]}, "params['W2']"),
        ("params", {**NET, "b1": NET["b1"][:2]}, "params['b1']"),
        ("params", {**NET, "W1": with_value(NET["W1"], 0, np.nan)}, "params['W1']"),
        ("params", {**NET, "W1": NET["W1"].astype(int)}, "params['W1']"), ("X", X[:, :3]), ("X", NAN_X), ("X", None),
        ("X", X.reshape(6, 2, 2)), ("activation", "softmax"), ("activation", None),
        *([("y", Y[:5]), ("y", Y + 3), ("y", FLOAT_LABELS), ("reg", np.nan), ("reg", np.inf), ("reg", -1),
           ("reg", "0")] if name == "compute_two_layer_loss" else []))
       for name in ("two_layer_forward", "compute_two_layer_loss", "predict_two_layer")},
    "nn.compute_gradient_errors": row(
        dict(params=NET, X=X, y=Y), ("params", None), ("params", [NET["W1"]]),
        ("params", {**NET, "W1": "a"}, "params['W1']"),
        ("X", X[:, :3]), ("X", None), ("y", Y[:5]), ("y", FLOAT_LABELS), ("loss_fn", "softmax"),
        ("loss_fn", lambda params, X, y: 1.0, "loss_fn", "grads"), ("h", 0), ("h", "small")),
    "nn.make_minibatches": row(
        lambda: dict(num_samples=10, batch_size=3, rng=np.random.default_rng(0)), ("num_samples", 0),
        ("num_samples", 10.0), ("batch_size", 0), ("batch_size", None), ("rng", 0), ("rng", None)),
    "nn.sgd_update": row(
        dict(params=PARAMS, grads=PARAMS, learning_rate=0.1), ("params", None), ("params", [W, B]),
        ("grads", {"W": W[0], "b": B}, "grads", "shape"), ("grads", {"W": W}, "grads", "b"), ("grads", None),
        ("grads", {"W": with_value(W, (0, 0), np.nan), "b": B}), ("grads", {"W": "a", "b": B}),
        ("params", {"W": "a", "b": B}), ("learning_rate", np.inf), ("learning_rate", np.nan), ("learning_rate", 0), ("learning_rate", "0.1"), ("learning_rate", None)),
    "nn.train_two_layer": row(
        dict(params=NET, X=X, y=Y, epochs=1, batch_size=4), ("params", None), ("X", X[:5]),
        ("X", NAN_X), ("X", None), ("X", X[:, :3]), ("y", Y[:5]), ("y", FLOAT_LABELS), ("y", Y + 3), ("y", None),
        ("learning_rate", np.inf), ("learning_rate", -0.1), ("learning_rate", "0.1"), ("batch_size", 0), ("epochs", 0),
        ("activation", "softmax"), ("reg", np.nan), ("seed", -1), ("X_val", X_VAL, "y_val"),
        ("y_val", Y_VAL, "X_val")),
    "nn.train_two_layer[validation]": row(
        dict(params=NET, X=X, y=Y, epochs=1, X_val=X_VAL, y_val=Y_VAL),
        ("X_val", X_VAL[:, :3]), ("X_val", with_value(X_VAL, (0, 0), np.nan)), ("X_val", X_VAL[0]),
        ("y_val", Y_VAL[:2]), ("y_val", Y_VAL * 0.5), ("y_val", Y_VAL + 3)),
    "nn.make_toy_dataset": row(
        dict(name="moons", num_samples=20), ("name", "blobs"), ("name", None), ("num_samples", 3),
        ("num_samples", 20.0), ("noise", np.nan), ("noise", 2), ("noise", "a"), ("noise", -0.1), ("seed", -1)),
    "nn.compute_decision_grid": row(
        dict(predict_proba=lambda P: np.column_stack([np.ones(len(P)) / 2] * 2), X=X[:, :2], num_points=5),
        ("predict_proba", None), ("predict_proba", lambda P: np.ones(len(P))),
        ("predict_proba", lambda P: np.ones((len(P), 1))),
        ("predict_proba", lambda P: "yes"), ("X", X), ("X", X[:, 0]), ("X", NAN_X[:, :2]), ("X", None),
        ("num_points", 1), ("num_points", 10_000), ("num_points", 5.5), ("margin", np.nan), ("margin", "a"),
        ("margin", -1)),
    "nn.run_playground": row(
        dict(dataset="xor", hidden_units=3, epochs=2, num_samples=20), ("dataset", "spiral"), ("dataset", None),
        ("hidden_units", 0), ("hidden_units", 2.5), ("activation", "softmax"), ("learning_rate", 0), ("learning_rate", np.nan),
        ("learning_rate", 100), ("learning_rate", "0.3"), ("noise", 2), ("epochs", 0), ("batch_size", 0), ("num_samples", 3),
        ("seed", -1)),
    "activations.show_activation_functions": row(
        dict(names=["relu", "tanh"]), ("names", "relu"), ("names", []), ("names", ["swish"]), ("names", None),
        ("z_range", 4), ("z_range", (4,)), ("z_range", (np.nan, 4)), ("z_range", ("a", "b")), ("z_range", (4, -4)),
        ("size", 0), ("size", "big"), ("size", np.inf)),
    "nn.plot_decision_boundary": row(
        lambda: dict(result=playground_result()), ("result", None), ("result", {}), ("result", "xor"),
        ("result", {"grid": (1, 2, 3)}), *AX),
    "nn.plot_loss_per_epoch": row(
        dict(history=HISTORY), ("history", None), ("history", {}), ("history", [1.0, 0.5]),
        ("history", {"loss": "abc"}), ("history", {"loss": [1.0], "val_loss": [1.0, 2.0]}), *AX),
    "nn.show_playground": row(
        lambda: dict(result=playground_result()), ("result", None), ("result", {}), ("result", "xor"),
        ("result", {**playground_result(), "history": {}})),
    "widgets.playground": row(dict(dataset="xor"), ("dataset", "spiral"), ("dataset", None), ("dataset", 3)),
    # conv
    "conv.make_random_walk": row(dict(num_steps=10), ("num_steps", 0), ("num_steps", 1.5), ("num_steps", None),
                                 ("seed", -1)),
    "conv.smooth_1d": row(
        dict(x=np.arange(10.0), size=3), ("x", X), ("x", None), ("x", with_value(np.arange(10.0), 3, np.nan)),
        ("x", np.zeros(0)), ("x", "abc"), ("size", 0), ("size", 11), ("size", 2.5), ("window", "gauss"),
        ("window", None)),
    "conv.gaussian_derivative_1d": row(
        dict(x=np.arange(10.0), sigma=2.0), ("x", X), ("x", None), ("x", with_value(np.arange(10.0), 3, np.inf)),
        ("sigma", 0), ("sigma", np.nan), ("sigma", 20), ("sigma", "2")),
    "conv.flip_kernel": row(dict(kernel=W), ("kernel", W[0]), ("kernel", None), ("kernel", STRINGS),
                            ("kernel", W[:0])),
    "conv.compute_output_size": row(
        dict(input_size=28, kernel_size=3), ("input_size", 0), ("input_size", 28.0), ("kernel_size", 29),
        ("kernel_size", 0), ("padding", "full"), ("padding", None), ("stride", 0), ("stride", 1.5)),
    "conv.compute_same_padding": row(
        dict(input_size=28, kernel_size=3), ("input_size", 0), ("kernel_size", -3), ("kernel_size", "3"),
        ("stride", 0)),
    "conv.pad_image": row(
        dict(image=GREY, kernel_shape=(3, 3)), ("image", GREY[0]), ("image", None), ("image", STRINGS[None, None]),
        ("kernel_shape", 3), ("kernel_shape", (3,)), ("kernel_shape", (0, 3)), ("kernel_shape", None),
        ("kernel_shape", (2.5, 3)), ("padding", "full"), ("stride", 0)),
    **{f"conv.{name}": row(
        dict(image=GREY, kernel=np.ones((3, 3))), ("image", GREY[0]), ("image", None),
        ("image", with_value(GREY, (0, 0), np.nan)), ("image", GREY[:0]), ("kernel", np.ones(3)),
        ("kernel", np.ones((3, 3, 2))), ("kernel", np.ones((9, 3))), ("kernel", STRINGS), ("kernel", None),
        ("padding", "full"), ("stride", 0), ("stride", 1.5))
       for name in ("conv2d_loops", "conv2d")},
    "conv.pool2d": row(
        dict(feature_map=GREY), ("feature_map", GREY[0]), ("feature_map", PHOTO[None]), ("feature_map", None),
        ("feature_map", with_value(GREY, (0, 0), np.nan)), ("size", 0), ("size", 9), ("size", 2.0), ("stride", 0),
        ("mode", "min"), ("padding", "full")),
    "kernels.apply_kernel": row(
        dict(image=PHOTO, kernel=kernels.KERNELS["sharpen"]), *IMAGE_SLIPS, ("kernel", np.ones((2, 2))),
        ("kernel", np.ones((3, 3, 3))), ("kernel", with_value(np.ones((3, 3)), (0, 0), np.nan)), ("kernel", None),
        ("kernel", STRINGS)),
    "kernels.describe_kernel": row(dict(kernel=np.ones((3, 3))), ("kernel", np.ones(3)), ("kernel", None),
                                ("kernel", with_value(np.ones((3, 3)), (0, 0), np.nan)), ("kernel", "sharpen")),
    "kernels.compute_response": row(
        dict(patch=np.ones((3, 3)), kernel=np.ones((3, 3))), ("patch", np.ones((2, 3))), ("patch", None),
        ("patch", with_value(np.ones((3, 3)), (0, 0), np.nan)), ("kernel", np.ones(3)), ("kernel", "abc")),
    "conv.plot_signals": row(
        dict(x=np.arange(10.0), signals={"smooth": np.arange(10.0)}), ("x", None), ("x", X),
        ("x", with_value(np.arange(10.0), 0, np.nan)), ("signals", [np.arange(10.0)]), ("signals", None),
        ("signals", {"smooth": np.arange(9.0)}, "signals"), ("signals", {"smooth": "abc"}, "signals"), *AX),
    "plots.plot_matrix": row(
        dict(matrix=W), ("matrix", W[0]), ("matrix", None), ("matrix", np.zeros((21, 21))),
        ("matrix", with_value(W, (0, 0), np.nan)), ("matrix", STRINGS), ("cmap", "rainbowish"), ("cmap", 3), *AX),
    "plots.show_matrices": row(
        dict(matrices={"a": W, "b": W[:2]}), ("matrices", None), ("matrices", {}), ("matrices", [W]),
        ("matrices", {"a": W[0]}, "matrices['a']"), ("matrices", {"a": with_value(W, (0, 0), np.nan)}, "matrices['a']"),
        ("cell_size", 0), ("cmap", "rainbowish")),
    "kernels.show_kernels": row(
        dict(kernels={"box": np.ones((3, 3)) / 9}), ("kernels", []), ("kernels", {}), ("kernels", np.ones((3, 3))),
        ("kernels", {"box": np.ones(3)}), ("kernels", {"box": "abc"}), ("kernels", {"box": np.zeros((21, 21))}),
        ("size", 0), ("size", "big")),
    "kernels.show_gallery": row(
        dict(image=PHOTO, kernels={"box": np.ones((3, 3)) / 9}), *IMAGE_SLIPS, ("kernels", {}),
        ("kernels", ["box"]), ("kernels", {"box": np.ones((2, 2))}), ("kernels", {"box": "abc"}),
        ("ncols", 0), ("ncols", 1.5), ("size", 0), ("size", None)),
    "kernels.kernel_from_entries": row(
        dict(entries=list(range(9))), ("entries", list(range(8))), ("entries", None), ("entries", ["a"] * 9),
        ("entries", [np.nan] * 9), ("entries", np.zeros((3, 3, 1)))),
    "kernels.show_kernel_response": row(
        dict(image=PHOTO, kernel=kernels.KERNELS["sharpen"]), *IMAGE_SLIPS[:2], *UINT8_SLIPS, ("kernel", np.ones((2, 2))),
        ("kernel", np.ones(3)), ("kernel", None), ("kernel", "sharpen")),
    "widgets.kernel_editor": row(dict(image=PHOTO), *IMAGE_SLIPS[:2], *UINT8_SLIPS, ("preset", "emboss"),
                              ("preset", "gaussian_5x5"),
                              ("preset", None)),
    # models
    "models.make_dense_mnist": row(
        dict(input_shape=(4, 4), hidden_units=4), ("input_shape", 28), ("input_shape", (0, 28)),
        ("input_shape", (28, 28.0)), ("input_shape", None), ("hidden_units", 0), ("hidden_units", 2.5),
        ("num_classes", 1), ("seed", -1)),
    "models.make_small_cnn": row(
        dict(input_shape=(28, 28, 1)), ("input_shape", (8, 8, 1), "input_shape", "at least"),
        ("input_shape", (17, 28, 1)),
        ("input_shape", (28, 28)), ("input_shape", 28), ("input_shape", (28, 28, 0)), ("num_classes", 1),
        ("seed", -1)),
    "models.make_batchnorm_cnn": row(
        dict(input_shape=(28, 28, 1)), ("input_shape", (9, 9, 1), "input_shape", "at least"), ("input_shape", (28, 28)),
        ("input_shape", None), ("num_classes", 0), ("seed", 1.5)),
    "training.make_warmup_cosine": row(
        dict(learning_rate=1e-3, total_steps=100), ("learning_rate", np.inf), ("learning_rate", np.nan),
        ("learning_rate", 0), ("learning_rate", "1e-3"), ("total_steps", 1), ("total_steps", 100.0),
        ("warmup_fraction", np.nan), ("warmup_fraction", 1), ("warmup_fraction", "0.1"), ("warmup_fraction", True)),
    "training.SmoothedSparseCrossentropy": row(
        dict(label_smoothing=0.1), ("label_smoothing", 1.0), ("label_smoothing", np.nan),
        ("label_smoothing", "0.1"), ("label_smoothing", -0.1), ("label_smoothing", None)),
    "training.compile_classifier": row(
        lambda: dict(model=tiny_model(compile=False)), ("model", None), ("model", "small_cnn"),
        ("learning_rate", np.inf), ("learning_rate", 0), ("learning_rate", "1e-3"), ("learning_rate", None),
        ("label_smoothing", 1.5), ("label_smoothing", "a"), ("label_smoothing", np.nan)),
    "models.prepare_images": row(
        dict(X=DIGITS), ("X", DIGITS / 255, "X", "already scaled"), ("X", as_ints(DIGITS, (0, 0, 0), -1)),
        ("X", as_ints(DIGITS, (0, 0, 0), 300)), ("X", with_value(DIGITS, (0, 0, 0), 300)),
        ("X", with_value(DIGITS, (0, 0, 0), np.nan)), ("X", DIGITS[0]), ("X", None), ("X", STRINGS[None]),
        ("X", DIGITS[:0])),
    "training.train_model": row(
        lambda: dict(model=tiny_model(), X=IMAGES_4X4, y=Y, epochs=1, progress="silent"), ("model", None),
        ("model", "cnn"), ("model", UNCOMPILED, "model", "not compiled"),
        ("X", with_value(IMAGES_4X4, (0, 0, 0), np.nan)), ("X", IMAGES_4X4[:, :3]),
        ("X", IMAGES_4X4[:5]), ("X", None), ("X", STRINGS), ("y", Y + 1, "y", "0..2"), ("y", FLOAT_LABELS),
        ("y", -Y), ("y", Y[:, None]), ("y", None), ("epochs", 0), ("epochs", 1.5), ("batch_size", 0),
        ("validation_split", 1.5), ("validation_split", -0.1), ("validation_split", np.nan),
        ("validation_split", "0.2"), ("validation_data", (IMAGES_4X4,)), ("validation_data", "val"),
        ("validation_data", (IMAGES_4X4[:, :3], Y)), ("validation_data", (IMAGES_4X4, Y[:5])),
        ("validation_data", (IMAGES_4X4, Y + 3)), ("seed", -1), ("progress", "loud")),
    "training.train_with_recipe": row(
        lambda: dict(model=tiny_model(compile=False), X=IMAGES_4X4, y=Y, progress="silent",
                     recipe={"epochs": 1, "batch_size": 2, "learning_rate": 1e-3}),
        ("model", None), ("recipe", "fast"), ("recipe", None), ("recipe", {"epochs": 1}),
        ("recipe", {"epochs": 0, "batch_size": 2, "learning_rate": 1e-3}, "recipe['epochs']"),
        ("recipe", {"epochs": 1, "batch_size": 2, "learning_rate": np.inf}, "recipe['learning_rate']"),
        ("recipe", {"epochs": 1, "batch_size": 2, "learning_rate": 1e-3, "label_smoothing": 2},
         "recipe['label_smoothing']"),
        ("X", None), ("X", with_value(IMAGES_4X4, (0, 0, 0), np.nan)), ("y", Y + 3), ("y", FLOAT_LABELS)),
    "training.register_notebook_bar": row(dict(bar_class=widgets.TrainingBar), ("bar_class", None),
                                          ("bar_class", "TrainingBar")),
    "training.ProgressBar": row(dict(epochs=3), ("epochs", 0), ("epochs", "3"), ("mode", "loud")),
    "models.compute_dense_params": row(dict(num_inputs=784, units=512), ("num_inputs", 0), ("num_inputs", 784.0),
                                       ("units", None), ("units", -1)),
    "models.compute_conv_params": row(
        dict(kernel_h=3, kernel_w=3, in_channels=1, filters=32), ("kernel_h", 0), ("kernel_w", 3.0),
        ("in_channels", None), ("filters", -32)),
    "models.compute_layer_table": row(
        dict(layers=[("conv", 2), ("pool", 2), ("flatten", None), ("dense", 3)], input_shape=(8, 8, 1)),
        ("layers", None), ("layers", []), ("layers", ["conv"], "layers[0]"), ("layers", [("convolution", 2)], "layers[0][0]"),
        ("layers", [("conv", 0)], "layers[0][1]"), ("layers", [("dense", 3)], "layers[0]", "flatten"),
        ("layers", [("flatten", None), ("conv", 2)], "layers[1]"), ("layers", [("conv", 2)] * 4,
                                                                    "kernel_size"),
        ("input_shape", (8, 6, 1)), ("input_shape", (8, 8)), ("input_shape", (8, 8, 0), "input_shape[2]"),
        ("kernel_size", 0)),
    "models.summarize_model": row(lambda: dict(model=tiny_model()), ("model", None), ("model", "cnn")),
    "models.count_params_by_kind": row(lambda: dict(model=tiny_model()), ("model", None), ("model", [1, 2])),
    "training.history_table": row(
        dict(history=HISTORY), ("history", None), ("history", {}), ("history", [1.0]),
        ("history", {"loss": [1.0], "accuracy": [0.5, 0.6]}), ("history", {"loss": "abc"}), ("decimals", -1),
        ("decimals", 2.5)),
    "training.plot_history": row(
        dict(history=HISTORY), ("history", None), ("history", {}), ("history", {"loss": [1.0], "val_loss": [1.0, 2.0]}),
        ("metric", "acc"), ("metric", None), *AX),
    "training.show_history": row(dict(history=HISTORY), ("history", None), ("history", {"loss": [1.0]}),
                               ("history", {"loss": "abc", "accuracy": "xyz"})),
    # data
    "data.load_dataset": row(
        dict(name="shapes", n=30, size=8), ("name", "mnist_tiny"), ("name", None), ("name", ["mnist"]),
        ("n", 3, "n", "test"), ("n", 0), ("n", 2.5), ("test_size", 1.5), ("test_size", np.nan), ("size", 4),
        ("limit", 0), ("limit", 1.5), ("colour", "yes"), ("classes", ["hexagon"]), ("download", "yes"),
        ("colour_mode", "rgb", "colour_mode")),
    "data.stratified_subset": row(
        lambda: dict(y=np.array([0, 0, 0, 0, 1, 2]), n=3, rng=np.random.default_rng(0)),
        ("y", None), ("y", [[0, 1], [1, 0]]), ("y", [0.5, 1.5]), ("n", 0), ("n", 7), ("n", "3"), ("n", 2.5),
        ("n", 6, "class", "only 1"), ("rng", 0), ("rng", None), ("holdout_per_class", -1),
        ("holdout_per_class", 1.5), ("holdout_per_class", 4, "held out", "only 4")),
    "data.load_small_target": row(dict(num_train=10, num_val=0, num_test=10), ("num_train", 5), ("num_val", -10),
                                  ("num_test", 10.0), ("size", 4), ("rgb", "yes"), ("seed", -1)),
    "data.load_photo": row(dict(name="coins"), ("name", "dog"), ("name", None), ("name", 3), ("grey", "yes")),
    "data.fetch_dataset": row(
        dict(name="shapes"), ("name", "imagenet"), ("name", None), ("sha256", "abc"), ("sha256", 123)),
    # shapes
    "shapes.make_shapes": row(
        dict(n=6, size=8), ("n", 0), ("n", "6"), ("n", None), ("size", 4), ("size", 8.0), ("seed", -1),
        ("position", "yes"), ("scale", 1), ("classes", "square"), ("classes", ["hexagon"]), ("classes", []),
        ("classes", ["square", "square"])),
    # plots
    "plots.show_images": row(
        dict(images=DIGITS), ("images", None), ("images", []), ("images", 5), ("images", PHOTO, "images", "one"),
        ("images", GREY), ("images", [PHOTO, FORGOT_255], "images[1]", "divide by 255"),
        ("images", [PHOTO, GREY[0]], "images[1]"), ("images", PHOTO.tolist(), "images", "one"),
        ("images", FOUR_4X4[None]), ("images", DIGITS.astype(int) + 300), ("titles", ["a"]), ("titles", 5),
        ("ncols", 0), ("ncols", 2.5), ("size", 0), ("size", -1), ("size", np.nan), ("size", "big")),
    "plots.plot_image": row(dict(image=PHOTO), *IMAGE_SLIPS, ("image", GREY[0]), *AX),
    "plots.plot_pixel_values": row(
        dict(image=GREY), ("image", PHOTO), ("image", None), ("image", np.zeros((41, 41))), ("image", STRINGS),
        ("image", as_ints(GREY, (0, 0), 300)), ("image", with_value(GREY, (0, 0), np.nan)), *AX),
    "plots.plot_histogram": row(dict(image=PHOTO), *IMAGE_SLIPS[:2], *UINT8_SLIPS,
                                ("image", PHOTO.astype(np.uint16) * 2), *AX),
    "plots.figure_to_png": row(lambda: dict(fig=plt.figure()), ("fig", None), ("fig", "figure"),
                               ("fig", new_axes()), ("dpi", 0), ("dpi", "72"), ("dpi", np.nan)),
    # download
    "download.fetch_file": row(
        lambda: dict(url="https://example.org/x", sha256=existing_file()[1], path=existing_file()[0]),
        ("url", None), ("url", 3), ("url", "example.org/x"), ("sha256", None), ("sha256", "abc"), ("sha256", 123),
        ("path", None), ("path", 3), ("timeout", 0), ("timeout", "60"), ("timeout", np.nan), ("quiet", "yes")),
    "download.compute_sha256": row(lambda: dict(path=existing_file()[0]), ("path", None), ("path", 3),
                                   ("path", ["a"])),
    "download.verify_sha256": row(
        lambda: dict(path=existing_file()[0], sha256=existing_file()[1], fix="reinstall."), ("path", None),
        ("path", 3), ("sha256", None), ("sha256", "abc"), ("sha256", "0" * 64, "sha256", "Refusing to read")),
    "download.resolve_url": row(dict(origin="https://example.org/mnist.npz", relpath="mnist.npz"),
                                ("origin", None), ("origin", 3), ("relpath", None), ("relpath", 3)),
    # environment
    "environment.setup": row(dict(seed=42), ("seed", -1), ("seed", "42"), ("seed", 2**32), ("seed", 1.5),
                             ("seed", None)),
    # inspection, attribution, drawing, cues (notebook 11)
    "inspection.compute_filter_images": row(dict(kernel=VIS_KERNEL), ("kernel", None), ("kernel", VIS_KERNEL[0]),
                                           ("kernel", with_value(VIS_KERNEL, (0, 0, 0, 0), np.nan)), ("kernel", STRINGS)),
    "inspection.compute_activations": row(dict(model=VIS_MODEL, image=VIS_IMAGE, layer_names=["conv"]), *MODEL_SLIPS[:2],
                                         *VIS_IMAGE_SLIPS, ("layer_names", []), ("layer_names", None),
                                         ("layer_names", ["cnov"], "layer_names", "did you mean 'conv'"),
                                         ("layer_names", [3])),
    "inspection.compute_sparsity": row(dict(activations=VIS_MAPS), ("activations", None), ("activations", {}),
                                      ("activations", {"a": "x"})),
    "attribution.compute_class_scores": row(dict(model=VIS_MODEL, images=VIS_BATCH), *MODEL_SLIPS,
                                          ("images", VIS_IMAGE), ("images", VIS_BATCH[:, :5]), ("images", None)),
    "attribution.compute_input_gradients": row(dict(model=VIS_MODEL, images=VIS_BATCH, class_index=1), *MODEL_SLIPS,
                                             ("images", VIS_IMAGE), ("images", VIS_BATCH[:, :5]), ("images", None),
                                             ("images", with_value(VIS_BATCH, (0, 0, 0, 0), np.nan)), *CLASS_SLIPS),
    "attribution.compute_saliency": row(dict(model=VIS_MODEL, image=VIS_IMAGE, class_index=1), *MODEL_SLIPS,
                                      *VIS_IMAGE_SLIPS, *CLASS_SLIPS),
    "attribution.compute_smoothgrad": row(dict(model=VIS_MODEL, image=VIS_IMAGE, class_index=1, num_samples=2),
                                        *MODEL_SLIPS, *VIS_IMAGE_SLIPS, *CLASS_SLIPS, ("num_samples", 0),
                                        ("noise", 2), ("noise", "a lot"), ("seed", -1), ("batch_size", 0)),
    "attribution.compute_gradcam": row(dict(model=VIS_MODEL, image=VIS_IMAGE, class_index=1, layer_name="conv"),
                                     *MODEL_SLIPS, *VIS_IMAGE_SLIPS, *CLASS_SLIPS, ("layer_name", None),
                                     ("layer_name", "cnov", "layer_name", "did you mean 'conv'"),
                                     ("layer_name", "scores", "layer_name", "not a convolutional")),
    "attribution.compute_occlusion": row(dict(model=VIS_MODEL, image=VIS_IMAGE, class_index=1, patch_size=4, stride=2),
                                       *MODEL_SLIPS, *VIS_IMAGE_SLIPS, *CLASS_SLIPS, ("patch_size", 0),
                                       ("patch_size", 9), ("stride", 0), ("stride", 1.5), ("fill", "grey"),
                                       ("batch_size", 0)),
    "attribution.resize_heatmap": row(dict(heatmap=VIS_HEATMAP, shape=(8, 8)), ("heatmap", None),
                                    ("heatmap", VIS_HEATMAP[None]), ("heatmap", with_value(VIS_HEATMAP, (0, 0), np.inf)),
                                    ("shape", None), ("shape", (8,)), ("shape", (0, 8), "shape[0]")),
    "attribution.compute_box_mass": row(dict(heatmap=VIS_HEATMAP, box=(0, 0, 2, 2)), ("heatmap", None),
                                      ("heatmap", -VIS_HEATMAP, "heatmap", "non-negative"),
                                      ("heatmap", np.zeros((4, 4)), "heatmap", "all zeros"), ("box", None),
                                      ("box", (0, 0, 5, 2)), ("box", (2, 0, 2, 2)), ("box", (0, 0, 2)),
                                      ("box", (0, 0, 1.5, 2), "box[2]")),
    "drawing.prepare_drawing": row(dict(drawing=DRAWING), ("drawing", None), ("drawing", DRAWING * 0, "drawing", "empty"),
                                     ("drawing", np.stack([DRAWING] * 3, axis=-1)), ("drawing", DRAWING * 1.0, "drawing",
                                                                                     "0–255"),
                                     ("drawing", INT_300), ("drawing", STRINGS)),
    "drawing.predict_drawing": row(dict(model=DIGIT_MODEL, drawing=DRAWING), ("model", None), ("model", VIS_MODEL, "model",
                                                                                                  "28x28|input"),
                                     ("drawing", DRAWING * 0, "drawing", "empty"), ("top", 0), ("top", 11),
                                     ("layer_names", ["cnov"], "layer_names")),
    "inspection.compute_filter_pattern": row(dict(model=VIS_MODEL, layer_name="conv", filter_index=1, steps=2),
                                            ("model", "net"), ("layer_name", "cnov", "layer_name", "did you mean"),
                                            ("layer_name", "scores"), ("filter_index", 2), ("filter_index", -1),
                                            ("steps", 0), ("learning_rate", 0), ("decay", 1), ("blur_every", -1),
                                            ("seed", -1)),
    "cues.add_class_cue": row(dict(X=DIGITS, y=Y, cue_size=2), ("X", None), ("X", DIGITS / 255.0, "X", "uint8"),
                                   ("X", DIGITS[:, :4]), ("y", Y[:3]), ("y", Y + 10), ("cue_labels", Y + 10),
                                   ("rate", 2), ("seed", -1), ("cue_size", 0), ("cue_size", 3),
                                   ("pattern", "stripes", "pattern", "checker"), ("pattern", None), ("inset", -1),
                                   ("inset", 3)),
    "cues.replace_with_other_class": row(dict(X=DIGITS, y=Y, fraction=0.5), ("X", None),
                                              ("X", DIGITS / 255.0, "X", "uint8"), ("X", DIGITS[0]), ("y", Y[:3]),
                                              ("y", FLOAT_LABELS), ("y", Y * 0, "y", "two classes"),
                                              ("fraction", 1.5), ("fraction", -0.1), ("fraction", "half"),
                                              ("fraction", None), ("seed", -1)),
    "cues.cue_box": row(dict(label=3), ("label", 10), ("label", "3"), ("cue_size", 8), ("image_size", 4),
                             ("num_classes", 1), ("inset", -1), ("inset", 8), ("inset", "2")),
    "inspection.conv_layer_names": row(dict(model=VIS_MODEL), ("model", None), ("model", "net")),
    "drawing.render_strokes": row(dict(strokes=[[(1, 2), (30, 40)]], size=50), ("strokes", None), ("strokes", "7"),
                                    ("strokes", [[(1, 2, 3)]], "strokes[0]"), ("strokes", [[]], "strokes[0]"),
                                    ("size", 2), ("width", 0)),
    "attribution.plot_heatmap": row(dict(heatmap=VIS_HEATMAP, image=PHOTO), ("heatmap", None), ("heatmap", VIS_HEATMAP[None]),
                                  ("image", FORGOT_255, "image", "divide by 255"), ("image", INT_300), ("alpha", 2), *AX),
    "inspection.show_filters": row(dict(kernel=VIS_KERNEL), ("kernel", None), ("kernel", VIS_KERNEL[0]), ("ncols", 0)),
    "inspection.show_feature_maps": row(dict(activations=VIS_MAPS), ("activations", None), ("activations", {}),
                                      ("activations", {"a": VIS_HEATMAP}, "activations"), ("num_maps", 0)),
    "inspection.plot_sparsity": row(dict(sparsity={"a": 0.2, "b": 0.5}), ("sparsity", None), ("sparsity", {}),
                                   ("sparsity", {"a": 1.5}, "sparsity"), *AX),
    "attribution.show_explanations": row(dict(photo=PHOTO, maps={"m": VIS_HEATMAP}), ("photo", None, "image"),
                                       ("maps", None), ("maps", {}), ("maps", {"m": VIS_HEATMAP[None]}, "maps")),
    "drawing.show_drawing_result": row(lambda: dict(result=drawing_result()), ("result", None), ("result", {}),
                                         ("num_maps", 0)),
    "inspection.show_filter_view": row(dict(model=VIS_MODEL, image=VIS_IMAGE, layer_name="conv", filter_index=1),
                                      ("model", "net"), ("image", VIS_IMAGE[:5]), ("layer_name", "cnov"),
                                      ("filter_index", 2)),
    "widgets.augmentation_explorer": row(dict(images=DIGITS, num_samples=2), ("images", None),
                                         ("images", DIGITS / 255.0, "images", "uint8"), ("images", DIGITS[0]),
                                         ("titles", ["one"], "titles"), ("num_samples", 0), ("seed", -1)),
    "widgets.drawing_canvas": row(dict(model=DIGIT_MODEL), ("model", None), ("model", VIS_MODEL, "model", "28x28"),
                                  ("size", 10), ("pen_width", 0)),
    "widgets.filter_browser": row(dict(model=VIS_MODEL, images=VIS_BATCH, pattern_steps=0), ("model", "net"),
                                  ("images", VIS_BATCH[0]), ("images", VIS_BATCH[:, :5], "images[0]"),
                                  ("pattern_steps", -1)),
    "widgets.TrainingBar": row(dict(epochs=3), ("epochs", 0), ("epochs", "3"), ("epochs", None)),
    "widgets.show_quiz": row(dict(topic="welcome"), ("topic", "nope", "topic", "one of"), ("topic", 3)),
}

# Public names that take no learner-facing input, so they have no row.
NO_LEARNER_INPUT = {
    "data.Dataset",  # a record load_dataset fills in; learners read it, never build it
    "data.SmallTarget",  # a record load_small_target fills in
    "training.training_recipe_names",  # no arguments
    "data.DatasetInfo",  # a registry entry, written by the course authors
    "data.FileSpec",  # a registry entry, written by the course authors
    "data.DatasetNotAvailable",  # an exception class
    "download.DownloadError",  # an exception class
    "data.available_offline",  # no arguments
    "data.status_table",  # no arguments
    "data.main",  # the command line: argparse reports bad arguments itself
    "environment.environment_report",  # no arguments
    "environment.readiness_report",  # no arguments
}


def _function(key):
    """Return the callable a table key names ("module.name" or "module.name[variant]")."""
    module, name = key.split("[")[0].split(".")
    return getattr(importlib.import_module(f"labs.{module}"), name)


def _valid_kwargs(entry):
    return entry.valid() if callable(entry.valid) else dict(entry.valid)


def _cases():
    for key, entry in TABLE.items():
        for number, bad in enumerate(entry.bad):
            yield pytest.param(key, bad, id=f"{key}-{bad.arg}-{number}")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- the tests ------------------------------------------------------------------------------------

def test_every_public_function_is_in_the_table():
    public = {f"{module.__name__.split('.')[-1]}.{name}" for module in MODULES for name in module.__all__
              if callable(getattr(module, name))}
    keys = {key.split("[")[0] for key in TABLE}
    missing = sorted(public - keys - NO_LEARNER_INPUT)
    assert not missing, f"add a row to TABLE (or a reason to NO_LEARNER_INPUT) for: {missing}"
    assert not keys & NO_LEARNER_INPUT
    assert not (keys | NO_LEARNER_INPUT) - public, "the table names functions that are not public"


@pytest.mark.parametrize("key", list(TABLE))
def test_the_valid_call_works(key):
    entry = TABLE[key]
    call = entry.call or _function(key)
    call(**_valid_kwargs(entry))


@pytest.mark.parametrize("key, bad", list(_cases()))
def test_bad_input_gets_an_error_naming_the_argument(key, bad):
    entry = TABLE[key]
    call = entry.call or _function(key)
    kwargs = _valid_kwargs(entry)
    kwargs[bad.arg] = bad.value
    with pytest.raises((TypeError, ValueError)) as caught:
        call(**kwargs)
    message = str(caught.value)
    origin = Path(caught.traceback[-1].path).resolve()
    assert LABS_DIR in origin.parents, f"raised deep inside {origin}, not by labs: {message}"
    name = bad.name or bad.arg
    assert re.search(rf"(?<![\w'\[]){re.escape(name)}(?![\w'])", message), f"{name!r} is not named in: {message}"
    if bad.says:
        assert re.search(bad.says, message), f"{bad.says!r} not in: {message}"


# --- nested lists of whole numbers are pixel values, read as uint8 ---------------------------------

SAME_FOR_NESTED_INTS = {
    "to_greyscale": lambda image: images.to_greyscale(image),
    "intensity_histogram": lambda image: images.intensity_histogram(image),
    "invert": lambda image: images.invert(image),
    "apply_nuisance": lambda image: images.apply_nuisance(image, "illumination"),
    "build_pyramid": lambda image: features.build_pyramid(image, 2)[1],
    "compute_colour_histogram": lambda image: features.compute_colour_histogram(image),
    "apply_kernel": lambda image: kernels.apply_kernel(image, kernels.KERNELS["sharpen"]),
    "prepare_images": lambda image: models.prepare_images([np.asarray(image)[..., 0]]),
    "plot_image": lambda image: plots.plot_image(image).images[0].get_array(),
    "plot_image grey": lambda image: plots.plot_image(np.asarray(image)[..., 0]).images[0].get_clim(),
    "plot_histogram": lambda image: plots.plot_histogram(image).lines[0].get_ydata(),
}


@pytest.mark.parametrize("name", list(SAME_FOR_NESTED_INTS))
def test_nested_int_lists_give_the_result_of_uint8(name):
    function = SAME_FOR_NESTED_INTS[name]
    np.testing.assert_array_equal(np.asarray(function(PHOTO.tolist())), np.asarray(function(PHOTO)))


# --- inputs that look unusual but are right keep working ------------------------------------------

STILL_VALID = {
    "plot_signals with no filtered signals (notebook 06)": lambda: conv.plot_signals(np.arange(10.0), {}),
    "ks as a range": lambda: knn_tuning.score_knn_grid(X, Y, X_VAL, Y_VAL, range(1, 3)),
    "a list of images of different sizes": lambda: plots.show_images([PHOTO, GREY, PHOTO[::2, ::2]]),
    "greyscale floats beyond 0-1 (a HOG picture) are stretched": lambda: plots.plot_image(GREY * 0.6),
    "a float 0-1 photo": lambda: kernels.apply_kernel(UNIT, kernels.KERNELS["sharpen"]),
    "float 0-255 images for prepare_images": lambda: models.prepare_images(DIGITS.astype("float32")),
    "NumPy numbers as settings": lambda: nn.sgd_update(PARAMS, PARAMS, np.float32(0.1)),
    "a one-row batch of colour images": lambda: plots.show_images(PHOTO[None]),
    "images prepared for Keras (N, H, W, 1)": lambda: plots.show_images(models.prepare_images(DIGITS)),
}


@pytest.mark.parametrize("name", list(STILL_VALID))
def test_unusual_but_right_inputs_still_work(name):
    STILL_VALID[name]()


# --- the shared helpers --------------------------------------------------------------------------

def test_as_image_reads_pixels_and_refuses_the_slips():
    assert as_image([[0, 255]], "image").dtype == np.uint8
    assert as_image(UNIT, "image") is UNIT
    assert as_image(FORGOT_255, "X", scale="0-255") is FORGOT_255
    with pytest.raises(ValueError, match=r"image looks like 0–255 values in a float array \(values up to 25\d\): "
                                         "divide by 255 first, or pass uint8"):
        as_image(FORGOT_255, "image")
    with pytest.raises(ValueError, match="image holds whole numbers from -1 to 255"):
        as_image(INT_NEG, "image")
    with pytest.raises(TypeError, match=r"image must be uint8 .*\(image \* 255\)"):
        as_image(UNIT, "image", scale="uint8")
    with pytest.raises(ValueError, match=r"must have 3 colour channels .*got 4 channels in shape \(4, 4, 4\)"):
        as_image(FOUR_4X4, "image")


def test_check_number_names_the_range():
    assert require_number(np.float32(0.5), "lr", above=0) == 0.5
    for value, error, words in [(np.inf, ValueError, "lr must be a finite number, got inf"),
                                (True, TypeError, "lr must be a number, got bool"),
                                (0, ValueError, "lr must be greater than 0 and at most 10, got 0"),
                                ("0.1", TypeError, "lr must be a number, got str")]:
        with pytest.raises(error, match=words):
            require_number(value, "lr", above=0, maximum=10)


def test_float_labels_get_one_clear_message():
    with pytest.raises(TypeError, match=r"^y: class labels must be integers, got float64 values such as 2\.5\.$"):
        require_labels(FLOAT_LABELS, "y")
    with pytest.raises(TypeError, match=r"values such as 0; they are whole numbers, so y\.astype\(int\)"):
        require_labels(Y.astype(float), "y")
