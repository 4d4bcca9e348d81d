"""Repository-wide pytest setup for the nbval run over solutions/ (see `make test`)."""

import nbval.kernel


def _execute_like_jupyterlab(self, cell_input, allow_stdin=None):
    """Run a cell with store_history=True, as JupyterLab does.

    nbval 0.11 runs cells with store_history=False, and then IPython ignores a
    trailing `;` (nbval issue #194, IPython issue #14162): `plot(...);` would
    show an extra `<Axes ...>` line that a learner never sees. Running cells the
    way JupyterLab does makes nbval compare against what learners really get.
    """
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


nbval.kernel.RunningKernel.execute_cell_input = _execute_like_jupyterlab
