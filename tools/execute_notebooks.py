#!/usr/bin/env python3
"""Run solution notebooks in fresh kernels, report their compute time, and optionally store the outputs.

    python tools/execute_notebooks.py                       # time every solutions/*.ipynb (the budget report)
    python tools/execute_notebooks.py --write solutions/01_images_as_arrays.ipynb   # authoring: store outputs

Each notebook runs top to bottom in a new kernel of this environment's Python,
with its own folder as working directory, PYTHONHASHSEED=0, quiet TensorFlow
logs and the inline matplotlib backend. The table compares each notebook's
compute seconds (the sum of its cells' run times) with the 90 s budget and the
series total with 15 minutes. Exits 1 if a notebook fails (naming the cell).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbtools.io import read_notebook, write_notebook  # noqa: E402
from nbtools.kernel import (  # noqa: E402
    NOTEBOOK_BUDGET_S, SERIES_BUDGET_S, execute_notebook, stabilise_widget_ids, strip_volatile_metadata,
)
from nbtools.paths import ROOT, SOLUTIONS, NotebookError, rel, require_solution_path, solution_paths  # noqa: E402

__all__ = ["run_one", "format_table", "run", "main"]


def run_one(path, nb, root=ROOT, timeout=600, profile="default", write=False, out=print):
    """Execute one solution notebook, print a failure if any, store outputs if ``write``; return the result."""
    name = rel(path, root)
    out(f"running  {name} ...")
    result = execute_notebook(nb, path.parent, timeout=timeout, profile=profile)
    if result.failure:
        out(result.failure.describe(name))
        if write:
            out(f"         {name} left unchanged (outputs are stored only after a clean run).")
    elif write:
        nb = stabilise_widget_ids(strip_volatile_metadata(result.nb), path.stem)
        write_notebook(nb, path)
        out(f"stored   outputs in {name}")
    return result


def _status(result, budget):
    """Return 'error', 'over' or 'ok' for a result against a budget in seconds."""
    if result.failure:
        return "error"
    return "over" if result.seconds > budget else "ok"


def format_table(rows, total_label="series total"):
    """Return the timing table for [(name, ExecutionResult)] with the series total."""
    width = max([len(name) for name, _ in rows] + [len(total_label), 8])
    lines = [f"{'notebook':<{width}}  {'seconds':>8}  {'budget':>6}  {'status':<6}  slowest cell",
             "-" * (width + 44)]
    for name, result in rows:
        cell, secs = result.slowest()
        slowest = f"cell {cell} ({secs:.1f} s)" if cell else "-"
        lines.append(f"{name:<{width}}  {result.seconds:8.1f}  {NOTEBOOK_BUDGET_S:6d}  "
                     f"{_status(result, NOTEBOOK_BUDGET_S):<6}  {slowest}")
    total = sum(result.seconds for _, result in rows)
    state = "ok" if total <= SERIES_BUDGET_S else "over"
    lines += ["-" * (width + 44), f"{total_label:<{width}}  {total:8.1f}  {SERIES_BUDGET_S:6d}  {state}"]
    return "\n".join(lines)


def run(paths=None, root=ROOT, timeout=600, profile="default", write=False, strict=False, out=print):
    """Execute notebooks (default: every solution), print the table; return the exit code."""
    root = Path(root)
    notebooks = [require_solution_path(p, root) for p in paths or solution_paths(root)]
    if not notebooks:
        out(f"No notebooks in {rel(root / SOLUTIONS, root)}/: nothing to run.")
        return 0
    loaded = [(p, read_notebook(p, root)) for p in notebooks]  # bad input fails before anything runs
    rows = [(rel(p, root), run_one(p, nb, root, timeout, profile, write, out)) for p, nb in loaded]
    everything = not paths or len(notebooks) == len(solution_paths(root))
    label = "series total" if everything else f"total ({len(rows)} notebooks)"
    out("")
    out(format_table(rows, label))
    failed = [name for name, r in rows if r.failure]
    if failed:
        out(f"\nFailed: {', '.join(failed)}")
        return 1
    over = [name for name, r in rows if r.seconds > NOTEBOOK_BUDGET_S]
    if strict and (over or sum(r.seconds for _, r in rows) > SERIES_BUDGET_S):
        out(f"\nOver budget: {', '.join(over) or 'the series total'}")
        return 1
    return 0


def _parser():
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        description=f"Run {SOLUTIONS}/ notebooks in fresh kernels and report their compute time "
                    f"against the budget ({NOTEBOOK_BUDGET_S} s each, {SERIES_BUDGET_S} s in all).")
    parser.add_argument("paths", nargs="*", help=f"solution notebooks (default: every {SOLUTIONS}/*.ipynb)")
    parser.add_argument("--write", action="store_true",
                        help="store the executed outputs back into each notebook that ran without error")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may run (default 600)")
    parser.add_argument("--profile", choices=("default", "full"), default="default",
                        help="LABS_PROFILE for the kernels (default: default, what CI and workshops run)")
    parser.add_argument("--strict", action="store_true", help="also exit 1 when over the time budget")
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder (default: this repository)")
    return parser


def main(argv=None):
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # show progress while long notebooks run
    if args.write and args.profile != "default":
        parser.error("--write stores the outputs nbval checks, which are those of the default profile; "
                     "drop --profile full.")
    try:
        return run(args.paths, args.root, args.timeout, args.profile, args.write, args.strict)
    except NotebookError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
