"""Shared test setup: tools/ importable, a throw-away course folder."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from nbtools.paths import NOTEBOOKS, SOLUTIONS  # noqa: E402


# Fixture notebooks are made in tmp_path at test time; never let nbval collect any kept here.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def course(tmp_path):
    """Return an empty course folder with solutions/ and notebooks/."""
    (tmp_path / SOLUTIONS).mkdir()
    (tmp_path / NOTEBOOKS).mkdir()
    return tmp_path


def pytest_terminal_summary(terminalreporter):
    """Print the browser tests' per-notebook table (Run All time, errors, widgets used, screenshot)."""
    browser_tests = sys.modules.get("test_browser")
    lines = browser_tests.summary_lines() if browser_tests else []
    if lines:
        terminalreporter.section("notebooks in the browser")
        for line in lines:
            terminalreporter.write_line(line)
