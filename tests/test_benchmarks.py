"""The benchmark scripts: the shared results table (benchmarks/_report.py) and the recipe search."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from _report import Report, flat, load_average, machine_summary, parse_profile  # noqa: E402


def test_rows_are_echoed_formatted_and_judged(capsys):
    report = Report()
    report.record("accuracy", np.float32(0.97104), ">= 0.975", False)
    report.record("parameters", 93322, "93322", True, fmt="{:,}")
    report.record("note", "a / b")
    assert report.rows == [("accuracy", "0.9710", ">= 0.975", "FAIL"), ("parameters", "93,322", "93322", "pass"),
                           ("note", "a / b", "-", "-")]
    assert "accuracy: 0.9710  [FAIL]" in capsys.readouterr().out
    assert report.exit_status() == 1


def test_exit_status_is_zero_when_no_target_is_missed():
    report = Report()
    report.record("reported only", 1.5)
    report.record("met", 1, ">= 1", True, fmt="{}")
    assert report.exit_status() == 0


def test_table_columns_line_up():
    report = Report()
    report.record("a long metric name", 0.5, ">= 0.4", True)
    report.record("short", 12.25, fmt="{:.1f}")
    lines = report.table().splitlines()
    assert lines[0].split() == ["metric", "value", "target", "result"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    value_column = lines[0].index("value")
    assert [line[value_column:].split()[0] for line in lines[2:]] == ["0.5000", "12.2"]


def test_flat_gives_float_rows_divided_as_told():
    images = np.arange(12, dtype=np.uint8).reshape(3, 2, 2)
    np.testing.assert_array_equal(flat(images), images.reshape(3, 4).astype(np.float64))
    np.testing.assert_array_equal(flat(images, divide_by=255.0), images.reshape(3, 4) / 255.0)


def test_benchmarks_import_the_installed_labs():
    for path in (Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py"):
        inserts = [line for line in path.read_text(encoding="utf-8").splitlines() if "sys.path.insert" in line]
        assert all("tools" in line for line in inserts), f"{path.name} puts the repository on sys.path: {inserts}"


def test_load_average_is_text():
    assert isinstance(load_average(), str)


def test_profile_defaults_to_default_and_rejects_unknown_names(capsys):
    assert parse_profile("demo", []) == "default"
    assert parse_profile("demo", ["--profile", "full"]) == "full"
    with pytest.raises(SystemExit):
        parse_profile("demo", ["--profile", "huge"])
    assert "invalid choice: 'huge'" in capsys.readouterr().err


def test_machine_summary_names_the_versions_given():
    line = machine_summary("Keras 9.9")
    assert line.startswith("Python ") and "Keras 9.9" in line and "CPU cores" in line


def test_the_small_cnn_recipe_is_one_of_the_cross_validated_candidates():
    import small_cnn_recipes
    from labs import training

    assert training.RECIPES["small_cnn"] in small_cnn_recipes.CANDIDATES
    assert small_cnn_recipes.describe_recipe(training.RECIPES["small_cnn"]) == \
        "epochs 20, batch 64, lr 0.002, smoothing 0.2"
    assert small_cnn_recipes.describe_recipe({"epochs": 1, "batch_size": 8, "learning_rate": 1e-3}) == \
        "epochs 1, batch 8, lr 0.001"


# --------------------------------------------------------------------------- benchmarks/bands.py


def _tiny_notebook(tmp_path, cells):
    """Write a notebook of code cells [(source, tags, stored text)] and return its path."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook(cells=[new_code_cell(src, metadata={"tags": tags},
                                           outputs=[new_output("stream", name="stdout", text=text)] if text else [])
                             for src, tags, text in cells])
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_bands_measures_every_verdict_over_seeds_and_settings(tmp_path, capsys):
    import bands

    path = _tiny_notebook(tmp_path, [
        ("import os, labs\nvalue = int(os.environ['LABS_SEED']) / 10", [], ""),
        ("labs.expect.between('seed / 10', value, 0.0, 0.15)", [], ""),
    ])
    assert bands.main([str(path), "--seeds", "1", "2"]) == 1   # seed 2 gives 0.2, outside the band
    out = capsys.readouterr().out
    assert "99: seed / 10  0.100-0.200 over 4 runs" in out and "FAIL" in out


def test_bands_diff_allows_changes_in_ignored_cells_only(tmp_path, capsys):
    import bands

    show = "import os; print(os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset'))"
    path = _tiny_notebook(tmp_path, [(show, ["nbval-ignore-output"], "unset\n"), ("print(6 * 7)", [], "42\n")])
    assert bands.main([str(path), "--diff"]) == 0
    assert "99 cell 1 (ignored): 'unset' -> '0'" in capsys.readouterr().out
    path = _tiny_notebook(tmp_path, [(show, [], "unset\n")])
    assert bands.main([str(path), "--diff"]) == 1
    assert "99 cell 1 (CHECKED): 'unset' -> '0'  [FAIL]" in capsys.readouterr().out
