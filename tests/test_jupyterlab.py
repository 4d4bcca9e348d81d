"""`make lab` opens the course in JupyterLab on localhost, behind a token, with the extensions it needs."""

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from lab_server import ROOT, make_lab_python_steps, running_lab
from stop_deck import PLUGIN, stop_deck


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start JupyterLab as `make lab` does (localhost, token auth), on a free port."""
    try:
        with running_lab(tmp_path_factory.mktemp("lab")) as (base, token, _):
            yield base, token
    except RuntimeError as error:
        pytest.fail(str(error))


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
    assert "jupyterlab-slideshow" in page and "@jupyter-widgets/jupyterlab-manager" in page
    assert "jupyterlab-rise" in page  # RISE still works where it is installed (its slides lose widgets)


# --------------------------------------------------------------------------- the deck's saved state


def _deck_settings(folder, text):
    path = folder / PLUGIN
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_make_lab_clears_a_deck_left_presenting_first():
    assert make_lab_python_steps() == [["tools/stop_deck.py"]]


def test_stop_deck_clears_active_and_keeps_the_other_settings(tmp_path):
    path = _deck_settings(tmp_path, '{\n  // written by JupyterLab\n  "active": true,\n  "showCodeCellPrompt": true,\n}')
    assert stop_deck(tmp_path) is True
    assert json.loads(path.read_text()) == {"active": False, "showCodeCellPrompt": True}
    assert stop_deck(tmp_path) is False  # nothing left to clear


@pytest.mark.parametrize("text", [None, "", '{"active": false}', '{"showCodeCellPrompt": true}'])
def test_stop_deck_leaves_a_deck_that_was_not_presenting_alone(tmp_path, text):
    path = None if text is None else _deck_settings(tmp_path, text)
    assert stop_deck(tmp_path) is False
    assert path is None or path.read_text() == text


def test_stop_deck_script_reads_jupyterlab_settings_dir(tmp_path):
    path = _deck_settings(tmp_path, '{"active": true}')
    env = {"JUPYTERLAB_SETTINGS_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run([sys.executable, "tools/stop_deck.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "ended while presenting" in done.stdout, done.stderr
    assert json.loads(path.read_text()) == {"active": False}
