"""Course-wide settings read from the environment: profile, seed, data folders."""

import os
from pathlib import Path

__all__ = ["PROFILES", "profile", "is_full", "keras_home", "data_cache_dir", "SEED"]

PROFILES = ("default", "full")


def _seed_from_env(default=42):
    """Return $LABS_SEED as an int (benchmarks/bands.py varies it), else ``default``."""
    text = os.environ.get("LABS_SEED", "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) >= 2**32:
        raise ValueError(f"LABS_SEED must be a whole number from 0 to 2**32 - 1, got {text!r}. Unset it for 42.")
    return int(text)


SEED = _seed_from_env()  # every notebook's seed: 42 unless LABS_SEED says otherwise


def profile():
    """Return the active profile: 'default' (workshop, CI) or 'full' (LABS_PROFILE=full)."""
    name = os.environ.get("LABS_PROFILE", "default").strip().lower() or "default"
    if name not in PROFILES:
        raise ValueError(
            f"LABS_PROFILE must be one of {PROFILES}, got {name!r}. "
            "Unset it for the workshop profile or set LABS_PROFILE=full."
        )
    return name


def is_full():
    """Return True when the bigger experiments of the 'full' profile should run."""
    return profile() == "full"


def keras_home():
    """Return Keras' home folder (KERAS_HOME, else ~/.keras), the standard dataset cache root."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()


def data_cache_dir():
    """Return the folder where downloaded datasets are cached (Keras' own ``datasets`` folder)."""
    return keras_home() / "datasets"
