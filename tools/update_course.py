#!/usr/bin/env python3
"""Bring the course's latest version into your clone, keeping your edits (make update).

    python3 tools/update_course.py                                   # update, keeping your edits
    python3 tools/update_course.py --reset notebooks/05_neural_networks.ipynb   # one notebook back to the course's
    python3 tools/update_course.py --reset 05                        # the same, by its number

An update first saves your edits (a commit "My edits before the course update"), then merges the course's
latest version with git. Where you and the course changed different parts of a notebook, both changes stay.
Where you changed the same lines as the course, or a merged notebook would no longer open, the file takes the
course's version and yours is kept beside it as NAME.my-version-DATE.ipynb; the update says which. Nothing of
yours is overwritten without a copy. --reset keeps your version as NAME.backup-DATE.ipynb first.
Standard library and git only.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDENTITY = ["-c", "user.name=Course learner", "-c", "user.email=learner@localhost"]

__all__ = ["UpdateError", "update", "reset", "main"]


class UpdateError(Exception):
    """The update could not run; the message says why and what to do. Nothing was changed."""


def git(repo, *args, check=True):
    """Run git in ``repo``; return its stdout. Raise UpdateError with git's words when ``check`` and it fails."""
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and result.returncode:
        raise UpdateError(f"`git {' '.join(args)}` failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _identity(repo):
    """Return git's -c options for a commit: the learner's own name if git knows one, else a stand-in."""
    return [] if git(repo, "config", "user.email", check=False).strip() else IDENTITY


def _upstream(repo):
    """Return the course branch this clone follows (origin/main) or raise UpdateError saying how to set it."""
    if not (Path(repo) / ".git").exists():
        raise UpdateError(f"{repo} is not a clone of the course (no .git): run this inside the folder you cloned")
    upstream = git(repo, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False).strip()
    if not upstream:
        raise UpdateError("this clone follows no course branch: run `git branch --set-upstream-to=origin/main`")
    return upstream


def _stamp():
    """Return the date and time for a copy's name: 20261207-1530."""
    return time.strftime("%Y%m%d-%H%M%S")


def _copy_name(path, label):
    """Return the name of a kept copy next to ``path``: notebooks/05.my-version-20261207-153000.ipynb."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{label}-{_stamp()}{path.suffix}")


def _opens(path):
    """Return False for a notebook that is no longer valid JSON (a merge can join two edits badly)."""
    if Path(path).suffix != ".ipynb" or not Path(path).exists():
        return True
    try:
        json.loads(Path(path).read_text(encoding="utf-8"))
        return True
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _save_edits(repo):
    """Commit the learner's edits to tracked files; return the files saved."""
    changed = [line for line in git(repo, "diff", "--name-only", "HEAD").splitlines() if line]
    if changed:
        git(repo, "add", "--update")
        git(repo, *_identity(repo), "commit", "--quiet", "--no-verify", "-m",
            f"My edits before the course update of {time.strftime('%Y-%m-%d %H:%M')}")
    return changed


def _move_aside_untracked(repo, upstream):
    """Rename the learner's own new files that the course now adds too; return [(path, kept as)]."""
    added = set(git(repo, "diff", "--name-only", "--diff-filter=A", "HEAD", upstream).splitlines())
    untracked = set(git(repo, "ls-files", "--others", "--exclude-standard").splitlines())
    moved = []
    for name in sorted(added & untracked):
        kept = _copy_name(name, "my-version")
        (Path(repo) / name).rename(Path(repo) / kept)
        moved.append((name, str(kept)))
    return moved


def _keep_mine_take_theirs(repo, name):
    """Give ``name`` the course's version, keeping the learner's beside it; return where theirs was kept."""
    mine = subprocess.run(["git", "-C", str(repo), "show", f":2:{name}"], capture_output=True)
    theirs = subprocess.run(["git", "-C", str(repo), "show", f":3:{name}"], capture_output=True)
    if theirs.returncode:  # the course deleted a file the learner edited: keep the learner's
        git(repo, "add", "--", name)
        return None
    kept = _copy_name(name, "my-version")
    if mine.returncode == 0:
        (Path(repo) / kept).write_bytes(mine.stdout)
    (Path(repo) / name).write_bytes(theirs.stdout)
    git(repo, "add", "--", name, *([str(kept)] if mine.returncode == 0 else []))
    return str(kept) if mine.returncode == 0 else None


def update(repo=ROOT, out=print):
    """Fetch and merge the course's latest version, keeping the learner's edits; return the conflicts
    [(file, where the learner's version was kept)]."""
    upstream = _upstream(repo)
    if (Path(repo) / ".git" / "MERGE_HEAD").exists():
        raise UpdateError("a merge is half done in this clone: finish it (`git commit`) or undo it "
                          "(`git merge --abort`), then run make update again")
    remote = upstream.split("/", 1)[0]
    fetched = subprocess.run(["git", "-C", str(repo), "fetch", "--quiet", remote], capture_output=True, text=True)
    if fetched.returncode:
        raise UpdateError(f"could not reach the course ({fetched.stderr.strip()}); your files are unchanged")
    before = git(repo, "rev-parse", "HEAD").strip()
    if subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", upstream, "HEAD"]).returncode == 0:
        out("Already up to date: you have the course's latest version.")
        return []
    saved = _save_edits(repo)
    if saved:
        out(f"Saved your edits first ({len(saved)} file(s)): {', '.join(saved)}")
    for name, kept in _move_aside_untracked(repo, upstream):
        out(f"{name}: the course now has a file of this name; yours was renamed {kept}")
    merged = subprocess.run(["git", "-C", str(repo), *_identity(repo), "merge", "--no-edit", "--quiet", upstream],
                            capture_output=True, text=True)
    conflicted = [line for line in git(repo, "diff", "--name-only", "--diff-filter=U").splitlines() if line]
    if merged.returncode and not conflicted:
        git(repo, "merge", "--abort", check=False)
        raise UpdateError(f"git could not merge the course's update ({merged.stderr.strip()}); "
                          "your files are as they were, your edits saved in the last commit")
    conflicts = [(name, _keep_mine_take_theirs(repo, name)) for name in conflicted]
    if conflicted:
        git(repo, *_identity(repo), "commit", "--quiet", "--no-verify", "--no-edit")
    # A notebook both sides changed may merge line by line into text that no longer opens: the course's, then.
    both = set(saved) & set(git(repo, "diff", "--name-only", before, upstream).splitlines())
    for name in sorted(both - set(conflicted)):
        if not _opens(Path(repo) / name):
            kept = _copy_name(name, "my-version")
            (Path(repo) / kept).write_bytes(subprocess.run(["git", "-C", str(repo), "show", f"{before}:{name}"],
                                                           capture_output=True).stdout)
            git(repo, "checkout", upstream, "--", name)
            git(repo, "add", "--", str(kept))
            git(repo, *_identity(repo), "commit", "--quiet", "--no-verify", "-m", f"Course version of {name}")
            conflicts.append((name, str(kept)))
    changed = [line for line in git(repo, "diff", "--name-only", before, "HEAD").splitlines() if line]
    out(f"Updated: {len(changed)} file(s) changed by the course.")
    for name, kept in conflicts:
        if kept:
            out(f"CONFLICT {name}: you and the course changed the same lines. It now has the course's version; "
                f"yours is kept in {kept}")
        else:
            out(f"{name}: the course removed or changed it; your version is kept in place")
    if saved and not conflicts:
        out("Your edits are all kept.")
    return conflicts


def _resolve_notebook(repo, name):
    """Return the course path for a path or a notebook's number or name ("05", "05_neural_networks")."""
    if (Path(repo) / name).is_file() or "/" in name:
        return name
    matches = sorted(p.relative_to(repo).as_posix() for p in (Path(repo) / "notebooks").glob(f"{name}*.ipynb")
                     if ".backup-" not in p.name and ".my-version-" not in p.name)
    if len(matches) != 1:
        raise UpdateError(f"{name!r} names {len(matches)} notebooks in notebooks/: give the file's path")
    return matches[0]


def reset(repo, name, out=print):
    """Put one file back to the course's latest version, keeping the learner's as a backup; return the backup."""
    upstream = _upstream(repo)
    path = _resolve_notebook(repo, name)
    subprocess.run(["git", "-C", str(repo), "fetch", "--quiet", upstream.split("/", 1)[0]], capture_output=True)
    course = subprocess.run(["git", "-C", str(repo), "show", f"{upstream}:{path}"], capture_output=True)
    if course.returncode:
        raise UpdateError(f"the course has no {path}: nothing to reset it to")
    target = Path(repo) / path
    backup = None
    if target.exists() and target.read_bytes() != course.stdout:
        backup = _copy_name(path, "backup")
        (Path(repo) / backup).write_bytes(target.read_bytes())
    target.write_bytes(course.stdout)
    out(f"{path}: now the course's version" + (f"; yours is kept in {backup}" if backup else " (it already was)"))
    return backup


def main(argv=None):
    """Update the clone, or reset one notebook; return 0, or 1 with a message saying why nothing changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", metavar="NOTEBOOK", help="put this notebook back to the course's version")
    parser.add_argument("--repo", default=str(ROOT), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    try:
        if options.reset:
            reset(Path(options.repo), options.reset)
        else:
            update(Path(options.repo))
    except UpdateError as error:
        print(f"make update: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
