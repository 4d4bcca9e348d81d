"""Old names kept until REMOVAL_DATE: a warning that says what to call instead, and when the old name goes."""

import importlib
import sys
import warnings

# The old names of labs (listed at the end of each room) are removed after this date; a test fails once it
# has passed, so they cannot outstay it.
REMOVAL_DATE = "2027-03-31"


def warn_deprecated(old, new, why="", stacklevel=3):
    """Warn that ``old`` is deprecated in favour of ``new`` (``why``: what changed), from the caller's caller."""
    warnings.warn(f"{old} is deprecated and will be removed after {REMOVAL_DATE}; use {new} instead{why}.",
                  DeprecationWarning, stacklevel=stacklevel)


def renamed(module, old, new):
    """Return a thin alias ``old`` of function ``new`` in ``module`` (its ``__name__``) that warns when called."""
    def alias(*args, **kwargs):
        warn_deprecated(f"{module}.{old}", f"{module}.{new}")
        return getattr(sys.modules[module], new)(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__module__ = module
    alias.__doc__ = f"Deprecated: use {new}, the same function under its new name."
    return alias


def moved(module, names, new_module):
    """Return a module ``__getattr__`` that still serves ``names`` (moved to ``new_module``) until REMOVAL_DATE.

    names: the moved names, or {old name: its name in new_module} for those renamed as they moved.
    The moved function is the same; the old attribute warns on use and says where it lives now.
    """
    return moved_to_rooms(module, {new_module: names})


def moved_to_rooms(module, rooms):
    """Return a module ``__getattr__`` for names moved from ``module`` to several rooms: {new module: names}."""
    places = {}
    for room, names in rooms.items():
        new_names = dict(names) if isinstance(names, dict) else {name: name for name in names}
        places.update({old: f"{room}.{new}" for old, new in new_names.items()})
    return relocated(module, places)


def renamed_arguments(function, old, renames, **current):
    """Return the values of ``current`` (in order), taking any old keyword in ``old`` (renames: old -> new name).

    An old keyword still works until REMOVAL_DATE and warns; a keyword that never existed is refused.
    """
    for name, value in old.items():
        if name not in renames:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}.")
        warn_deprecated(f"{function}({name}=...)", f"{function}({renames[name]}=...)", stacklevel=4)
        current[renames[name]] = value
    return tuple(current.values())


def relocated(module, places, fallback=None):
    """Return a module ``__getattr__`` serving old names that now live elsewhere, until REMOVAL_DATE.

    places: {old name: "labs.room.name"} (the same object, found there), or {old name: (what to use
    instead, a function returning the object)} when the old name's contract differs. fallback(name)
    serves any other attribute (or raises AttributeError).
    """
    def __getattr__(name):
        if name not in places:
            if fallback is not None:
                return fallback(name)
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        place = places[name]
        instead, getter = (place, None) if isinstance(place, str) else place
        warnings.warn(f"{module}.{name} has moved and will be removed from {module} after {REMOVAL_DATE}; "
                      f"use {instead} instead.", DeprecationWarning, stacklevel=2)
        if getter is not None:
            return getter()
        new_module, _, attribute = instead.rpartition(".")
        return getattr(importlib.import_module(new_module), attribute)

    return __getattr__
