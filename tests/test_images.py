"""Reference image functions (tested against scikit-image / NumPy) and their input errors."""

import numpy as np
import pytest
from skimage import color

from labs import images

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, (12, 17, 3), dtype=np.uint8)


def test_to_greyscale_matches_skimage():
    np.testing.assert_allclose(images.to_greyscale(PHOTO), color.rgb2gray(PHOTO), atol=1e-12)


def test_histogram_matches_numpy_histogram():
    counts, _ = np.histogram(PHOTO, bins=256, range=(0, 256))
    np.testing.assert_array_equal(images.intensity_histogram(PHOTO), counts)
    assert images.intensity_histogram(PHOTO).sum() == PHOTO.size


def test_shuffle_keeps_pixels_and_is_seeded():
    shuffled = images.shuffle_pixels(PHOTO, seed=3)
    assert not np.array_equal(shuffled, PHOTO)
    assert sorted(map(tuple, shuffled.reshape(-1, 3))) == sorted(map(tuple, PHOTO.reshape(-1, 3)))
    np.testing.assert_array_equal(shuffled, images.shuffle_pixels(PHOTO, seed=3))
    assert not np.array_equal(shuffled, images.shuffle_pixels(PHOTO, seed=4))


def test_invert_is_its_own_inverse():
    np.testing.assert_array_equal(images.invert(images.invert(PHOTO)), PHOTO)
    assert images.invert(PHOTO).dtype == np.uint8


@pytest.mark.parametrize("kind", images.NUISANCES)
def test_each_nuisance_changes_the_image_and_strength_zero_does_not(kind):
    picture = RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    changed = images.apply_nuisance(picture, kind)
    assert changed.shape == picture.shape and changed.dtype == np.uint8
    assert np.abs(changed.astype(int) - picture).mean() > 5
    unchanged = images.apply_nuisance(picture, kind, strength=0.0)
    assert np.abs(unchanged.astype(int) - picture).max() <= 1


@pytest.mark.parametrize("call, error, message", [
    (lambda: images.to_greyscale(np.zeros((4, 4))), ValueError, r"\(H, W, 3\)"),
    (lambda: images.to_greyscale(np.zeros((4, 4, 4))), ValueError, "4 channels"),
    (lambda: images.to_greyscale(None), TypeError, "None"),
    (lambda: images.to_greyscale(np.zeros((0, 4, 3))), ValueError, "empty"),
    (lambda: images.intensity_histogram(np.zeros((4, 4))), TypeError, "uint8"),
    (lambda: images.invert(np.full((4, 4), 300)), ValueError, "pixel values must be 0-255"),
    (lambda: images.invert(np.zeros((4, 4))), TypeError, "uint8"),
    (lambda: images.shuffle_pixels(PHOTO, seed=-1), ValueError, "seed"),
    (lambda: images.shuffle_pixels(PHOTO, seed=1.5), TypeError, "seed"),
    (lambda: images.apply_nuisance(PHOTO, "blur"), ValueError, "kind must be one of"),
    (lambda: images.apply_nuisance(PHOTO, "scale", strength=2), ValueError, "strength"),
    (lambda: images.to_greyscale([["a"]]), TypeError, "numeric|numbers"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
