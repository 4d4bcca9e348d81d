"""The notebook toolchain and the course notebooks.

- build tool and execute tool, on tiny notebooks made in tmp_path (never collected by nbval);
- the authoring rules every solutions/ notebook follows, its slides, its stored outputs;
- notebooks/ is exactly what the build tool generates from solutions/;
- every learner notebook runs top to bottom with its exercises unsolved (marked ``notebooks``).
"""

import functools
import os
import re
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import build_notebooks
import execute_notebooks
from nbtools import kernel, paths, rules, slides
from nbtools.cells import KERNELSPEC, count_ignored, slide_type
from nbtools.io import notebook_text, read_notebook
from nbtools.learner import (
    MD_PLACEHOLDER, SolutionMarkerError, compute_fingerprint, is_unedited, make_learner_notebook,
    strip_code_solutions, strip_markdown_solutions,
)
from labs._status import CHECK_TO_DO

SOLUTION_FILES = paths.solution_paths()
LEARNER_FILES = paths.learner_paths()
SANITIZE_CFG = paths.ROOT / "tests" / "nbval_sanitize.cfg"
STUB = 'raise NotImplementedError("Exercise:'


def _names(paths):
    """Return the file names, for readable test ids."""
    return [p.name for p in paths]


# --------------------------------------------------------------------------- fixture notebooks


def _slide(slide):
    """Return the slide metadata of a cell: none for a cell that continues the slide (slide=None)."""
    return {} if slide is None else {"slideshow": {"slide_type": slide}}


def md(source, slide=None, **metadata):
    """Return a markdown cell with a slide type (none: it continues the slide)."""
    return new_markdown_cell(source, metadata={**_slide(slide), **metadata})


def code(source, slide=None, outputs=(), count=None, **metadata):
    """Return a code cell with a slide type (none: it continues the slide), outputs and execution count."""
    return new_code_cell(source, metadata={**_slide(slide), **metadata},
                         outputs=list(outputs), execution_count=count)


FRONT = ("# Doubling\n\n## Learning objectives\n\n- double a number\n- check it\n- move on\n\n"
         "**Prerequisites:** none. **Estimated time:** 5 minutes.")
EXERCISE = ('def double(x):\n    """Return 2 * x."""\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n'
            '    # END SOLUTION')
CHECK = ("def check_double(f):\n    try:\n        ok = f(3) == 6\n    except NotImplementedError:\n"
         "        ok = False\n    print('✅ double: ok.' if ok else '❌ double: not implemented yet.')\n"
         "check_double(double)")


def solution_nb(executed=True):
    """Return a small solution notebook that follows every authoring rule."""
    n = iter(range(1, 10)) if executed else iter([None] * 10)
    return new_notebook(cells=[
        md(FRONT, "slide"),
        code("import os  # stands in for: import labs; labs.setup()", count=next(n)),
        md("> **For instructors.** Ask who has doubled a number today.\n>\n> Then show the check.", "notes"),
        md("## Exercise", "subslide"),
        code(EXERCISE, count=next(n)),
        code(CHECK, "fragment", count=next(n),
             outputs=[new_output("stream", name="stdout", text="✅ double: ok.\n")] if executed else []),
        md("Your turn: why double?\n\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->", "slide"),
        md("Hidden.", "skip"),
        md("Summary.", "subslide"),
    ], metadata={"kernelspec": dict(KERNELSPEC)})


def write_solution(course, nb, name="01_doubling.ipynb"):
    """Write a solution notebook into the course and return its path."""
    path = course / paths.SOLUTIONS / name
    nbformat.write(nb, path)
    return path


def build(course, *args):
    """Run the build tool on the course; return its exit code."""
    return build_notebooks.main(["--root", str(course), *args])


# --------------------------------------------------------------------------- stripping


def test_strip_replaces_region_at_marker_indentation_and_keeps_signature():
    out = strip_code_solutions(EXERCISE)
    assert out.split("\n") == [
        "def double(x):", '    """Return 2 * x."""',
        '    raise NotImplementedError("Exercise: complete double() as its docstring describes, '
        'then run the check cell below.")']


def test_strip_handles_several_regions_and_keeps_code_between():
    source = ("import math\n\ndef a():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n\n"
              "class B:\n    def b(self):\n        x = 0\n        # BEGIN SOLUTION\n        return x\n"
              "        # END SOLUTION\n")
    lines = strip_code_solutions(source).split("\n")
    stubs = [line for line in lines if STUB in line]
    assert [s[: len(s) - len(s.lstrip())] for s in stubs] == ["    ", "        "]
    assert "complete a()" in stubs[0] and "complete b()" in stubs[1]
    assert "        x = 0" in lines and "class B:" in lines and lines[-1] == ""
    assert "return 1" not in "\n".join(lines) and "return x" not in "\n".join(lines)


def test_strip_outside_a_function_asks_for_code():
    out = strip_code_solutions("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\nprint(x)")
    assert out == ('raise NotImplementedError("Exercise: replace this line with your code, '
                   'then run the check cell below.")\nprint(x)')


def test_strip_leaves_marker_mentions_in_strings_and_inline_code():
    source = 'print("Solutions sit between # BEGIN SOLUTION and # END SOLUTION lines.")'
    assert strip_code_solutions(source) == source
    prose = "Markdown answers sit between `<!-- BEGIN SOLUTION -->` and `<!-- END SOLUTION -->`."
    assert strip_markdown_solutions(prose) == prose


def test_markdown_region_becomes_placeholder():
    source = "Why?\n\n  <!-- BEGIN SOLUTION -->\n  Because.\n  <!-- END SOLUTION -->\nNext."
    assert strip_markdown_solutions(source) == f"Why?\n\n  {MD_PLACEHOLDER}\nNext."


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    # END SOLUTION\n", "line 2: '# END SOLUTION' without a '# BEGIN SOLUTION'"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "line 2: '# BEGIN SOLUTION' is never closed"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION", "line 2: '# BEGIN SOLUTION' inside"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", "line 2: '### BEGIN SOLUTION' looks like"),
    ("x = 1  # end solution", "line 1:"),
], ids=["end-without-begin", "never-closed", "nested", "misspelt", "trailing-comment"])
def test_bad_markers_raise_naming_notebook_cell_and_line(source, expected):
    nb = new_notebook(cells=[md("# t"), code(source)])
    with pytest.raises(SolutionMarkerError) as info:
        make_learner_notebook(nb, "solutions/07_x.ipynb")
    assert "solutions/07_x.ipynb, cell 2 (code" in str(info.value)
    assert expected in str(info.value)


def test_bad_markdown_marker_raises():
    nb = new_notebook(cells=[md("Answer: <!-- BEGIN SOLUTION --> 42 <!-- END SOLUTION -->")])
    with pytest.raises(SolutionMarkerError, match="cell 1 .*looks like a solution marker"):
        make_learner_notebook(nb, "solutions/07_x.ipynb")


def test_learner_notebook_clears_outputs_and_keeps_only_learner_metadata():
    nb = solution_nb()
    nb.cells[5].metadata.update(tags=["nbval-ignore-output", "raises-exception", "solution"],
                                execution={"iopub.status.busy": "2024-01-01T00:00:00Z"})
    nb.metadata["widgets"] = {"state": {}}
    learner = make_learner_notebook(nb, "solutions/01_doubling.ipynb")
    codes = [c for c in learner.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in codes)
    assert learner.cells[5].metadata == {"slideshow": {"slide_type": "fragment"}, "tags": ["raises-exception"]}
    assert [slide_type(c) for c in learner.cells] == [slide_type(c) for c in nb.cells]
    assert [c.id for c in learner.cells] == [c.id for c in nb.cells]
    assert "widgets" not in learner.metadata and learner.metadata["kernelspec"]["name"] == "python3"
    assert learner.metadata["labs"] == {"generated_from": "solutions/01_doubling.ipynb",
                                        "fingerprint": compute_fingerprint(learner.cells)}
    assert MD_PLACEHOLDER in learner.cells[6].source and "Because." not in learner.cells[6].source
    assert nb.cells[5].outputs, "the solution passed in must not be modified"


# --------------------------------------------------------------------------- the build tool


def test_build_writes_deterministic_learner_notebook(course, capsys):
    write_solution(course, solution_nb())
    target = course / "notebooks" / "01_doubling.ipynb"
    assert build(course) == 0
    first = target.read_bytes()
    assert first.endswith(b"}\n") and b"y = 2 * x" not in first
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    mtime = target.stat().st_mtime_ns
    assert build(course) == 0
    assert target.read_bytes() == first and target.stat().st_mtime_ns == mtime
    assert "notebooks/01_doubling.ipynb is up to date" in capsys.readouterr().out
    assert is_unedited(read_notebook(target))


def test_build_updates_an_unedited_learner_notebook(course, capsys):
    nb = solution_nb()
    write_solution(course, nb)
    build(course)
    nb.cells[3].source = "## Exercise: doubling"
    write_solution(course, nb)
    assert build(course) == 0
    assert "updated  notebooks/01_doubling.ipynb" in capsys.readouterr().out
    assert "## Exercise: doubling" in (course / "notebooks" / "01_doubling.ipynb").read_text()


def _edit_source(nb):
    """Change a learner's exercise as a learner would."""
    nb.cells[4].source = nb.cells[4].source.replace(STUB, "return 2 * x  #")


def _run_it(nb):
    """Leave outputs as running the notebook would."""
    nb.cells[1].execution_count = 1


def _hand_made(nb):
    """Drop the build tool's metadata, as if the file had been made by hand."""
    del nb.metadata["labs"]


@pytest.mark.parametrize("change", [_edit_source, _run_it, _hand_made], ids=["edited", "run", "hand-made"])
def test_build_never_overwrites_an_edited_learner_notebook(course, capsys, change):
    solution = solution_nb()
    write_solution(course, solution)
    build(course)
    target = course / "notebooks" / "01_doubling.ipynb"
    learner = read_notebook(target)
    change(learner)
    nbformat.write(learner, target)
    edited = target.read_bytes()
    solution.cells[3].source = "## Exercise (new wording)"
    write_solution(course, solution)
    capsys.readouterr()
    assert build(course) == 0
    assert target.read_bytes() == edited
    out = capsys.readouterr().out
    assert "kept     notebooks/01_doubling.ipynb" in out
    assert "--force solutions/01_doubling.ipynb" in out
    assert not list((course / "notebooks").glob("*.backup-*"))


def test_build_keeps_an_unreadable_learner_file(course, capsys):
    write_solution(course, solution_nb())
    target = course / "notebooks" / "01_doubling.ipynb"
    target.write_text("my notes, not a notebook")
    assert build(course) == 0
    assert target.read_text() == "my notes, not a notebook"
    assert "kept     notebooks/01_doubling.ipynb: notebooks/01_doubling.ipynb: not a readable" in capsys.readouterr().out


def test_force_saves_a_backup_then_writes(course, capsys):
    write_solution(course, solution_nb())
    build(course)
    target = course / "notebooks" / "01_doubling.ipynb"
    learner = read_notebook(target)
    _edit_source(learner)
    nbformat.write(learner, target)
    edited = target.read_bytes()
    assert build(course, "--force") == 0
    backups = list((course / "notebooks").glob("01_doubling.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert re.fullmatch(r"01_doubling\.backup-\d{8}-\d{6}\.ipynb", backups[0].name)
    assert is_unedited(read_notebook(target))
    out = capsys.readouterr().out
    assert out.index("backup   notebooks/01_doubling.ipynb saved as") < out.index("updated  notebooks/01_doubling")
    assert paths.learner_paths(course) == [target], "backups are not course notebooks"


def test_check_lists_out_of_date_notebooks_and_writes_nothing(course, capsys):
    solution = solution_nb()
    write_solution(course, solution)
    assert build(course, "--check") == 1
    assert not (course / "notebooks" / "01_doubling.ipynb").exists()
    assert "notebooks/01_doubling.ipynb: missing" in capsys.readouterr().out
    build(course)
    assert build(course, "--check") == 0
    solution.cells[3].source = "## Changed"
    write_solution(course, solution)
    nbformat.write(new_notebook(), course / "notebooks" / "09_orphan.ipynb")
    before = sorted((p.name, p.read_bytes()) for p in (course / "notebooks").iterdir())
    capsys.readouterr()
    assert build(course, "--check") == 1
    out = capsys.readouterr().out
    assert "notebooks/01_doubling.ipynb: out of date" in out
    assert "notebooks/09_orphan.ipynb: has no solutions/09_orphan.ipynb" in out
    assert sorted((p.name, p.read_bytes()) for p in (course / "notebooks").iterdir()) == before


def test_build_reports_marker_errors_and_writes_nothing_for_that_notebook(course, capsys):
    nb = solution_nb()
    nb.cells[4].source = nb.cells[4].source.replace("    # END SOLUTION", "")
    write_solution(course, nb, "02_broken.ipynb")
    write_solution(course, solution_nb(), "Untitled.ipynb")
    write_solution(course, solution_nb())
    assert build(course) == 1
    out = capsys.readouterr().out
    assert "error    solutions/02_broken.ipynb, cell 5 (code: 'def double(x):'), line 3:" in out
    assert "error    solutions/Untitled.ipynb: solution notebooks are named NN_topic.ipynb" in out
    assert sorted(p.name for p in (course / "notebooks").iterdir()) == ["01_doubling.ipynb"]
    assert (course / "notebooks" / "01_doubling.ipynb").exists()


def _bad_paths(course):
    """Return (argument, expected message) pairs of inputs both tools must refuse."""
    (course / "solutions" / "notes.txt").write_text("hi")
    (course / "solutions" / "Intro.ipynb").write_text("{}")
    (course / "elsewhere.ipynb").write_text("{}")
    (course / "solutions" / "03_junk.ipynb").write_text("not json")
    nbformat.write(new_notebook(), course / "notebooks" / "01_doubling.ipynb")
    return [
        ("solutions/99_missing.ipynb", "no such file"),
        ("solutions/notes.txt", "not a notebook"),
        ("elsewhere.ipynb", "only notebooks directly in"),
        ("notebooks/01_doubling.ipynb", "pass solutions/01_doubling.ipynb instead"),
        ("solutions/Intro.ipynb", "named NN_topic.ipynb"),
    ]


@pytest.mark.parametrize("tool", [build_notebooks, execute_notebooks], ids=["build", "execute"])
def test_tools_refuse_bad_input_with_a_clear_message(course, capsys, monkeypatch, tool):
    write_solution(course, solution_nb())
    monkeypatch.chdir(course)
    for argument, message in _bad_paths(course):
        assert tool.main(["--root", str(course), argument]) == 2, argument
        assert message in capsys.readouterr().err, argument
    assert tool.main(["--root", str(course), "solutions/03_junk.ipynb"]) != 0
    captured = capsys.readouterr()
    assert "solutions/03_junk.ipynb: not a readable Jupyter notebook" in captured.out + captured.err


# --------------------------------------------------------------------------- authoring rules


def test_rules_accept_a_good_solution():
    assert rules.find_rule_violations(solution_nb()) == []


@pytest.mark.parametrize("objectives, count", [
    ("- a\n- b\n- c", 3),
    ("By the end you can:\n\n1. a\n2. b\n   wrapped\n3. c\n   - detail\n4. d", 4),
    ("- a\n- b\n\n## Prerequisites\n\n- c\n- d", 2),
    ("## Prerequisites\n\n- a\n- b\n- c", 0),
])
def test_objectives_are_counted_from_the_first_list(objectives, count):
    assert rules._objective_bullets(f"# T\n\n## Learning objectives\n\n{objectives}\n") == count


def _set(index, **metadata):
    """Return a change that replaces one cell's metadata."""
    return lambda nb: setattr(nb.cells[index], "metadata", metadata)


@pytest.mark.parametrize("change, expected", [
    (_set(3, slideshow={"slide_type": "-"}), "cell 4: metadata.slideshow.slide_type is '-'; remove it instead: a "
                                             "cell without a slide type continues the slide, and the deck"),
    (_set(3, slideshow={"slide_type": "title"}), "cell 4: metadata.slideshow.slide_type is 'title'"),
    (_set(0), "cell 1: the first cell (the title) must have slide_type 'slide'"),
    (_set(2), "no speaker notes"),
    (lambda nb: setattr(nb.cells[0], "source", "# T\n\n**Estimated time:** 5 min"), "no 'Learning objectives'"),
    (lambda nb: setattr(nb.cells[0], "source", FRONT.replace("- move on\n", "")), "lists 2 bullets; use 3 to 5"),
    (lambda nb: setattr(nb.cells[0], "source", FRONT.replace("Estimated time", "Time")), "no 'Estimated time'"),
    (lambda nb: setattr(nb.cells[1], "source", "import os"), "the first code cell must be the setup cell"),
    (lambda nb: setattr(nb.cells[5], "source", "print(double(3))"), "cell 5: an exercise must be followed by a check"),
    (lambda nb: setattr(nb.cells[5], "execution_count", None), "cell 6: execution_count is None, expected 3"),
    (lambda nb: setattr(nb.cells[4], "execution_count", 7), "cell 5: execution_count is 7, expected 2"),
    (lambda nb: nb.cells.append(code("  \n", count=None)), "cell 10: empty code cell"),
    (lambda nb: nb.cells[5].outputs.append(new_output("error", ename="ValueError", evalue="bad", traceback=[])),
     "cell 6: stored error output ValueError: bad"),
    (lambda nb: nb.cells[5].outputs.append(new_output("stream", name="stderr", text="x.py:1: UserWarning: hm")),
     "cell 6: a warning on stderr"),
    (lambda nb: setattr(nb.cells[2], "source", "Instructor: ask who has doubled a number today."),
     "cell 3: instructor notes must be one blockquote that starts with '> **For instructors.**'"),
    (lambda nb: setattr(nb.cells[2], "source", "> **For instructors.** Ask.\n\nThen show the check."),
     "cell 3: instructor notes must be one blockquote"),
    (lambda nb: nb.cells[2].metadata.pop("slideshow"), "cell 3: this reads as an instructor note"),
    (lambda nb: nb.cells.insert(3, md("Instructor: pause here.", "fragment")), "cell 4: this reads as an instructor "
                                                                               "note ('Instructor: pause here.')"),
    (lambda nb: nb.cells.insert(3, code("x = 1", "notes")), "cell 4: a notes cell must be markdown"),
    (lambda nb: nb.cells.insert(3, md("As the talks showed, transfer wins.")), "cell 4 (markdown): 'the talks' means "
                                                                            "nothing to a learner"),
    (lambda nb: nb.cells.insert(3, md("In both seeds' runs, VGG16 goes from 30 to 4.")), "cell 4 (markdown): \"seeds'\""),
    (lambda nb: nb.cells[5].outputs.append(new_output("stream", name="stdout", text="❌ unexpected — outside the "
                                                      "measured band\n")), "cell 6 (output): 'band'"),
], ids=["dash-slide-type", "bad-slide-type", "first-not-slide", "no-notes", "no-objectives", "two-objectives",
        "no-time", "no-setup", "no-check", "not-run", "out-of-order", "empty-cell", "error-output", "warning",
        "notes-unlabelled", "notes-leave-the-quote", "notes-not-notes", "instructor-fragment", "notes-code",
        "word-talks", "word-seeds", "word-band-in-output"])
def test_rules_report_each_violation(change, expected):
    nb = solution_nb()
    change(nb)
    problems = rules.find_rule_violations(nb)
    assert any(expected in p for p in problems), problems


def _with_cells(*cells):
    """Return the good solution notebook with code cells appended after its last code cell."""
    nb = solution_nb()
    for offset, cell in enumerate(cells):
        cell.execution_count = 4 + offset
        nb.cells.insert(6 + offset, cell)
    return nb


IGNORED = {"tags": ["nbval-ignore-output"]}
SHOW = "print(f'accuracy {accuracy:.3f}')"
VERDICT = "labs.expect.between('accuracy', accuracy, 0.9, 1.0)"


@pytest.mark.parametrize("cells", [
    [code(SHOW, **IGNORED), code(VERDICT)],
    [code(SHOW, **IGNORED), code("history.plot();"), code(VERDICT)],
    [code("print(seconds)", tags=["nbval-ignore-output", "machine-specific"])],
], ids=["verdict-next", "verdict-second", "machine-specific"])
def test_ignored_cells_followed_by_a_verdict_are_accepted(cells):
    assert rules.find_ignored_output_problems(_with_cells(*cells)) == []
    assert count_ignored(_with_cells(*cells))[0] == 1


@pytest.mark.parametrize("cells", [
    [code(SHOW, **IGNORED)],
    [code(SHOW, **IGNORED), code("a = 1"), code("b = 2"), code(VERDICT)],
    [code(SHOW, **IGNORED), code(VERDICT, **IGNORED)],
    [code("print(seconds)", tags=["nbval-ignore-output", "timing"])],
], ids=["no-verdict", "verdict-too-far", "verdict-ignored-too", "untagged-timing"])
def test_ignored_cells_without_a_verdict_are_reported(cells):
    problems = rules.find_ignored_output_problems(_with_cells(*cells))
    assert problems and "cell 7: its output is ignored by nbval" in problems[0], problems
    assert any("cell 7" in p for p in rules.find_rule_violations(_with_cells(*cells)))


def test_raises_exception_cells_may_store_an_error():
    nb = solution_nb()
    nb.cells[5].metadata["tags"] = ["raises-exception"]
    nb.cells[5].outputs.append(new_output("error", ename="ValueError", evalue="shown on purpose", traceback=[]))
    assert rules.find_output_problems(nb) == []


def test_slides_count_on_a_small_notebook():
    nb = solution_nb()
    parts = slides.count_slide_parts(slides.render_slides(nb))
    assert parts == slides.expected_slide_parts(nb) == {"slides": 2, "subslides": 4, "notes": 1}


# --------------------------------------------------------------------------- the execute tool


def test_timing_table_marks_over_budget():
    fast = kernel.ExecutionResult(None, 12.0, {1: 2.0, 2: 10.0})
    slow = kernel.ExecutionResult(None, 95.5, {4: 95.5})
    table = execute_notebooks.format_table([("solutions/00_a.ipynb", fast), ("solutions/01_b.ipynb", slow)] * 5)
    lines = table.split("\n")
    assert re.search(r"solutions/00_a\.ipynb\s+12\.0\s+90\s+ok\s+cell 2 \(10\.0 s\)", table)
    assert re.search(r"solutions/01_b\.ipynb\s+95\.5\s+90\s+over\s+cell 4", table)
    assert re.search(r"series total\s+537\.5\s+900\s+ok", lines[-1])
    assert "over" in execute_notebooks.format_table([("x", slow)] * 10).split("\n")[-1]


ENV_PROBE = ("import os, sys  # labs.setup()\n"
             "print(os.path.basename(os.getcwd()), os.environ.get('PYTHONHASHSEED'),\n"
             "      os.environ.get('TF_CPP_MIN_LOG_LEVEL'), os.environ.get('MPLBACKEND'),\n"
             "      os.environ.get('LABS_PROFILE'), os.path.realpath(sys.executable) == {exe!r})")


@pytest.mark.notebooks
def test_execute_write_stores_outputs_deterministically(course, capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = solution_nb(executed=False)
    nb.cells[1].source = ENV_PROBE.format(exe=os.path.realpath(sys.executable))
    nb.cells.append(code("import ipywidgets\nipywidgets.IntSlider(value=3)"))
    path = write_solution(course, nb)
    assert execute_notebooks.main(["--root", str(course), "--write"]) == 0
    first = path.read_bytes()
    assert execute_notebooks.main(["--root", str(course), "--write", str(path)]) == 0
    assert path.read_bytes() == first, "a second run must not change the file"
    ran = read_notebook(path)
    assert rules.find_rule_violations(ran) == []
    assert ran.cells[1].outputs[0].text == "solutions 0 3 module://matplotlib_inline.backend_inline default True\n"
    assert ran.cells[5].outputs[0].text == "✅ double: ok.\n"
    assert all("execution" not in c.metadata for c in ran.cells) and "widgets" not in ran.metadata
    out = capsys.readouterr().out
    assert re.search(r"solutions/01_doubling\.ipynb\s+\d+\.\d\s+90\s+ok", out)
    assert re.search(r"series total\s+\d+\.\d\s+900\s+ok", out)


@pytest.mark.notebooks
def test_execute_names_the_failing_cell_and_keeps_the_file(course, capsys):
    nb = solution_nb()
    nb.cells[4].source = "def double(x):\n    return x / 0\n\ndouble(1)"
    path = write_solution(course, nb)
    before = path.read_bytes()
    assert execute_notebooks.main(["--root", str(course), "--write"]) == 1
    out = capsys.readouterr().out
    assert "solutions/01_doubling.ipynb: cell 5 raised ZeroDivisionError: division by zero" in out
    assert "left unchanged" in out and re.search(r"01_doubling\.ipynb\s+\d+\.\d\s+90\s+error", out)
    assert path.read_bytes() == before


def test_execute_refuses_to_store_the_full_profile(course, capsys):
    write_solution(course, solution_nb())
    with pytest.raises(SystemExit):
        execute_notebooks.main(["--root", str(course), "--write", "--profile", "full"])
    assert "default profile" in capsys.readouterr().err


# --------------------------------------------------------------------------- nbval sanitizer


def _sanitize(text):
    """Apply the nbval sanitizer file to ``text`` the way nbval does."""
    from nbval.plugin import get_sanitize_patterns

    for regex, replace in get_sanitize_patterns(SANITIZE_CFG.read_text()):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize("machine_a, machine_b", [
    ("<Figure at 0x7f3b2c1d0e50>", "<Figure at 0x7fa9e0b8c310>"),
    ("<function f at 0x10a2b3c40>", "<function f at 0x1b2c3d4e5>"),
    ("/work/main/.venv/lib/python3.11/site-packages/keras/x.py",
     "/Users/ana/venvs/labs/lib/python3.12/site-packages/keras/x.py"),
    ("python: /work/main/.venv/bin/python", "python: /opt/conda/envs/labs/bin/python3.11"),
    ("labs from /work/main/labs/__init__.py", "labs from /home/ana/pixels-to-convnets/labs/__init__.py"),
    ("cwd /tmp/ci-clone/solutions", "cwd /Users/ana/code/course/solutions"),
    ("cache /root/.keras/datasets", "cache /home/ana/.keras/datasets"),
])
def test_sanitizer_hides_machine_specific_text(machine_a, machine_b):
    assert _sanitize(machine_a) == _sanitize(machine_b) != machine_a


@pytest.mark.parametrize("text", [
    "accuracy 0.981, loss 0.0x", "mask 0xFF", "/usr/share/datasets/fashion-mnist",
    "see https://example.org/course/solutions/01.html", "shape (28, 28) uint8", "../labs/data.py",
])
def test_sanitizer_keeps_everything_else(text):
    assert _sanitize(text) == text


# --------------------------------------------------------------------------- the course notebooks


@pytest.mark.parametrize("learner", LEARNER_FILES, ids=_names(LEARNER_FILES))
def test_every_learner_notebook_has_a_solution(learner):
    assert paths.solution_path_for(learner).exists(), (
        f"notebooks/{learner.name} has no solutions/{learner.name}: notebooks/ is generated from solutions/.")


def _first_difference(expected, actual):
    """Describe the first difference between two notebooks."""
    if len(expected.cells) != len(actual.cells):
        return f"{len(actual.cells)} cells, expected {len(expected.cells)}"
    for index, (want, got) in enumerate(zip(expected.cells, actual.cells), 1):
        for key in sorted(set(want) | set(got)):
            if want.get(key) != got.get(key):
                return f"cell {index}: {key} differs"
    return "notebook metadata differs" if expected.metadata != actual.metadata else "formatting differs"


@pytest.mark.parametrize("solution", SOLUTION_FILES, ids=_names(SOLUTION_FILES))
def test_learner_notebook_is_generated_from_its_solution(solution):
    learner = paths.learner_path_for(solution)
    fix = "run: python tools/build_notebooks.py"
    assert learner.exists(), f"notebooks/{solution.name} is missing; {fix}"
    expected = make_learner_notebook(read_notebook(solution), paths.rel(solution))
    if learner.read_text(encoding="utf-8") == notebook_text(expected):
        return
    actual = read_notebook(learner)
    if not is_unedited(actual) and not os.environ.get("CI"):
        pytest.skip(f"notebooks/{solution.name} has local edits (yours?); the sync check runs in CI")
    pytest.fail(f"notebooks/{solution.name} is out of date ({_first_difference(expected, actual)}); {fix}")


@functools.lru_cache(maxsize=None)
def _solution(path):
    """Read a solution notebook once for all the rules."""
    return read_notebook(path)


# Solution notebooks that break a rule today, each with why and who fixes it. The test is an
# xfail(strict=True): it fails loudly once the notebook is fixed, so the entry is removed then.
KNOWN_VIOLATIONS = {}  # (notebook, rule) -> reason: a strict xfail until the notebook is fixed


def _notebook_rule_cases():
    """Return one pytest.param per solution notebook and rule in rules.RULES, known violations xfail."""
    cases = []
    for solution in SOLUTION_FILES:
        for rule in rules.RULES:
            reason = KNOWN_VIOLATIONS.get((solution.name, rule))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(solution, rule, marks=marks, id=f"{solution.name}-{rule}"))
    return cases


def test_find_rule_violations_runs_every_rule():
    nb = solution_nb()
    nb.cells[0].metadata = {}  # breaks the slides rule
    nb.cells[5].outputs.append(new_output("error", ename="ValueError", evalue="bad", traceback=[]))
    assert rules.find_rule_violations(nb) == [p for rule in rules.RULES.values() for p in rule(nb)]
    assert all(rules.RULES[name](nb) for name in ("slides", "clean-outputs"))


@pytest.mark.parametrize("solution, rule", _notebook_rule_cases())
def test_solution_follows_the_authoring_rule(solution, rule):
    problems = rules.RULES[rule](_solution(solution))
    assert not problems, f"solutions/{solution.name} breaks the {rule!r} rule:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("solution", SOLUTION_FILES, ids=_names(SOLUTION_FILES))
def test_solution_renders_as_slides_with_speaker_notes(solution):
    nb = read_notebook(solution)
    parts = slides.count_slide_parts(slides.render_slides(nb))
    assert parts == slides.expected_slide_parts(nb)
    assert parts["notes"] >= 1


def _stub_checks(nb):
    """Yield (exercise cell number, outputs of the next code cell) for each stubbed exercise."""
    code_cells = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for (index, cell), (_, following) in zip(code_cells, code_cells[1:]):
        if STUB in cell.source:
            yield index, following.get("outputs", [])


@pytest.mark.notebooks
@pytest.mark.parametrize("solution", SOLUTION_FILES, ids=_names(SOLUTION_FILES))
def test_learner_notebook_runs_with_exercises_unsolved(solution):
    learner = make_learner_notebook(read_notebook(solution), paths.rel(solution))
    result = kernel.execute_notebook(learner, paths.ROOT / paths.NOTEBOOKS)
    assert result.failure is None, result.failure.describe(f"notebooks/{solution.name}")
    for index, outputs in _stub_checks(result.nb):
        text = "".join(o.get("text", "") for o in outputs)
        assert CHECK_TO_DO in text, f"notebooks/{solution.name}: the check after exercise cell {index} printed {text!r}"
