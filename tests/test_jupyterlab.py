"""`make lab` opens the course in JupyterLab on localhost, behind a token, with the extensions it needs."""

import json
import urllib.error
import urllib.request

import pytest
from lab_server import running_lab


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
    assert "jupyterlab-rise" in page and "@jupyter-widgets/jupyterlab-manager" in page
