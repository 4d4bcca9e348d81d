"""labs.download against a real HTTP server on 127.0.0.1 and file:// URLs."""

import hashlib
import http.server
import socket
import threading

import pytest

from labs import download
from labs.download import DownloadError, compute_sha256, fetch_file, resolve_url

pytestmark = pytest.mark.network

TIMEOUT = 5  # seconds; every server here is local, so this only bounds a broken test

BODY = bytes(range(256)) * 4000  # ~1 MB: several read chunks
BODY_SHA = hashlib.sha256(BODY).hexdigest()
WRONG_SHA = "0" * 64


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serve the server's ``routes``: path -> (status, body, declared Content-Length or None)."""

    def do_GET(self):
        self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
        status, body, declared = self.server.routes.get(self.path, (404, b"not here", None))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if declared is None else declared))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True  # with a larger declared length: an interrupted transfer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def _running_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(_running_server):
    """A loopback server with fresh routes and hit counts; ``server.url(path)`` gives a URL."""
    _running_server.routes = {"/data.bin": (200, BODY, None)}
    _running_server.hits = {}
    host, port = _running_server.server_address
    _running_server.url = lambda path: f"http://{host}:{port}{path}"
    return _running_server


@pytest.fixture
def closed_port():
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _leftovers(folder):
    """Return the names of every file in ``folder`` (temporary files included)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fresh_download_is_verified_and_atomic(server, tmp_path):
    target = tmp_path / "cache" / "data.bin"
    path = fetch_file(server.url("/data.bin"), BODY_SHA, target, timeout=TIMEOUT, quiet=True)
    assert path == target
    assert target.read_bytes() == BODY
    assert _leftovers(target.parent) == ["data.bin"]


def test_cached_file_is_reused_without_contacting_the_server(server, tmp_path):
    target = tmp_path / "data.bin"
    fetch_file(server.url("/data.bin"), BODY_SHA, target, timeout=TIMEOUT, quiet=True)
    fetch_file(server.url("/data.bin"), BODY_SHA, target, timeout=TIMEOUT, quiet=True)
    assert server.hits == {"/data.bin": 1}


def test_corrupt_cached_file_is_fetched_again(server, tmp_path, capsys):
    target = tmp_path / "data.bin"
    target.write_bytes(BODY[:1000])  # a partial copy left by some earlier tool
    fetch_file(server.url("/data.bin"), BODY_SHA, target, timeout=TIMEOUT)
    assert target.read_bytes() == BODY
    assert server.hits == {"/data.bin": 1}
    assert "hash mismatch" in capsys.readouterr().err


def test_any_of_several_accepted_hashes_is_enough(server, tmp_path):
    target = tmp_path / "data.bin"
    fetch_file(server.url("/data.bin"), (WRONG_SHA, BODY_SHA), target, timeout=TIMEOUT, quiet=True)
    assert target.read_bytes() == BODY


def test_wrong_hash_raises_and_leaves_nothing(server, tmp_path):
    url = server.url("/data.bin")
    with pytest.raises(DownloadError) as info:
        fetch_file(url, WRONG_SHA, tmp_path / "data.bin", timeout=TIMEOUT, quiet=True)
    message = str(info.value)
    assert url in message and WRONG_SHA in message and BODY_SHA in message
    assert _leftovers(tmp_path) == []


def test_interrupted_transfer_raises_and_leaves_nothing(server, tmp_path):
    server.routes["/short.bin"] = (200, BODY[:5000], len(BODY))  # promises 1 MB, sends 5 kB, hangs up
    url = server.url("/short.bin")
    with pytest.raises(DownloadError, match="interrupted") as info:
        fetch_file(url, BODY_SHA, tmp_path / "short.bin", timeout=TIMEOUT, quiet=True)
    assert url in str(info.value)
    assert _leftovers(tmp_path) == []


def test_http_404_raises_a_clear_error(server, tmp_path):
    url = server.url("/missing.bin")
    with pytest.raises(DownloadError, match="HTTP 404") as info:
        fetch_file(url, BODY_SHA, tmp_path / "missing.bin", timeout=TIMEOUT, quiet=True)
    assert url in str(info.value)
    assert info.value.url == url
    assert _leftovers(tmp_path) == []


def test_unreachable_server_raises_a_clear_error(closed_port, tmp_path):
    url = f"http://127.0.0.1:{closed_port}/data.bin"
    with pytest.raises(DownloadError, match="Could not reach") as info:
        fetch_file(url, BODY_SHA, tmp_path / "data.bin", timeout=TIMEOUT, quiet=True)
    assert url in str(info.value)
    assert _leftovers(tmp_path) == []


def test_corrupt_cached_file_is_removed_even_when_the_fetch_fails(closed_port, tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"garbage")
    with pytest.raises(DownloadError):
        fetch_file(f"http://127.0.0.1:{closed_port}/data.bin", BODY_SHA, target, timeout=TIMEOUT, quiet=True)
    assert _leftovers(tmp_path) == []


def test_file_urls_work_like_http(tmp_path):
    source = tmp_path / "mirror" / "data.bin"
    source.parent.mkdir()
    source.write_bytes(BODY)
    target = tmp_path / "cache" / "data.bin"
    fetch_file(source.as_uri(), BODY_SHA, target, quiet=True)
    assert target.read_bytes() == BODY


def test_missing_file_url_raises_a_clear_error(tmp_path):
    url = (tmp_path / "nowhere.bin").as_uri()
    with pytest.raises(DownloadError, match="Could not reach") as info:
        fetch_file(url, BODY_SHA, tmp_path / "cache" / "nowhere.bin", quiet=True)
    assert url in str(info.value)
    assert _leftovers(tmp_path / "cache") == []


@pytest.mark.parametrize("sha256", [None, "", (), "abc", "g" * 64])
def test_fetch_refuses_a_missing_or_malformed_hash(sha256, tmp_path):
    with pytest.raises(ValueError, match="sha256"):
        fetch_file("http://127.0.0.1:1/x", sha256, tmp_path / "x", quiet=True)
    assert _leftovers(tmp_path) == []


def test_fetch_rejects_a_hash_of_the_wrong_type(tmp_path):
    with pytest.raises(TypeError, match="sha256"):
        fetch_file("http://127.0.0.1:1/x", 123, tmp_path / "x", quiet=True)


def test_compute_sha256_matches_hashlib(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(BODY)
    assert compute_sha256(path) == BODY_SHA


def test_mirror_replaces_the_origin(monkeypatch):
    origin = "https://example.org/datasets/mnist.npz"
    monkeypatch.delenv(download.MIRROR_ENV, raising=False)
    assert resolve_url(origin, "mnist.npz") == origin
    monkeypatch.setenv(download.MIRROR_ENV, "http://10.0.0.5:8000/keras/")
    assert resolve_url(origin, "fashion-mnist/t10k-labels-idx1-ubyte.gz") == \
        "http://10.0.0.5:8000/keras/fashion-mnist/t10k-labels-idx1-ubyte.gz"
