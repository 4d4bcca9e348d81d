"""Classical-feature helpers (against scikit-learn / scikit-image / NumPy), their input errors, checks and quiz."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from labs import features, quizzes
from labs.checks import features as checks
from check_helpers import printed_line, unfinished_exercise

RNG = np.random.default_rng(0)
DIGITS = RNG.integers(0, 256, (6, 28, 28), dtype=np.uint8)
PHOTO = RNG.integers(0, 256, (10, 12, 3), dtype=np.uint8)


def test_distance_contrast_shrinks_with_dimension():
    contrast = features.compute_distance_contrast([2, 20, 200, 2000], num_points=300)
    assert np.all(np.diff(contrast) < 0) and contrast[-1] < 0.2 < contrast[0]


def test_pca_reconstruction_matches_scikit_learn():
    X = RNG.normal(size=(30, 8)) @ RNG.normal(size=(8, 8)) + 10
    pca = PCA(n_components=8).fit(X)
    np.testing.assert_allclose(features.reconstruct_with_pca(pca, X, 8), X, atol=1e-9)
    small = PCA(n_components=3).fit(X)
    np.testing.assert_allclose(features.reconstruct_with_pca(pca, X, 3), small.inverse_transform(small.transform(X)),
                               atol=1e-8)
    np.testing.assert_allclose(features.reconstruct_with_pca(pca, X, 0), np.tile(X.mean(axis=0), (30, 1)))


@pytest.mark.parametrize("settings", [{}, {"orientations": 12, "pixels_per_cell": (7, 7)},
                                      {"orientations": 7, "pixels_per_cell": (5, 3), "cells_per_block": (3, 2)},
                                      {"cells_per_block": (1, 1)}, {"block_norm": "L1-sqrt"},
                                      {"block_norm": "L1-sqrt", "transform_sqrt": True}])
@pytest.mark.parametrize("images", [DIGITS, RNG.random((3, 30, 37)) * 10], ids=["uint8 28x28", "float 30x37"])
def test_batch_hog_equals_scikit_image_hog_image_by_image(settings, images):
    from skimage.feature import hog

    full = {"orientations": 9, "pixels_per_cell": (4, 4), "cells_per_block": (2, 2), "block_norm": "L2-Hys",
            **settings}
    expected = np.stack([hog(image, **full) for image in images])
    np.testing.assert_allclose(features.compute_hog(images, **full), expected, atol=1e-6)


def test_hog_length_and_picture():
    F = features.compute_hog(DIGITS)
    assert F.shape == (6, 1296)
    values, picture = features.compute_hog_image(DIGITS[0])
    np.testing.assert_allclose(values, F[0], atol=1e-6)
    assert picture.shape == (28, 28) and picture.max() > 0


def test_hog_transformer_works_in_a_pipeline_on_flat_rows():
    X = DIGITS.reshape(6, -1)
    y = np.array([0, 1, 0, 1, 0, 1])
    model = make_pipeline(features.HOGFeatures(pixels_per_cell=(7, 7)), LinearSVC()).fit(X, y)
    assert model.score(X, y) == 1.0
    np.testing.assert_allclose(features.HOGFeatures().fit_transform(X), features.compute_hog(DIGITS))
    assert features.HOGFeatures().transform(DIGITS).shape == (6, 1296)
    assert features.HOGFeatures(orientations=12).get_params()["orientations"] == 12


def test_colour_histogram_matches_numpy():
    fractions = features.compute_colour_histogram(PHOTO, bins=8)
    expected = np.histogram(PHOTO[..., 1], bins=8, range=(0, 256))[0] / (10 * 12)
    np.testing.assert_allclose(fractions[1], expected)
    np.testing.assert_allclose(fractions.sum(axis=1), 1.0)


def test_pyramid_halves_each_level():
    levels = features.build_pyramid(np.zeros((64, 48, 3), dtype=np.uint8), num_levels=4)
    assert [level.shape for level in levels] == [(64, 48, 3), (32, 24, 3), (16, 12, 3), (8, 6, 3)]
    assert len(features.build_pyramid(np.zeros((64, 48)), num_levels=2)) == 2


def test_shift_images_fills_with_zeros_and_keeps_dtype():
    image = np.arange(1, 13, dtype=np.uint8).reshape(3, 4)
    np.testing.assert_array_equal(features.shift_images(image, 1, 0), [[0, 1, 2, 3], [0, 5, 6, 7], [0, 9, 10, 11]])
    np.testing.assert_array_equal(features.shift_images(image, 0, -1), [[5, 6, 7, 8], [9, 10, 11, 12], [0, 0, 0, 0]])
    batch = features.shift_images(DIGITS, -3, 2)
    assert batch.dtype == np.uint8 and np.array_equal(batch[:, 2:, :-3], DIGITS[:, :-2, 3:])


def test_perturb_images_changes_images_reproducibly():
    a = features.perturb_images(DIGITS, seed=1)
    assert a.shape == DIGITS.shape and a.dtype == np.uint8 and not np.array_equal(a, DIGITS)
    np.testing.assert_array_equal(a, features.perturb_images(DIGITS, seed=1))
    np.testing.assert_array_equal(features.perturb_images(DIGITS, 0, 0.0, 0.0), DIGITS)


def test_digits_to_mnist_format_centres_an_8x8_digit():
    from scipy import ndimage

    digit = np.zeros((1, 8, 8), dtype=np.uint8)
    digit[0, 1:7, 1:3] = 255  # a bar on the left
    big = features.digits_to_mnist_format(digit)
    assert big.shape == (1, 28, 28) and big.dtype == np.uint8 and big.max() > 200
    row, col = ndimage.center_of_mass(big[0].astype(float))
    assert abs(row - 13.5) < 0.6 and abs(col - 13.5) < 0.6


def test_score_classifier_matches_scikit_learn_metrics():
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import f1_score

    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    model = DummyClassifier(strategy="most_frequent").fit(X, y)
    scores = features.score_classifier(model, X, y)
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["macro F1"] == pytest.approx(f1_score(y, np.zeros(6), average="macro")) == pytest.approx(0.4)


def test_figures_build():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = features.plot_distance_contrast([1, 10], [3.0, 0.5])
    assert ax.get_title() and ax.get_xlabel()
    ax = features.plot_explained_variance(PCA().fit(RNG.normal(size=(20, 5))))
    assert ax.get_ylabel() == "fraction of variance explained"
    assert len(features.plot_colour_histogram(PHOTO).lines) == 3
    ax = features.plot_pyramid(features.build_pyramid(PHOTO, 2))
    assert ax.get_title() and [t.get_text() for t in ax.texts] == ["10×12", "5×6"]
    plt.close("all")


@pytest.mark.parametrize("call, error, message", [
    (lambda: features.compute_distance_contrast([]), ValueError, "dims is empty"),
    (lambda: features.compute_distance_contrast([0, 2]), ValueError, "each entry of dims must be at least 1"),
    (lambda: features.reconstruct_with_pca(PCA(), np.zeros((2, 3)), 1), TypeError, "fitted sklearn PCA"),
    (lambda: features.reconstruct_with_pca(PCA(2).fit(RNG.normal(size=(5, 3))), np.zeros((2, 4)), 1), ValueError,
     "X has 4 features per row but the PCA was fitted on 3"),
    (lambda: features.reconstruct_with_pca(PCA(2).fit(RNG.normal(size=(5, 3))), np.zeros((2, 3)), 3), ValueError,
     "num_components must be at most 2"),
    (lambda: features.reconstruct_with_pca(PCA(2).fit(RNG.normal(size=(5, 3))), np.full((2, 3), np.nan), 1),
     ValueError, "NaN"),
    (lambda: features.compute_hog(DIGITS[0]), ValueError, "images must be 3-D"),
    (lambda: features.compute_hog(np.zeros((0, 28, 28))), ValueError, "images is empty"),
    (lambda: features.compute_hog(np.zeros((2, 6, 6)), pixels_per_cell=(4, 4)), ValueError, "fewer than one block"),
    (lambda: features.compute_hog(np.array([[["a"]]])), TypeError, "numeric dtype"),
    (lambda: features.compute_hog(DIGITS, block_norm="L2"), ValueError, "block_norm must be one of"),
    (lambda: features.compute_hog(-np.ones((1, 8, 8)), transform_sqrt=True), ValueError, "needs pixel values >= 0"),
    (lambda: features.compute_hog(np.full((1, 8, 8), np.nan)), ValueError, "NaN"),
    (lambda: features.HOGFeatures().transform(np.zeros((2, 100))), ValueError, "X has 100 values per image"),
    (lambda: features.compute_colour_histogram(np.zeros((4, 4), np.uint8)), ValueError,
     r"image must be a uint8 colour image \(H, W, 3\), got shape \(4, 4\)"),
    (lambda: features.compute_colour_histogram(np.zeros((4, 4, 3))), TypeError, "image must be uint8"),
    (lambda: features.compute_colour_histogram(PHOTO, bins=0), ValueError, "bins must be at least 1"),
    (lambda: features.build_pyramid(np.zeros((8, 8)), num_levels=5), ValueError, "cannot be shrunk 4 times"),
    (lambda: features.build_pyramid(np.zeros((8, 8)), downscale=1), ValueError, "downscale must be greater than 1"),
    (lambda: features.shift_images(DIGITS, dx=1.5), TypeError, "dx must be a whole number"),
    (lambda: features.shift_images(DIGITS, dy=40), ValueError, "dy must be at most 28"),
    (lambda: features.perturb_images(DIGITS.astype(float)), TypeError, "images must be uint8"),
    (lambda: features.perturb_images(DIGITS, noise=2), ValueError, "noise must be between 0 and 1"),
    (lambda: features.digits_to_mnist_format(DIGITS), ValueError, "8x8 digits"),
    (lambda: features.score_classifier("svm", np.zeros((2, 2)), np.zeros(2, int)), TypeError, "predict method"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- checks --------------------------------------------------------------------------------------

CHECKS = [
    (checks.check_reconstruct_with_pca, features.reconstruct_with_pca,
     lambda pca, X, k: (X @ pca.components_[:k].T) @ pca.components_[:k]),  # forgets the mean
    (checks.check_compute_colour_histogram, features.compute_colour_histogram,
     lambda image, bins: np.stack([np.histogram(image[..., c], bins=bins, range=(0, 256))[0] for c in range(3)])),
    (checks.check_shift_images, features.shift_images,
     lambda images, dx, dy: np.roll(images, (dy, dx), axis=(-2, -1))),  # wraps around
]


@pytest.mark.parametrize("check, reference, _", CHECKS)
def test_check_passes_the_reference(check, reference, _, capsys):
    assert check(reference) is True
    assert printed_line(capsys).startswith("✅")


@pytest.mark.parametrize("check, _, subtly_wrong", CHECKS)
@pytest.mark.parametrize("learner", ["stub", None, "none", "shape", "wrong"])
def test_check_fails_bad_learners_with_one_line(check, _, subtly_wrong, learner, capsys):
    function = {"stub": unfinished_exercise, None: None, "none": lambda *a, **k: None,
                "shape": lambda *a, **k: np.zeros((3, 3, 3, 3)), "wrong": subtly_wrong}[learner]
    assert check(function) is False
    line = printed_line(capsys)
    assert line.startswith("❌")
    if learner == "stub":
        assert "not implemented yet" in line


def test_check_messages_name_the_mistake(capsys):
    checks.check_shift_images(lambda images, dx, dy: np.roll(images, (dy, dx), axis=(-2, -1)))
    assert "np.roll" in printed_line(capsys)
    checks.check_compute_colour_histogram(
        lambda image, bins: np.stack([np.histogram(image[..., c], bins=bins, range=(0, 255))[0] / image[..., c].size
                                      for c in range(3)]))
    assert "range=(0, 256)" in printed_line(capsys)


# --- quiz ----------------------------------------------------------------------------------------

def test_quiz_answers_recomputed():
    questions = quizzes.load_quiz("features")
    assert questions[0].answer == np.zeros((600, 800)).size
    assert questions[1].answer == features.compute_hog(DIGITS[:1]).shape[1]
    assert "training" in questions[2].options[questions[2].answer]
    from sklearn.metrics import f1_score
    y_true = np.array([0] * 10 + [1] * 10)
    y_pred = np.array([0] * 9 + [1] + [1] * 3 + [0] * 7)  # F1 of class 0 and 1 differ; macro = their mean
    per_class = f1_score(y_true, y_pred, average=None)
    assert f1_score(y_true, y_pred, average="macro") == pytest.approx(per_class.mean())
    assert questions[3].answer == pytest.approx((0.9 + 0.3) / 2)
    assert "distribution" in questions[4].options[questions[4].answer]


def test_flatten_images_gives_rows_of_pixels_from_0_to_1():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4) * 10
    rows = features.flatten_images(images)
    assert rows.shape == (2, 12) and rows.dtype == np.float64
    np.testing.assert_array_equal(rows, images.reshape(2, -1) / 255.0)
    assert features.flatten_images(np.zeros((1, 2, 2, 3), np.uint8)).shape == (1, 12)
