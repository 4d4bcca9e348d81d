"""The one private-API patch of nbval (tools/nbval_patch.py, applied by the root conftest.py).

An nbval upgrade past the pin fails here, in one named test, instead of silently changing what
the notebook tests compare: the method must still exist with the signature we replace, and
nbval's own version must still show the value of a cell ending in ``;``, as learners never see it.
"""

import inspect
from queue import Empty

import nbval.kernel
import pytest

import nbval_patch


def _values_shown(execute, code, tmp_path):
    """Run ``code`` in a fresh kernel with ``execute`` (a RunningKernel.execute_cell_input); return its Out[] values."""
    kernel = nbval.kernel.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME, cwd=str(tmp_path), startup_timeout=120)
    try:
        msg_id = execute(kernel, code)
        kernel.await_reply(msg_id, timeout=60)
        shown = []
        while True:
            try:
                msg = kernel.get_message(stream="iopub", timeout=30)
            except Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "execute_result":
                shown.append(msg["content"]["data"]["text/plain"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        return shown
    finally:
        kernel.stop()


def test_nbval_patch_still_applies_and_is_still_needed(tmp_path):
    assert not nbval_patch.problems(), (
        f"nbval changed under tools/nbval_patch.py: {nbval_patch.problems()}. Read the new nbval's "
        "RunningKernel.execute_cell_input, then adapt the patch or drop it if nbval now runs cells like JupyterLab.")
    assert nbval.kernel.RunningKernel.execute_cell_input is nbval_patch.execute_like_jupyterlab, \
        "conftest.py did not apply the patch"
    assert inspect.signature(nbval_patch.ORIGINAL) == inspect.signature(nbval_patch.execute_like_jupyterlab)

    code = "value = 6 * 7\nvalue;"
    unpatched = _values_shown(nbval_patch.ORIGINAL, code, tmp_path)
    patched = _values_shown(nbval_patch.execute_like_jupyterlab, code, tmp_path)
    assert patched == [], f"with the patch a trailing ; must hide the value, as in JupyterLab; got {patched}"
    if unpatched == []:
        pytest.fail("nbval's own execute_cell_input now hides a value after a trailing ; as JupyterLab does: "
                    "the patch in tools/nbval_patch.py is no longer needed; remove it (and this test).")
    assert unpatched == ["42"]


def _execute_with_timeout(self, cell_input, allow_stdin=None, timeout=None):
    return self.kc.execute(cell_input, store_history=False, allow_stdin=allow_stdin)


def _execute_storing_history(self, cell_input, allow_stdin=None):
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin)


@pytest.mark.parametrize("upgraded, says", [
    (None, "has no execute_cell_input"),
    (_execute_with_timeout, "no longer has the signature"),
    (_execute_storing_history, "no longer passes store_history=False"),
])
def test_an_nbval_upgrade_that_breaks_the_patch_is_reported(monkeypatch, upgraded, says):
    monkeypatch.setattr(nbval_patch, "ORIGINAL", upgraded)
    assert any(says in problem for problem in nbval_patch.problems())
