"""Exercise checks: each ``check_*`` prints one ✅/❌ line and returns True/False.

One module per topic; every check is also available here, e.g. ``labs.checks.check_invert``.
"""

from . import augment, cnn, conv, features, finetune, images, knn, linear, nn, transfer, visualise
from .augment import *  # noqa: F401,F403
from .cnn import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check
from .features import *  # noqa: F401,F403
from .finetune import *  # noqa: F401,F403
from .images import *  # noqa: F401,F403
from .knn import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .transfer import *  # noqa: F401,F403
from .visualise import *  # noqa: F401,F403

TOPICS = (images, knn, linear, features, nn, conv, cnn, augment, transfer, finetune, visualise)

__all__ = ["CheckFailed", "call_learner", "compare_arrays", "compare_values", "run_check"]
__all__ += [name for topic in TOPICS for name in topic.__all__]
