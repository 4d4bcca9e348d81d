"""Sentences that quote a benchmark script's measurement say what its stored table says.

The tables are the scripts' own output, kept in benchmarks/results/ (re-run a script and save its table
there when its numbers change). Each test reads a number from a table and the sentence from the notebook.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def _markdown(stem):
    nb = json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return " ".join("".join(cell["source"]).replace("\n", " ") for cell in nb["cells"] if cell["cell_type"] == "markdown")


def _value(table, metric):
    """The first number of the row whose metric starts with ``metric`` (a mean, before its range)."""
    for line in (RESULTS / table).read_text(encoding="utf-8").splitlines():
        if line.startswith(metric):
            return float(re.search(r"\s{2,}(-?\d+\.\d+)", line[len(metric):]).group(1))
    raise AssertionError(f"no row {metric!r} in benchmarks/results/{table}")


def test_07_label_smoothing_worth_almost_a_point_in_cross_validation():
    with_smoothing = _value("small_cnn_recipes.txt", "epochs 20, batch 64, lr 0.002, smoothing 0.2:")
    without = _value("small_cnn_recipes.txt", "epochs 20, batch 64, lr 0.002:")
    assert 0.5 <= (with_smoothing - without) * 100 < 1.0  # "almost a point"
    assert f"about {round(with_smoothing * 100)}% against {round(without * 100)}% without it" in _markdown(
        "07_convolutional_networks")


def test_08_the_recap_over_three_seeds():
    prose = _markdown("08_overfitting_augmentation")
    short = "small target, notebook recipe (20 epochs): "
    plain, both = (_value("augmentation.txt", f"{short}{model} test accuracy")
                   for model in ("baseline", "dropout + augmentation"))
    assert round(plain, 2) == round(both, 2) and f"level, at about {round(plain, 2):.2f}" in prose
    long = "small target, full recipe (60 epochs): "
    plain, both = (_value("augmentation.txt", f"{long}{model} test accuracy")
                   for model in ("baseline", "dropout + augmentation"))
    assert 0.005 <= both - plain < 0.015  # "about a point ahead"
    assert f"about {round(both, 2):.2f} against {round(plain, 2):.2f}" in prose
