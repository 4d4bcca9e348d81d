"""The benchmark scripts: the shared results table (benchmarks/_report.py), the recipe search, and every
benchmark's smoke profile (benchmarks/smoke.py)."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import SMOKE_NOTE, Report, flat, load_average, machine_summary, parse_profile  # noqa: E402


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


def test_the_smoke_profile_judges_nothing_and_exits_zero(capsys):
    assert parse_profile("demo", ["--profile", "smoke"]) == "smoke"
    report = Report(smoke=True)
    report.record("accuracy", 0.5, ">= 0.975", False)
    report.record("note", "a / b")
    assert [row[3] for row in report.rows] == ["not judged", "-"]
    assert report.exit_status() == 0
    report.print_table()
    assert capsys.readouterr().out.rstrip().endswith(SMOKE_NOTE)


@pytest.mark.parametrize("script", ["capstone", "transfer"])
def test_the_smoke_profile_does_not_overwrite_the_saved_results(script, capsys):
    with pytest.raises(SystemExit) as raised:
        importlib.import_module(script).main(["--profile", "smoke", "--save"])
    assert raised.value.code == 2 and "does not take --save" in capsys.readouterr().err


def _benchmark_scripts():
    """Return the names of the benchmark scripts (not the shared helper, the bands harness or the smoke runner)."""
    return sorted(path.stem for path in (ROOT / "benchmarks").glob("*.py")
                  if path.stem not in {"_report", "bands", "smoke"})


def _tail(stdout, stderr):
    """Return the last lines of a run's output (bytes or text) to show with a failure."""
    text = [out.decode(errors="replace") if isinstance(out, bytes) else (out or "") for out in (stdout, stderr)]
    return f"stdout:\n{text[0][-4000:]}\nstderr:\n{text[1][-4000:]}"


def test_every_benchmark_runs_through_its_smoke_profile():
    import smoke

    assert sorted(smoke.BENCHMARKS) == _benchmark_scripts(), "benchmarks/smoke.py must run every benchmark"
    try:
        result = subprocess.run([sys.executable, "benchmarks/smoke.py"], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=600)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"benchmarks/smoke.py ran over 600 s\n{_tail(error.stdout, error.stderr)}")
    tail = _tail(result.stdout, result.stderr)
    assert result.returncode == 0, tail
    assert smoke.TABLE_TITLE in result.stdout, tail
    table = result.stdout.rsplit(smoke.TABLE_TITLE, 1)[1]
    missing = [name for name in _benchmark_scripts() if f"\n{name} " not in table]
    assert not missing, f"not in the smoke table: {missing}\n{tail}"


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
    store = tmp_path / "runs.jsonl"
    assert bands.main([str(path), "--seeds", "1", "2", "--store", str(store)]) == 1   # seed 2: 0.2 is outside
    out = capsys.readouterr().out
    assert "99: seed / 10  4 (2/2 seeds)  0.100 to 0.200" in out and "FAIL" in out
    assert len(bands.read_store(store)) == 4
    bands.main([str(path), "--seeds", "1", "2", "--store", str(store)])      # stored runs are not run again
    assert "running" not in capsys.readouterr().out and len(bands.read_store(store)) == 4


def _fake_runs(path, values, seeds_per_setting=10):
    """Return stored runs of ``path``'s current code whose one verdict recorded the given values, in turn."""
    import bands

    values = iter(values)
    return [{"notebook": path.stem, "seed": seed, "setting": setting, "code": bands.code_fingerprint(path),
             "records": [{"name": "accuracy", "value": next(values)}], "failure": None}
            for setting in bands.SETTINGS for seed in range(seeds_per_setting)]


def test_bands_estimates_the_false_alarm_chance_of_each_verdict(tmp_path):
    import bands

    rng = np.random.default_rng(0)
    values = list(0.80 + 0.01 * rng.standard_normal(20))
    far = _tiny_notebook(tmp_path, [("labs.expect.at_least('accuracy', 0.8, 0.70)", [], "")])
    (row,), problems = bands.summarise([far], _fake_runs(far, values))
    assert not problems and row["passed"] and row["chance"] < 1e-12 and row["z"] > 7
    assert row["written"] == ">= 0.700" and row["runs"] == "20 (10/10 seeds)"
    near = _tiny_notebook(tmp_path, [("labs.expect.at_least('accuracy', 0.8, 0.78)", [], "")])
    (row,), _ = bands.summarise([near], _fake_runs(near, values))
    assert 1e-4 < row["chance"] < 0.2 and not row["passed"]          # every run inside, but too close
    assert row["suggested"].startswith(">= 0.7")


def test_bands_needs_ten_seeds_in_each_setting(tmp_path):
    import bands

    path = _tiny_notebook(tmp_path, [("labs.expect.at_most('accuracy', 0.8, 1.5)", [], "")])
    (row,), _ = bands.summarise([path], _fake_runs(path, [0.8, 0.81] * 9, seeds_per_setting=9))
    assert row["chance"] == 0 or row["chance"] < 1e-12
    assert not row["passed"] and row["runs"] == "18 (9/9 seeds)"


def test_bands_keeps_runs_when_only_a_threshold_changes(tmp_path):
    import bands

    code = "import labs\nx = 0.8\n"
    first = bands.code_fingerprint(_tiny_notebook(tmp_path, [(code + "labs.expect.between('x', x, 0.7,\n 0.9)", [], "")]))
    assert first == bands.code_fingerprint(_tiny_notebook(tmp_path, [(code + "labs.expect.at_least('x', x, 0.5)", [], "")]))
    assert first != bands.code_fingerprint(_tiny_notebook(tmp_path, [("import labs\nx = 0.9\n", [], "")]))


def test_bands_reads_the_verdicts_a_notebook_writes(tmp_path):
    import bands

    path = _tiny_notebook(tmp_path, [(
        "for rung in rungs:\n    labs.expect.between(f'{rung}, F1', f1[rung], 0.92, 1.0)\n"
        "labs.expect.at_most('error', e, 1e-6)\nlabs.expect.ordered('order', {'a': a, 'b': 49 / 784})\n"
        "labs.expect.at_least('gap', g, low=-0.02)", [], "")])
    verdicts = bands.verdicts_of(path)
    assert [v["kind"] for v in verdicts] == ["between", "at_most", "ordered", "at_least"]
    assert verdicts[0]["pattern"].match("fine-tuning, F1") and not verdicts[0]["pattern"].match("F1")
    assert (verdicts[0]["low"], verdicts[0]["high"], verdicts[1]["high"], verdicts[3]["low"]) == (0.92, 1.0, 1e-6, -0.02)


def test_bands_judges_an_ordering_by_its_differences(tmp_path):
    import bands

    path = _tiny_notebook(tmp_path, [("labs.expect.ordered('accuracy', {'cnn': a, 'dense': b})", [], "")])
    runs = _fake_runs(path, [{"cnn": 0.98 + 0.001 * (i % 3), "dense": 0.94} for i in range(20)])
    (row,), _ = bands.summarise([path], runs)
    assert row["passed"] and row["written"] == "cnn > dense" and row["seen"].startswith("held 20/20")
    runs = _fake_runs(path, [{"cnn": 0.95 + 0.01 * (i % 3), "dense": 0.955} for i in range(20)])
    (row,), _ = bands.summarise([path], runs)
    assert not row["passed"] and row["seen"].startswith("held 13/20")


def test_bands_diff_allows_changes_in_ignored_cells_only(tmp_path, capsys):
    import bands

    show = "import os; print(os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset'))"
    path = _tiny_notebook(tmp_path, [(show, ["nbval-ignore-output"], "unset\n"), ("print(6 * 7)", [], "42\n")])
    assert bands.main([str(path), "--diff"]) == 0
    assert "99 cell 1 (ignored): 'unset' -> '0'" in capsys.readouterr().out
    path = _tiny_notebook(tmp_path, [(show, [], "unset\n")])
    assert bands.main([str(path), "--diff"]) == 1
    assert "99 cell 1 (CHECKED): 'unset' -> '0'  [FAIL]" in capsys.readouterr().out


def test_bands_counts_a_run_stored_twice_once(tmp_path):
    import bands

    path = _tiny_notebook(tmp_path, [("labs.expect.at_least('accuracy', 0.8, 0.5)", [], "")])
    runs = _fake_runs(path, [0.8 + 0.001 * i for i in range(20)])
    (row,), _ = bands.summarise([path], runs + runs[:5])      # two collectors met in the middle
    assert row["runs"] == "20 (10/10 seeds)"


def test_bands_keeps_runs_only_when_a_change_leaves_every_value_as_it_was(tmp_path, capsys):
    import bands

    path = _tiny_notebook(tmp_path, [("import os, labs\nvalue = int(os.environ['LABS_SEED']) / 10", [], ""),
                                     ("labs.expect.at_most('seed / 10', value, 1.0)", [], "")])
    store = tmp_path / "runs.jsonl"
    bands.main([str(path), "--seeds", "1", "--store", str(store)])
    _tiny_notebook(tmp_path, [("import os, labs\nvalue = int(os.environ['LABS_SEED']) / 10  # a comment\nx = 1", [], ""),
                              ("labs.expect.at_most('seed / 10', value, 1.0)", [], "")])
    assert bands.main([str(path), "--rebase", "--store", str(store)]) == 0
    assert {run["code"] for run in bands.read_store(store)} == {bands.code_fingerprint(path)}
    _tiny_notebook(tmp_path, [("import os, labs, numpy\nvalue = float(numpy.float32(int(os.environ['LABS_SEED']) / 10))",
                               [], ""), ("labs.expect.at_most('seed / 10', value, 1.0)", [], "")])
    assert bands.main([str(path), "--rebase", "--store", str(store)]) == 0   # a Keras metric's float32: equal
    _tiny_notebook(tmp_path, [("import os, labs\nvalue = int(os.environ['LABS_SEED']) / 5", [], ""),
                              ("labs.expect.at_most('seed / 10', value, 1.0)", [], "")])
    assert bands.main([str(path), "--rebase", "--store", str(store)]) == 1
    assert "must be measured afresh" in capsys.readouterr().out
    assert bands.code_fingerprint(path) not in {run["code"] for run in bands.read_store(store)}
