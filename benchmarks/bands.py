"""Measure the verdict lines of the notebooks: every learned value over seeds and CPU settings, and the chance of a false alarm.

    .venv/bin/python benchmarks/bands.py --parallel                    # collect what is missing, then the table
    .venv/bin/python benchmarks/bands.py --report                      # the table from the stored runs only
    .venv/bin/python benchmarks/bands.py solutions/07_convolutional_networks.ipynb --seeds 42 1
    .venv/bin/python benchmarks/bands.py --diff                        # outputs a perturbed run changes
    .venv/bin/python benchmarks/bands.py --rebase solutions/08_*.ipynb # keep runs across a change proven harmless

A trained model's numbers differ between CPUs, so a notebook shows them in a cell
nbval ignores and prints a verdict (`labs.expect.at_least`, `at_most`, `between`,
`ordered`), which nbval checks. A verdict must never blame a fine run: this script
runs each solution notebook top to bottom with LABS_SEED set to each seed (another
seed stands in for another CPU: both change the float sums, and training turns
them into different weights) and under two settings:

- "as is": this machine with all its cores;
- "perturbed": one core (CPU affinity), TensorFlow's oneDNN kernels off, another
  OpenBLAS kernel and NumPy's widest SIMD paths off: the float sums happen in
  another order, as on another CPU.

Runs are stored, one JSON line each, in benchmarks/results/bands_runs.jsonl (the
measurement takes hours on 2 cores, so it resumes where it stopped, and --parallel
runs the two settings side by side). A run belongs to the notebook's code as it
was: its fingerprint leaves the verdict statements out, so changing a threshold
keeps the runs, and changing anything else measures afresh — unless --rebase proves
that the change leaves every value as it was (one run, compared exactly).

The table takes each verdict as the notebook now writes it and, over the stored
runs, shows the range seen, the mean and standard deviation, how many standard
deviations the threshold lies from the mean (z), and the chance that a fine run
falls outside, under a normal model of the runs (for an ordering, of each
difference). A verdict passes when every run satisfies it, at least 10 seeds were
measured in both settings, and that chance is below 1 in 10,000 (CI runs each
verdict twice, about 60 of them: 1 in 10,000 each keeps a false alarm to about
one CI run in 80). The last column suggests thresholds 4.5 standard deviations
from the mean. Exits 1 if a verdict fails or a run failed.

With --diff it instead runs each notebook once, perturbed, with the seed its outputs
were stored with, and lists every output that changed against the stored one (old →
new): only cells nbval ignores may change.
"""

import argparse
import ast
import concurrent.futures
import fcntl
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat
import numpy as np

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
STORE = ROOT / "benchmarks" / "results" / "bands_runs.jsonl"
DEFAULT_SEEDS = (42, 1, 2, 3, 4, 5, 6, 7, 8, 9)
MIN_SEEDS = 10            # per setting
MAX_FALSE_ALARM = 1e-4    # per verdict and run
SUGGESTED_Z = 4.5         # the suggested thresholds: this many standard deviations from the mean
VERDICTS = ("at_least", "at_most", "between", "ordered")


def notebooks_with_verdicts():
    """Return the solution notebooks that call labs.expect."""
    return [p for p in solution_paths()
            if VERDICT_CALL in p.read_text(encoding="utf-8")]


# --- which verdicts a notebook writes ------------------------------------------------------------

def _verdict_kind(node):
    """Return 'at_least', ... if ``node`` is a call of labs.expect.<verdict>, else None."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in VERDICTS
            and ast.unparse(node.func.value) == "labs.expect"):
        return node.func.attr
    return None


class _DropVerdicts(ast.NodeTransformer):
    """Remove every statement that is a labs.expect verdict (a threshold changed is the same experiment)."""

    def visit_Expr(self, node):
        return None if _verdict_kind(node.value) else node


def code_fingerprint(path):
    """Return a short hash of a notebook's code with its verdict statements left out."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.fix_missing_locations(_DropVerdicts().visit(ast.parse(cell.source)))
            parts.append(ast.unparse(tree))
        except SyntaxError:         # a magic or shell line: the source as it is
            parts.append(cell.source)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _literal(node):
    """Return the number a threshold's literal (``0.9``, ``-0.02``, ``1e-6``) stands for; nothing is run."""
    return float(ast.literal_eval(node))


def verdicts_of(path):
    """Return the verdicts a notebook writes: dicts of kind, a name pattern, and its thresholds."""
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or VERDICT_CALL not in cell.source:
            continue
        calls = sorted((node for node in ast.walk(ast.parse(cell.source)) if _verdict_kind(node)),
                       key=lambda node: (node.lineno, node.col_offset))
        for node in calls:
            kind = _verdict_kind(node)
            args = {**dict(zip(("name", "value", "a", "b"), node.args)), **{k.arg: k.value for k in node.keywords}}
            name = args["name"]
            if isinstance(name, ast.JoinedStr):   # f"{rung}, validation macro F1": any text in the {}
                pattern = "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                                  for part in name.values)
            else:
                pattern = re.escape(name.value)
            verdict = {"kind": kind, "pattern": re.compile(f"^{pattern}$"), "label": ast.unparse(name)}
            if kind == "at_least":
                verdict["low"] = _literal(args.get("low", args.get("a")))
            elif kind == "at_most":
                verdict["high"] = _literal(args.get("high", args.get("a")))
            elif kind == "between":
                verdict["low"], verdict["high"] = _literal(args.get("low", args.get("a"))), _literal(
                    args.get("high", args.get("b")))
            found.append(verdict)
    return found


# --- running the notebooks -------------------------------------------------------------------------

def run_once(path, seed, setting, core=None):
    """Run one notebook with a seed and a setting; return (records, failure or None).

    A perturbed run is pinned to one core: ``core``, else the lowest this process may use.
    """
    saved_env, saved_cpus = dict(os.environ), os.sched_getaffinity(0)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as record_file:
        os.environ.update(LABS_SEED=str(seed), LABS_RECORD_EXPECT=record_file.name)
        if setting == "perturbed":
            os.environ.update(PERTURBED)
            os.sched_setaffinity(0, {min(saved_cpus) if core is None else core})
        try:
            result = execute_notebook(nbformat.read(path, as_version=4), path.parent)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.sched_setaffinity(0, saved_cpus)
        records = [json.loads(line) for line in record_file.read().splitlines() if line.strip()]
    return records, result.failure


def read_store(store):
    """Return the stored runs (one dict per notebook run) of a JSON-lines file, [] if it does not exist."""
    if not Path(store).exists():
        return []
    return [json.loads(line) for line in Path(store).read_text(encoding="utf-8").splitlines() if line.strip()]


def collect(paths, seeds, settings, store, core=None):
    """Run every (notebook, seed, setting) not yet in ``store`` for this code, appending each run as it ends."""
    for seed in seeds:  # seeds outermost: an interrupted collection still covers every notebook
        for path in paths:
            fingerprint = code_fingerprint(path)
            done = {(run["notebook"], run["seed"], run["setting"]) for run in read_store(store)
                    if run["code"] == fingerprint}
            for setting in settings:
                if (path.stem, seed, setting) in done:
                    continue
                print(f"running {path.name}, seed {seed}, {setting} ...", flush=True)
                started = time.perf_counter()
                records, failure = run_once(path, seed, setting, core)
                run = {"notebook": path.stem, "seed": seed, "setting": setting, "code": fingerprint,
                       "seconds": round(time.perf_counter() - started, 1), "records": records,
                       "failure": failure.describe(path.name) if failure else None}
                Path(store).parent.mkdir(parents=True, exist_ok=True)
                with open(store, "a", encoding="utf-8") as file:
                    fcntl.flock(file, fcntl.LOCK_EX)  # the two settings may be collected side by side
                    file.write(json.dumps(run) + "\n")


def collect_in_parallel(paths, seeds, store):
    """Collect the two settings side by side: as is on every core, perturbed pinned to the last core."""
    last_core = max(os.sched_getaffinity(0))
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        jobs = [pool.submit(collect, paths, seeds, ["as is"], store),
                pool.submit(collect, paths, seeds, ["perturbed"], store, last_core)]
        for job in jobs:
            job.result()


def _equal(value, stored):
    """Equal to float32 precision (within 1e-6): a Keras metric (float32) and a NumPy mean (float64) of the same
    counts agree, and so do differences of them; an ordering's values are compared name by name."""
    if isinstance(value, dict) and isinstance(stored, dict):
        return value.keys() == stored.keys() and all(_equal(value[key], stored[key]) for key in value)
    if isinstance(value, (int, float)) and isinstance(stored, (int, float)):
        return abs(value - stored) <= 1e-6
    return value == stored


def rebase(path, store):
    """Keep a notebook's stored runs across a change that cannot move its values, after proving it cannot.

    Runs the current code once ("as is", the seed of a stored run of the previous code) and
    compares every recorded value with that stored run, which on the same machine repeats
    exactly (a verdict may have been dropped or its threshold changed; every value still
    recorded must be there, equal to float32 precision): equal, the previous code's runs are relabelled as this
    code's; different, nothing changes. Return True if the runs were kept.
    """
    fingerprint, runs = code_fingerprint(path), read_store(store)
    previous = [run for run in runs if run["notebook"] == path.stem and run["code"] != fingerprint
                and not run["failure"]]
    if not previous:
        print(f"{path.name}: no stored runs of other code to keep")
        return False
    old = max({run["code"] for run in previous}, key=lambda code: sum(run["code"] == code for run in previous))
    reference = next(run for run in previous if run["code"] == old and run["setting"] == "as is")
    print(f"running {path.name}, seed {reference['seed']}, as is, to compare with the runs of code {old} ...",
          flush=True)
    records, failure = run_once(path, reference["seed"], "as is")
    before = dict((record["name"], record["value"]) for record in reference["records"])
    after = [(record["name"], record["value"]) for record in records]   # thresholds may change, values not
    changed = [(name, value) for name, value in after if name not in before or not _equal(value, before[name])]
    if failure or not after or changed:
        print(f"{path.name}: the values changed, so its runs must be measured afresh: {changed[:3] or failure}")
        return False
    with open(store, "r+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        kept = [json.loads(line) for line in file.read().splitlines() if line.strip()]
        for run in kept:
            if run["notebook"] == path.stem and run["code"] == old:
                run["code"], run["kept_from"] = fingerprint, old
        file.seek(0)
        file.truncate()
        file.write("".join(json.dumps(run) + "\n" for run in kept))
    print(f"{path.name}: all {len(records)} values equal; {sum(r['code'] == old for r in previous)} runs kept")
    return True


# --- the table ------------------------------------------------------------------------------------

def _normal_tail(z):
    """Return P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def _margins(verdict, values):
    """Return the margins of each run on each side the verdict has (positive: the verdict holds)."""
    return [values - verdict[side] if side == "low" else verdict[side] - values
            for side in ("low", "high") if side in verdict]


def false_alarm(margins):
    """Return (z, chance) for arrays of margins (>0: the verdict holds): the smallest z, the summed tail."""
    zs = []
    for margin in margins:
        mean, sd = float(np.mean(margin)), float(np.std(margin, ddof=1)) if len(margin) > 1 else 0.0
        zs.append(mean / sd if sd else (math.inf if mean >= 0 else -math.inf))  # equal runs: all in or all out
    chance = sum(0.0 if z == math.inf else (1.0 if z == -math.inf else _normal_tail(z)) for z in zs)
    return min(zs), min(chance, 1.0)


def _fmt(x, integral):
    """Show a value as the notebooks do: whole counts, 3 decimals, or a power of 10."""
    if integral:
        return f"{x:,.0f}"
    return f"{x:.1e}" if x != 0 and abs(x) < 0.01 else f"{x:.3f}"


def _describe(kind, low, high, integral):
    """Return a threshold or range as the table shows it: '>= 0.900', '<= 35', '0.080 to 0.100'."""
    return {"at_least": lambda: f">= {_fmt(low, integral)}", "at_most": lambda: f"<= {_fmt(high, integral)}",
            "between": lambda: f"{_fmt(low, integral)} to {_fmt(high, integral)}"}[kind]()


def _suggest(verdict, values, integral):
    """Return thresholds SUGGESTED_Z standard deviations from the mean, rounded outward, as text."""
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    step = 1 if integral else (0.01 if abs(mean) >= 0.05 else 10 ** math.floor(math.log10(max(sd, 1e-12))))
    low = math.floor((mean - SUGGESTED_Z * sd) / step) * step
    high = math.ceil((mean + SUGGESTED_Z * sd) / step) * step
    return _describe(verdict["kind"], low, high, integral)


def summarise(paths, runs):
    """Return (rows, problems): one row per verdict instance over the runs of each notebook's current code."""
    rows, problems = [], []
    for path in paths:
        fingerprint, verdicts = code_fingerprint(path), verdicts_of(path)
        current = [run for run in runs if run["notebook"] == path.stem and run["code"] == fingerprint]
        problems += [run["failure"].splitlines()[0] for run in current if run["failure"]]
        current = list({(run["seed"], run["setting"]): run for run in current if not run["failure"]}.values())
        seeds = {setting: {run["seed"] for run in current if run["setting"] == setting} for setting in SETTINGS}
        instances = defaultdict(list)
        for run in current:
            for record in run["records"]:
                instances[record["name"]].append(record["value"])
        for verdict in verdicts:
            names = [name for name in instances if verdict["pattern"].match(name)]
            if not names:
                problems.append(f"{path.stem[:2]}: {verdict['label']}: no stored run of this code has it")
            for name in names:
                rows.append(_row(path.stem[:2], name, verdict, instances[name], seeds))
    return rows, problems


def _row(notebook, name, verdict, values, seeds):
    """Return the table row of one verdict instance."""
    enough = all(len(s) >= MIN_SEEDS for s in seeds.values())
    runs = f"{len(values)} ({'/'.join(str(len(s)) for s in seeds.values())} seeds)"
    if verdict["kind"] == "ordered":
        labels = list(values[0])
        pairs = [(a, b) for a, b in zip(labels, labels[1:])]
        margins = [np.array([v[a] - v[b] for v in values]) for a, b in pairs]
        held = sum(all(m[i] > 0 for m in margins) for i in range(len(values)))
        z, chance = false_alarm(margins)
        worst = min(float(m.min()) for m in margins)
        return {"verdict": f"{notebook}: {name}", "runs": runs, "seen": f"held {held}/{len(values)}, "
                f"smallest difference {worst:+.3f}", "mean ± sd": "-", "written": " > ".join(labels), "z": z,
                "chance": chance, "suggested": "-", "passed": held == len(values) and enough
                and chance < MAX_FALSE_ALARM}
    array = np.array(values, dtype=float)
    integral = all(float(v).is_integer() for v in values) and all(
        float(verdict.get(k, 0)).is_integer() for k in ("low", "high"))
    margins = _margins(verdict, array)
    z, chance = false_alarm(margins)
    inside = all(m.min() >= 0 for m in margins)
    sd = float(np.std(array, ddof=1)) if len(array) > 1 else 0.0
    return {"verdict": f"{notebook}: {name}", "runs": runs,
            "seen": f"{_fmt(array.min(), integral)} to {_fmt(array.max(), integral)}",
            "mean ± sd": f"{_fmt(array.mean(), False)} ± {_fmt(sd, False)}", "written": _describe(verdict["kind"], verdict.get("low"), verdict.get("high"), integral),
            "z": z, "chance": chance, "suggested": _suggest(verdict, array, integral) if sd else "-",
            "passed": inside and enough and chance < MAX_FALSE_ALARM}


def print_table(rows, problems):
    """Print the rows as an aligned table, then the problems; return the exit status."""
    headers = ("verdict", "runs", "seen", "mean ± sd", "written", "z", "false alarm", "suggested", "result")
    lines = [(r["verdict"], r["runs"], r["seen"], r["mean ± sd"], r["written"],
              "inf" if r["z"] == math.inf else f"{r['z']:.1f}",
              "0" if r["chance"] == 0 else f"{r['chance']:.0e}", r["suggested"], "pass" if r["passed"] else "FAIL")
             for r in rows]
    widths = [max(len(str(line[i])) for line in lines + [headers]) for i in range(len(headers))]
    for line in [headers, tuple("-" * w for w in widths)] + lines:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
    for problem in problems:
        print(f"problem: {problem}")
    print(f"\n{sum(r['passed'] for r in rows)} of {len(rows)} verdicts pass (at least {MIN_SEEDS} seeds in each "
          f"setting, every run inside, false-alarm chance below {MAX_FALSE_ALARM:.0e}).")
    return 0 if rows and all(r["passed"] for r in rows) and not problems else 1


# --- --diff: which outputs a perturbed run changes ----------------------------------------------------

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


def main(argv=None):
    """Collect what is missing, print the table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="solution notebooks (default: all with verdicts)")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS))
    parser.add_argument("--store", type=Path, default=STORE, help=f"the stored runs (default: {STORE.name})")
    parser.add_argument("--settings", nargs="+", choices=SETTINGS, default=list(SETTINGS))
    parser.add_argument("--core", type=int, help="the core a perturbed run is pinned to")
    parser.add_argument("--parallel", action="store_true", help="collect the two settings side by side")
    parser.add_argument("--report", action="store_true", help="only print the table from the stored runs")
    parser.add_argument("--rebase", action="store_true",
                        help="keep the stored runs of changed notebooks if one run proves their values unchanged")
    parser.add_argument("--diff", action="store_true",
                        help="run each notebook once, perturbed, and list the outputs that changed")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebooks_with_verdicts()
    print(machine_summary(), flush=True)
    if args.diff:
        table = diff_outputs([p.resolve() for p in args.notebooks] or solution_paths())
        table.print_table()
        return table.exit_status()
    if args.rebase:
        return 0 if all([rebase(path, args.store) for path in paths]) else 1
    if not args.report:
        if args.parallel:
            collect_in_parallel(paths, args.seeds, args.store)
        else:
            collect(paths, args.seeds, args.settings, args.store, args.core)
    rows, problems = summarise(paths, read_store(args.store))
    return print_table(rows, problems)


if __name__ == "__main__":
    sys.exit(main())
