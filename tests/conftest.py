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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run each learner notebook once per session: where tests/test_browser.py runs it (Run All in JupyterLab,
    asserting no error output and "to do" after every exercise, as the kernel-only run does, and more), the
    kernel-only run of tests/test_notebooks.py is skipped. Without Chromium or Playwright, or when the browser
    tests are not selected, the kernel-only run stays."""
    browser_tests = sys.modules.get("test_browser")
    if browser_tests is None or browser_tests._missing():
        return
    in_browser = {item.callspec.params["learner"].stem for item in items
                  if getattr(item, "originalname", "") == "test_learner_notebook_runs_in_the_browser"}
    for item in items:
        if (getattr(item, "originalname", "") == "test_learner_notebook_runs_with_exercises_unsolved"
                and Path(item.callspec.params["solution"]).stem in in_browser):
            item.add_marker(pytest.mark.skip(reason="runs in the browser in this session (tests/test_browser.py)"))
