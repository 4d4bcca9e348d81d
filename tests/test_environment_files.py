"""requirements.txt and environment.yml pin the same packages, each with a reason."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*(?:-\s*)?([A-Za-z0-9_.\-]+)==([^\s#]+)\s*(#\s*(.*))?$")


def _pins(path):
    """Return {package: (version, comment)} for every `name==version` line of ``path``."""
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[match.group(1).lower()] = (match.group(2), (match.group(4) or "").strip())
    return pins


def test_both_files_pin_the_same_versions():
    pip_pins = {name: version for name, (version, _) in _pins(ROOT / "requirements.txt").items()}
    conda_pins = {name: version for name, (version, _) in _pins(ROOT / "environment.yml").items()}
    assert pip_pins, "requirements.txt pins nothing"
    assert pip_pins == conda_pins


def test_every_dependency_says_why_it_is_there():
    for path in (ROOT / "requirements.txt", ROOT / "environment.yml"):
        missing = [name for name, (_, why) in _pins(path).items() if len(why) < 10]
        assert not missing, f"{path.name}: no reason given for {missing}"


def test_core_dependencies_are_pinned():
    core = {"jupyterlab", "tensorflow", "keras", "numpy", "matplotlib", "scikit-learn",
            "scikit-image", "ipywidgets", "nbval", "mlxtend", "jupyterlab-rise"}
    assert core <= set(_pins(ROOT / "requirements.txt"))


def test_the_pin_parser_rejects_unpinned_lines():
    assert PIN.match("numpy>=2") is None
    assert PIN.match("  - numpy==2.4.6  # why").group(1) == "numpy"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^\s*make test\s*$", ci, re.MULTILINE)


def test_every_promised_platform_installs_from_wheels_and_intel_macs_do_not():
    """The README's platforms resolve to wheels (pip --dry-run per platform); its Intel-Mac sentence stays true."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import check_platforms
    finally:
        sys.path.pop(0)
    for name, tags in check_platforms.PROMISED.items():
        ok, why = check_platforms.resolve(tags)
        assert ok, f"{name}: requirements.txt does not install from wheels: {why}"
    ok, why = check_platforms.resolve(check_platforms.NOT_PROMISED["macOS on Intel"])
    assert not ok and "tensorflow" in why, "TensorFlow installs on Intel Macs now: update the README's note"
