"""What a cell's metadata means: its slide type, the nbval tags, and the kernel a notebook names."""

__all__ = [
    "SLIDE_TYPES", "IGNORE_TAG", "MACHINE_TAG", "SOLUTION_ONLY_TAGS", "VOLATILE_CELL_METADATA",
    "SOLUTION_ONLY_NB_METADATA", "KERNELSPEC", "slide_type", "is_ignored", "count_ignored",
]

# A cell without a slide type continues the current slide (nbconvert, RISE and jupyterlab-slideshow agree).
# "-" means the same to nbconvert and RISE, but jupyterlab-slideshow's deck drops such cells, so it is refused.
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes")

# Tags that only mean something for the solution (the nbval run, authoring).
IGNORE_TAG = "nbval-ignore-output"
# An ignored cell whose output varies by machine and not by training: timings, progress, the machine report.
MACHINE_TAG = "machine-specific"
SOLUTION_ONLY_TAGS = frozenset({"solution", IGNORE_TAG, MACHINE_TAG, "nbval-check-output", "nbval-skip"})
# Cell metadata that changes on every run and is never worth a diff.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")
# Notebook metadata that belongs to a run of the solution, not to the learner's copy.
SOLUTION_ONLY_NB_METADATA = ("widgets", "labs")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def slide_type(cell):
    """Return a cell's slide type, '-' when unset (the cell continues the current slide)."""
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def is_ignored(cell):
    """Return True if nbval ignores this code cell's output."""
    return cell.cell_type == "code" and IGNORE_TAG in cell.metadata.get("tags", [])


def count_ignored(nb):
    """Return (ignored code cells, code cells) of a notebook."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    return sum(map(is_ignored, code)), len(code)
