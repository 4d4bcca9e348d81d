"""Exercise checks: each ``check_*`` prints one "✅ passed" / "❌ failed" line and returns True/False.

One module per topic; every check is also available here, e.g. ``labs.checks.check_invert``.
A topic module is imported the first time one of its checks is used, so notebook 00's
first check does not load TensorFlow.
"""

import ast
import importlib
from pathlib import Path

from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check

# The topic modules, in the order of the notebooks.
TOPIC_NAMES = ("images", "knn", "linear", "features", "nn", "conv", "cnn", "augment", "transfer", "finetune",
               "visualise", "capstone")


def _public_names(topic):
    """Return the ``__all__`` of topic module ``topic``, read from its source so that nothing is imported."""
    tree = ast.parse(Path(__file__).with_name(f"{topic}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__all__" for target in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise ImportError(f"labs/checks/{topic}.py has no literal __all__ = [...] naming its checks.")


_TOPIC_OF = {name: topic for topic in TOPIC_NAMES for name in _public_names(topic)}

# Old check names, kept until 2027-03-31 (a check is named after the function it checks).
_OLD_NAMES = {"check_l1_distance": "check_compute_l1_distance", "check_l2_distance": "check_compute_l2_distance",
              "check_distances_two_loops": "check_compute_distances_two_loops",
              "check_distances_one_loop": "check_compute_distances_one_loop",
              "check_distances_no_loops": "check_compute_distances_no_loops",
              "check_minibatches": "check_make_minibatches", "check_two_layer_loss": "check_compute_two_layer_loss",
              "check_conv_params": "check_compute_conv_params", "check_dense_params": "check_compute_dense_params",
              "check_output_size": "check_compute_output_size", "check_small_cnn": "check_make_small_cnn",
              "check_to_grayscale": "check_to_greyscale", "check_max_pool2d": "check_pool2d",
              "check_colour_histogram": "check_compute_colour_histogram", "check_early_stop": "check_compute_early_stop",
              "check_transfer_model": "check_make_transfer_model"}

__all__ = ["CheckFailed", "call_learner", "compare_arrays", "compare_values", "run_check", *_TOPIC_OF]


def __getattr__(name):
    """Import a topic module (``labs.checks.knn``) or the module of a check (``check_l2_distance``) on first use."""
    if name in TOPIC_NAMES:
        return importlib.import_module(f".{name}", __name__)
    if name in _TOPIC_OF:
        value = getattr(importlib.import_module(f".{_TOPIC_OF[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _OLD_NAMES:
        from .._deprecation import warn_deprecated

        warn_deprecated(f"labs.checks.{name}", f"labs.checks.{_OLD_NAMES[name]}", stacklevel=2)
        return __getattr__(_OLD_NAMES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    """List every check and topic module, loaded yet or not."""
    return sorted({*globals(), *__all__, *TOPIC_NAMES})
