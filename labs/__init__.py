"""Pixels to ConvNets: the helper package every notebook imports.

    import labs
    labs.setup()

Submodules (loaded on first use, so `python -m labs.data` and a quick `import labs`
stay light): data, folders, shapes, download, pretrained, plots, checks, quizzes, expect, and
one module per topic the lessons build on (images, knn, linear, features, nn, conv, ...).
"""

import importlib
import importlib.util

from .environment import environment_report, readiness_report, setup

# Every public module, in the order of the course: tab completion on ``labs.`` shows them all.
SUBMODULES = (
    "config", "environment", "data", "folders", "shapes", "demo", "download", "pretrained",  # set-up and data
    "images", "knn", "knn_tuning", "activations", "gradcheck", "linear", "features", "nn", "conv", "kernels", "models",
    "training", "augment", "overfitting", "transfer", "saving", "inspection", "attribution", "cues", "drawing",  # topics
    "plots", "widgets", "checks", "quizzes", "expect",  # figures, widgets, exercise checks, quizzes, verdicts
)

# Old homes whose names moved to other rooms: still importable until 2027-03-31, each name warning, but not shown.
DEPRECATED_SUBMODULES = ("visualise",)

__all__ = ["setup", "environment_report", "readiness_report", *SUBMODULES]


def __getattr__(name):
    """Import a submodule the first time it is used: ``labs.data``, ``labs.knn``, ..."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'labs' has no attribute {name!r}")


def __dir__():
    """List the course (every public function and submodule) for tab completion, whether loaded yet or not."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
