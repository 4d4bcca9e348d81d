"""Old names kept for one release: a warning that says what to call instead."""

import sys
import warnings


def warn_deprecated(old, new, why=""):
    """Warn that ``old`` is deprecated in favour of ``new`` (``why``: what changed), from the caller's caller."""
    warnings.warn(f"{old} is deprecated and will be removed in the next release; use {new} instead{why}.",
                  DeprecationWarning, stacklevel=3)


def renamed(module, old, new):
    """Return a thin alias ``old`` of function ``new`` in ``module`` (its ``__name__``) that warns when called."""
    def alias(*args, **kwargs):
        warn_deprecated(f"{module}.{old}", f"{module}.{new}")
        return getattr(sys.modules[module], new)(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__module__ = module
    alias.__doc__ = f"Deprecated: use {new}, the same function under its new name."
    return alias
