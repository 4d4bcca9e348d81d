"""nbval runs cells with store_history=False; we run them as JupyterLab does (store_history=True).

nbval 0.11 executes every cell with ``store_history=False``, and then IPython ignores a trailing
``;`` (nbval issue #194, IPython issue #14162): ``plot(...);`` would show an extra ``<Axes ...>``
line that a learner never sees. ``apply()`` replaces nbval's private ``RunningKernel.execute_cell_input``
so nbval compares against what learners really get. ``tests/test_nbval_patch.py`` fails loudly, in
one named test, when an nbval upgrade moves or changes that method, or when the patch is no longer needed.
"""

import inspect

import nbval.kernel

# nbval's own method, kept before apply() replaces it (the test runs it to show the patch is still needed).
ORIGINAL = getattr(nbval.kernel.RunningKernel, "execute_cell_input", None)


def execute_like_jupyterlab(self, cell_input, allow_stdin=None):
    """Run a cell with store_history=True, as JupyterLab does; return the request's message id."""
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


def problems():
    """Return why the patch would not apply to the installed nbval (an empty list when it does)."""
    if ORIGINAL is None:
        return ["nbval.kernel.RunningKernel has no execute_cell_input any more"]
    found, ours = inspect.signature(ORIGINAL), inspect.signature(execute_like_jupyterlab)
    if found != ours:
        return [f"RunningKernel.execute_cell_input{found} no longer has the signature we replace, {ours}"]
    if "store_history=False" not in inspect.getsource(ORIGINAL):
        return ["RunningKernel.execute_cell_input no longer passes store_history=False: is the patch still needed?"]
    return []


def apply():
    """Make nbval run cells as JupyterLab does (see the module docstring)."""
    nbval.kernel.RunningKernel.execute_cell_input = execute_like_jupyterlab
