"""A solution notebook turned into its learner notebook, and the fingerprint that tells it from an edited one.

Each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region of a code cell becomes
``raise NotImplementedError("Exercise: ...")`` at the marker's indentation, each
``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` region of a markdown cell a placeholder.
"""

import copy
import hashlib
import json
import re

import nbformat

from .cells import KERNELSPEC, SOLUTION_ONLY_NB_METADATA, SOLUTION_ONLY_TAGS, VOLATILE_CELL_METADATA
from .io import ensure_cell_ids
from .paths import NotebookError

__all__ = [
    "CODE_BEGIN", "CODE_END", "MD_BEGIN", "MD_END", "MD_PLACEHOLDER", "SolutionMarkerError",
    "has_solution_region", "strip_code_solutions", "strip_markdown_solutions", "make_learner_notebook",
    "compute_fingerprint", "stored_fingerprint", "is_unedited",
]

CODE_BEGIN, CODE_END = "# BEGIN SOLUTION", "# END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_PLACEHOLDER = "*Your answer here.*"
_CODE_LOOKALIKE = re.compile(r"#\s*(?:BEGIN|END)\s*SOLUTION", re.IGNORECASE)
_MD_LOOKALIKE = re.compile(r"<!--\s*(?:BEGIN|END)\s*SOLUTION", re.IGNORECASE)
_DEF_RE = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(")


class SolutionMarkerError(NotebookError):
    """Solution markers that are unbalanced, nested or misspelt."""


# --------------------------------------------------------------------------- stripping


def has_solution_region(source):
    """Return True if a code cell's source has a ``# BEGIN SOLUTION`` line."""
    return any(line.strip() == CODE_BEGIN for line in source.split("\n"))


def _marker(line, begin, end, lookalike, where, number):
    """Return 'begin', 'end' or None for one line; raise on a misspelt marker."""
    stripped = line.strip()
    if stripped == begin:
        return "begin"
    if stripped == end:
        return "end"
    visible = re.sub(r"`[^`]*`", "", line)  # inline code in prose may mention the markers
    hit = lookalike.search(visible)
    if hit and not re.search(r"['\"]", visible[:hit.start()]):
        raise SolutionMarkerError(
            f"{where}, line {number}: {stripped!r} looks like a solution marker but is not one; "
            f"write exactly {begin!r} or {end!r} alone on the line.")
    return None


def _regions(lines, begin, end, lookalike, where):
    """Yield (first, last) line indices of each solution region; raise if unbalanced or nested."""
    opened = None
    for i, line in enumerate(lines):
        kind = _marker(line, begin, end, lookalike, where, i + 1)
        if kind == "begin" and opened is not None:
            raise SolutionMarkerError(
                f"{where}, line {i + 1}: {begin!r} inside the region opened on line {opened + 1}; "
                f"regions cannot nest. Close the first with {end!r}.")
        if kind == "end" and opened is None:
            raise SolutionMarkerError(f"{where}, line {i + 1}: {end!r} without a {begin!r} before it.")
        if kind == "begin":
            opened = i
        elif kind == "end":
            yield opened, i
            opened = None
    if opened is not None:
        raise SolutionMarkerError(f"{where}, line {opened + 1}: {begin!r} is never closed by {end!r}.")


def _replace_regions(source, begin, end, lookalike, where, replacement):
    """Replace each region with ``replacement(lines, first)`` at the marker's indentation."""
    lines = source.split("\n")
    out, start = [], 0
    for first, last in list(_regions(lines, begin, end, lookalike, where)):
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        out += lines[start:first] + [indent + replacement(lines, first)]
        start = last + 1
    return "\n".join(out + lines[start:])


def _exercise_stub(lines, first):
    """Return the ``raise NotImplementedError(...)`` line for a region starting at ``first``."""
    indent = len(lines[first]) - len(lines[first].lstrip())
    for line in reversed(lines[:first]):
        match = _DEF_RE.match(line)
        if match and len(match.group(1)) < indent:
            what = f"complete {match.group(2)}() as its docstring describes"
            break
    else:
        what = "replace this line with your code"
    return f'raise NotImplementedError("Exercise: {what}, then run the check cell below.")'


def strip_code_solutions(source, where="cell"):
    """Replace each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region with a NotImplementedError stub."""
    return _replace_regions(source, CODE_BEGIN, CODE_END, _CODE_LOOKALIKE, where, _exercise_stub)


def strip_markdown_solutions(source, where="cell"):
    """Replace each ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` region with a placeholder."""
    return _replace_regions(source, MD_BEGIN, MD_END, _MD_LOOKALIKE, where, lambda *_: MD_PLACEHOLDER)


def _where(name, index, cell):
    """Describe a cell for messages: notebook, 1-based number and its first line."""
    first = next((line.strip() for line in cell.source.split("\n") if line.strip()), "")
    return f"{name}, cell {index} ({cell.cell_type}: {first[:50]!r})"


def _learner_cell_metadata(metadata):
    """Return cell metadata without volatile keys and solution-only tags."""
    kept = {k: copy.deepcopy(v) for k, v in metadata.items() if k not in VOLATILE_CELL_METADATA}
    if "tags" in kept:
        kept["tags"] = [t for t in kept["tags"] if t not in SOLUTION_ONLY_TAGS]
        if not kept["tags"]:
            del kept["tags"]
    return nbformat.from_dict(kept)


def make_learner_notebook(solution, generated_from):
    """Return the learner notebook for a solution notebook: regions stripped, outputs cleared, fingerprinted."""
    nb = copy.deepcopy(solution)
    ensure_cell_ids(nb)
    for index, cell in enumerate(nb.cells, 1):
        where = _where(generated_from, index, cell)
        if cell.cell_type == "code":
            cell.source = strip_code_solutions(cell.source, where)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = strip_markdown_solutions(cell.source, where)
        cell.metadata = _learner_cell_metadata(cell.metadata)
    for key in SOLUTION_ONLY_NB_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    nb.metadata["labs"] = {"generated_from": generated_from, "fingerprint": compute_fingerprint(nb.cells)}
    return nb


# --------------------------------------------------------------------------- fingerprints


def _canonical(value, key=None):
    """Return ``value`` with multi-line text given as a list of lines joined, as nbformat reads it."""
    if isinstance(value, dict):
        return {k: _canonical(v, "data" if key == "data" else k) for k, v in value.items()}
    if isinstance(value, list) and key in ("source", "text", "data") and all(isinstance(v, str) for v in value):
        return "".join(value)
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def compute_fingerprint(cells):
    """Return the sha256 of the cells' canonical JSON (sorted keys, compact, UTF-8)."""
    text = json.dumps(_canonical(list(cells)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_fingerprint(nb):
    """Return the fingerprint the build tool stored in ``metadata.labs``, or None."""
    labs = nb.metadata.get("labs")
    return labs.get("fingerprint") if isinstance(labs, dict) else None


def is_unedited(nb):
    """Return True if a learner notebook's cells are exactly what the build tool generated."""
    return stored_fingerprint(nb) == compute_fingerprint(nb.cells)
