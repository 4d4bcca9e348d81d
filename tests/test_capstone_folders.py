"""Notebook 12 on folders it has never seen: its take-home cell, and the whole notebook on a learner's folders.

The folders are made here, each with what a learner's own photos bring: two classes a model gets all right,
a class of three photos, ten classes, photos from 16 to 1,200 pixels in mixed formats, and classes no model
can tell apart. Every cell must run, and no line may blame the learner: on their folders the verdicts are
comparisons with the demo.
"""

import re
import shutil
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CAPSTONE = ROOT / "solutions" / "12_capstone.ipynb"


def _photo(rng, kind, label, num_classes, size):
    """One made photo of class ``label``: (height, width) ``size``, RGB uint8."""
    height, width = size
    if kind == "noise":                              # nothing tells the classes apart
        return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    colour = np.array([255 * (label % 3 == c) for c in range(3)], dtype=float)   # a class's colour ...
    if kind == "solid":                              # ... and nothing else: any model gets these right
        return np.clip(colour + rng.normal(0, 8, (height, width, 3)), 0, 255).astype(np.uint8)
    image = np.clip(rng.normal(90, 30, (height, width, 3)), 0, 255)              # a textured background
    rows, cols = np.ogrid[:height, :width]
    stripes = (np.sin((rows * (1 + label) + cols * (label % 2)) / max(height, width) * 12) > 0)
    image[stripes] = 0.5 * image[stripes] + 0.5 * colour                          # stripes, a class's own angle
    return image.astype(np.uint8)


def make_folder(root, counts, kind="stripes", sizes=((48, 56),), seed=0, formats=("png",)):
    """Write ``root/<class>/<n>.<format>`` for counts {class: how many}; return root."""
    rng = np.random.default_rng(seed)
    names = list(counts)
    for label, name in enumerate(names):
        (root / name).mkdir(parents=True)
        for n in range(counts[name]):
            size, fmt = sizes[n % len(sizes)], formats[n % len(formats)]
            image = Image.fromarray(_photo(rng, kind, label, len(names), size))
            if fmt == "grey.png":
                image, fmt = image.convert("L"), "png"
            elif fmt == "rgba.png":
                image, fmt = image.convert("RGBA"), "png"
            image.save(root / name / f"{n:03d}.{fmt}")
    return root


FOLDERS = {   # name: (training folder, external folder) as make_folder's arguments
    "a perfect model, two classes": (dict(counts={"red": 14, "green": 14}, kind="solid"),
                                     dict(counts={"red": 5, "green": 5}, kind="solid", seed=1)),
    "one class much smaller": (dict(counts={"cups": 16, "plates": 16, "spoons": 3}),
                               dict(counts={"cups": 4, "plates": 4, "spoons": 2}, seed=1)),
    "ten classes": (dict(counts={f"class {k}": 8 for k in range(10)}),
                    dict(counts={f"class {k}": 2 for k in range(10)}, seed=1)),
    "tiny and huge photos": (dict(counts={"left": 10, "right": 10}, sizes=((16, 16), (1200, 900), (30, 70)),
                                  formats=("png", "jpg", "grey.png", "rgba.png", "bmp")),
                             dict(counts={"left": 3, "right": 3}, sizes=((20, 24), (800, 1000)), seed=1,
                                  formats=("jpg", "png"))),
    "a useless model": (dict(counts={"heads": 12, "tails": 12, "edge": 12}, kind="noise"),
                        dict(counts={"heads": 3, "tails": 3, "edge": 3}, kind="noise", seed=1)),
}


def _take_home_cell():
    (cell,) = [c for c in nbformat.read(CAPSTONE, as_version=4).cells if "take-home" in c.metadata.get("tags", [])]
    return cell.source


def test_the_take_home_cell_is_short_plain_keras():
    source = _take_home_cell()
    assert len(source.splitlines()) <= 45
    uses = set(re.findall(r"labs\.[\w.]+", source))
    assert uses == {"labs.pretrained.load_base"}, uses      # nothing else from the course
    for step in ("image_dataset_from_directory", "trainable = False", "Rescaling", "model.compile", "model.fit(",
                 "validation_data=", "model.evaluate(external_ds", "model.save(", "keras.saving.load_model("):
        assert step in source, step


def test_the_take_home_cell_runs_on_a_folder_it_has_never_seen(tmp_path, monkeypatch, capsys):
    train = make_folder(tmp_path / "my photos", {"cups": 12, "plates": 12, "spoons": 12})
    external = make_folder(tmp_path / "photos from elsewhere", {"cups": 3, "plates": 3, "spoons": 3}, seed=1)
    monkeypatch.chdir(tmp_path)
    source = _take_home_cell().replace("clean_dir, external_clean", "TRAIN, EXTERNAL")
    namespace = {"TRAIN": train, "EXTERNAL": external}
    exec(compile(source, "take-home cell", "exec"), namespace)
    out = capsys.readouterr().out
    assert re.search(r"external accuracy: (0|1)\.\d\d", out)
    assert re.search(r"\d{3}\.png → (cups|plates|spoons) \(\d+%\)", out)
    assert 0 <= namespace["take_home_accuracy"] <= 1
    assert (tmp_path / "my_classifier.keras").is_file()


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A folder laid out like the course (solutions/, benchmarks/results/) and a Keras home holding the demo."""
    import labs

    root = tmp_path_factory.mktemp("course")
    (root / "solutions").mkdir()
    shutil.copytree(ROOT / "benchmarks" / "results", root / "benchmarks" / "results")
    demo = Path(labs.demo.make_demo_folders(verbose=False).train).parent
    keras_home = root / "keras_home"
    (keras_home / "datasets").mkdir(parents=True)
    (keras_home / "datasets" / demo.name).symlink_to(demo)     # the demo, not rebuilt for every folder
    return root, keras_home


@pytest.mark.notebooks
@pytest.mark.parametrize("name", FOLDERS)
def test_notebook_12_runs_on_a_learners_own_folders_and_blames_nothing(name, course_copy, tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    from nbtools import kernel

    root, keras_home = course_copy
    train_args, external_args = FOLDERS[name]
    train = make_folder(tmp_path / "my photos", **train_args)
    external = make_folder(tmp_path / "photos from elsewhere", **external_args)
    nb = nbformat.read(CAPSTONE, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "DATA_DIR = demo_folders.train" in c.source]
    cell.source = (cell.source.replace("DATA_DIR = demo_folders.train", f"DATA_DIR = Path({str(train)!r})")
                   .replace("EXTERNAL_DIR = demo_folders.external", f"EXTERNAL_DIR = Path({str(external)!r})"))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    result = kernel.execute_notebook(nb, root / "solutions")
    assert result.failure is None, result.failure.describe(name)
    text = "\n".join(output.get("text", "") for cell in result.nb.cells if cell.cell_type == "code"
                     for output in cell.get("outputs", []))
    assert "❌" not in text, [line for line in text.splitlines() if "❌" in line]
    assert "📊 compare" in text and "✅ ok" not in text       # on the learner's folders: comparisons, not verdicts
    if name == "a perfect model, two classes":
        assert "The model got every external photo right: no mistake to show." in text
