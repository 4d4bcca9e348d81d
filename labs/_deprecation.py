"""Old names kept for one release: a warning that says what to call instead."""

import warnings


def warn_deprecated(old, new, why=""):
    """Warn that ``old`` is deprecated in favour of ``new`` (``why``: what changed), from the caller's caller."""
    warnings.warn(f"{old} is deprecated and will be removed in the next release; use {new} instead{why}.",
                  DeprecationWarning, stacklevel=3)
