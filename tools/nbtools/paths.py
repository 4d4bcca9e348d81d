"""Where the course's notebooks live: solutions, learner notebooks and the build tool's backups."""

import datetime
import re
from pathlib import Path

__all__ = [
    "ROOT", "SOLUTIONS", "NOTEBOOKS", "NotebookError",
    "rel", "is_backup", "solution_paths", "learner_paths", "learner_path_for",
    "solution_path_for", "require_solution_path", "backup_path_for",
]

ROOT = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = "solutions"
NOTEBOOKS = "notebooks"
NAME_RE = re.compile(r"^\d{2}_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
BACKUP_RE = re.compile(r"\.backup-\d{8}-\d{6}(?:-\d+)?\.ipynb$")


class NotebookError(Exception):
    """A notebook or path the tools cannot use; the message names the file and the fix."""


def rel(path, root=ROOT):
    """Return ``path`` relative to ``root`` with forward slashes (or as given if outside)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def is_backup(path):
    """Return True for a backup the build tool made (``NN_topic.backup-YYYYmmdd-HHMMSS.ipynb``)."""
    return bool(BACKUP_RE.search(Path(path).name))


def solution_paths(root=ROOT):
    """Return every ``solutions/*.ipynb``, sorted."""
    return sorted((Path(root) / SOLUTIONS).glob("*.ipynb"))


def learner_paths(root=ROOT):
    """Return every ``notebooks/*.ipynb`` except the build tool's backups, sorted."""
    return sorted(p for p in (Path(root) / NOTEBOOKS).glob("*.ipynb") if not is_backup(p))


def learner_path_for(solution, root=ROOT):
    """Return the learner notebook generated from ``solution``."""
    return Path(root) / NOTEBOOKS / Path(solution).name


def solution_path_for(learner, root=ROOT):
    """Return the solution notebook a learner notebook is generated from."""
    return Path(root) / SOLUTIONS / Path(learner).name


def require_solution_path(path, root=ROOT):
    """Return ``path`` resolved if it is an existing ``solutions/NN_topic.ipynb``; else raise NotebookError."""
    path = Path(path).resolve()
    solutions = (Path(root) / SOLUTIONS).resolve()
    if not path.exists():
        raise NotebookError(f"{path}: no such file.")
    if path.suffix != ".ipynb":
        raise NotebookError(f"{path}: not a notebook (expected a .ipynb file in {SOLUTIONS}/).")
    if path.parent != solutions:
        hint = (f" {NOTEBOOKS}/ is generated from {SOLUTIONS}/: pass {SOLUTIONS}/{path.name} instead."
                if path.parent.name == NOTEBOOKS else "")
        raise NotebookError(f"{path}: only notebooks directly in {solutions} are course sources.{hint}")
    if not NAME_RE.match(path.name):
        raise NotebookError(f"{rel(path, root)}: solution notebooks are named NN_topic.ipynb "
                            "(two digits, underscore, lowercase words joined by underscores).")
    return path


def backup_path_for(path, now=None):
    """Return a free backup name next to ``path``: ``NN_topic.backup-YYYYmmdd-HHMMSS.ipynb``."""
    path = Path(path)
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate, n = path.with_name(f"{path.stem}.backup-{stamp}.ipynb"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{n}.ipynb")
    return candidate
