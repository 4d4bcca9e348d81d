"""tools/update_course.py (make update): a learner's clone gets the course's updates and keeps their edits; a
conflict keeps their version in a named copy and says so; --reset restores the course's version after a backup."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import update_course  # noqa: E402

GIT = ["git", "-c", "user.name=Instructor", "-c", "user.email=i@example.org", "-c", "init.defaultBranch=main"]


def _git(repo, *args):
    return subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _notebook(cells):
    """Return a notebook's text, as Jupyter writes it, with one code cell per source given."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": source.splitlines(keepends=True)} for i, source in enumerate(cells)],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _sources(path):
    return ["".join(cell["source"]) for cell in json.loads(Path(path).read_text())["cells"]]


CELLS = [f"x{i} = {i}\nprint(x{i})" for i in range(8)]


@pytest.fixture
def course(tmp_path):
    """Return (the course repository, a learner's clone of it, the notebook's path in both)."""
    upstream = tmp_path / "course"
    (upstream / "notebooks").mkdir(parents=True)
    (upstream / "notebooks" / "05_neural_networks.ipynb").write_text(_notebook(CELLS))
    _git(tmp_path, "init", "--quiet", str(upstream))
    _git(upstream, "add", ".")
    _git(upstream, "commit", "--quiet", "-m", "course")
    clone = tmp_path / "mine"
    _git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    return upstream, clone, "notebooks/05_neural_networks.ipynb"


def _publish(upstream, name, cells):
    (upstream / name).write_text(_notebook(cells))
    _git(upstream, "commit", "--quiet", "-am", "update")


def test_an_edit_survives_an_update_of_the_same_notebook_elsewhere(course):
    upstream, clone, name = course
    mine = list(CELLS)
    mine[6] = "x6 = 6  # my note\nprint(x6)"
    (clone / name).write_text(_notebook(mine))
    theirs = list(CELLS)
    theirs[0] = "x0 = 100\nprint(x0)"
    _publish(upstream, name, theirs)
    lines = []
    assert update_course.update(clone, out=lines.append) == []
    assert _sources(clone / name) == [theirs[0], *CELLS[1:6], mine[6], CELLS[7]]
    assert "Your edits are all kept." in lines


def test_a_conflict_takes_the_course_version_and_keeps_the_learners_as_a_named_copy(course):
    upstream, clone, name = course
    mine, theirs = list(CELLS), list(CELLS)
    mine[3], theirs[3] = "x3 = 'mine'\nprint(x3)", "x3 = 'course'\nprint(x3)"
    (clone / name).write_text(_notebook(mine))
    _publish(upstream, name, theirs)
    lines = []
    conflicts = update_course.update(clone, out=lines.append)
    assert [file for file, _ in conflicts] == [name]
    kept = clone / conflicts[0][1]
    assert kept.name.startswith("05_neural_networks.my-version-") and kept.suffix == ".ipynb"
    assert _sources(kept) == mine and _sources(clone / name) == theirs
    assert any(line.startswith(f"CONFLICT {name}") and conflicts[0][1] in line for line in lines), lines
    assert not (clone / ".git" / "MERGE_HEAD").exists() and _git(clone, "status", "--porcelain") == ""


def test_a_learners_own_file_the_course_now_adds_is_renamed_not_lost(course):
    upstream, clone, _ = course
    (clone / "notebooks" / "notes.md").write_text("my notes\n")
    (upstream / "notebooks" / "notes.md").write_text("course notes\n")
    _git(upstream, "add", ".")
    _git(upstream, "commit", "--quiet", "-m", "notes")
    lines = []
    update_course.update(clone, out=lines.append)
    assert (clone / "notebooks" / "notes.md").read_text() == "course notes\n"
    kept = [p for p in (clone / "notebooks").glob("notes.my-version-*.md")]
    assert len(kept) == 1 and kept[0].read_text() == "my notes\n"
    assert any("renamed" in line for line in lines)


def test_already_up_to_date_changes_nothing(course):
    _, clone, name = course
    (clone / name).write_text(_notebook(["print('mine')"]))
    lines = []
    assert update_course.update(clone, out=lines.append) == []
    assert lines == ["Already up to date: you have the course's latest version."]
    assert _sources(clone / name) == ["print('mine')"]


def test_reset_restores_the_course_version_and_keeps_a_backup(course):
    upstream, clone, name = course
    (clone / name).write_text(_notebook(["print('broken')"]))
    theirs = ["print('new course')"]
    _publish(upstream, name, theirs)
    lines = []
    backup = update_course.reset(clone, "05", out=lines.append)
    assert _sources(clone / name) == theirs
    assert _sources(clone / backup) == ["print('broken')"] and ".backup-" in str(backup)
    assert lines == [f"{name}: now the course's version; yours is kept in {backup}"]


def test_without_a_course_to_follow_it_says_what_to_do(tmp_path, capsys):
    _git(tmp_path, "init", "--quiet", str(tmp_path / "alone"))
    assert update_course.main(["--repo", str(tmp_path / "alone")]) == 1
    assert "follows no course branch" in capsys.readouterr().err
    assert update_course.main(["--repo", str(tmp_path)]) == 1
    assert "not a clone of the course" in capsys.readouterr().err
