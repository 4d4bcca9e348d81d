#!/usr/bin/env python3
"""Check that requirements.txt installs from wheels on every platform the README promises, and not on Intel Macs.

    python tools/check_platforms.py            # a table: platform, Python, resolves or why not; exit 1 if a promise breaks

pip resolves the pinned requirements for each platform without installing anything
(``pip install --dry-run --only-binary=:all: --platform ... --python-version ...``): a learner on that
platform gets prebuilt wheels, with no compiler. macOS on Intel is listed apart: TensorFlow's last
Intel-Mac wheel is 2.16.2, so the README sends those learners to the workshop server or a Linux machine,
and this check keeps that sentence true (it fails if an Intel-Mac wheel of our TensorFlow appears).
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "3.11"  # the README's Python


def _manylinux(arch):
    """Return the manylinux tags a current Linux on ``arch`` accepts (glibc 2.17 to 2.28)."""
    return [f"manylinux_2_{minor}_{arch}" for minor in range(17, 29)] + [f"manylinux2014_{arch}"]


# name -> the wheel tags such a machine accepts (pip matches them exactly, so every compatible tag is listed)
PROMISED = {
    "Linux x86_64": _manylinux("x86_64"),
    "Linux aarch64 (ARM)": _manylinux("aarch64"),
    "macOS on Apple silicon": [f"macosx_{major}_0_arm64" for major in range(11, 16)],
    "Windows x86_64": ["win_amd64"],
}
NOT_PROMISED = {"macOS on Intel": [f"macosx_10_{minor}_x86_64" for minor in (9, 13, 15)]
                + [f"macosx_{major}_0_x86_64" for major in range(11, 16)]}


def resolve(tags, python=PYTHON, requirements=ROOT / "requirements.txt"):
    """Return (True, "") when pip finds wheels for every requirement on a machine with these tags, else (False, why)."""
    with tempfile.TemporaryDirectory() as target:
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--only-binary=:all:",
                   "--ignore-installed", "--target", target, "--python-version", python, "-r", str(requirements)]
        for tag in tags:
            command += ["--platform", tag]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    return done.returncode == 0, (errors[0] if errors else done.stderr.strip()[-300:])


def main(argv=None):
    """Print one line per platform; return 1 if a promised platform does not resolve or Intel Macs do."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    broken = False
    for name, tags in {**PROMISED, **NOT_PROMISED}.items():
        ok, why = resolve(tags)
        promised = name in PROMISED
        verdict = "wheels for every requirement" if ok else f"no: {why}"
        print(f"{name:<24} Python {PYTHON}  {verdict}")
        broken |= ok != promised
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
