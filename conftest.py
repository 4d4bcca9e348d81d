"""Repository-wide pytest setup for the nbval run over solutions/ (see `make test`)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
import nbval_patch  # noqa: E402
from nbtools.kernel import kernel_env  # noqa: E402

# nbval starts its kernels from this process: give them the environment
# tools/execute_notebooks.py stored the outputs with (hash seed, quiet TF, inline plots).
os.environ.update({k: v for k, v in kernel_env().items() if k != "LABS_PROFILE"})
os.environ.pop("MPLBACKEND", None)


# Run cells as JupyterLab does (store_history=True), so a trailing `;` hides a value as learners
# see it; tests/test_nbval_patch.py checks that this private-API patch still applies and is needed.
nbval_patch.apply()
