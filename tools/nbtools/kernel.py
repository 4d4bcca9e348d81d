"""Execution in a fresh kernel of this environment: its environment, per-cell timing, failures, stable outputs."""

import copy
import os
import re
import time
import uuid
from dataclasses import dataclass, field

from .cells import KERNELSPEC, VOLATILE_CELL_METADATA

__all__ = [
    "NOTEBOOK_BUDGET_S", "SERIES_BUDGET_S", "kernel_env", "CellFailure", "ExecutionResult",
    "execute_notebook", "strip_volatile_metadata", "stabilise_widget_ids",
]

NOTEBOOK_BUDGET_S = 90
SERIES_BUDGET_S = 15 * 60
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_NS = uuid.UUID("6f0c3a52-3a8e-4c55-9f57-2b7d6c1e0a11")


def kernel_env(profile="default", base=None):
    """Return the environment a notebook kernel runs with: fixed hash seed, quiet TF, inline plots."""
    env = dict(os.environ if base is None else base)
    env.update(PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3", PYDEVD_DISABLE_FILE_VALIDATION="1",
               LABS_PROFILE=profile)
    env.pop("MPLBACKEND", None)
    return env


@dataclass
class CellFailure:
    """Where and how a notebook failed."""

    cell: int  # 1-based; None when the kernel could not start
    ename: str
    evalue: str
    source: str = ""
    traceback: str = ""

    def describe(self, name):
        """Return a multi-line report naming the notebook and the cell."""
        if self.cell is None:
            return f"{name}: could not run: {self.ename}: {self.evalue}"
        head = self.source.strip().split("\n")[:6]
        lines = [f"{name}: cell {self.cell} raised {self.ename}: {self.evalue}", "  cell source:"]
        lines += [f"    {line}" for line in head]
        if self.traceback:
            lines += ["  traceback (last lines):"] + [f"    {line}" for line in self.traceback.split("\n")[-12:]]
        return "\n".join(lines)


@dataclass
class ExecutionResult:
    """An executed notebook, its compute seconds (sum over cells) and its failure, if any."""

    nb: object
    seconds: float = 0.0
    cell_seconds: dict = field(default_factory=dict)
    failure: CellFailure = None

    def slowest(self):
        """Return (cell number, seconds) of the slowest cell, or (None, 0.0)."""
        if not self.cell_seconds:
            return None, 0.0
        return max(self.cell_seconds.items(), key=lambda item: item[1])


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _current_env_kernel_manager():
    """Return an AsyncKernelManager class whose every kernel is this interpreter's ipykernel."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CurrentEnvSpecs(KernelSpecManager):
        """Resolve any kernel name to ``sys.executable -m ipykernel_launcher``."""

        def get_kernel_spec(self, kernel_name):
            """Return this environment's python3 kernel spec."""
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    class CurrentEnvKernelManager(AsyncKernelManager):
        """Kernel manager that always starts this environment's python3."""

        @default("kernel_spec_manager")
        def _default_specs(self):
            """Use CurrentEnvSpecs."""
            return CurrentEnvSpecs()

    return CurrentEnvKernelManager


def execute_notebook(nb, cwd, timeout=600, profile="default"):
    """Run a copy of ``nb`` top to bottom in a fresh kernel (cwd = ``cwd``) and return an ExecutionResult."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(nb)
    started, result, current = {}, ExecutionResult(nb), {"index": None}

    def on_start(cell, cell_index, **_):
        current["index"] = cell_index
        started[cell_index] = time.perf_counter()

    def on_done(cell, cell_index, **_):
        result.cell_seconds[cell_index + 1] = time.perf_counter() - started.pop(cell_index)

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=False, record_timing=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not the kernel's TCP notice on every start
        store_widget_state=False, kernel_manager_class=_current_env_kernel_manager(),
        resources={"metadata": {"path": str(cwd)}}, on_cell_execute=on_start, on_cell_executed=on_done)
    try:
        client.execute(env=kernel_env(profile))
    except CellExecutionError as error:
        result.failure = _failure(nb, current["index"], error.ename, error.evalue, str(error))
    except CellTimeoutError:
        result.failure = _failure(nb, current["index"], "CellTimeoutError", f"still running after {timeout} s")
    except DeadKernelError as error:
        result.failure = _failure(nb, current["index"], "DeadKernelError", str(error))
    except RuntimeError as error:  # the kernel did not start or answer
        result.failure = _failure(nb, None, type(error).__name__, str(error))
    result.seconds = sum(result.cell_seconds.values())
    return result


def _failure(nb, index, ename, evalue, traceback=""):
    """Build a CellFailure for the 0-based cell ``index``."""
    source = nb.cells[index].source if index is not None else ""
    text = _ANSI.sub("", traceback)
    number = index + 1 if index is not None else None
    return CellFailure(number, ename, _ANSI.sub("", str(evalue)), source, text.strip())


def strip_volatile_metadata(nb):
    """Remove per-run metadata (execution timestamps, widget state) in place; name the python3 kernel."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    return nb


def stabilise_widget_ids(nb, name):
    """Replace the random widget model ids in outputs with ids derived from ``name`` and their order."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(_WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                n += 1
                view["model_id"] = uuid.uuid5(_WIDGET_NS, f"{name}:{n}").hex
    return nb
