"""labs.demo: the capstone's demo photos (catalogue and taken elsewhere) and the folders written from them."""

import contextlib
import hashlib
import io
import json
import re
import shutil

import numpy as np
import pytest
from PIL import Image
from skimage.transform import resize

from labs import demo
from labs.data import load_dataset

CLASSES = list(demo.DEMO_CLASSES.values())
SMALL = {"num_train": 2 * len(CLASSES), "num_external": len(CLASSES)}  # the smallest demo allowed: 10 and 5
FILE_NAME = re.compile(r"fashion-mnist-(train|test)-(\d{5})\.png")


@pytest.fixture(scope="module")
def fashion():
    """Fashion-MNIST (offline: the Keras cache or Debian's dataset-fashion-mnist)."""
    return load_dataset("fashion_mnist")


@pytest.fixture(scope="module")
def garments(fashion):
    """Eight real garments from the test split, uint8 (8, 28, 28)."""
    return fashion.X_test[:8]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Write the smallest demo once; return (its folder, what make_demo_folders returned, what it printed)."""
    root = tmp_path_factory.mktemp("made") / "demo"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        folders = demo.make_demo_folders(root, **SMALL)
    return root, folders, printed.getvalue()


@pytest.fixture
def demo_copy(made, tmp_path):
    """A copy of the made demo in tmp_path (to change or break); return its path."""
    return shutil.copytree(made[0], tmp_path / "demo")


def snapshot(root):
    """Return {relative path: (bytes, mtime in ns)} of every file under ``root`` (None for folders)."""
    return {path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
            for path in sorted(root.rglob("*"))}


def pngs(folder):
    """Return the PNG files under ``folder`` as sorted relative posix paths."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.png"))


def border(photos, width=4):
    """Return the median of the pixels in a ``width``-pixel frame around each photo (a garment may touch the edge)."""
    mask = np.ones(photos.shape[1:3], bool)
    mask[width:-width, width:-width] = False
    return np.median(photos[:, mask].reshape(len(photos), -1), axis=1)


def staging_folders(parent):
    """Return the names of make_demo_folders' staging folders left in ``parent``."""
    return sorted(path.name for path in parent.glob(".capstone_demo-*"))


# --------------------------------------------------------------------------- the photos


def test_catalogue_photos_are_the_garments_upscaled_in_grey(garments):
    photos = demo.catalogue_photos(garments)
    assert photos.shape == (8, 96, 96, 3) and photos.dtype == np.uint8
    assert np.array_equal(photos[..., 0], photos[..., 1]) and np.array_equal(photos[..., 0], photos[..., 2])
    back = resize(photos[..., 0].astype(np.float64), (8, 28, 28), order=1, anti_aliasing=False)
    assert np.abs(back - garments).mean() < 6  # the garment is kept (bilinear up, then down again)
    assert np.array_equal(demo.catalogue_photos(garments), photos)  # no randomness at all
    assert np.all(border(photos) == 0)  # Fashion-MNIST's black background
    assert np.array_equal(demo.catalogue_photos(garments, size=28)[..., 0], garments)
    assert demo.catalogue_photos(garments[:1], size=40).shape == (1, 40, 40, 3)


def test_photograph_elsewhere_is_deterministic_per_seed(garments):
    photos = demo.photograph_elsewhere(garments, seed=3)
    assert photos.shape == (8, 96, 96, 3) and photos.dtype == np.uint8
    assert np.array_equal(demo.photograph_elsewhere(garments, seed=3), photos)
    other = demo.photograph_elsewhere(garments, seed=4)
    assert all(not np.array_equal(a, b) for a, b in zip(photos, other))
    assert np.array_equal(demo.photograph_elsewhere(garments), demo.photograph_elsewhere(garments, seed=0))
    assert np.array_equal(demo.photograph_elsewhere(garments, seed=np.int64(3)), photos)


def test_photograph_elsewhere_adds_colour_a_background_and_room_around_the_garment(garments):
    photos = demo.photograph_elsewhere(garments, seed=0)
    spread = photos.astype(np.int64).max(axis=-1) - photos.astype(np.int64).min(axis=-1)
    assert all(spread[i].mean() > 3 for i in range(len(photos)))  # every photo has colour, none is grey
    catalogue = demo.catalogue_photos(garments)
    assert np.all(border(catalogue) == 0) and border(photos).mean() > 30 and np.all(border(photos) > 10)
    # The random draws do not depend on the pixels, so a blank and a white "garment" get the same frame:
    # where they differ is the garment's square, 55-90% of the frame and at a different place each time.
    blank = np.zeros((12, 28, 28), np.uint8)
    empty, full = (demo.photograph_elsewhere(x, seed=5) for x in (blank, blank + 255))
    boxes = []
    for i in range(len(blank)):
        rows, cols = np.nonzero(np.any(empty[i] != full[i], axis=-1))
        top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        assert bottom - top == right - left and round(0.55 * 96) <= bottom - top <= round(0.9 * 96) < 96
        boxes.append((top, left, bottom - top))
    assert np.all(border(empty) > 10)  # the bare background is a photograph, not black
    assert len(set(boxes)) > 6
    # A real garment stays inside such a square: outside it, the photo is the bare background.
    real = demo.photograph_elsewhere(garments, seed=0)
    bare = demo.photograph_elsewhere(np.zeros_like(garments), seed=0)
    for i in range(len(garments)):
        rows, cols = np.nonzero(np.any(real[i] != bare[i], axis=-1))
        assert rows.max() - rows.min() < 0.9 * 96 + 1 and cols.max() - cols.min() < 0.9 * 96 + 1


def test_photograph_elsewhere_takes_any_allowed_size(garments):
    # Regression: with size=256 a background smaller than the frame (page is 191 pixels high) once made
    # numpy raise "low >= high"; every seed of 20 photos hit one.
    photos = demo.photograph_elsewhere(np.repeat(garments, 3, axis=0)[:20], seed=0, size=256)
    assert photos.shape == (20, 256, 256, 3) and photos.dtype == np.uint8
    assert demo.photograph_elsewhere(garments[:2], seed=1, size=28).shape == (2, 28, 28, 3)


@pytest.mark.parametrize("function", [demo.catalogue_photos, demo.photograph_elsewhere])
@pytest.mark.parametrize("images, error, words", [
    (np.zeros((2, 28, 28), np.float32), TypeError, "uint8"),
    (np.zeros((2, 28, 28), np.int64), TypeError, "uint8"),
    (np.zeros((28, 28), np.uint8), TypeError, "(N, H, W)"),
    (np.zeros((2, 28, 28, 3), np.uint8), TypeError, "(N, H, W)"),
    ([[[0] * 28] * 28], TypeError, "list"),
    (None, TypeError, "None"),
    (np.zeros((0, 28, 28), np.uint8), ValueError, "empty"),
])
def test_bad_images_are_refused_clearly(function, images, error, words):
    with pytest.raises(error, match="images") as caught:
        function(images)
    assert words in str(caught.value)


@pytest.mark.parametrize("function", [demo.catalogue_photos, demo.photograph_elsewhere])
@pytest.mark.parametrize("size, error", [(27, ValueError), (513, ValueError), (96.0, TypeError), ("96", TypeError),
                                         (True, TypeError)])
def test_bad_sizes_are_refused_clearly(function, garments, size, error):
    with pytest.raises(error, match="size"):
        function(garments, size=size)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (None, TypeError),
                                         (True, TypeError)])
def test_bad_seeds_are_refused_clearly(garments, seed, error):
    with pytest.raises(error, match="seed"):
        demo.photograph_elsewhere(garments, seed=seed)


# --------------------------------------------------------------------------- the folders on disk


def test_the_demo_has_one_folder_per_class_with_equal_shares_of_rgb_pngs(made):
    root, folders, _ = made
    assert folders == demo.DemoFolders(root / "train", root / "external")
    assert (folders.train, folders.external) == (root / "train", root / "external")
    assert repr(folders) == f"DemoFolders(train={str(root / 'train')!r}, external={str(root / 'external')!r})"
    assert sorted(path.name for path in root.iterdir()) == ["external", "labs-demo.json", "train"]
    for folder, per_class in ((folders.train, 2), (folders.external, 1)):
        assert sorted(path.name for path in folder.iterdir()) == sorted(CLASSES)
        for name in CLASSES:
            files = sorted((folder / name).iterdir())
            assert len(files) == per_class and all(path.suffix == ".png" for path in files)
            for path in files:
                with Image.open(path) as image:
                    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (96, 96))


def test_train_files_are_catalogue_photos_and_external_files_test_photos_taken_elsewhere(made, fashion):
    root, folders, _ = made
    label_of = {name: label for label, name in demo.DEMO_CLASSES.items()}
    for folder, split, X, y, photograph in (
            (folders.train, "train", fashion.X_train, fashion.y_train, demo.catalogue_photos),
            (folders.external, "test", fashion.X_test, fashion.y_test,
             lambda x: demo.photograph_elsewhere(x, seed=0))):
        found = {}
        for path in folder.rglob("*.png"):
            match = FILE_NAME.fullmatch(path.name)
            assert match and match[1] == split, path  # the file name says which split it came from
            found[int(match[2])] = path
            assert y[int(match[2])] == label_of[path.parent.name]  # in the folder of its own class
        assert len(found) == len(list(folder.rglob("*.png")))  # no index twice within a split
        indices = sorted(found)
        for index, photo in zip(indices, photograph(X[indices])):
            assert np.array_equal(np.asarray(Image.open(found[index])), photo)  # PNG is lossless


def test_the_manifest_records_the_settings_and_every_file_digest(made):
    root = made[0]
    manifest = json.loads((root / "labs-demo.json").read_text())
    assert manifest["settings"] == {**SMALL, "version": 1}
    assert sorted(manifest["files"]) == pngs(root) and len(manifest["files"]) == 15
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest


def test_a_second_call_reuses_the_folders_and_prints_the_same_line(made, capsys, monkeypatch):
    root, folders, printed = made
    assert printed == ("Demo folders ready: 10 catalogue photos in train/ and 5 photos taken elsewhere in external/, "
                       "5 classes (T-shirt, trouser, sneaker, bag, ankle boot).\n")
    before = snapshot(root)
    monkeypatch.setattr(demo, "_demo_images", lambda *args: pytest.fail("the demo was made again"))
    assert demo.make_demo_folders(str(root), **SMALL) == folders
    assert capsys.readouterr().out == printed
    assert demo.make_demo_folders(root, verbose=False, **SMALL) == folders
    assert capsys.readouterr().out == ""
    assert snapshot(root) == before  # same bytes, same modification times
    assert staging_folders(root.parent) == []


def test_files_the_learner_adds_are_left_alone_and_the_demo_still_reused(demo_copy, capsys):
    (demo_copy / "notes.txt").write_text("my notes")
    (demo_copy / "train" / "bag" / "my bag.png").write_bytes(b"not checked")
    (demo_copy / "train" / "hat").mkdir()
    before = snapshot(demo_copy)
    assert demo.make_demo_folders(demo_copy, **SMALL).train == demo_copy / "train"
    assert capsys.readouterr().out.startswith("Demo folders ready")
    assert snapshot(demo_copy) == before


def test_an_empty_existing_folder_is_filled(tmp_path):
    (tmp_path / "empty").mkdir()
    folders = demo.make_demo_folders(tmp_path / "empty", verbose=False, **SMALL)
    assert len(pngs(folders.train)) == 10 and len(pngs(folders.external)) == 5
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty"]


def test_a_folder_labs_did_not_write_is_refused_and_left_untouched(tmp_path):
    mine = tmp_path / "my photos"
    (mine / "train" / "cat").mkdir(parents=True)
    (mine / "train" / "cat" / "a.png").write_bytes(b"precious")
    before = snapshot(mine)
    with pytest.raises(FileExistsError, match="my photos.*was not written by make_demo_folders"):
        demo.make_demo_folders(mine, **SMALL)
    assert snapshot(mine) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["my photos"]  # no staging folder either


@pytest.mark.parametrize("damage", ["change", "delete"])
def test_a_changed_or_deleted_demo_file_is_named_and_not_rewritten(demo_copy, damage):
    victim = "external/sneaker/" + next((demo_copy / "external" / "sneaker").iterdir()).name
    if damage == "change":
        (demo_copy / victim).write_bytes(b"edited by the learner")
    else:
        (demo_copy / victim).unlink()
    before = snapshot(demo_copy)
    with pytest.raises(ValueError, match=rf"1 of the demo's 15 files .* missing or changed \(e\.g\. {victim}\)"):
        demo.make_demo_folders(demo_copy, **SMALL)
    assert snapshot(demo_copy) == before  # labs does not overwrite (or bring back) the learner's change
    assert staging_folders(demo_copy.parent) == []


def test_an_unreadable_manifest_is_refused(demo_copy):
    (demo_copy / "labs-demo.json").write_text("{not json")
    with pytest.raises(ValueError, match="labs-demo.json is not a readable demo manifest"):
        demo.make_demo_folders(demo_copy, **SMALL)
    (demo_copy / "labs-demo.json").write_text('{"settings": {}}')
    with pytest.raises(ValueError, match="not a readable demo manifest"):
        demo.make_demo_folders(demo_copy, **SMALL)


@pytest.mark.parametrize("settings", [{"num_train": 20, "num_external": 5}, {"num_train": 10, "num_external": 10}])
def test_other_settings_than_the_manifest_are_refused(demo_copy, settings):
    before = snapshot(demo_copy)
    with pytest.raises(ValueError, match=r"holds a demo made with .*'num_train': 10.*pass another directory"):
        demo.make_demo_folders(demo_copy, **settings)
    assert snapshot(demo_copy) == before


def test_a_directory_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "demo").write_text("a file")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        demo.make_demo_folders(tmp_path / "demo", **SMALL)
    assert (tmp_path / "demo").read_text() == "a file"


@pytest.mark.parametrize("options, error, name", [
    ({"num_train": "10"}, TypeError, "num_train"),
    ({"num_train": 10.0}, TypeError, "num_train"),
    ({"num_train": True}, TypeError, "num_train"),
    ({"num_train": 9}, ValueError, "num_train must be at least 10"),
    ({"num_train": 30_001}, ValueError, "num_train must be at most 30000"),
    ({"num_external": 4}, ValueError, "num_external must be at least 5"),
    ({"num_external": None}, TypeError, "num_external"),
    ({"num_external": 5_001}, ValueError, "num_external"),
    ({"verbose": 1}, TypeError, "verbose must be True or False"),
    ({"verbose": "yes"}, TypeError, "verbose"),
    ({"directory": 3}, TypeError, "directory must be a path"),
    ({"directory": b"demo"}, TypeError, "directory"),
    ({"directory": ["demo"]}, TypeError, "directory"),
])
def test_bad_arguments_are_refused_before_anything_is_written(tmp_path, monkeypatch, options, error, name):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))  # the default directory, if one slipped through
    arguments = {"directory": tmp_path / "demo", **SMALL, **options}
    with pytest.raises(error, match=re.escape(name)):
        demo.make_demo_folders(**arguments)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_write_leaves_no_staging_folder_and_no_demo(tmp_path, monkeypatch):
    saved = []
    original = Image.Image.save

    def save_then_fail(self, *args, **kwargs):
        if len(saved) == 3:
            raise OSError("disk full (simulated)")
        saved.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", save_then_fail)
    with pytest.raises(OSError, match="disk full"):
        demo.make_demo_folders(tmp_path / "demo", **SMALL)
    assert len(saved) == 3 and all(".capstone_demo-" in str(path) for path in saved)  # it did write, in staging
    assert list(tmp_path.iterdir()) == []  # neither a half demo nor its staging folder
    monkeypatch.setattr(Image.Image, "save", original)
    folders = demo.make_demo_folders(tmp_path / "demo", verbose=False, **SMALL)  # the next run starts afresh
    assert len(pngs(folders.train)) == 10
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demo"]


def test_the_default_directory_is_in_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    assert demo.default_demo_dir() == tmp_path / "keras_home" / "datasets" / "capstone_demo"


def test_keras_loads_the_demo_classes_in_its_sort_order(made, tmp_path, monkeypatch):
    from labs.folders import load_image_folder

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))  # where load_image_folder mirrors the folder
    train, validation = load_image_folder(made[1].train, image_size=(32, 32), verbose=False)
    assert train.class_names == validation.class_names == sorted(CLASSES)
    assert train.class_names == ["T-shirt", "ankle boot", "bag", "sneaker", "trouser"]  # 'T' < 'a', as Keras sorts
    assert len(train.file_paths) + len(validation.file_paths) == 10
