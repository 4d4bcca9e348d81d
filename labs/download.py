"""Hash-verified, atomic downloads into the dataset cache.

A file is streamed to a temporary file in the destination folder, hashed as it
arrives, checked against the expected SHA-256 and only then moved into place
with ``os.replace``. Any failure (network error, interrupted transfer, wrong
hash) removes the temporary file, so the cache never holds a partial download.

Mirrors: set ``LABS_DATASET_MIRROR`` to a base URL (``http://...`` or
``file:///...``) that holds a copy of the Keras dataset cache
(``~/.keras/datasets``), e.g. a classroom server running
``python -m http.server`` in that folder. Every dataset file is then fetched
from ``<mirror>/<path inside the cache>`` (``<mirror>/mnist.npz``,
``<mirror>/fashion-mnist/train-images-idx3-ubyte.gz``) instead of its origin;
hashes are checked exactly as for the origin.
"""

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ._validate import require_bool, require_number, require_sha256, describe

__all__ = [
    "MIRROR_ENV",
    "DownloadError",
    "fetch_file",
    "compute_sha256",
    "verify_sha256",
    "resolve_url",
]

MIRROR_ENV = "LABS_DATASET_MIRROR"
CHUNK = 1 << 20
TIMEOUT = 60.0


class DownloadError(RuntimeError):
    """A download failed, was cut short, or did not match its expected hash."""

    def __init__(self, message, *, url=None, path=None):
        super().__init__(message)
        self.url = url
        self.path = path


def _require_path(path, name="path"):
    """Return ``path`` as a Path, or raise naming ``name`` (an int would be read as a file descriptor)."""
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise TypeError(f"{name} must be a file path (a str or pathlib.Path), got {describe(path)}.")
    return Path(path)


def _require_url(url, name="url"):
    """Return ``url`` if it is an http(s):// or file:// address, else raise naming ``name``."""
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a URL string such as 'https://...', got {describe(url)}.")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
        raise ValueError(f"{name} must start with http://, https:// or file://, got {url!r}.")
    return url


def compute_sha256(path):
    """Return the hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(_require_path(path), "rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path, sha256, fix):
    """Return ``path`` if its SHA-256 is ``sha256``, else raise a ValueError naming both and how to ``fix`` it."""
    path = _require_path(path)
    expected = require_sha256(sha256, "sha256")
    got = compute_sha256(path) if path.is_file() else "missing"
    if got != expected:
        raise ValueError(f"Refusing to read {path}: its sha256 is {got}, expected {expected}; {fix}")
    return path


def resolve_url(origin, relpath):
    """Return ``<LABS_DATASET_MIRROR>/<relpath>`` when a mirror is set, else ``origin``."""
    if not isinstance(origin, str):
        raise TypeError(f"origin must be a URL string, got {describe(origin)}.")
    if not isinstance(relpath, (str, os.PathLike)):
        raise TypeError(f"relpath must be a path inside the cache (a str), got {describe(relpath)}.")
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if not mirror:
        return origin
    return mirror.rstrip("/") + "/" + str(relpath).replace(os.sep, "/").lstrip("/")


def _accepted(sha256):
    """Return the accepted hashes as a tuple of lower-case strings."""
    if sha256 is not None and not isinstance(sha256, (str, tuple, list)):
        raise TypeError(f"sha256 must be a hex digest string or a tuple of them, got {type(sha256).__name__}.")
    hashes = (sha256,) if isinstance(sha256, str) else tuple(sha256 or ())
    if not any(hashes):
        raise ValueError(
            "sha256 is required: the course refuses to download a file it cannot verify. "
            "Pass the expected SHA-256 hex digest (see `sha256sum FILE`)."
        )
    return tuple(require_sha256(value, "sha256") for value in hashes)


def fetch_file(url, sha256, path, *, timeout=TIMEOUT, quiet=False):
    """Download ``url`` to ``path`` unless a copy with a matching hash is already there; return the path.

    sha256: the expected hex digest, or a tuple of accepted digests.
    A cached file whose hash does not match is removed and fetched again.
    Raises DownloadError (naming the URL, and expected vs got hash) on any failure.
    """
    url = _require_url(url)
    accepted = _accepted(sha256)
    path = _require_path(path)
    timeout = require_number(timeout, "timeout", above=0, hint=" (seconds)")
    quiet = require_bool(quiet, "quiet")
    if path.exists():
        if compute_sha256(path) in accepted:
            return path
        _say(quiet, f"{path} is corrupt or outdated (hash mismatch); removing it and downloading again.")
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    _say(quiet, f"Downloading {url} -> {path}")
    _download_verified(url, accepted, path, timeout)
    return path


def _say(quiet, message):
    """Print a progress line to stderr unless ``quiet``."""
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _download_verified(url, accepted, path, timeout):
    """Stream ``url`` into a temporary file next to ``path``, verify, then move it into place."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            got = _stream(url, out, timeout)
        if got not in accepted:
            raise DownloadError(
                f"Hash mismatch for {url}: expected sha256 {accepted[0]}, got {got}. "
                "The file was discarded; the server copy may be corrupt or a different version.",
                url=url, path=path,
            )
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _stream(url, out, timeout):
    """Copy ``url`` into the open file ``out``; return the SHA-256 of what was received."""
    digest = hashlib.sha256()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            expected = _content_length(response)
            for block in iter(lambda: response.read(CHUNK), b""):
                digest.update(block)
                out.write(block)
                received += len(block)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"Download of {url} failed: HTTP {error.code} {error.reason}.", url=url) from None
    except urllib.error.URLError as error:
        raise DownloadError(f"Could not reach {url}: {error.reason}.", url=url) from None
    except (OSError, ValueError, http.client.HTTPException) as error:  # timeouts, resets, IncompleteRead
        raise DownloadError(f"Download of {url} was interrupted: {type(error).__name__}: {error}.", url=url) from None
    if expected is not None and received != expected:
        raise DownloadError(
            f"Download of {url} was interrupted: got {received} of {expected} bytes.", url=url
        )
    return digest.hexdigest()


def _content_length(response):
    """Return the Content-Length header as an int, or None when absent or malformed."""
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
