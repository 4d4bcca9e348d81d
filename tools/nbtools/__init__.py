"""The course's notebook toolchain, one room per concern; the tools and the tests import its modules.

- ``paths``: which files are solutions, learner notebooks and backups;
- ``io``: reading and writing notebooks deterministically (atomic writes);
- ``cells``: what a cell's metadata means (slide types, nbval tags, the kernel spec);
- ``learner``: a solution notebook turned into its learner notebook, and its fingerprint;
- ``rules``: the authoring rules every solution notebook follows (``find_rule_violations``);
- ``slides``: the slide structure nbconvert renders;
- ``kernel``: execution in a fresh kernel of this environment, with per-cell timing.

Import them from a script in ``tools/`` (``from nbtools.rules import find_rule_violations``) or,
in the tests, after putting ``tools/`` on ``sys.path`` (``tests/conftest.py`` does).
"""
