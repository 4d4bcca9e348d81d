"""A dataset's files: found on this machine (cache, $LABS_DATA_DIR, operating-system packages), verified, else downloaded.

labs.data is the public side (load_dataset, status_table, fetch_dataset); a dataset's registry entry
(labs.data.REGISTRY) lists its files with their hashes.
"""

import os
from pathlib import Path

from . import config
from ._validate import require_sha256
from .download import MIRROR_ENV, DownloadError, compute_sha256, fetch_file, resolve_url

__all__ = ["DATA_DIR_ENV", "DatasetNotAvailable", "sha256_of", "candidates", "find_file", "accepted_hashes",
           "resolve_file"]

DATA_DIR_ENV = "LABS_DATA_DIR"


class DatasetNotAvailable(RuntimeError):
    """A dataset is neither bundled nor cached, and could not be downloaded."""


_HASHES = {}  # (path, size, mtime_ns) -> sha256, so a file is hashed once per process


def sha256_of(path):
    """Return the SHA-256 of ``path``, remembered while the file is unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        _HASHES[key] = compute_sha256(path)
    return _HASHES[key]


def candidates(name, spec, system_dirs=()):
    """Return the paths where ``spec`` may already be, in the order they are tried."""
    cache = config.data_cache_dir()
    paths = [cache / spec.relpath] + [cache / alias for alias in spec.aliases]
    extra = os.environ.get(DATA_DIR_ENV, "").strip()
    if extra:
        paths += [Path(extra).expanduser() / spec.relpath, Path(extra).expanduser() / spec.name]
    paths += [Path(folder) / spec.name for folder in system_dirs]
    return list(dict.fromkeys(paths))


def find_file(name, spec, accepted, system_dirs=()):
    """Return (path of a verified local copy or None, notes on every place looked)."""
    notes = []
    for path in candidates(name, spec, system_dirs):
        if not path.is_file():
            notes.append(f"{path}: not found")
            continue
        got = sha256_of(path)
        if got in accepted:
            return path, notes
        if accepted:
            notes.append(f"{path}: found, but its sha256 {got} does not match the expected {accepted[0]}")
        else:
            notes.append(f"{path}: found (sha256 {got}), but there is no verified hash to check it against")
    if not os.environ.get(DATA_DIR_ENV, "").strip():
        notes.append(f"${DATA_DIR_ENV}: not set")
    return None, notes


def accepted_hashes(spec, sha256):
    """Return the hashes a file may have: the registry's, or the one the user vouches for."""
    return tuple(spec.sha256) if sha256 is None else (require_sha256(sha256, "sha256"),)


def resolve_file(info, spec, download, accepted, system_dirs=()):
    """Return a verified path for one file, or raise DatasetNotAvailable explaining how to get it."""
    path, notes = find_file(info.name, spec, accepted, system_dirs)
    if path is not None:
        return path
    if not accepted:
        raise DatasetNotAvailable(_unverified_message(info, spec, notes)) from None
    if not download:
        raise DatasetNotAvailable(_missing_message(info, spec, accepted, notes, "download=False was given")) from None
    url = resolve_url(spec.url, spec.relpath)
    target = config.data_cache_dir() / spec.relpath
    try:
        return fetch_file(url, accepted, target)
    except (DownloadError, OSError) as error:
        if any(note.startswith(f"{target}: found") for note in notes) and not target.exists():
            notes.append(f"{target}: that corrupt copy was removed before downloading again")
        raise DatasetNotAvailable(_missing_message(info, spec, accepted, notes, f"download failed: {error}")) from None


def _missing_message(info, spec, accepted, notes, reason):
    """Explain which file is missing, where we looked, and the commands that fix it."""
    target = config.data_cache_dir() / spec.relpath
    fixes = list(info.fix_hints) + [
        f"when online, run: python -m labs.data fetch {info.name}",
        f"or copy {spec.name} (sha256 {accepted[0]}) to {target}",
        f"or set {MIRROR_ENV} to a server holding a copy of the Keras dataset cache",
    ]
    return _message(info, f"{spec.name} is missing ({str(reason).rstrip('.')}).", notes, fixes)


def _unverified_message(info, spec, notes):
    """Explain that no verified hash is recorded for ``spec`` and how to vouch for a copy."""
    fixes = [
        f"download {spec.url}, check it yourself, and pass its hash: "
        f"load_dataset({info.name!r}, sha256='<sha256sum of the file>')",
        f"or: python -m labs.data fetch {info.name} --sha256 <hex digest>",
    ]
    reason = (f"{spec.name} has no verified SHA-256 recorded in the course, "
              "and the course refuses to use data it cannot verify.")
    return _message(info, reason, notes, fixes)


def _message(info, reason, notes, fixes):
    """Assemble a DatasetNotAvailable message: what, where we looked, how to fix."""
    looked = "\n".join(f"  - {note}" for note in notes)
    todo = "\n".join(f"  - {fix}" for fix in fixes)
    return f"Dataset {info.name!r} is not available: {reason}\nLooked in:\n{looked}\nTo fix:\n{todo}"
