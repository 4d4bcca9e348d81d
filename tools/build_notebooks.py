#!/usr/bin/env python3
"""Generate the learner notebooks in notebooks/ from the solution notebooks in solutions/.

    python tools/build_notebooks.py                    # every solutions/NN_topic.ipynb
    python tools/build_notebooks.py solutions/01_images_as_arrays.ipynb
    python tools/build_notebooks.py --check            # list out-of-date notebooks, write nothing
    python tools/build_notebooks.py --force solutions/01_images_as_arrays.ipynb

Each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region of a code cell becomes
``raise NotImplementedError("Exercise: ...")`` at the marker's indentation, each
``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` region of a markdown cell
becomes "*Your answer here.*", outputs are cleared, and the notebook metadata
records where it came from and a fingerprint of its cells.

A learner notebook whose cells no longer match its fingerprint has been edited
or run by someone: it is never overwritten. ``--force`` saves a timestamped
backup next to it first, then writes the fresh copy.
"""

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbtools.io import notebook_text, read_notebook, write_text_atomic  # noqa: E402
from nbtools.learner import is_unedited, make_learner_notebook  # noqa: E402
from nbtools.paths import (  # noqa: E402
    NOTEBOOKS, ROOT, SOLUTIONS, NotebookError, backup_path_for, learner_path_for, learner_paths, rel,
    require_solution_path, solution_path_for, solution_paths,
)

__all__ = ["Plan", "plan_notebook", "apply_plan", "build", "main"]


@dataclass
class Plan:
    """What to do with one learner notebook: its state and the text it should have."""

    solution: Path
    target: Path
    state: str  # missing | current | stale | edited | error
    text: str = ""
    reason: str = ""


def _learner_state(target, text, root):
    """Return (state, reason) of an existing learner file compared with the generated ``text``."""
    if not target.exists():
        return "missing", ""
    if target.read_text(encoding="utf-8", errors="replace") == text:
        return "current", ""
    try:
        existing = read_notebook(target, root)
    except NotebookError as error:
        return "edited", str(error)
    if is_unedited(existing):
        return "stale", ""
    return "edited", "its cells changed after it was generated (edited or run)"


def plan_notebook(solution, root=ROOT):
    """Plan the learner notebook for one solution notebook (reads only)."""
    target = learner_path_for(solution, root)
    try:
        require_solution_path(solution, root)
        nb = make_learner_notebook(read_notebook(solution, root), rel(solution, root))
        text = notebook_text(nb, rel(solution, root))
    except NotebookError as error:
        return Plan(solution, target, "error", reason=str(error))
    state, reason = _learner_state(target, text, root)
    return Plan(solution, target, state, text, reason)


def apply_plan(plan, root=ROOT, force=False, out=print):
    """Carry out a plan, print one line about it and return its outcome."""
    name, source = rel(plan.target, root), rel(plan.solution, root)
    if plan.state != "error":  # look again right before writing: the learner may have just saved
        plan.state, plan.reason = _learner_state(plan.target, plan.text, root)
    if plan.state == "error":
        out(f"error    {plan.reason}")
        return "error"
    if plan.state == "current":
        out(f"ok       {name} is up to date")
        return "current"
    if plan.state == "edited" and not force:
        out(f"kept     {name}: {plan.reason}. Your work in it is safe.\n"
            f"         For a fresh copy, move or rename it and run this again, or run\n"
            f"         python tools/build_notebooks.py --force {source}   (saves a backup first)")
        return "kept"
    if plan.state == "edited":
        backup = backup_path_for(plan.target)
        shutil.copy2(plan.target, backup)
        out(f"backup   {name} saved as {rel(backup, root)}")
    write_text_atomic(plan.target, plan.text)
    out(f"{'created' if plan.state == 'missing' else 'updated':8} {name} from {source}")
    return "written"


def _report_check(plans, orphans, root, out):
    """Print what --check found and return the exit code."""
    words = {"missing": "missing", "stale": "out of date", "edited": "edited (differs from its solution)",
             "error": "cannot be built"}
    bad = [p for p in plans if p.state != "current"]
    for plan in bad:
        detail = f": {plan.reason}" if plan.state == "error" else ""
        out(f"{rel(plan.target, root)}: {words[plan.state]}{detail}")
    for orphan in orphans:
        out(f"{rel(orphan, root)}: has no {SOLUTIONS}/{orphan.name}")
    if bad or orphans:
        out("Run: python tools/build_notebooks.py")
        return 1
    out(f"All {len(plans)} learner notebooks are up to date.")
    return 0


def build(root=ROOT, paths=None, force=False, check=False, out=print):
    """Build (or with ``check`` only compare) learner notebooks; return the exit code."""
    root = Path(root)
    solutions = [require_solution_path(p, root) for p in paths] if paths else solution_paths(root)
    if not solutions:
        out(f"No notebooks in {rel(root / SOLUTIONS, root)}/: nothing to build.")
        return 0
    plans = [plan_notebook(s, root) for s in solutions]
    orphans = [] if paths else [p for p in learner_paths(root) if not solution_path_for(p, root).exists()]
    if check:
        return _report_check(plans, orphans, root, out)
    outcomes = [apply_plan(p, root, force, out) for p in plans]
    for orphan in orphans:
        out(f"note     {rel(orphan, root)} has no {SOLUTIONS}/{orphan.name}; left as it is")
    labels = {"written": "written", "current": "up to date", "kept": "kept", "error": "failed"}
    out(f"{len(plans)} notebooks: " + ", ".join(
        f"{outcomes.count(k)} {label}" for k, label in labels.items() if k in outcomes))
    return 1 if "error" in outcomes else 0


def _parser():
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        description=f"Generate {NOTEBOOKS}/NN_topic.ipynb from {SOLUTIONS}/NN_topic.ipynb "
                    "(never overwrites a learner notebook someone has edited).")
    parser.add_argument("paths", nargs="*", help=f"solution notebooks (default: every {SOLUTIONS}/*.ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="list learner notebooks that are missing or out of date; write nothing; exit 1 if any")
    mode.add_argument("--force", action="store_true",
                      help="also replace edited learner notebooks, after saving a timestamped backup of each")
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder (default: this repository)")
    return parser


def main(argv=None):
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return build(args.root, args.paths, force=args.force, check=args.check)
    except NotebookError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
