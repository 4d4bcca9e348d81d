"""Setting up a notebook (seeds, plots, quiet logs) and reporting what this machine has."""

import importlib
import os
import platform
import random
import sys

import numpy as np

from . import config
from ._keras import import_keras
from ._status import AVAILABLE, MISSING, NOT_READY, READY, status_line

__all__ = ["setup", "environment_report", "readiness_report", "PACKAGES"]

# The packages whose versions the report shows, in the order a reader cares about.
PACKAGES = ("numpy", "scipy", "matplotlib", "sklearn", "skimage", "keras", "tensorflow",
            "ipywidgets", "mlxtend", "pandas")

PLOT_DEFAULTS = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 72,            # small PNGs keep the notebooks light
    "image.cmap": "gray",         # greyscale images look like themselves
    "image.interpolation": "nearest",  # show pixels as pixels
    "axes.titlesize": 11,
    "axes.labelsize": 10,
}


def setup(seed=config.SEED):
    """Seed Python, NumPy and Keras; set plotting defaults; quiet TensorFlow's logs."""
    seed = _require_seed(seed)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    random.seed(seed)
    np.random.seed(seed)
    keras = import_keras()
    keras.utils.set_random_seed(seed)
    _set_plot_defaults()
    from . import training, widgets  # the progress bar labs.training.ProgressBar shows in notebooks

    training.register_notebook_bar(widgets.TrainingBar)


def _require_seed(seed):
    """Return ``seed`` as an int, or raise a clear error."""
    from ._validate import require_int

    return require_int(seed, "seed", minimum=0, maximum=2**32 - 1)


def _set_plot_defaults():
    """Apply the course's matplotlib defaults."""
    import matplotlib as mpl

    mpl.rcParams.update(PLOT_DEFAULTS)


def _version(package):
    """Return the installed version of ``package``, or 'missing'."""
    try:
        return importlib.import_module(package).__version__
    except ImportError:
        return "missing"


def _gpus():
    """Return the names of the GPUs TensorFlow can use (empty on a CPU laptop)."""
    import_keras()  # imports TensorFlow with its start-up messages silenced
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def _cpu_cores():
    """Return the number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def environment_report():
    """Return a text report: Python and package versions, CPU/GPU, profile, offline datasets."""
    from . import data

    gpus = _gpus()
    lines = [f"{'Python':<14}{platform.python_version()}"]
    lines += [f"{name:<14}{_version(name)}" for name in PACKAGES]
    lines += [
        f"{'CPU cores':<14}{_cpu_cores()}",
        f"{'GPU':<14}{', '.join(gpus) if gpus else 'none (CPU only — the course is designed for this)'}",
        f"{'profile':<14}{config.profile()}",
        "",
        "Datasets available offline right now:",
    ]
    for name, ready in data.available_offline().items():
        lines.append("  " + status_line(AVAILABLE if ready else MISSING, name))
    return "\n".join(lines)


def readiness_report():
    """Return one "✅ ready" / "❌ not ready" line per thing the default profile needs; the same on any ready machine."""
    from . import data

    checks = [("Python 3.11 or newer", sys.version_info >= (3, 11))]
    checks += [(f"{name} installed", _version(name) != "missing") for name in PACKAGES]
    offline = data.available_offline()
    needed = [name for name, entry in data.REGISTRY.items() if entry.offline in ("bundled", "generated")]
    checks += [(f"dataset {name} available offline", offline.get(name, False)) for name in needed]
    return "\n".join(status_line(READY if ok else NOT_READY, what) for what, ok in checks)
