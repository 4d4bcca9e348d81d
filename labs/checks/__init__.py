"""Exercise checks: each ``check_*`` prints one ✅/❌ line and returns True/False."""

from .core import CheckFailed, call_learner, compare_arrays, compare_values, run_check
from .images import *  # noqa: F401,F403
from . import images

__all__ = ["CheckFailed", "call_learner", "compare_arrays", "compare_values", "run_check"]
__all__ += images.__all__
