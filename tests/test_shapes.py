"""labs.shapes.make_shapes: determinism, balance, and that every nuisance switch does what it says."""

import time

import numpy as np
import pytest

from labs.shapes import SHAPE_CLASSES, make_shapes

ALL_OFF = dict(position=False, scale=False, rotation=False, lighting=False,
               clutter=False, occlusion=False, colour=False)
NUISANCES = tuple(ALL_OFF)


def _only(name):
    """Return make_shapes options with every nuisance off except ``name``."""
    return {**ALL_OFF, name: True}


def test_output_shapes_dtypes_and_range():
    X, y = make_shapes(30, size=24)
    assert X.shape == (30, 24, 24, 3) and X.dtype == np.uint8
    assert y.shape == (30,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1, 2}
    assert X.min() >= 0 and X.max() <= 255 and X.max() > X.min()


@pytest.mark.parametrize("n, classes", [(300, SHAPE_CLASSES), (100, SHAPE_CLASSES), (7, ("circle", "square"))])
def test_classes_are_balanced(n, classes):
    _, y = make_shapes(n, classes=classes)
    counts = np.bincount(y, minlength=len(classes))
    assert counts.sum() == n and counts.max() - counts.min() <= 1


def test_labels_are_shuffled():
    _, y = make_shapes(60)
    assert not np.array_equal(y, np.sort(y))


def test_same_arguments_give_the_same_images():
    X1, y1 = make_shapes(50, seed=3, clutter=True, occlusion=True)
    X2, y2 = make_shapes(50, seed=3, clutter=True, occlusion=True)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)


def test_another_seed_gives_other_images():
    X1, _ = make_shapes(50, seed=0)
    X2, _ = make_shapes(50, seed=1)
    assert not np.array_equal(X1, X2)


def test_with_every_nuisance_off_one_class_is_one_image():
    X, y = make_shapes(30, **ALL_OFF)
    prototypes = []
    for label in range(3):
        members = X[y == label]
        assert (members == members[0]).all(), f"class {label} images differ with every nuisance off"
        prototypes.append(members[0])
    assert not np.array_equal(prototypes[0], prototypes[1])
    assert not np.array_equal(prototypes[1], prototypes[2])


@pytest.mark.parametrize("nuisance", NUISANCES)
def test_each_nuisance_alone_makes_images_of_a_class_differ(nuisance):
    # Squares: a circle looks the same rotated, every other nuisance shows on any shape.
    X, _ = make_shapes(20, classes=("square",), **_only(nuisance))
    distinct = len({image.tobytes() for image in X})
    assert distinct > 10, f"{nuisance}=True gave only {distinct} distinct squares out of 20"


@pytest.mark.parametrize("nuisance", NUISANCES)
def test_switching_one_nuisance_keeps_the_labels(nuisance):
    _, y_off = make_shapes(40, seed=5, **ALL_OFF)
    _, y_on = make_shapes(40, seed=5, **_only(nuisance))
    assert np.array_equal(y_off, y_on)


def test_rotation_leaves_circles_alone_but_turns_squares():
    circles, _ = make_shapes(10, classes=("circle",), **_only("rotation"))
    squares, _ = make_shapes(10, classes=("square",), **_only("rotation"))
    assert np.abs(circles.astype(int) - circles[0]).max() <= 2  # anti-aliasing only
    assert np.abs(squares.astype(int) - squares[0]).max() > 100


def test_shapes_stay_inside_the_image():
    X, _ = make_shapes(200, position=True, scale=True, rotation=True, lighting=False, colour=True)
    border = np.concatenate([X[:, 0], X[:, -1], X[:, :, 0], X[:, :, -1]], axis=1)
    background = X[0, 0, 0]
    assert (border == background).all()


def test_all_classes_have_about_the_same_area():
    # Size must not give the class away: every shape covers about pi r^2 pixels.
    X, y = make_shapes(3, size=64, **ALL_OFF)
    background = X[0, 0, 0].astype(int)
    areas = [(np.abs(X[y == k][0].astype(int) - background).sum(axis=-1) > 30).sum() for k in range(3)]
    assert max(areas) / min(areas) < 1.1, areas


def test_colour_off_uses_one_colour_and_colour_on_many():
    fixed, _ = make_shapes(30, **ALL_OFF)
    varied, _ = make_shapes(30, **_only("colour"))
    centre = 16
    assert len({tuple(img[centre, centre]) for img in fixed}) == 1
    assert len({tuple(img[centre, centre]) for img in varied}) > 20


def test_three_thousand_images_are_quick():
    make_shapes(10)
    start = time.perf_counter()
    make_shapes(3000, clutter=True, occlusion=True)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"3,000 images took {elapsed:.1f} s; expected well under 2 s on a laptop"


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n=0), ValueError, "n must be at least 1"),
    (dict(n=2.5), TypeError, "n must be a whole number"),
    (dict(n=10, size=4), ValueError, "size must be at least 8"),
    (dict(n=10, seed=-1), ValueError, "seed must be at least 0"),
    (dict(n=10, position="yes"), TypeError, "position must be True or False"),
    (dict(n=10, occlusion=1), TypeError, "occlusion must be True or False"),
    (dict(n=10, classes=("square", "hexagon")), ValueError, "hexagon"),
    (dict(n=10, classes="square"), TypeError, "classes must be a tuple"),
    (dict(n=10, classes=()), ValueError, "non-empty"),
    (dict(n=10, classes=("circle", "circle")), ValueError, "without repeats"),
])
def test_bad_arguments_raise_clear_errors(kwargs, error, words):
    n = kwargs.pop("n")
    with pytest.raises(error, match=words):
        make_shapes(n, **kwargs)
