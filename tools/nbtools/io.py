"""Reading and writing notebooks: one readable error per bad file, deterministic text, atomic writes."""

import os
import tempfile
from pathlib import Path

import nbformat

from .paths import ROOT, NotebookError, rel

__all__ = ["read_notebook", "ensure_cell_ids", "notebook_text", "write_notebook", "write_text_atomic"]


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
    ensure_cell_ids(nb)
    return nb


def ensure_cell_ids(nb):
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
