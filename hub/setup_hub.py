#!/usr/bin/env python3
"""Set up and start the workshop server (JupyterHub): `make hub` runs this as root with the system Python.

    python3 hub/setup_hub.py              # set up, then start the hub in the foreground (make hub)
    python3 hub/setup_hub.py setup        # set up only (the Kubernetes image runs this at build time)
    python3 hub/setup_hub.py publish      # send the course folder's notebooks to the learners (make hub-publish)
    python3 hub/setup_hub.py start        # start only
    python3 hub/setup_hub.py check        # only the checks made before starting
    ... --settings FILE                   # another settings file than hub/workshop.toml

Setting up builds, under `prefix` (/opt/pixels-to-convnets), what every learner's account uses:
the hub's Python environment (from the system Python: an environment under /root cannot be run by
the learners' accounts), configurable-http-proxy (npm), the shared read-only cache (datasets, Keras
weights, the capstone's demo folders) and the course repository the learners copy from and update
from (nbgitpuller). Each step is skipped when already done. Standard library only.
"""

import argparse
import hashlib
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workshop import (  # noqa: E402
    COURSE_BRANCH, HUB_DIR, LEARNER_GROUP, SETTINGS_ENV, SetupError, check_course, course_url, find_proxy, git_config,
    load_settings, preflight,
)

PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
HUB_REQUIREMENTS = HUB_DIR / "requirements.txt"
CODE_WORDS = ("pixel", "kernel", "filter", "stride", "tensor", "neuron", "layer", "epoch")


def step(message):
    """Print one step of the set-up."""
    print(f"[hub] {message}", flush=True)


def run(command, **kwargs):
    """Run a command; raise SetupError naming it if it fails."""
    result = subprocess.run(command, **kwargs)
    if result.returncode:
        raise SetupError(f"`{' '.join(map(str, command))}` failed (exit {result.returncode}); see its output above")
    return result


def require_root():
    """Refuse to set up without root on Linux: the hub makes an account per learner."""
    if platform.system() != "Linux" or os.geteuid() != 0:
        raise SetupError("the workshop server needs root on Linux (it makes a Unix account per learner): "
                         "run `sudo make hub`")


def require_world_executable_python(python):
    """Refuse a Python that the learners' accounts could not run (one under /root, say)."""
    path = Path(python).resolve()
    for folder in [path, *path.parents]:
        if not os.stat(folder).st_mode & 0o001:
            raise SetupError(f"{path} is inside {folder}, which other accounts cannot enter, so the learners could "
                             "not run the hub's environment: run with the system Python (`make hub "
                             "HUB_PYTHON=/usr/bin/python3`)")


def _digest(*paths):
    """Return a SHA-256 over the files given (a stamp: rebuild when one changes)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def build_environment(settings):
    """Make the hub's environment from this (system) Python with the course's pinned packages, the hub's and labs."""
    require_world_executable_python(sys.executable)
    python = settings.venv / "bin" / "python"
    stamp = settings.venv / ".p2c-requirements"
    wanted = _digest(settings.course / "requirements.txt", HUB_REQUIREMENTS)
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        started = time.perf_counter()
        step(f"building the hub's environment in {settings.venv} (a few minutes the first time)")
        run([sys.executable, "-m", "venv", str(settings.venv)])
        run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([str(python), "-m", "pip", "install", "--quiet", "-r", str(settings.course / "requirements.txt"),
             "-r", str(HUB_REQUIREMENTS)])
        stamp.write_text(wanted)
        step(f"environment built in {time.perf_counter() - started:.0f} s")
    # labs itself: a plain install (not editable), so every learner imports the same copy
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(settings.course)],
        stdout=subprocess.DEVNULL)
    step(f"environment ready: {settings.venv}")


def install_proxy(settings):
    """Install configurable-http-proxy with npm under the prefix, where every account can run it."""
    if find_proxy(settings) and str(settings.node_prefix) in find_proxy(settings):
        step(f"configurable-http-proxy ready: {find_proxy(settings)}")
        return
    if shutil.which("npm") is None:
        raise SetupError("npm not found: install Node.js and npm (`apt-get install nodejs npm`), then run make hub again")
    step(f"installing {PROXY_PACKAGE} with npm")
    run(["npm", "install", "--prefix", str(settings.node_prefix), "--no-audit", "--no-fund", "--omit=dev",
         "--loglevel=error", PROXY_PACKAGE])


def fill_cache(settings):
    """Fill the shared cache once: datasets this account has, Keras weights, the capstone's demo folders."""
    python = str(settings.venv / "bin" / "python")
    datasets, keras = settings.cache / "datasets", settings.cache / "keras"
    datasets.mkdir(parents=True, exist_ok=True)
    (keras / "models").mkdir(parents=True, exist_ok=True)
    subprocess.run(["sh", str(settings.course / "tools" / "install_offline_data.sh")], check=False)
    # What the instructor's account already downloaded (python -m labs.data fetch ...) is shared as it is.
    own = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    for source, target in ((own / "datasets", datasets), (own / "models", keras / "models")):
        for item in sorted(source.glob("*")) if source.is_dir() else []:
            if item.name in {"image_folders", "capstone_demo"} or (target / item.name).exists():
                continue
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, target / item.name)
    # The capstone's demo folders are made from Fashion-MNIST: once here instead of once per learner.
    run([python, "-c", "from labs import demo; demo.make_demo_folders(verbose=False)"],
        env={**os.environ, "KERAS_HOME": str(keras), "LABS_DATA_DIR": str(datasets), "TF_CPP_MIN_LOG_LEVEL": "3"})
    make_readable(settings.cache)
    step(f"shared cache ready (read-only for learners): {settings.cache}")


def make_readable(folder):
    """Let every account read (not write) a folder's contents."""
    run(["chmod", "-R", "a+rX,go-w", str(folder)])


def ensure_group():
    """Make the group every learner account belongs to."""
    if subprocess.run(["getent", "group", LEARNER_GROUP], stdout=subprocess.DEVNULL).returncode:
        run(["groupadd", LEARNER_GROUP])


def _course_files(settings):
    """Return the course files learners get: learner notebooks, solutions if allowed, the benchmark tables
    notebooks 10 and 12 read."""
    listed = run(["git", "-C", str(settings.course), "ls-files", "-z", "notebooks", "solutions", "benchmarks/results"],
                 capture_output=True).stdout.decode().split("\0")
    keep = []
    for name in filter(None, listed):
        if name.startswith("solutions/") and not settings.allow_solutions:
            continue
        if name.startswith("benchmarks/") and not name.endswith(".csv"):
            continue
        if (settings.course / name).is_file():
            keep.append(name)
    return keep


def publish(settings):
    """Commit the course folder's notebooks (as they are on disk) to the learners' course repository."""
    check_course(settings)
    git = ["git", "-c", "user.name=Pixels to ConvNets", "-c", "user.email=workshop@localhost",
           "--git-dir", str(settings.mirror)]
    if not (settings.mirror / "HEAD").exists():
        settings.mirror.parent.mkdir(parents=True, exist_ok=True)
        run(["git", "init", "--quiet", "--bare", "--initial-branch", COURSE_BRANCH, str(settings.mirror)])
    # Git refuses a repository another account owns unless system (or global) config marks it safe.
    git_config(settings).write_text(f"[include]\n\tpath = /etc/gitconfig\n[safe]\n\tdirectory = {settings.mirror}\n")
    git_config(settings).chmod(0o644)
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        for name in _course_files(settings):
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(settings.course / name, tree / name)
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run([*git, "--work-tree", str(tree), "add", "--all", "."], env=env, cwd=tree)
        new_tree = run([*git, "write-tree"], env=env, capture_output=True, text=True).stdout.strip()
    head = subprocess.run([*git, "rev-parse", "--verify", "--quiet", f"refs/heads/{COURSE_BRANCH}"],
                          capture_output=True, text=True).stdout.strip()
    if head and run([*git, "rev-parse", f"{head}^{{tree}}"], capture_output=True, text=True).stdout.strip() == new_tree:
        step(f"course repository up to date: {settings.mirror}")
        return False
    source = subprocess.run(["git", "-C", str(settings.course), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "the course folder"
    parent = ["-p", head] if head else []
    commit = run([*git, "commit-tree", new_tree, *parent, "-m", f"Course update from {source}"],
                 capture_output=True, text=True).stdout.strip()
    run([*git, "update-ref", f"refs/heads/{COURSE_BRANCH}", commit])
    make_readable(settings.mirror)
    step(f"course published to {settings.mirror} ({source}); learners get it from the course link")
    return True


def workshop_code(settings):
    """Return the workshop code: the settings' one, else one made once and kept in the state folder."""
    if settings.workshop_code:
        return settings.workshop_code
    path = settings.state / "workshop_code"
    if not path.exists():
        path.write_text(f"{secrets.choice(CODE_WORDS)}-{secrets.randbelow(9000) + 1000}\n")
        path.chmod(0o600)
    return path.read_text().strip()


def setup(settings):
    """Build everything the hub needs; each step is skipped when already done."""
    require_root()
    check_course(settings)
    started = time.perf_counter()
    settings.state.mkdir(parents=True, exist_ok=True)
    settings.state.chmod(0o700)
    ensure_group()
    build_environment(settings)
    install_proxy(settings)
    fill_cache(settings)
    publish(settings)
    step(f"set up in {time.perf_counter() - started:.0f} s")


def _addresses(settings):
    """Return the addresses learners can type: this machine's own where the hub listens on every interface."""
    if settings.ip not in ("0.0.0.0", ""):
        return [settings.ip]
    names = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [name for name in names if ":" not in name] or [socket.gethostname()]


def banner(settings, code):
    """Return what the instructor needs to know once the hub starts."""
    urls = [f"http://{address}:{settings.port}" for address in _addresses(settings)]
    limits = (f"{settings.mem_limit} memory and {settings.cpu_limit:g} CPU per learner where the kernel lets the "
              "hub use cgroups (the hub's log says which)") if settings.mem_limit != "0" else "no memory limit"
    return "\n".join([
        "", "=" * 78, "Pixels to ConvNets workshop server",
        f"  Learners open:   {'  or  '.join(urls)}",
        "  They sign in with a name they choose (2-20 lowercase letters and digits) and a password they",
        f"  choose (6 characters or more); the first time, with the workshop code too:  {code}",
        f"  You sign in as `{settings.admin}` the same way (the first time, before the room), then "
        f"{urls[0]}/hub/admin",
        f"  Course link (copies the course, later brings updates, keeping edits): {urls[0]}{course_url(settings)}",
        "  To update the course: edit it here, then `make hub-publish`; learners open the course link again.",
        f"  Idle servers stop after {settings.cull_idle_minutes:g} minutes; {limits}.",
        "  Stop the hub: Ctrl+C (learners' files stay in their homes).", "=" * 78, "", ])


def start(settings):
    """Check, print the banner, then become JupyterHub (in the foreground; Ctrl+C stops it)."""
    require_root()
    preflight(settings)
    hub = settings.venv / "bin" / "jupyterhub"
    if not hub.exists():
        raise SetupError(f"the hub's environment is missing ({hub}): run `make hub`, which sets it up first")
    if not (settings.mirror / "HEAD").exists():
        raise SetupError(f"the course repository is missing ({settings.mirror}): run `make hub`, which sets it up")
    settings.state.mkdir(parents=True, exist_ok=True)
    settings.state.chmod(0o700)
    code = workshop_code(settings)
    print(banner(settings, code), flush=True)
    env = {**os.environ, SETTINGS_ENV: str(settings.file), "P2C_WORKSHOP_CODE": code}
    os.chdir(settings.state)
    os.execve(str(hub), [str(hub), "-f", str(HUB_DIR / "jupyterhub_config.py")], env)


def main(argv=None):
    """Run the command asked for; return the exit status (2 with one line saying what to do)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="all", choices=("all", "setup", "publish", "start", "check"))
    parser.add_argument("--settings", help=f"settings file (default: ${SETTINGS_ENV}, else hub/workshop.toml)")
    options = parser.parse_args(argv)
    try:
        settings = load_settings(options.settings)
        if options.command == "check":
            preflight(settings)
            step("ready to start")
        elif options.command == "publish":
            publish(settings)
        else:
            if options.command in ("all", "setup"):
                setup(settings)
            if options.command in ("all", "start"):
                start(settings)
    except SetupError as error:
        print(f"make hub: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
