#!/usr/bin/env python3
"""Run the whole test suite as `make test` does: every check, with no core left idle.

    python tools/run_tests.py              # everything (make test; CI runs it on a fresh clone)
    python tools/run_tests.py perturbed    # only nbval in the perturbed setting (make nbval-perturbed)

The suite has four parts:

- **perturbed nbval**: every solution notebook run again and its checked outputs compared with the
  stored ones, with the float sums done in another order, as another CPU would: one core, TensorFlow's
  oneDNN kernels off, another OpenBLAS kernel, NumPy's widest SIMD paths off. Trained models' numbers
  then change (their cells are ignored); every checked output must not.
- **unit tests**: tests/ without the browser (labs, checks and mutants, tools, benchmarks' smoke
  profiles, notebook 12 on a learner's own folders, and — as root on Linux — the workshop server on
  loopback with three learners, tests/test_hub.py: about 4 minutes on its one core, a minute of it
  building the hub's environment the first time).
- **browser**: every learner notebook Run All in JupyterLab with Chromium (tests/test_browser.py); the
  kernel-only run of each learner notebook (tests/test_notebooks.py) where Chromium is missing.
- **nbval**: every solution notebook run and compared in this machine's own setting.

The perturbed run is pinned to one core by design, so on a machine with two cores or more it runs beside
the unit tests, which get the other cores; then the browser and nbval share every core. nbval thereby
runs after the perturbed pass: the checked outputs must also match on a second run in a row (no state
left behind by the first). Without `taskset` (macOS) or with one core, the parts run one after another.
Exits 1 if any part fails; prints each part's time at the end.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
         "-p", "no:cacheprovider"]
PERTURBED_ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell" if platform.machine() in ("x86_64", "AMD64") else "ARMV8",
}
LEARNER_RUN = "tests/test_notebooks.py::test_learner_notebook_runs_with_exercises_unsolved"

__all__ = ["parts", "main"]


def _pytest(*args):
    return [sys.executable, "-m", "pytest", *args]


def _pinned(command, cores):
    """Return ``command`` run on the given cores ("0", "1-3") with taskset, or as it is without taskset."""
    return ["taskset", "-c", cores, *command] if shutil.which("taskset") else command


def parts(num_cores=None):
    """Return the suite as phases: a list of phases, each a list of (name, command, extra environment)."""
    num_cores = num_cores or os.cpu_count() or 1
    rest = "1" if num_cores == 2 else f"1-{num_cores - 1}"
    perturbed = ("perturbed nbval", _pinned(_pytest("solutions", *NBVAL), "0"), PERTURBED_ENV)
    unit = ("unit tests", _pytest("tests", "-m", "not browser", "--deselect", LEARNER_RUN, "-p", "no:cacheprovider"),
            {})
    browser_and_nbval = ("browser + nbval", _pytest("tests/test_browser.py", LEARNER_RUN, "solutions", *NBVAL), {})
    if num_cores >= 2 and shutil.which("taskset"):
        unit = (unit[0], _pinned(unit[1], rest), unit[2])
        return [[perturbed, unit], [browser_and_nbval]]
    return [[perturbed], [unit], [browser_and_nbval]]


def _run_phase(phase, log_dir):
    """Run one phase's parts side by side: the first part's output goes to a log printed afterwards, the last
    part's to the terminal as it comes. Return [(name, seconds, return code)]."""
    running = []
    for index, (name, command, extra) in enumerate(phase):
        env = {**os.environ, **extra}
        if index < len(phase) - 1:
            log = open(log_dir / f"{name.replace(' ', '_')}.log", "w+")
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        else:
            log = None
            print(f"\n=== {name}: {' '.join(command)}", flush=True)
            process = subprocess.Popen(command, cwd=ROOT, env=env)
        running.append((name, command, process, log, time.perf_counter()))
    results = []
    for name, command, process, log, started in reversed(running):
        code = process.wait()
        results.append((name, time.perf_counter() - started, code))
        if log is not None:
            log.seek(0)
            print(f"\n=== {name} (run alongside, output kept until now): {' '.join(command)}", flush=True)
            sys.stdout.write(log.read())
            log.close()
    return results[::-1]


def main(argv=None):
    """Run the suite (or only the perturbed nbval); return 0 if every part passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=("all", "perturbed"), default="all")
    options = parser.parse_args(argv)
    phases = parts()
    if options.what == "perturbed":
        phases = [[phases[0][0]]]
    started, results = time.perf_counter(), []
    with tempfile.TemporaryDirectory(prefix="labs-tests-") as log_dir:
        for phase in phases:
            results += _run_phase(phase, Path(log_dir))
    print("\npart                 seconds  result")
    for name, seconds, code in results:
        print(f"{name:<20} {seconds:7.0f}  {'passed' if code == 0 else f'FAILED (exit {code})'}")
    print(f"{'total':<20} {time.perf_counter() - started:7.0f}")
    return 0 if all(code == 0 for _, _, code in results) else 1


if __name__ == "__main__":
    sys.exit(main())
