"""tools/run_tests.py, the runner of make test: which parts run, where, and in what order."""

import shutil

import pytest

import run_tests
import test_notebooks


def _names(phases):
    return [[name for name, _, _ in phase] for phase in phases]


def test_every_check_runs_once_and_nbval_runs_after_the_perturbed_pass():
    for cores in (1, 2, 8):
        phases = run_tests.parts(cores)
        names = [name for phase in phases for name in _names([phase])[0]]
        assert sorted(names) == ["browser + nbval", "perturbed nbval", "unit tests"]
        assert names.index("perturbed nbval") < names.index("browser + nbval")
        assert _names(phases)[-1] == ["browser + nbval"]


@pytest.mark.skipif(not shutil.which("taskset"), reason="taskset pins the parts to cores")
def test_the_perturbed_pass_has_one_core_and_the_unit_tests_the_others():
    first, _ = run_tests.parts(4)
    (perturbed, perturbed_command, env), (unit, unit_command, _) = first
    assert perturbed_command[:3] == ["taskset", "-c", "0"] and unit_command[:3] == ["taskset", "-c", "1-3"]
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "0" and "X86_V4" in env["NPY_DISABLE_CPU_FEATURES"]
    assert "not browser" in unit_command and run_tests.LEARNER_RUN in unit_command
    assert run_tests.parts(2)[0][1][1][:3] == ["taskset", "-c", "1"]


def test_the_learner_run_the_runner_names_exists():
    path, name = run_tests.LEARNER_RUN.split("::")
    assert path == "tests/test_notebooks.py" and callable(getattr(test_notebooks, name))
