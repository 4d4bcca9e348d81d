"""Repository-wide pytest setup for the nbval run over solutions/ (see `make test`)."""

import os
import sys
from pathlib import Path

import nbval.kernel

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
import notebook_rules  # noqa: E402

# nbval starts its kernels from this process: give them the environment
# tools/execute_notebooks.py stored the outputs with (hash seed, quiet TF, inline plots).
os.environ.update({k: v for k, v in notebook_rules.kernel_env().items() if k != "LABS_PROFILE"})
os.environ.pop("MPLBACKEND", None)


def _execute_like_jupyterlab(self, cell_input, allow_stdin=None):
    """Run a cell with store_history=True, as JupyterLab does.

    nbval 0.11 runs cells with store_history=False, and then IPython ignores a
    trailing `;` (nbval issue #194, IPython issue #14162): `plot(...);` would
    show an extra `<Axes ...>` line that a learner never sees. Running cells the
    way JupyterLab does makes nbval compare against what learners really get.
    """
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


nbval.kernel.RunningKernel.execute_cell_input = _execute_like_jupyterlab
