"""Pixels to ConvNets: the helper package every notebook imports.

    import labs
    labs.setup()

Submodules (loaded on first use, so `python -m labs.data` and a quick `import labs`
stay light): data, shapes, download, pretrained, plots, checks, quizzes, images, and
one module per algorithm the lessons build on.
"""

import importlib
import importlib.util

from .environment import environment_report, readiness_report, setup

SUBMODULES = ("checks", "config", "data", "download", "expect", "images", "plots", "pretrained", "quizzes", "shapes")

__all__ = ["setup", "environment_report", "readiness_report", *SUBMODULES]


def __getattr__(name):
    """Import a submodule the first time it is used: ``labs.data``, ``labs.knn``, ..."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'labs' has no attribute {name!r}")
