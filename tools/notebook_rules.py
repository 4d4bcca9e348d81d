"""The course's notebook rules in one place, used by the tools and by the tests.

- paths: which files are solutions, learner notebooks and backups;
- stripping: turn a solution notebook into its learner notebook;
- fingerprints: tell a generated learner notebook from one someone has edited;
- reading and writing notebooks deterministically;
- the authoring rules every solution notebook must follow (slides, front matter,
  executed outputs, clean outputs) and the slide structure nbconvert renders;
- execution in a fresh kernel of this environment, with per-cell timing.

Import it from a script in ``tools/`` (``from notebook_rules import ...``) or, in
the tests, after putting ``tools/`` on ``sys.path`` (``tests/conftest.py`` does).
"""

import copy
import datetime
import hashlib
import html.parser
import json
import os
import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = [
    "ROOT", "KERNELSPEC", "SOLUTIONS", "NOTEBOOKS", "SLIDE_TYPES", "NOTEBOOK_BUDGET_S", "SERIES_BUDGET_S",
    "CODE_BEGIN", "CODE_END", "MD_BEGIN", "MD_END", "MD_PLACEHOLDER",
    "NotebookError", "SolutionMarkerError",
    "rel", "is_backup", "solution_paths", "learner_paths", "learner_path_for",
    "solution_path_for", "require_solution_path", "backup_path_for",
    "read_notebook", "notebook_text", "write_notebook", "write_text_atomic",
    "has_solution_region", "strip_code_solutions", "strip_markdown_solutions",
    "make_learner_notebook", "compute_fingerprint", "stored_fingerprint", "is_unedited",
    "check_slide_metadata", "check_instructor_notes", "check_front_matter", "check_exercises", "check_executed",
    "check_clean_outputs", "find_rule_violations",
    "slide_type", "render_slides", "count_slide_parts", "expected_slide_parts",
    "kernel_env", "ExecutionResult", "CellFailure", "execute_notebook",
    "strip_volatile_metadata", "stabilise_widget_ids",
]

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = "solutions"
NOTEBOOKS = "notebooks"
NAME_RE = re.compile(r"^\d{2}_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
BACKUP_RE = re.compile(r"\.backup-\d{8}-\d{6}(?:-\d+)?\.ipynb$")

# A cell without a slide type continues the current slide (nbconvert, RISE and jupyterlab-slideshow agree).
# "-" means the same to nbconvert and RISE, but jupyterlab-slideshow's deck drops such cells, so it is refused.
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes")
NOTEBOOK_BUDGET_S = 90
SERIES_BUDGET_S = 15 * 60

CODE_BEGIN, CODE_END = "# BEGIN SOLUTION", "# END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_PLACEHOLDER = "*Your answer here.*"
_CODE_LOOKALIKE = re.compile(r"#\s*(?:BEGIN|END)\s*SOLUTION", re.IGNORECASE)
_MD_LOOKALIKE = re.compile(r"<!--\s*(?:BEGIN|END)\s*SOLUTION", re.IGNORECASE)
_DEF_RE = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(")

# Tags that only mean something for the solution (the nbval run, authoring).
IGNORE_TAG = "nbval-ignore-output"
# An ignored cell whose output varies by machine and not by training: timings, progress, the machine report.
MACHINE_TAG = "machine-specific"
VERDICT_CALL = "labs.expect."  # a checked verdict line about a learned value (labs/expect.py)
SOLUTION_ONLY_TAGS = frozenset({"solution", IGNORE_TAG, MACHINE_TAG, "nbval-check-output", "nbval-skip"})
# Cell metadata that changes on every run and is never worth a diff.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")
# Notebook metadata that belongs to a run of the solution, not to the learner's copy.
SOLUTION_ONLY_NB_METADATA = ("widgets", "labs")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_NS = uuid.UUID("6f0c3a52-3a8e-4c55-9f57-2b7d6c1e0a11")


class NotebookError(Exception):
    """A notebook or path the tools cannot use; the message names the file and the fix."""


class SolutionMarkerError(NotebookError):
    """Solution markers that are unbalanced, nested or misspelt."""


# --------------------------------------------------------------------------- paths


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


# --------------------------------------------------------------------------- reading and writing


def read_notebook(path, root=ROOT):
    """Read a notebook (nbformat 4) or raise NotebookError saying what is wrong with the file."""
    path = Path(path)
    name = rel(path, root)
    if not path.is_file():
        raise NotebookError(f"{name}: no such file.")
    try:
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
    except UnicodeDecodeError:
        raise NotebookError(f"{name}: not a notebook (not UTF-8 text).") from None
    except Exception as error:  # nbformat raises several types for non-notebooks
        raise NotebookError(f"{name}: not a readable Jupyter notebook ({type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''}).") from None
    _ensure_cell_ids(nb)
    return nb


def _ensure_cell_ids(nb):
    """Upgrade to nbformat 4.5 with deterministic ids for cells that lack one."""
    if nb.nbformat_minor < 5:
        nb.nbformat_minor = 5
    taken = {c.get("id") for c in nb.cells}
    for i, cell in enumerate(nb.cells, 1):
        if not cell.get("id"):
            new = f"cell-{i}"
            while new in taken:
                new += "x"
            cell["id"] = new
            taken.add(new)


def notebook_text(nb, name="notebook"):
    """Return the exact text ``write_notebook`` stores: sorted keys, one-space indent, final newline."""
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        raise NotebookError(f"{name}: not a valid notebook: {error.message}") from None
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path):
    """Write ``nb`` to ``path`` atomically, exactly as ``notebook_text`` renders it."""
    write_text_atomic(path, notebook_text(nb, str(path)))


def _umask():
    """Return the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)  # mkstemp makes 0600; give notebooks the usual rw-r--r--
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    _ensure_cell_ids(nb)
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


# --------------------------------------------------------------------------- authoring rules


def check_slide_metadata(nb):
    """List problems with slide metadata: known types only (none = continue), first cell a slide, notes present."""
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        slideshow = cell.metadata.get("slideshow", {})
        if "slide_type" not in slideshow:
            continue
        kind = slideshow["slide_type"]
        if kind == "-":
            problems.append(f"cell {index}: metadata.slideshow.slide_type is '-'; remove it instead: a cell without "
                            "a slide type continues the slide, and the deck (jupyterlab-slideshow) drops '-' cells.")
        elif kind not in SLIDE_TYPES:
            problems.append(f"cell {index}: metadata.slideshow.slide_type is {kind!r}; "
                            f"expected one of {', '.join(SLIDE_TYPES)}, or none to continue the slide.")
    if nb.cells and slide_type(nb.cells[0]) != "slide":
        problems.append("cell 1: the first cell (the title) must have slide_type 'slide'.")
    if not any(slide_type(c) == "notes" for c in nb.cells):
        problems.append("no speaker notes: add at least one markdown cell with slide_type 'notes'.")
    return problems


NOTES_LABEL = "> **For instructors.**"
_INSTRUCTOR_LEAD = re.compile(r"\W*(?:for\s+)?instructors?\b", re.IGNORECASE)


def check_instructor_notes(nb):
    """List instructor notes that read like lesson text: each is a notes cell, one quote labelled 'For instructors'.

    In slides a notes cell is a speaker note; in the notebook a learner reads it, so it must look set
    apart: a markdown blockquote (every line starts with '>') that opens with NOTES_LABEL.
    """
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        text = cell.source.strip()
        if slide_type(cell) == "notes":
            if cell.cell_type != "markdown":
                problems.append(f"cell {index}: a notes cell must be markdown (instructor notes), "
                                f"not {cell.cell_type}.")
            elif not text.startswith(NOTES_LABEL) or any(not line.startswith(">")
                                                         for line in text.splitlines()):
                problems.append(f"cell {index}: instructor notes must be one blockquote that starts with "
                                f"{NOTES_LABEL!r} (every line starting with '>'), so a learner sees they are "
                                f"for instructors; it starts {text[:40]!r}.")
        elif cell.cell_type == "markdown" and _INSTRUCTOR_LEAD.match(text.lstrip("> *")):
            problems.append(f"cell {index}: this reads as an instructor note ({text[:40]!r}); give it slide_type "
                            f"'notes' and start it with {NOTES_LABEL!r}.")
    return problems


def slide_type(cell):
    """Return a cell's slide type, '-' when unset (the cell continues the current slide)."""
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _objective_bullets(text):
    """Count the first list after the 'Learning objectives' line (before the next heading)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "learning objectives" in line.lower())
    count = 0
    for line in lines[start + 1:]:
        if re.match(r"^(?:[-*+]|\d+[.)])\s+\S", line):
            count += 1
        elif count and line[:1].isspace() and line.strip():
            continue  # a wrapped line or a sub-bullet of the current objective
        elif count or line.lstrip().startswith("#"):
            break
    return count


def check_front_matter(nb):
    """List problems with the opening: objectives (3-5 bullets), estimated time, then labs.setup()."""
    problems = []
    first_md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first_md is None:
        return ["no markdown cell: the first one holds the title, objectives and estimated time."]
    text = first_md.source
    if "learning objectives" not in text.lower():
        problems.append("the first markdown cell has no 'Learning objectives'.")
    elif not 3 <= _objective_bullets(text) <= 5:
        problems.append(f"'Learning objectives' lists {_objective_bullets(text)} bullets; use 3 to 5.")
    if "estimated time" not in text.lower():
        problems.append("the first markdown cell has no 'Estimated time'.")
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first_code is None or "labs.setup(" not in first_code.source:
        problems.append("the first code cell must be the setup cell: import labs; labs.setup().")
    return problems


def check_exercises(nb):
    """List exercise cells whose next code cell is not a check (``check_...``)."""
    problems = []
    code = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for (index, cell), following in zip(code, code[1:] + [(None, None)]):
        if has_solution_region(cell.source) and (following[1] is None or "check_" not in following[1].source):
            problems.append(f"cell {index}: an exercise must be followed by a check cell "
                            "(labs.checks.check_xxx(my_function)).")
    return problems


def check_executed(nb):
    """List problems showing the solution was not run top to bottom in one kernel."""
    problems, expected = [], 1
    for index, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        if not cell.source.strip():
            problems.append(f"cell {index}: empty code cell; delete it.")
        elif cell.execution_count != expected:
            problems.append(f"cell {index}: execution_count is {cell.execution_count}, expected {expected}; "
                            "run tools/execute_notebooks.py --write on it.")
            break
        else:
            expected += 1
    return problems


def check_clean_outputs(nb):
    """List error outputs and warnings in stored outputs (cells tagged raises-exception may error)."""
    problems = []
    for index, cell in enumerate(nb.cells, 1):
        allowed_error = "raises-exception" in cell.metadata.get("tags", [])
        for out in cell.get("outputs", []):
            if out.output_type == "error" and not allowed_error:
                problems.append(f"cell {index}: stored error output {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr" and "warning" in out.text.lower():
                problems.append(f"cell {index}: a warning on stderr: {out.text.strip()[:200]!r}")
    return problems


def is_ignored(cell):
    """Return True if nbval ignores this code cell's output."""
    return cell.cell_type == "code" and IGNORE_TAG in cell.metadata.get("tags", [])


def check_ignored_outputs(nb):
    """List ignored cells that are neither machine-specific nor followed by a checked verdict.

    A cell showing a learned value (an accuracy, a history) is ignored by nbval; one of
    the next two code cells must then print a verdict with labs.expect, which nbval checks.
    Timings, progress and the machine report carry the machine-specific tag instead.
    """
    problems = []
    code = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for position, (index, cell) in enumerate(code):
        if not is_ignored(cell) or MACHINE_TAG in cell.metadata.get("tags", []):
            continue
        following = [c for _, c in code[position + 1:position + 3]]
        if not any(VERDICT_CALL in c.source and not is_ignored(c) for c in following):
            problems.append(f"cell {index}: its output is ignored by nbval, but neither of the next two code "
                            f"cells prints a checked verdict ({VERDICT_CALL}between/ordered); tag it "
                            f"{MACHINE_TAG!r} if it only shows timings or machine details.")
    return problems


def count_ignored(nb):
    """Return (ignored code cells, code cells) of a notebook."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    return sum(map(is_ignored, code)), len(code)


def find_rule_violations(nb):
    """Return every authoring-rule problem of a solution notebook (empty list when it is fine)."""
    return (check_slide_metadata(nb) + check_instructor_notes(nb) + check_front_matter(nb) + check_exercises(nb)
            + check_executed(nb) + check_clean_outputs(nb) + check_ignored_outputs(nb))


# --------------------------------------------------------------------------- slides


class _SectionCounter(html.parser.HTMLParser):
    """Count reveal.js sections by depth and speaker-notes asides."""

    def __init__(self):
        super().__init__()
        self.depth, self.by_depth, self.notes = 0, {}, 0

    def handle_starttag(self, tag, attrs):
        """Count a section at its depth or a notes aside."""
        if tag == "section":
            self.depth += 1
            self.by_depth[self.depth] = self.by_depth.get(self.depth, 0) + 1
        elif tag == "aside" and "notes" in (dict(attrs).get("class") or "").split():
            self.notes += 1

    def handle_endtag(self, tag):
        """Leave a section."""
        if tag == "section":
            self.depth -= 1


def render_slides(nb):
    """Render a notebook with nbconvert's SlidesExporter and return the HTML."""
    from nbconvert import SlidesExporter

    html_text, _ = SlidesExporter().from_notebook_node(nb)
    return html_text


def count_slide_parts(html_text):
    """Return {'slides', 'subslides', 'notes'} counted in reveal.js HTML (subslides include each slide's first)."""
    counter = _SectionCounter()
    counter.feed(html_text)
    return {"slides": counter.by_depth.get(1, 0), "subslides": counter.by_depth.get(2, 0),
            "notes": counter.notes}


def expected_slide_parts(nb):
    """Return the counts ``count_slide_parts`` should find for a notebook whose first cell is a slide."""
    types = [slide_type(c) for c in nb.cells]
    slides = types.count("slide")
    return {"slides": slides, "subslides": slides + types.count("subslide"), "notes": types.count("notes")}


# --------------------------------------------------------------------------- execution


def kernel_env(profile="default", base=None):
    """Return the environment a notebook kernel runs with: fixed hash seed, quiet TF, inline plots."""
    env = dict(os.environ if base is None else base)
    env.update(PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3", PYDEVD_DISABLE_FILE_VALIDATION="1",
               LABS_PROFILE=profile)
    env.pop("MPLBACKEND", None)
    return env


@dataclass
class CellFailure:
    """Where and how a notebook failed."""

    cell: int  # 1-based; None when the kernel could not start
    ename: str
    evalue: str
    source: str = ""
    traceback: str = ""

    def describe(self, name):
        """Return a multi-line report naming the notebook and the cell."""
        if self.cell is None:
            return f"{name}: could not run: {self.ename}: {self.evalue}"
        head = self.source.strip().split("\n")[:6]
        lines = [f"{name}: cell {self.cell} raised {self.ename}: {self.evalue}", "  cell source:"]
        lines += [f"    {line}" for line in head]
        if self.traceback:
            lines += ["  traceback (last lines):"] + [f"    {line}" for line in self.traceback.split("\n")[-12:]]
        return "\n".join(lines)


@dataclass
class ExecutionResult:
    """An executed notebook, its compute seconds (sum over cells) and its failure, if any."""

    nb: object
    seconds: float = 0.0
    cell_seconds: dict = field(default_factory=dict)
    failure: CellFailure = None

    def slowest(self):
        """Return (cell number, seconds) of the slowest cell, or (None, 0.0)."""
        if not self.cell_seconds:
            return None, 0.0
        return max(self.cell_seconds.items(), key=lambda item: item[1])


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _current_env_kernel_manager():
    """Return an AsyncKernelManager class whose every kernel is this interpreter's ipykernel."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CurrentEnvSpecs(KernelSpecManager):
        """Resolve any kernel name to ``sys.executable -m ipykernel_launcher``."""

        def get_kernel_spec(self, kernel_name):
            """Return this environment's python3 kernel spec."""
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    class CurrentEnvKernelManager(AsyncKernelManager):
        """Kernel manager that always starts this environment's python3."""

        @default("kernel_spec_manager")
        def _default_specs(self):
            """Use CurrentEnvSpecs."""
            return CurrentEnvSpecs()

    return CurrentEnvKernelManager


def execute_notebook(nb, cwd, timeout=600, profile="default"):
    """Run a copy of ``nb`` top to bottom in a fresh kernel (cwd = ``cwd``) and return an ExecutionResult."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(nb)
    started, result, current = {}, ExecutionResult(nb), {"index": None}

    def on_start(cell, cell_index, **_):
        current["index"] = cell_index
        started[cell_index] = time.perf_counter()

    def on_done(cell, cell_index, **_):
        result.cell_seconds[cell_index + 1] = time.perf_counter() - started.pop(cell_index)

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=False, record_timing=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not the kernel's TCP notice on every start
        store_widget_state=False, kernel_manager_class=_current_env_kernel_manager(),
        resources={"metadata": {"path": str(cwd)}}, on_cell_execute=on_start, on_cell_executed=on_done)
    try:
        client.execute(env=kernel_env(profile))
    except CellExecutionError as error:
        result.failure = _failure(nb, current["index"], error.ename, error.evalue, str(error))
    except CellTimeoutError:
        result.failure = _failure(nb, current["index"], "CellTimeoutError", f"still running after {timeout} s")
    except DeadKernelError as error:
        result.failure = _failure(nb, current["index"], "DeadKernelError", str(error))
    except RuntimeError as error:  # the kernel did not start or answer
        result.failure = _failure(nb, None, type(error).__name__, str(error))
    result.seconds = sum(result.cell_seconds.values())
    return result


def _failure(nb, index, ename, evalue, traceback=""):
    """Build a CellFailure for the 0-based cell ``index``."""
    source = nb.cells[index].source if index is not None else ""
    text = _ANSI.sub("", traceback)
    number = index + 1 if index is not None else None
    return CellFailure(number, ename, _ANSI.sub("", str(evalue)), source, text.strip())


def strip_volatile_metadata(nb):
    """Remove per-run metadata (execution timestamps, widget state) in place; name the python3 kernel."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    return nb


def stabilise_widget_ids(nb, name):
    """Replace the random widget model ids in outputs with ids derived from ``name`` and their order."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(_WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                n += 1
                view["model_id"] = uuid.uuid5(_WIDGET_NS, f"{name}:{n}").hex
    return nb


if __name__ == "__main__":  # pragma: no cover
    sys.exit("notebook_rules is a module: run tools/build_notebooks.py or tools/execute_notebooks.py.")
