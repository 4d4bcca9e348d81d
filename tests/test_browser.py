"""The course in a real browser: JupyterLab started as `make lab` starts it, Debian's Chromium driven by Playwright.

For every learner notebook: open it, Run All from the Run menu, wait until the kernel is idle, then assert
no error output, every exercise check prints "❌ to do" (exercises are unsolved by design), every widget renders as a
widget, and no uncaught JavaScript error. Each widget is then used once (a quiz answered wrong then right,
an explorer's control changed) and its output must change. Marked ``browser``; skipped, with one reason,
where Chromium or Playwright is missing (a learner's laptop). Screenshots go to tests/browser-artifacts/.

    python -m pytest tests/test_browser.py -m browser -s
    python -m pytest tests/test_browser.py -k "00_welcome or 02_nearest"     # some notebooks only
"""

import json
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nbtools.io import read_notebook
from nbtools.kernel import kernel_env
from nbtools.paths import learner_paths
from labs._status import CHECK_TO_DO, RIGHT, WRONG
from lab_server import ROOT, opened_url, running_lab
from stop_deck import PLUGIN, stop_deck

pytestmark = [pytest.mark.browser, pytest.mark.network]

ARTIFACTS = ROOT / "tests" / "browser-artifacts"
LEARNER_FILES = learner_paths()
STUB = 'raise NotImplementedError("Exercise:'
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RUN_ALL_TIMEOUT = 600  # seconds; each notebook's compute budget is 90 s on a 2-core laptop
CHROMIUM = os.environ.get("LABS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

# Console errors that are not the course's fault: {text in the message: why it is harmless}. None seen so far
# on notebooks 00-10 (the news feed and update check, which go off the machine, are off in _write_settings).
HARMLESS_CONSOLE = {}


def _missing():
    """Return what the browser tests lack on this machine ('' when nothing)."""
    missing = []
    if not CHROMIUM:
        missing.append("Chromium (Debian: apt-get install chromium; or set LABS_CHROMIUM to a Chromium binary)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (pip install playwright, see requirements.txt)")
    return " and ".join(missing)


@dataclass
class Row:
    """What one notebook did in the browser, for the summary table."""

    notebook: str
    seconds: float = float("nan")
    errors: int = 0
    widgets: int = 0
    used: list = field(default_factory=list)
    screenshot: str = ""


ROWS = []


def summary_lines():
    """Return the per-notebook table as lines of text (empty when no notebook ran)."""
    if not ROWS:
        return []
    lines = ["notebook                         Run All   errors  widgets  used                                   "
             "screenshot"]
    for row in ROWS:
        lines.append(f"{row.notebook:<32} {row.seconds:6.1f} s {row.errors:>7} {row.widgets:>8}  "
                     f"{', '.join(row.used) or '-':<38} {row.screenshot}")
    return lines


# --------------------------------------------------------------------------- JupyterLab and Chromium


def _write_settings(folder):
    """Write test-only JupyterLab user settings: no autosave (the run must not write into notebooks/), no news."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }
    for plugin, values in settings.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start JupyterLab as `make lab` does and yield (base URL, token, runtime dir)."""
    missing = _missing()
    if missing:
        pytest.skip(f"browser tests need {missing}")
    work = tmp_path_factory.mktemp("browser-lab")
    _write_settings(work / "settings")
    env = {**kernel_env(), "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces")}
    # expose_app_in_browser: the page gets window.jupyterapp, to read the notebook's outputs (as Galata does).
    with running_lab(work, ["--LabApp.expose_app_in_browser=True"], env=env) as server:
        yield server


@pytest.fixture(scope="session")
def browser(lab):
    """Yield a headless Chromium (Debian's; Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox"] if os.geteuid() == 0 else [])
        yield chromium
        chromium.close()


class Page:
    """A browser tab on JupyterLab that records every uncaught JavaScript error and console error."""

    def __init__(self, browser, lab):
        self.base, self.token, _ = lab
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page_errors, self.console_errors = [], []
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error"
                     and self.console_errors.append(message.text))
        self.requests = []
        self.context.on("request", lambda request: self.requests.append(request.url))

    def close(self):
        """Shut down the kernels this tab started, then close it."""
        for kernel in self.api("kernels"):
            try:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            except urllib.error.HTTPError as error:
                if error.code != 404:  # 404: the kernel had already gone
                    raise
        self.context.close()

    def api(self, path, method="GET", attempts=5):
        """Call the Jupyter server's REST API with the token.

        A 5xx answer is tried again a few times, a second apart: listing kernels while one of them is still
        shutting down has answered 500 once in CI; the next call is fine.
        """
        request = urllib.request.Request(f"{self.base}/api/{path}?token={self.token}", method=method)
        for attempt in range(attempts):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    body = response.read()
                return json.loads(body) if body else None
            except urllib.error.HTTPError as error:
                if error.code < 500 or attempt == attempts - 1:
                    raise
                time.sleep(1)

    def open(self, url):
        """Load JupyterLab at ``url`` and wait for its notebook to show.

        ``reset`` starts from an empty workspace: otherwise JupyterLab reopens the tabs of the previous test.
        """
        self.page.goto(f"{url}&reset")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                    " && window.jupyterapp.shell.currentWidget.content"
                                    " && window.jupyterapp.shell.currentWidget.context.isReady", timeout=90_000)
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)

    def offsite_requests(self):
        """Return the requests that left the machine (anything but the local server, data: and blob:)."""
        return [url for url in self.requests if not url.startswith((f"{self.base}/", "data:", "blob:", "about:"))]

    def unexpected_errors(self):
        """Return the uncaught page errors and the console errors not named in HARMLESS_CONSOLE."""
        console = [m for m in self.console_errors if not any(h in m for h in HARMLESS_CONSOLE)]
        return self.page_errors + console

    def screenshot(self, name):
        """Save a screenshot of the tab in tests/browser-artifacts/ and return its path relative to the course."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return str(path.relative_to(ROOT))


@pytest.fixture
def page(browser, lab):
    """Yield a fresh tab; its kernels are shut down afterwards."""
    tab = Page(browser, lab)
    yield tab
    tab.close()


# --------------------------------------------------------------------------- using a notebook

NOTEBOOK_STATE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = [];
    for (const cell of panel.content.model.cells) {
        const json = cell.toJSON();
        cells.push({type: json.cell_type, source: json.source, count: json.execution_count ?? null,
                    outputs: json.outputs || []});
    }
    const running = [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]
        .filter(p => p.textContent.includes('*')).length;
    return {status: kernel ? kernel.status : 'none', running, cells};
}"""


def run_all(tab, timeout=RUN_ALL_TIMEOUT):
    """Run All from the Run menu; wait until every cell has run and the kernel is idle; return seconds taken."""
    page = tab.page
    page.wait_for_function("() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;"
                           " return s.isReady && s.session && s.session.kernel"
                           " && s.session.kernel.status === 'idle'; }", timeout=120_000)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(r"^Run All Cells")).click()
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < timeout:
        state = page.evaluate(NOTEBOOK_STATE)
        code = [c for c in state["cells"] if c["type"] == "code"]
        done = all(c["count"] is not None for c in code)
        stopped = any(o["output_type"] == "error" for c in code for o in c["outputs"])
        quiet = quiet + 1 if state["status"] == "idle" and state["running"] == 0 else 0
        if quiet >= 2 and (done or stopped):
            return time.monotonic() - started
        if quiet >= 20:  # idle for 10 s with cells never run: Run All stopped
            missing = [i for i, c in enumerate(state["cells"], 1) if c["type"] == "code" and c["count"] is None]
            raise AssertionError(f"Run All stopped: kernel idle, cells {missing} never ran")
        page.wait_for_timeout(500)
    raise AssertionError(f"Run All had not finished after {timeout} s")


def _text(output):
    """Return the text an output shows (stream text, or text/plain)."""
    text = output.get("text") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def output_problems(cells):
    """Return what is wrong with the outputs of a Run All of a learner notebook (exercises unsolved)."""
    problems = []
    code = [(i, c) for i, c in enumerate(cells, 1) if c["type"] == "code"]
    for i, cell in code:
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                problems.append(f"cell {i}: error output {out['ename']}: {out['evalue']}")
    for (i, cell), (j, following) in zip(code, code[1:]):
        if STUB in cell["source"]:
            shown = "".join(_text(o) for o in following["outputs"])
            if CHECK_TO_DO not in shown:
                problems.append(f"cell {j} (the check after exercise cell {i}) printed {shown!r}, "
                                f"expected {CHECK_TO_DO!r}")
    return problems


def widget_problems(tab, cells):
    """Return widgets that did not render as widgets; and the number that did."""
    expected = sum(WIDGET_MIME in o.get("data", {}) for c in cells for o in c["outputs"])
    page = tab.page
    rendered = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)").count()
    problems = [] if rendered == expected else [f"{expected} widget outputs but {rendered} rendered as widgets"]
    texts = page.locator(".jp-OutputArea-output").all_text_contents()
    problems += [f"an output shows widget text {t[:60]!r}" for t in texts if re.match(r"\s*[VH]Box\(", t)]
    return problems, rendered


def cell_output(tab, source):
    """Return the output area of the code cell whose source contains ``source``."""
    cell = tab.page.locator(".jp-Notebook .jp-CodeCell", has_text=source)
    assert cell.count() == 1, f"{cell.count()} code cells contain {source!r}"
    cell.scroll_into_view_if_needed()
    return cell.locator(".jp-OutputArea").first


def _picture(area):
    """Return the src of the first picture in a widget output (a new blob URL on every redraw)."""
    return area.locator(".jupyter-widgets img").first.get_attribute("src")


def drive_picture(tab, source, change, timeout=120_000):
    """Change one control of the widget in the cell with ``source``; assert its picture is redrawn.

    Returns what ``change`` returned (the canvas: the note naming the model's guesses).
    """
    area = cell_output(tab, source)
    before = _picture(area)
    said = change(area)
    tab.page.wait_for_function("([area, before]) => { const img = area.querySelector('.jupyter-widgets img');"
                               " return img && img.src !== before; }",
                               arg=[area.element_handle(), before], timeout=timeout)
    return said


def answer_quiz(tab, topic):
    """Answer the quiz's first multiple-choice question wrong, then right; assert its feedback (5 s each)."""
    from labs.quizzes import core

    questions = core.load_quiz(topic)
    number = next(i for i, q in enumerate(questions) if isinstance(q, core.MultipleChoice))
    question = questions[number]
    wrong = next(i for i in range(len(question.options)) if i != question.answer)
    area = cell_output(tab, f'show_quiz("{topic}")')
    radios = area.locator(".widget-radio").nth(
        sum(isinstance(q, core.MultipleChoice) for q in questions[:number]))
    feedback = radios.locator("xpath=following-sibling::*[1]")
    for option, mark in ((wrong, WRONG), (question.answer, RIGHT)):
        # click the option's text, as a person does: in the deck the output's (hidden) prompt overlay covers
        # the radio circles themselves
        radios.locator(".widget-radio-box label").nth(option).click()
        feedback.filter(has_text=mark).wait_for(timeout=5_000)


def draw_seven(area):
    """Draw a "7" with the mouse on the draw-a-digit canvas; assert the kernel classified *this* drawing.

    The pen goes up inside the canvas: leaving it is a pen-up too (mouse-out), which would end the stroke early.
    """
    area.locator("button", has_text=re.compile("^clear$")).click()  # forget the stored example's strokes
    box = area.locator("canvas").first.bounding_box()
    assert box and box["width"] > 100, f"the canvas is not shown: {box}"
    mouse = area.page.mouse

    def at(fx, fy):
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    mouse.move(*at(0.25, 0.2))
    mouse.down()
    for point in [(0.75, 0.2), (0.45, 0.85)]:  # the bar, then the stem
        mouse.move(*at(*point), steps=15)
    mouse.up()
    note = area.locator(".widget-html", has_text="your drawing")
    note.wait_for(timeout=60_000)
    return note.inner_text()


# What to use in each notebook besides its quiz: (what, source in the cell, how to change a control).
EXPLORERS = {
    "02_nearest_neighbours": ("neighbour explorer: distance l1", "labs.widgets.neighbour_explorer(",
                              lambda area: area.locator("button", has_text=re.compile("^l1$")).click()),
    "05_neural_networks": ("playground: data moons", 'labs.widgets.playground("xor")',
                           lambda area: area.locator("select").first.select_option("moons")),
    "06_convolution_by_hand": ("kernel editor: preset identity", 'labs.widgets.kernel_editor(',
                               lambda area: area.locator("select").first.select_option("identity")),
    # Not "new draw": with every strength at 0 the copies are the same picture, so nothing is redrawn.
    "08_overfitting_augmentation": ("augmentation explorer: flip horizontal", "labs.widgets.augmentation_explorer(",
                                    lambda area: area.locator("select").nth(1).select_option(label="horizontal")),
    # The guesses and activations are redrawn for the mouse's strokes, and the note names "your drawing".
    "11_seeing_what_a_cnn_sees": ("canvas: a 7 drawn with the mouse", "labs.widgets.drawing_canvas(", draw_seven),
}


def _quiz_topic(cells):
    """Return the topic of the notebook's quiz, or None."""
    for cell in cells:
        match = re.search(r'show_quiz\("(\w+)"\)', cell["source"])
        if match and cell["type"] == "code":
            return match.group(1)
    return None


# --------------------------------------------------------------------------- the tests


def test_make_lab_opens_notebook_00_with_the_course_folder_as_root(page, lab):
    url = opened_url(lab[2])
    assert url.startswith(f"{lab[0]}/lab/tree/notebooks/00_welcome.ipynb?token=")
    page.open(url)
    assert page.page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == \
        "notebooks/00_welcome.ipynb"
    listing = page.page.locator(".jp-DirListing-content .jp-DirListing-itemText")
    page.page.locator(".jp-BreadCrumbs-home").click()
    listing.filter(has_text="solutions").wait_for(timeout=10_000)
    names = set(listing.all_text_contents())
    assert {"notebooks", "solutions", "labs"} <= names, names


@pytest.mark.parametrize("learner", LEARNER_FILES, ids=[p.stem for p in LEARNER_FILES])
def test_learner_notebook_runs_in_the_browser(page, lab, learner):
    row = Row(learner.stem)
    ROWS.append(row)
    failure = f"{learner.stem}-failure"
    try:
        page.open(f"{lab[0]}/lab/tree/notebooks/{learner.name}?token={lab[1]}")
        row.seconds = run_all(page)
        cells = page.page.evaluate(NOTEBOOK_STATE)["cells"]
        problems = output_problems(cells)
        row.errors = sum(o["output_type"] == "error" for c in cells for o in c["outputs"])
        widget_issues, row.widgets = widget_problems(page, cells)
        problems += widget_issues
        if not problems:
            topic = _quiz_topic(cells)
            if learner.stem in EXPLORERS:
                what, source, change = EXPLORERS[learner.stem]
                said = drive_picture(page, source, change)
                guess = re.search(r"first guess \d", said) if isinstance(said, str) else None
                row.used.append(f"{what} ({guess.group()})" if guess else what)
            if topic:
                answer_quiz(page, topic)
                row.used.append(f"quiz {topic}: {WRONG} then {RIGHT}")
        problems += [f"JavaScript error: {e}" for e in page.unexpected_errors()]
        row.screenshot = page.screenshot(learner.stem)
        assert not problems, "\n  ".join([f"notebooks/{learner.name} in the browser:", *problems])
    except Exception as error:
        path = page.screenshot(failure)
        row.screenshot = path
        raise AssertionError(f"{error}\n  screenshot: {path}") from error


def test_readme_and_notebook_00_name_commands_jupyterlab_has(page, lab):
    page.open(f"{lab[0]}/lab/tree/notebooks/00_welcome.ipynb?token={lab[1]}")
    labels = set(page.page.evaluate("() => window.jupyterapp.commands.listCommands().map(id => {"
                                    " try { return window.jupyterapp.commands.label(id); } catch (e) { return ''; } })"))
    notebook = "".join(cell.source for cell in read_notebook(ROOT / "notebooks" / "00_welcome.ipynb").cells)
    for name, text in (("README.md", (ROOT / "README.md").read_text()), ("notebooks/00_welcome.ipynb", notebook)):
        named = set(re.findall(r"\*\*((?:Render|Open) as [^*]+|(?:Start|Stop) Deck)\*\*", text))
        assert {"Start Deck", "Stop Deck"} <= named, f"{name} does not name the deck's commands"
        assert named <= labels, f"{name} names commands JupyterLab does not have: {sorted(named - labels)}"


# --------------------------------------------------------------------------- presenting: the deck


def run_command(tab, label):
    """Run the JupyterLab command labelled ``label`` directly (what the palette's Enter does, without its UI)."""
    tab.page.evaluate("""label => {
        const commands = window.jupyterapp.commands;
        const id = commands.listCommands().find(id => { try { return commands.label(id) === label; }
                                                       catch (e) { return false; } });
        if (!id) { throw new Error('JupyterLab has no command labelled ' + label); }
        return commands.execute(id);
    }""", label)


def palette(tab, label):
    """Run the command ``label`` from the command palette (Ctrl+Shift+C), as an instructor would."""
    page = tab.page
    box = page.locator(".lm-CommandPalette-input")
    page.keyboard.press("Control+Shift+C")
    for _ in range(3):
        try:
            box.wait_for(state="visible", timeout=3_000)
            break
        except Exception:  # the page had no focus yet, or a late key press toggled it shut: open it as the
            # View menu does (that command only opens, never closes)
            page.evaluate("() => window.jupyterapp.commands.execute('apputils:activate-command-palette')")
    box.fill(label)
    # the palette redraws its items as commands change state (a kernel starting): Enter runs the active one
    page.locator(".lm-CommandPalette-item.lm-mod-active", has=page.locator(
        ".lm-CommandPalette-itemLabel", has_text=re.compile(f"^{label}$"))).wait_for(timeout=10_000)
    box.press("Enter")


PRESENTING = "() => document.querySelector(\"[data-jp-deck-mode='presenting']\") !== null"


def go_to_slide_of(tab, source):
    """Move the deck to the slide that shows the code cell with ``source`` (the deck follows the active cell)."""
    index = next(i for i, c in enumerate(tab.page.evaluate(NOTEBOOK_STATE)["cells"]) if source in c["source"])
    tab.page.evaluate(f"() => {{ window.jupyterapp.shell.currentWidget.content.activeCellIndex = {index}; }}")
    cell = tab.page.locator(".jp-Notebook .jp-Cell").nth(index)
    tab.page.wait_for_function("(cell) => cell.classList.contains('jp-deck-mod-onscreen')",
                               arg=cell.element_handle(), timeout=10_000)
    return cell


def deck_settings(lab):
    """Return the deck's user-settings file of the test server."""
    return Path(lab[2]).parent / "settings" / PLUGIN


def deck_active(lab):
    """Return the deck's saved ``active`` setting (JupyterLab writes JSON5, with comments)."""
    import json5

    return json5.loads(deck_settings(lab).read_text()).get("active")


DECKS = [("00_welcome", "quiz", 'show_quiz("welcome")'),
         ("02_nearest_neighbours", "explorer", EXPLORERS["02_nearest_neighbours"][1])]


@pytest.mark.parametrize("stem, widget, source", DECKS, ids=[d[0] for d in DECKS])
def test_deck_presents_working_widgets_offline(page, lab, stem, widget, source):
    """Start Deck from the palette; the slide's widget renders and works; nothing is fetched off the machine."""
    row = Row(f"deck: {stem}")
    ROWS.append(row)
    try:
        page.open(f"{lab[0]}/lab/tree/notebooks/{stem}.ipynb?token={lab[1]}")
        row.seconds = run_all(page)
        palette(page, "Start Deck")
        page.page.wait_for_function(PRESENTING, timeout=10_000)
        assert deck_active(lab) is True
        first_notes = page.page.locator(".jp-Notebook .jp-Cell").nth(1)
        assert "For instructors" in first_notes.text_content() and not first_notes.is_visible(), \
            "the instructor notes show on the first slide; they must stay speaker notes"
        cell = go_to_slide_of(page, source)
        shown = cell.locator(".jp-OutputArea-output .jupyter-widgets").first
        shown.wait_for(state="visible", timeout=10_000)
        assert not re.match(r"\s*[VH]Box\(", cell.locator(".jp-OutputArea").first.inner_text())
        row.widgets = cell.locator(".jp-OutputArea-output:has(.jupyter-widgets)").count()
        if widget == "quiz":
            answer_quiz(page, "welcome")
            row.used.append(f"quiz welcome in the deck: {WRONG} then {RIGHT}")
        else:
            what, _, change = EXPLORERS[stem]
            drive_picture(page, source, change)
            row.used.append(f"{what}, in the deck")
        assert page.page.evaluate(PRESENTING), "the deck stopped presenting while the widget was used"
        row.screenshot = page.screenshot(f"deck-{stem}")
        palette(page, "Stop Deck")
        page.page.wait_for_function(f"() => !({PRESENTING})()", timeout=10_000)
        assert deck_active(lab) is False
        assert not page.unexpected_errors(), page.unexpected_errors()
        assert not page.offsite_requests(), f"requests left the machine: {page.offsite_requests()}"
    except Exception as error:
        row.screenshot = page.screenshot(f"deck-{stem}-failure")
        raise AssertionError(f"{error}\n  screenshot: {row.screenshot}") from error
    finally:
        stop_deck(deck_settings(lab).parent.parent)  # never leave the other tests' server presenting


def test_a_session_ended_while_presenting_reopens_as_a_notebook(page, browser, lab):
    """Close the tab mid-presentation: the saved state says presenting; stop_deck (run by `make lab`) clears it."""
    try:
        page.open(f"{lab[0]}/lab/tree/notebooks/00_welcome.ipynb?token={lab[1]}")
        run_command(page, "Start Deck")  # the palette itself is driven by the deck tests above
        page.page.wait_for_function(PRESENTING, timeout=10_000)
        # JupyterLab saves the setting with a request of its own, which may still be on its way
        for _ in range(40):
            if deck_settings(lab).is_file() and deck_active(lab) is True:
                break
            page.page.wait_for_timeout(250)
        page.screenshot("deck-session-presenting")
        page.context.close()
        assert deck_active(lab) is True, "the deck was presenting but its saved setting never said active: true"
        assert stop_deck(deck_settings(lab).parent.parent) is True, "stop_deck did not find the presenting state"
        again = Page(browser, lab)
        try:
            again.open(f"{lab[0]}/lab/tree/notebooks/00_welcome.ipynb?token={lab[1]}")
            again.page.wait_for_timeout(2_000)
            again.screenshot("deck-session-reopened")
            assert not again.page.evaluate(PRESENTING), "JupyterLab reopened presenting after stop_deck"
            assert not again.unexpected_errors(), f"errors on reopening: {again.unexpected_errors()}"
        finally:
            again.close()
    finally:
        stop_deck(deck_settings(lab).parent.parent)
