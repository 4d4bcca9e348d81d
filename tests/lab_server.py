"""Start JupyterLab for the tests the way `make lab` starts it: localhost, token auth, on a free port."""

import contextlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lab_recipe(makefile=ROOT / "Makefile"):
    """Return the command lines of the Makefile's `lab` target."""
    text = Path(makefile).read_text()
    match = re.search(r"^lab:.*\n((?:\t.*\n?)+)", text, re.MULTILINE)
    assert match, "the Makefile has no `lab:` target"
    return [line.strip() for line in match.group(1).splitlines()]


def make_lab_arguments(makefile=ROOT / "Makefile"):
    """Return the arguments the Makefile's `lab` target passes to `jupyter lab` (without $(ROOT_FLAG))."""
    lines = [line for line in _lab_recipe(makefile) if line.startswith("$(BIN)/jupyter lab ")]
    assert lines, "the Makefile's `lab:` target does not run $(BIN)/jupyter lab"
    return [arg for arg in shlex.split(lines[0].removeprefix("$(BIN)/jupyter lab ")) if arg != "$(ROOT_FLAG)"]


def make_lab_python_steps(makefile=ROOT / "Makefile"):
    """Return the `$(BIN)/python ...` steps the `lab` target runs before JupyterLab, as argument lists."""
    steps = []
    for line in _lab_recipe(makefile):
        if line.startswith("$(BIN)/jupyter lab "):
            break
        if line.startswith("$(BIN)/python "):
            steps.append(shlex.split(line.removeprefix("$(BIN)/python ")))
    return steps


@contextlib.contextmanager
def running_lab(workdir, extra_args=(), env=None, timeout=90):
    """Run JupyterLab as `make lab` does (from the course folder) and yield (base URL, token, runtime dir).

    workdir: a scratch folder for the log and Jupyter's runtime files. extra_args: test-only options.
    """
    workdir = Path(workdir)
    port, log, runtime = free_port(), workdir / "lab.log", workdir / "runtime"
    env = {**(os.environ if env is None else env), "JUPYTER_RUNTIME_DIR": str(runtime)}
    root_flag = ["--allow-root"] if os.geteuid() == 0 else []
    command = [sys.executable, "-m", "jupyterlab", *make_lab_arguments(), f"--port={port}", "--no-browser",
               *root_flag, *extra_args]
    for step in make_lab_python_steps():  # what `make lab` runs first (tools/stop_deck.py)
        subprocess.run([sys.executable, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            if match:
                yield f"http://127.0.0.1:{port}", match.group(1), runtime
                return
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not start ({' '.join(command)}):\n{log.read_text()[-2000:]}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def opened_url(runtime):
    """Return the address `make lab` opens in the browser (the file it was given), read from Jupyter's page."""
    pages = sorted(Path(runtime).glob("jpserver-file-to-run-*-open.html"))
    assert pages, f"JupyterLab wrote no page to open a file in {runtime}"
    match = re.search(r'url=(http[^"]+)"', pages[-1].read_text())
    assert match, f"no address in {pages[-1]}"
    return match.group(1)
