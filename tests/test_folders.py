"""labs.folders: a messy folder of images is scanned, reported line by line, mirrored clean and loaded by Keras."""

import io
import os
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labs import _folderscan, folders, saving

# Keras' own saving code trips NumPy 2's __array__ deprecation (as in test_cnn.py); not ours to fix.
KERAS_SAVING_WARNING = "ignore:__array__ implementation doesn.t accept a copy keyword:DeprecationWarning"
SPACE, ACCENTS = "chaussure d'été", "Größe"
RNG = np.random.default_rng(0)


def pixels(mode="RGB", size=(20, 24)):
    """Return a random Pillow image of ``mode`` and size (width, height)."""
    rgb = Image.fromarray(RNG.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    if mode == "I;16":
        return Image.fromarray(RNG.integers(0, 65536, (size[1], size[0]), dtype=np.uint16))
    return rgb.convert(mode) if mode != "P" else rgb.quantize(8)


def save(path, image, **options):
    """Save ``image`` at ``path`` (folders made as needed) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def jpeg_bytes(image):
    """Return ``image`` encoded as JPEG."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


# What the messy folder holds: every kind of problem once, and the images that must be kept.
KEPT = {
    "cat": ["cat/a photo.jpg", "cat/b.png", "cat/rgba.png", "cat/rotated.jpg"],
    SPACE: [f"{SPACE}/cmyk.jpg", f"{SPACE}/grey.png", f"{SPACE}/palette.gif"],
    ACCENTS: [f"{ACCENTS}/c.bmp", f"{ACCENTS}/d.jpeg", f"{ACCENTS}/deep.png", f"{ACCENTS}/sub/e.webp"],
}
CONVERTED = {"cat/rgba.png": "RGBA", "cat/rotated.jpg": "EXIF rotation", f"{SPACE}/cmyk.jpg": "CMYK",
             f"{SPACE}/grey.png": "greyscale", f"{SPACE}/palette.gif": "palette", f"{ACCENTS}/deep.png": "16-bit",
             f"{ACCENTS}/sub/e.webp": "WEBP file"}
PROBLEMS = {
    "unreadable": ["cat/broken.jpg"],
    "not_image": ["cat/notes.jpg"],
    "tiny": [f"{SPACE}/dot.png"],
    "other_extension": ["cat/readme.txt", "skipped only/list.csv"],
    "hidden": [".DS_Store", f"{ACCENTS}/.ipynb_checkpoints/", "cat/._a photo.jpg"],
    "outside_class": ["stray.jpg"],
    "empty_class": ["empty/", "skipped only/"],
}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """Point the Keras cache (where the mirrors go) into tmp_path; return the folder holding the mirrors."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home" / "datasets" / "image_folders"


@pytest.fixture
def messy(tmp_path):
    """Build a folder with every problem a real one has; return its path."""
    root = tmp_path / "messy photos"
    save(root / "cat/a photo.jpg", pixels())
    save(root / "cat/b.png", pixels(size=(30, 20)))
    save(root / "cat/rgba.png", pixels("RGBA"))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show"
    save(root / "cat/rotated.jpg", pixels(size=(20, 30)), exif=exif)
    (root / "cat/broken.jpg").write_bytes(jpeg_bytes(pixels(size=(64, 64)))[:300])  # truncated
    (root / "cat/notes.jpg").write_text("these are my notes, not a photo")
    (root / "cat/readme.txt").write_text("cats")
    (root / "cat/._a photo.jpg").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    save(root / SPACE / "cmyk.jpg", pixels("CMYK"))
    save(root / SPACE / "grey.png", pixels("L"))
    save(root / SPACE / "palette.gif", pixels("P"))
    save(root / SPACE / "dot.png", pixels(size=(1, 1)))
    save(root / ACCENTS / "c.bmp", pixels())
    save(root / ACCENTS / "d.jpeg", pixels())
    save(root / ACCENTS / "deep.png", pixels("I;16"))
    save(root / ACCENTS / "sub/e.webp", pixels(), lossless=True)
    (root / ACCENTS / ".ipynb_checkpoints").mkdir()
    (root / ACCENTS / ".ipynb_checkpoints/c-checkpoint.bmp").write_bytes(b"BM")
    (root / "empty").mkdir()
    (root / "skipped only").mkdir()
    (root / "skipped only/list.csv").write_text("a,b\n")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    save(root / "stray.jpg", pixels())
    return root


def snapshot(root):
    """Return every file and folder under ``root`` with its bytes (None for folders)."""
    return {path.relative_to(root).as_posix(): (path.read_bytes() if path.is_file() else None)
            for path in sorted(root.rglob("*"))}


# --------------------------------------------------------------------------- the scan


def test_scan_keeps_every_readable_image_and_sorts_out_the_rest(messy, cache):
    report = folders.scan_image_folder(messy)
    assert report.class_names == sorted(KEPT) == [ACCENTS, "cat", SPACE]  # as Keras sorts: 'G' < 'c'
    assert {name: sorted(files) for name, files in report.kept.items() if files} == KEPT
    assert report.num_images == 11 and report.num_skipped == 9
    assert {path: why for path, why in report.converted.items()} == CONVERTED
    assert {kind: [path for path, _ in items] for kind, items in report.problems.items()} == PROBLEMS
    assert dict(report.problems["empty_class"]) == {"empty/": "no files", "skipped only/": "only skipped files"}
    assert report.counts() == {"converted": 7, "unreadable": 1, "not_image": 1, "tiny": 1, "other_extension": 2,
                               "hidden": 3, "outside_class": 1, "empty_class": 2}
    assert not cache.exists()  # a scan writes nothing


def test_the_summary_has_one_line_per_problem_and_per_class(messy, cache):
    text = str(folders.scan_image_folder(messy))
    lines = text.splitlines()
    assert lines[0].endswith("11 images kept in 3 classes (7 converted to RGB), 9 files skipped.")
    expected = {"converted to RGB": "7: ", "unreadable image": "1: cat/broken.jpg (", "not an image": "1: cat/notes.jpg",
                "under 16 pixels": f"1: {SPACE}/dot.png (1x1)", "other file type": "2: cat/readme.txt, skipped only/",
                "hidden": f"3: .DS_Store, {ACCENTS}/.ipynb_checkpoints/, cat/._a photo.jpg",
                "outside any class folder": "1: stray.jpg", "class folder with no usable": "2: empty/ (no files)"}
    for start, detail in expected.items():
        matching = [line for line in lines if line.strip().startswith(start)]
        assert len(matching) == 1 and detail in matching[0], (start, matching)
    assert "... and 4 more" in next(line for line in lines if "converted to RGB (kept)" in line)
    counts = {line.split()[0]: line.split()[-1] for line in lines[lines.index("Images kept per class:") + 1:]}
    assert counts == {ACCENTS: "4", "cat": "4", "chaussure": "3"}
    assert "Traceback" not in text and len(lines) == 1 + 8 + 1 + 3


def test_decompression_bombs_and_broken_links_are_reported_not_opened(tmp_path, cache):
    root = tmp_path / "bombs"
    save(root / "cat/ok.png", pixels())
    data = bytearray((save(root / "cat/huge.png", pixels(size=(1, 1)))).read_bytes())
    data[16:24] = struct.pack(">II", 20_000, 20_000)  # IHDR: 20,000 x 20,000 pixels ...
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # ... with a valid checksum
    (root / "cat/huge.png").write_bytes(bytes(data))
    (root / "cat/gone.jpg").symlink_to(root / "cat/nowhere.jpg")
    report = folders.scan_image_folder(root)
    assert report.problems["too_large"] == (("cat/huge.png", "400,000,000 pixels"),)  # Pillow refuses it
    assert [path for path, _ in report.problems["unreadable"]] == ["cat/gone.jpg"]
    assert report.kept["cat"] == ("cat/ok.png",)


def test_min_size_decides_what_is_tiny(messy, cache):
    report = folders.scan_image_folder(messy, min_size=21)  # every image has a 20-pixel side or a smaller one
    assert len(report.problems["tiny"]) == 12 and report.num_images == 0
    assert len(report.problems["empty_class"]) == 5 and "No images kept in any class folder." in str(report)


# --------------------------------------------------------------------------- the mirror and the datasets


def test_load_mirrors_the_folder_and_never_touches_it(messy, cache, capsys):
    before = snapshot(messy)
    train, val = folders.load_image_folder(messy, image_size=(16, 16), validation_split=0.3, seed=1, batch_size=4)
    assert snapshot(messy) == before  # byte-identical, nothing added or removed
    printed = capsys.readouterr().out
    assert printed.startswith("Image folder ") and "unreadable image" in printed
    assert "Loaded 8 training images and 3 validation images (validation_split=0.3, seed=1)" in printed

    report = train.report
    mirror = Path(report.mirror)
    assert mirror.parent == cache and not report.reused
    mirrored = sorted(p.relative_to(mirror).as_posix() for p in mirror.rglob("*") if p.is_file()
                      and p.name != _folderscan.MIRROR_MARKER)
    assert len(mirrored) == 11 and f"{ACCENTS}/sub/e.webp.png" in mirrored and "cat/rotated.jpg.png" in mirrored
    for path in mirror.rglob("*.png"):
        with Image.open(path) as image:
            assert image.mode == "RGB"
    with Image.open(mirror / "cat/rotated.jpg.png") as image:
        assert image.size == (30, 20)  # turned upright
    with Image.open(messy / ACCENTS / "deep.png") as deep, Image.open(mirror / ACCENTS / "deep.png") as converted:
        expected = np.round(np.asarray(deep, dtype=float) / 257)  # 16-bit 0-65535 scaled to 0-255
        assert np.array_equal(np.asarray(converted), np.repeat(expected[..., None], 3, axis=2))
    with Image.open(messy / "cat/rgba.png") as rgba, Image.open(mirror / "cat/rgba.png") as converted:
        alpha = np.asarray(rgba)[..., 3:] / 255  # transparency shows white behind it
        expected = np.asarray(rgba)[..., :3] * alpha + 255 * (1 - alpha)
        assert np.abs(np.asarray(converted) - expected).max() <= 1
    assert os.stat(mirror / "cat/b.png").st_ino == os.stat(messy / "cat/b.png").st_ino  # hard-linked, not copied

    assert train.class_names == val.class_names == [ACCENTS, "cat", SPACE]
    X_train, y_train = folders.to_arrays(train)
    X_val, y_val = folders.to_arrays(val)
    assert X_train.shape == (8, 16, 16, 3) and X_train.dtype == np.uint8 and y_train.dtype == np.int64
    assert X_val.shape == (3, 16, 16, 3) and set(y_train) | set(y_val) <= {0, 1, 2}
    every = {str(messy / path) for files in KEPT.values() for path in files}
    assert set(train.file_paths).isdisjoint(val.file_paths)
    assert set(train.file_paths) | set(val.file_paths) == every  # the original files are named


def test_the_mirror_is_reused_and_replaced_when_the_folder_changes(messy, cache, capsys):
    first = folders.load_image_folder(messy, image_size=(16, 16), verbose=False)[0].report
    marker = Path(first.mirror) / _folderscan.MIRROR_MARKER
    stamp = marker.stat().st_mtime_ns
    second = folders.load_image_folder(messy, image_size=(16, 16), verbose=False)[0].report
    assert second.reused and second.mirror == first.mirror and marker.stat().st_mtime_ns == stamp
    assert folders.scan_image_folder(messy).reused  # the scan reads the stored report too
    assert str(second) == str(first)

    save(messy / "cat/new.png", pixels())
    third = folders.load_image_folder(messy, image_size=(16, 16), verbose=False)[0].report
    assert not third.reused and third.num_images == 12
    assert [p.name for p in cache.iterdir()] == [Path(third.mirror).name]  # the stale mirror is gone
    assert capsys.readouterr().out == ""


def test_the_split_is_deterministic_per_seed(messy, cache):
    def split(seed):
        train, val = folders.load_image_folder(messy, image_size=(8, 8), validation_split=0.3, seed=seed,
                                               verbose=False)
        return tuple(sorted(val.file_paths)), len(train.file_paths)

    assert split(1) == split(1)
    assert len({split(seed) for seed in range(4)}) > 1


def test_a_test_folder_keeps_file_order_and_the_training_labels(messy, cache, tmp_path):
    test = tmp_path / "test"
    save(test / "cat/z.png", pixels())
    save(test / "cat/y.jpg", pixels())
    save(test / SPACE / "x.png", pixels("LA"))
    names = [ACCENTS, "cat", SPACE]
    dataset = folders.load_image_folder(test, image_size=(12, 12), validation_split=None, shuffle=False,
                                        class_names=names, verbose=False)
    assert dataset.class_names == names
    assert dataset.file_paths == [str(test / "cat/y.jpg"), str(test / "cat/z.png"), str(test / SPACE / "x.png")]
    X, y = folders.to_arrays(dataset)
    assert y.tolist() == [1, 1, 2]  # labels of the training classes, although the test folder lacks one
    for image, path in zip(X, dataset.file_paths):  # the loader and load_image_file read a file the same way
        assert np.array_equal(image, np.round(folders.load_image_file(path, (12, 12))).astype(np.uint8))
    with pytest.raises(ValueError, match=r"classes that class_names lacks: \['cat'\]"):
        folders.load_image_folder(test, validation_split=None, shuffle=False, class_names=[ACCENTS, SPACE])


# --------------------------------------------------------------------------- predictions and saved models


@pytest.fixture(scope="module")
def model():
    """Return a tiny classifier of three classes on 16x16 images with values 0-255."""
    from labs._keras import import_keras

    keras = import_keras()
    inputs = keras.Input(shape=(16, 16, 3))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, activation="softmax", kernel_initializer="ones")(x)
    return keras.Model(inputs, outputs)


def test_predict_image_files_gives_the_top_classes(messy, model):
    files = [messy / "cat/a photo.jpg", messy / SPACE / "cmyk.jpg"]
    result = saving.predict_image_files(model, files, ["a", "b", "c"], top=2)
    assert len(result) == 2 and result.probabilities.shape == (2, 3)
    assert [len(top) for _, top in result] == [2, 2] and np.allclose(result.probabilities.sum(axis=1), 1)
    lines = str(result).splitlines()
    assert lines[0].startswith("a photo.jpg") and "33.3%" in lines[0] and lines[1].startswith("cmyk.jpg")
    single = saving.predict_image_files(model, str(files[0]), ["a", "b", "c"], image_size=(16, 16), top=1)
    assert len(single) == 1 and single[0][1][0][0] == "a"


@pytest.mark.parametrize("call, error, words", [
    (lambda m, d: saving.predict_image_files(m, [d / "cat/broken.jpg"], ["a", "b", "c"]), ValueError,
     "broken.jpg cannot be used as an image: unreadable image"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat/notes.jpg"], ["a", "b", "c"]), ValueError,
     "not an image"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat/gone.jpg"], ["a", "b", "c"]), FileNotFoundError,
     r"paths\[0\]: no such file"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat"], ["a", "b", "c"]), ValueError, "is a folder"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat/b.png"], ["a", "b"]), ValueError,
     "class_names has 2 names but the model outputs 3"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat/b.png"], ["a", "b", "c"], image_size=(8, 8)),
     ValueError, "differs from the model's input size"),
    (lambda m, d: saving.predict_image_files(m, [d / "cat/b.png"], ["a", "b", "c"], top=4), ValueError, "top"),
    (lambda m, d: saving.predict_image_files("model", [d / "cat/b.png"], ["a", "b", "c"]), TypeError, "model"),
])
def test_predict_image_files_refuses_bad_input(messy, model, call, error, words):
    with pytest.raises(error, match=words):
        call(model, messy)


@pytest.mark.filterwarnings(KERAS_SAVING_WARNING)
def test_load_keras_model_reads_a_keras_file(model, tmp_path):
    model.save(tmp_path / "model.keras")
    loaded = saving.load_keras_model(tmp_path / "model.keras")
    image = RNG.integers(0, 256, (1, 16, 16, 3)).astype("float32")
    assert np.allclose(loaded.predict(image, verbose=0), model.predict(image, verbose=0))


def test_load_keras_model_names_what_the_file_is(tmp_path):
    (tmp_path / "notes.keras").write_text("not a model")
    (tmp_path / "old.keras").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    with zipfile.ZipFile(tmp_path / "photos.keras", "w") as archive:
        archive.writestr("cat.jpg", b"...")
    with zipfile.ZipFile(tmp_path / "model.zip", "w") as archive:
        archive.writestr("config.json", '{"class_name": "Functional"}')
        archive.writestr("metadata.json", '{"keras_version": "3"}')
    cases = [("missing.keras", FileNotFoundError, "no such file"), ("notes.keras", ValueError, "is a text file, not"),
             ("old.keras", ValueError, "HDF5 file"), ("photos.keras", ValueError, "without config.json and meta"),
             ("model.zip", ValueError, "rename it to 'model.keras'"), ("", ValueError, "is a folder")]
    for name, error, words in cases:
        with pytest.raises(error, match=words) as raised:
            saving.load_keras_model(tmp_path / name)
        assert name in str(raised.value)
    with pytest.raises(TypeError, match="path must be a file path"):
        saving.load_keras_model(None)


@pytest.mark.filterwarnings(KERAS_SAVING_WARNING)
def test_keras_archive_problem_says_none_for_a_saved_model_and_what_is_wrong_otherwise(model, tmp_path):
    model.save(tmp_path / "model.keras")
    assert saving.keras_archive_problem(tmp_path / "model.keras") is None
    (tmp_path / "notes.keras").write_text("not a model")
    assert "is a text file" in saving.keras_archive_problem(tmp_path / "notes.keras")
    assert "cannot be read" in saving.keras_archive_problem(tmp_path / "missing.keras")


# --------------------------------------------------------------------------- bad input


def test_bad_folders_get_a_clear_error(messy, tmp_path, cache):
    (tmp_path / "flat").mkdir()
    save(tmp_path / "flat/a.png", pixels())
    save(tmp_path / "one/cat/a.png", pixels())
    save(tmp_path / "one usable/cat/a.png", pixels())
    save(tmp_path / "one usable/dog/a.png", pixels(size=(2, 2)))
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("cat/a.png", b"")
    cases = [
        (tmp_path / "messy photo", FileNotFoundError, "does not exist .* Did you mean .*messy photos"),
        (messy / "stray.jpg", ValueError, "must be a folder .* is a file"),
        (tmp_path / "photos.zip", ValueError, "is a file. Unzip it first"),
        (tmp_path / "flat", ValueError, r"no class sub-folders \(it holds 1 files directly\)"),
        (tmp_path / "one", ValueError, "at least two classes, .* only one class folder, 'cat'"),
        (tmp_path / "one usable", ValueError, r"2 class folders but usable images in 1 \('cat'\)"),
        (42, TypeError, "directory must be a folder path"),
    ]
    for directory, error, words in cases:
        with pytest.raises(error, match=words):
            folders.load_image_folder(directory, verbose=False)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        folders.scan_image_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="min_size must be at least 1"):
        folders.scan_image_folder(messy, min_size=0)


@pytest.mark.parametrize("options, error, words", [
    ({"image_size": 0}, TypeError, r"image_size must be a pair \(height, width\)"),
    ({"image_size": 96}, TypeError, r"image_size must be a pair"),
    ({"image_size": (96,)}, ValueError, r"image_size must be a pair"),
    ({"image_size": (0, 96)}, ValueError, r"image_size\[0\] \(height\) must be at least 1"),
    ({"image_size": (96, -5)}, ValueError, r"image_size\[1\] \(width\) must be at least 1"),
    ({"image_size": (96.0, 96)}, TypeError, r"image_size\[0\] \(height\) must be a whole number"),
    ({"image_size": "96x96"}, TypeError, "image_size must be a pair"),
    ({"validation_split": 0}, ValueError, "validation_split must be a fraction between 0 and 1"),
    ({"validation_split": 1}, ValueError, "validation_split must be a fraction between 0 and 1"),
    ({"validation_split": 1.5}, ValueError, "validation_split must be a fraction"),
    ({"validation_split": "0.2"}, ValueError, "validation_split must be a fraction"),
    ({"validation_split": 0.01}, ValueError, "leaves 0 for validation and 11 for training"),
    ({"shuffle": False}, ValueError, "shuffle=False with validation_split=0.2"),
    ({"seed": -1}, ValueError, "seed must be at least 0"),
    ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
    ({"verbose": "yes"}, TypeError, "verbose must be True or False"),
    ({"class_names": "cat"}, TypeError, "class_names must be a list"),
    ({"class_names": ["cat", "cat"]}, ValueError, "class_names lists a name twice"),
])
def test_bad_options_get_a_clear_error_before_any_work(messy, cache, options, error, words):
    with pytest.raises(error, match=words):
        folders.load_image_folder(messy, **{"verbose": False, **options})
    assert not cache.exists() or "leaves 0" in words  # refused before the folder was read (counting needs it)


def test_to_arrays_refuses_what_is_not_a_dataset():
    with pytest.raises(TypeError, match="dataset must be a dataset from load_image_folder"):
        folders.to_arrays(np.zeros((2, 4, 4, 3)))


def test_command_line_prints_the_report(messy, cache, capsys):
    assert folders.main([str(messy)]) == 0
    assert "Images kept per class:" in capsys.readouterr().out
    assert folders.main([str(messy / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_non_utf8_file_names_are_shown_not_crashed_on(tmp_path, cache):
    if os.name == "nt" or sys.getfilesystemencoding().lower() != "utf-8":
        pytest.skip("needs a file system that stores raw bytes")
    root = tmp_path / "raw"
    save(root / "cat/a.png", pixels())
    save(root / "dog/a.png", pixels())
    try:
        (root / os.fsdecode(b"dog/caf\xe9.jpg")).write_text("latin-1 name, not an image")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    text = str(folders.scan_image_folder(root))
    assert "dog/caf\\xe9.jpg" in text
    text.encode("utf-8")  # printable



def test_heic_photos_are_named_with_what_to_do(tmp_path, cache):
    save(tmp_path / "shoes/a.jpg", pixels())
    (tmp_path / "shoes/IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (tmp_path / "shoes/notes.txt").write_text("size 42")
    report = folders.scan_image_folder(tmp_path)
    assert report.counts() == {"heic": 1, "other_extension": 1}
    text = str(report)
    assert "HEIC/HEIF photo, an iPhone's format" in text and "shoes/IMG_0001.HEIC" in text
    assert "File → Export" in text and "pillow-heif" in text


def test_clean_copy_is_a_folder_keras_reads_as_it_is(messy, cache):
    import keras

    before = snapshot(messy)
    clean = folders.clean_copy(messy)
    assert clean.is_relative_to(cache) and folders.clean_copy(messy) == clean
    dataset = keras.utils.image_dataset_from_directory(clean, image_size=(16, 16), shuffle=False, verbose=False)
    assert dataset.class_names == sorted(KEPT) and len(dataset.file_paths) == 11
    assert snapshot(messy) == before


def test_split_train_validation_is_the_reference_of_exercise_1(capsys):
    from labs.checks import check_split_train_validation

    assert check_split_train_validation(folders.split_train_validation)
    assert "✅ passed" in capsys.readouterr().out
    train, val = folders.split_train_validation(np.array([0] * 10 + [1] * 3 + [2]), 0.2, seed=1)
    assert np.bincount(np.array([0] * 10 + [1] * 3 + [2])[val], minlength=3).tolist() == [2, 1, 0]
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(14))
    with pytest.raises(ValueError, match="validation_fraction must be a fraction between 0 and 1"):
        folders.split_train_validation(np.array([0, 1]), 1.5, seed=0)
    with pytest.raises(TypeError, match="labels must be a 1-D array of int class labels"):
        folders.split_train_validation(["a", "b"], 0.2, seed=0)
