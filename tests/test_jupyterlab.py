"""`make lab` opens the course in JupyterLab on localhost, behind a token, with the extensions it needs."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start JupyterLab as `make lab` does (localhost, token auth), on a free port."""
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(log.parent / "runtime")}
    root_flag = ["--allow-root"] if os.geteuid() == 0 else []
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--ip=127.0.0.1", f"--port={port}",
                                    "--no-browser", *root_flag, f"--ServerApp.root_dir={ROOT}"],
                                   stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            if match:
                yield f"http://127.0.0.1:{port}", match.group(1)
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-2000:]}")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_lab_needs_the_token(server):
    base, token = server
    assert _status(f"{base}/api/contents/notebooks")[0] == 403
    status, body = _status(f"{base}/api/contents/notebooks?token={token}")
    assert status == 200
    names = {item["name"] for item in json.loads(body)["content"]}
    assert "00_welcome.ipynb" in names


def test_lab_serves_widgets_and_slides_extensions(server):
    base, token = server
    status, body = _status(f"{base}/lab?token={token}")
    assert status == 200
    page = body.decode()
    assert "jupyterlab-rise" in page and "@jupyter-widgets/jupyterlab-manager" in page
