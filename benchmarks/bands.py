"""Measure the bands of the notebooks' verdict lines: every learned value over seeds and CPU settings.

    .venv/bin/python benchmarks/bands.py                                   # every notebook with a verdict
    .venv/bin/python benchmarks/bands.py solutions/07_convolutional_networks.ipynb --seeds 42 1

A trained model's numbers differ between CPUs, so a notebook shows them in a cell
nbval ignores and prints a verdict with `labs.expect.between(name, value, low, high)`,
which nbval checks. This script runs each solution notebook top to bottom several
times, with LABS_SEED set to each seed and under two settings:

- "as is": this machine with all its cores;
- "perturbed": one core (CPU affinity), TensorFlow's oneDNN kernels off, another
  OpenBLAS kernel and NumPy's widest SIMD paths off: the float sums happen in
  another order, as on another CPU.

With --diff it instead runs each notebook once, perturbed, with the seed its outputs
were stored with, and lists every output that changed against the stored one (old →
new): only cells nbval ignores may change.

Every verdict records its value (LABS_RECORD_EXPECT), and the table shows, for each
verdict, the band written in the notebook, the range measured over all runs, and
whether every run fell inside the band. It also reports how tight each band is
(its width against the measured spread), so a band cannot silently become
"anything goes". Exits 1 if any run falls outside its band or a run fails.
"""

import argparse
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from nbtools.cells import is_ignored  # noqa: E402
from nbtools.kernel import execute_notebook  # noqa: E402
from nbtools.paths import solution_paths  # noqa: E402
from nbtools.rules import VERDICT_CALL  # noqa: E402
from _report import Report, machine_summary  # noqa: E402

PERTURBED = {"TF_ENABLE_ONEDNN_OPTS": "0", "OPENBLAS_CORETYPE": "Haswell",
             "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL"}
SETTINGS = ("as is", "perturbed")


def notebooks_with_verdicts():
    """Return the solution notebooks that call labs.expect."""
    return [p for p in solution_paths()
            if VERDICT_CALL in p.read_text(encoding="utf-8")]


def run_once(path, seed, setting):
    """Run one notebook with a seed and a setting; return (records, failure or None)."""
    saved_env, saved_cpus = dict(os.environ), os.sched_getaffinity(0)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as record_file:
        os.environ.update(LABS_SEED=str(seed), LABS_RECORD_EXPECT=record_file.name)
        if setting == "perturbed":
            os.environ.update(PERTURBED)
            os.sched_setaffinity(0, {min(saved_cpus)})
        try:
            result = execute_notebook(nbformat.read(path, as_version=4), path.parent)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.sched_setaffinity(0, saved_cpus)
        records = [json.loads(line) for line in record_file.read().splitlines() if line.strip()]
    return records, result.failure


def measure(paths, seeds):
    """Run every notebook for every seed and setting; return {(notebook, name): [records]} and failures."""
    found, failures = defaultdict(list), []
    for path in paths:
        for seed in seeds:
            for setting in SETTINGS:
                print(f"running {path.name}, seed {seed}, {setting} ...", flush=True)
                records, failure = run_once(path, seed, setting)
                if failure:
                    failures.append(failure.describe(f"{path.name} (seed {seed}, {setting})"))
                for entry in records:
                    found[(path.stem, entry["name"])].append({**entry, "seed": seed, "setting": setting})
    return found, failures


def report(found, failures, runs_expected):
    """Return a Report with one row per verdict."""
    table = Report()
    for (notebook, name), entries in found.items():
        label = f"{notebook[:2]}: {name}"
        if isinstance(entries[0]["value"], dict):  # labs.expect.ordered
            kept = sum(_is_ordered(e["value"]) for e in entries)
            table.record(label, f"order held in {kept}/{len(entries)} runs", "every run",
                         kept == len(entries) == runs_expected)
            continue
        values = [e["value"] for e in entries]
        low, high = entries[0]["low"], entries[0]["high"]
        spread = max(values) - min(values)
        inside = all(low <= v <= high for v in values)
        if all(float(v).is_integer() for v in values + [low, high]):
            fmt = "{:,.0f}"
        else:
            fmt = "{:.1e}" if max(abs(low), abs(high)) < 0.01 else "{:.3f}"
        shown = f"{fmt.format(min(values))}-{fmt.format(max(values))} over {len(values)} runs"
        if spread:
            shown += f", band {(high - low) / spread:.1f}x the spread"
        table.record(label, shown, f"{fmt.format(low)}-{fmt.format(high)}",
                     inside and len(values) == runs_expected)
    for failure in failures:
        table.record("run failed", failure.splitlines()[0], "no failure", False)
    return table


def _text(cell, patterns):
    """Return the text nbval would compare for one code cell, sanitised like nbval does."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    text = "".join(parts)
    for regex, replacement in patterns:
        text = re.sub(regex, replacement, text)
    return text


def diff_outputs(paths, seed=42):
    """Run each notebook perturbed and return a Report of every output that differs from the stored one."""
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text())
    table = Report()
    for path in paths:
        stored = nbformat.read(path, as_version=4)
        print(f"running {path.name}, seed {seed}, perturbed ...", flush=True)
        saved_env, saved_cpus = dict(os.environ), os.sched_getaffinity(0)
        os.environ.update(LABS_SEED=str(seed), **PERTURBED)
        os.sched_setaffinity(0, {min(saved_cpus)})
        try:
            result = execute_notebook(stored, path.parent)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.sched_setaffinity(0, saved_cpus)
        if result.failure:
            table.record(f"{path.stem[:2]}: run failed", result.failure.describe(path.name).splitlines()[0],
                         "no failure", False)
            continue
        changed = 0
        for number, (old, new) in enumerate(zip(stored.cells, result.nb.cells), 1):
            if old.cell_type != "code" or _text(old, patterns) == _text(new, patterns):
                continue
            changed += 1
            ignored = is_ignored(old)
            first = next((a, b) for a, b in zip(_text(old, patterns).splitlines() + [""],
                                                 _text(new, patterns).splitlines() + [""]) if a != b)
            table.record(f"{path.stem[:2]} cell {number} ({'ignored' if ignored else 'CHECKED'})",
                         f"{first[0].strip()[:60]!r} -> {first[1].strip()[:60]!r}", "ignored cells only", ignored)
        table.record(f"{path.stem[:2]}: outputs changed by the perturbed run", changed, fmt="{:d}")
    return table


def _is_ordered(values):
    """Return True if the dict's values strictly decrease in order."""
    numbers = list(values.values())
    return all(a > b for a, b in zip(numbers, numbers[1:]))


def main(argv=None):
    """Measure and print the table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="solution notebooks (default: all with verdicts)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[42, 1, 2])
    parser.add_argument("--diff", action="store_true",
                        help="run each notebook once, perturbed, and list the outputs that changed")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebooks_with_verdicts()
    print(machine_summary(), flush=True)
    if args.diff:
        table = diff_outputs([p.resolve() for p in args.notebooks] or solution_paths())
        table.print_table()
        return table.exit_status()
    found, failures = measure(paths, args.seeds)
    table = report(found, failures, runs_expected=len(args.seeds) * len(SETTINGS))
    table.print_table()
    return table.exit_status()


if __name__ == "__main__":
    sys.exit(main())
