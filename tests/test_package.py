"""The package itself: ``labs.`` shows the whole course, and nothing heavy loads before it is needed."""

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import labs
from labs import checks

LABS_DIR = Path(labs.__file__).resolve().parent


def test_all_lists_every_public_module():
    modules = {info.name for info in pkgutil.iter_modules([str(LABS_DIR)]) if not info.name.startswith("_")}
    assert modules == set(labs.SUBMODULES) | set(labs.DEPRECATED_SUBMODULES)
    assert set(labs.SUBMODULES) <= set(labs.__all__)
    assert not set(labs.DEPRECATED_SUBMODULES) & set(labs.__all__) and not set(labs.DEPRECATED_SUBMODULES) & set(dir(labs))


def test_an_old_home_still_loads_and_points_to_the_new_rooms():
    import warnings

    for name in labs.DEPRECATED_SUBMODULES:
        module = getattr(labs, name)
        assert module.__all__ == [] and "2027-03-31" in module.__doc__.splitlines()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            getattr(labs, name)


MAX_ROOM_LINES = 460  # a room's concern fits in one line and its code in one sitting


def test_every_room_says_its_concern_in_one_line_and_stays_small():
    for path in sorted(LABS_DIR.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) <= MAX_ROOM_LINES, f"{path.relative_to(LABS_DIR)} has {len(lines)} lines: split it by concern"
        docstring = ast.get_docstring(ast.parse("\n".join(lines)))
        assert docstring and docstring.splitlines()[0].strip(), f"{path.relative_to(LABS_DIR)}: say its concern first"


def test_dir_shows_the_course_before_anything_is_loaded():
    shown = dir(labs)
    for name in ("knn", "linear", "features", "nn", "conv", "models", "augment", "pretrained", "expect", "setup"):
        assert name in shown
    assert "check_invert" in dir(checks) and "knn" in dir(checks)


def _run(code):
    """Run ``code`` in a fresh Python and return what it printed last, read as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                          cwd=LABS_DIR.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_checks_do_not_load_tensorflow():
    loaded = _run(
        "import json, sys, numpy as np, labs\n"
        "assert labs.checks.check_invert(lambda image: 255 - image)\n"                   # notebook 00
        "assert labs.checks.check_to_greyscale(labs.images.to_greyscale)\n"             # notebook 01
        "assert labs.checks.check_intensity_histogram(labs.images.intensity_histogram)\n"
        "print(json.dumps(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'keras'))))")
    assert loaded == [], f"notebook 00/01 checks loaded {loaded[:5]}"


def test_checks_load_their_topic_on_first_use():
    loaded = _run(
        "import json, sys, labs.checks as checks\n"
        "before = 'labs.checks.knn' in sys.modules\n"
        "checks.check_compute_l2_distance\n"
        "print(json.dumps([before, 'labs.checks.knn' in sys.modules, 'labs.checks.cnn' in sys.modules]))")
    assert loaded == [False, True, False]


def test_no_module_imports_a_private_name_of_another():
    for path in LABS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("labs")):
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert not private, f"{path.relative_to(LABS_DIR)} imports {private} from {node.module}"


def test_every_ipywidget_lives_in_labs_widgets():
    users = sorted(str(path.relative_to(LABS_DIR)) for path in LABS_DIR.rglob("*.py")
                   if re.search(r"^\s*(import ipywidgets|from ipywidgets|from ipycanvas|import ipycanvas)",
                                path.read_text(encoding="utf-8"), re.MULTILINE))
    assert users == ["widgets.py"], f"widget code outside labs/widgets.py: {users}"


def test_loading_labs_widgets_loads_no_topic_module():
    loaded = _run(
        "import json, sys, labs\n"
        "before = set(sys.modules)\n"
        "import labs.widgets\n"
        "print(json.dumps(sorted(name for name in set(sys.modules) - before if name.startswith('labs'))))")
    assert set(loaded) <= {"labs.widgets", "labs._validate"}, f"import labs.widgets also loaded {loaded}"


def _labs_imports(path, top_level_only):
    """Return the labs modules that ``path`` imports (at module level, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(LABS_DIR.parent).with_suffix("").parts)
    package = package.removesuffix(".__init__") if path.name == "__init__.py" else package.rsplit(".", 1)[0]
    found = set()
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module.startswith("labs"):
                submodules = [f"{module}.{alias.name}" for alias in node.names
                              if (LABS_DIR.parent / f"{module}.{alias.name}".replace(".", "/")).with_suffix(".py").exists()
                              or (LABS_DIR.parent / f"{module}.{alias.name}".replace(".", "/")).is_dir()]
                found.update(submodules or ([module] if module != "labs" else []))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("labs."))
    return found


def _module_name(path):
    return ".".join(path.relative_to(LABS_DIR.parent).with_suffix("").parts).removesuffix(".__init__")


def test_the_imports_of_labs_have_no_loop_not_even_inside_functions():
    graph = {_module_name(path): _labs_imports(path, top_level_only=False) for path in LABS_DIR.rglob("*.py")}
    visiting, done = [], set()

    def visit(module):
        if module in done:
            return
        assert module not in visiting, f"import loop: {' -> '.join(visiting[visiting.index(module):] + [module])}"
        visiting.append(module)
        for imported in graph.get(module, ()):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


# Rooms below: what models and training are built from. Rooms above: what the notebooks see (figures
# with widgets, checks, quizzes) and the second half's rooms built on models and training. No import
# points up, not even one made inside a function (training's notebook bar is registered by labs.setup()).
LOWER_ROOMS = ("labs._validate", "labs._keras", "labs._status", "labs._deprecation", "labs.config", "labs.activations",
               "labs.gradcheck", "labs.images", "labs.download", "labs._datafiles", "labs._datasets", "labs.data", "labs.plots",
               "labs.augment",
               "labs.models", "labs.training")
UPPER_ROOMS = ("labs.widgets", "labs.checks", "labs.quizzes", "labs.overfitting", "labs.visualise", "labs.inspection",
               "labs.attribution", "labs.cues", "labs.drawing", "labs.pretrained", "labs._weights", "labs._lite0",
               "labs.transfer", "labs.folders", "labs._folderscan", "labs.saving", "labs.demo")


def test_lower_rooms_do_not_import_upper_ones():
    for path in LABS_DIR.rglob("*.py"):
        module = _module_name(path)
        if module not in LOWER_ROOMS:
            continue
        for imported in _labs_imports(path, top_level_only=False):
            upper = imported.startswith(UPPER_ROOMS)
            assert not upper, f"{module} imports {imported}, a room above it"
