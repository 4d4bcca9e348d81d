"""The workshop server's settings and the checks made before it starts.

One place for `make hub` (hub/setup_hub.py, run by the system Python) and for JupyterHub's
hub/jupyterhub_config.py: both read hub/workshop.toml, or the file $P2C_HUB_SETTINGS names.
Standard library only. A problem the instructor can fix is a SetupError whose message says how.
"""

import os
import re
import shutil
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HUB_DIR", "SETTINGS_ENV", "LEARNER_GROUP", "SetupError", "Settings", "load_settings", "find_proxy",
           "check_course", "check_ports", "check_proxy", "preflight", "course_url", "git_config"]

HUB_DIR = Path(__file__).resolve().parent
SETTINGS_ENV = "P2C_HUB_SETTINGS"
LEARNER_GROUP = "p2c-learners"  # every learner account's primary group: how the hub knows an account is its own
COURSE_FOLDER = "pixels-to-convnets"  # the learner's copy, in their home
COURSE_BRANCH = "main"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)([KMGT]?)", re.IGNORECASE)


class SetupError(Exception):
    """A problem with the set-up that the instructor can fix; the message says what to do."""


@dataclass(frozen=True)
class Settings:
    """The workshop's settings, with the paths derived from them."""

    file: Path
    course: Path
    prefix: Path
    ip: str
    port: int
    admin: str
    workshop_code: str
    cull_idle_minutes: float
    mem_limit: str
    cpu_limit: float
    allow_solutions: bool
    state: Path
    mirror: Path

    @property
    def venv(self):
        """The hub's Python environment, built from the system Python so every account can run it."""
        return self.prefix / "venv"

    @property
    def node_prefix(self):
        """Where npm installs configurable-http-proxy."""
        return self.prefix / "node"

    @property
    def cache(self):
        """The shared, read-only cache: datasets/ ($LABS_DATA_DIR for every kernel) and keras/ (weights, demo)."""
        return self.prefix / "cache"

    @property
    def hub_api_port(self):
        """The hub's internal API port (loopback only)."""
        return self.port + 1

    @property
    def proxy_api_port(self):
        """The proxy's internal API port (loopback only)."""
        return self.port + 2

    @property
    def mem_limit_bytes(self):
        """Return mem_limit in bytes (0: no limit)."""
        number, unit = _SIZE.fullmatch(self.mem_limit).groups()
        return int(float(number) * 1024 ** " KMGT".index(unit.upper() or " "))


_DEFAULTS = {"course": "..", "prefix": "/opt/pixels-to-convnets", "ip": "0.0.0.0", "port": 8000,
             "admin": "instructor", "workshop_code": "", "cull_idle_minutes": 60, "mem_limit": "6G",
             "cpu_limit": 1.0, "allow_solutions": False, "state": "", "mirror": ""}
_TYPES = {"port": int, "cull_idle_minutes": (int, float), "cpu_limit": (int, float), "allow_solutions": bool}


def load_settings(path=None):
    """Read the settings file (``path``, else $P2C_HUB_SETTINGS, else hub/workshop.toml); return Settings."""
    path = Path(path or os.environ.get(SETTINGS_ENV) or HUB_DIR / "workshop.toml").expanduser().resolve()
    if not path.is_file():
        raise SetupError(f"settings file {path} not found: copy hub/workshop.toml and point {SETTINGS_ENV} at it")
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SetupError(f"{path} is not valid TOML ({error}): fix that line") from None
    unknown = sorted(set(given) - set(_DEFAULTS))
    if unknown:
        raise SetupError(f"{path}: unknown setting(s) {', '.join(unknown)}; the settings are {', '.join(_DEFAULTS)}")
    values = {**_DEFAULTS, **given}
    for key, expected in _TYPES.items():
        if not isinstance(values[key], expected) or (expected is int and isinstance(values[key], bool)):
            raise SetupError(f"{path}: {key} = {values[key]!r} is not a {_type_name(expected)}")
    for key in ("course", "prefix", "ip", "admin", "workshop_code", "mem_limit", "state", "mirror"):
        if not isinstance(values[key], str):
            raise SetupError(f"{path}: {key} = {values[key]!r} should be text in quotes")
    if not 1024 <= values["port"] <= 65533:
        raise SetupError(f"{path}: port = {values['port']} should be a number from 1024 to 65533")
    if not _SIZE.fullmatch(values["mem_limit"]):
        raise SetupError(f"{path}: mem_limit = {values['mem_limit']!r} should look like \"2G\" or \"1536M\" (\"0\": none)")
    if values["cull_idle_minutes"] <= 0 or values["cpu_limit"] < 0:
        raise SetupError(f"{path}: cull_idle_minutes must be above 0 and cpu_limit at least 0 (0: none)")
    if not re.fullmatch(r"[a-z][a-z0-9]{1,19}", values["admin"]):
        raise SetupError(f"{path}: admin = {values['admin']!r} should be 2-20 lowercase letters and digits")
    base = path.parent
    prefix = (base / values["prefix"]).resolve()
    return Settings(
        file=path, course=(base / values["course"]).resolve(), prefix=prefix, ip=values["ip"], port=values["port"],
        admin=values["admin"], workshop_code=values["workshop_code"], cull_idle_minutes=float(values["cull_idle_minutes"]),
        mem_limit=values["mem_limit"], cpu_limit=float(values["cpu_limit"]), allow_solutions=values["allow_solutions"],
        state=(base / values["state"]).resolve() if values["state"] else prefix / "state",
        mirror=(base / values["mirror"]).resolve() if values["mirror"] else prefix / "course.git")


def _type_name(expected):
    """Return a type's name for a message: 'number', 'whole number', 'true or false'."""
    return {int: "whole number", bool: "true or false"}.get(expected, "number")


def find_proxy(settings):
    """Return the configurable-http-proxy to run: the one make hub installed, else the one on PATH, else None."""
    installed = settings.node_prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if installed.is_file() and os.access(installed, os.X_OK):
        return str(installed)
    return shutil.which("configurable-http-proxy")


def check_course(settings):
    """Refuse a course folder that does not exist or is not the course."""
    if not settings.course.is_dir():
        raise SetupError(f"course folder {settings.course} does not exist: set `course` in {settings.file} to the "
                         "folder you cloned the course into")
    if not (settings.course / "notebooks").is_dir() or not (settings.course / ".git").exists():
        raise SetupError(f"{settings.course} is not a clone of the course (no notebooks/ or .git): set `course` in "
                         f"{settings.file} to the folder you cloned the course into")


def check_ports(settings):
    """Refuse ports already in use: the learners' port and the two internal ones after it."""
    for port, what in ((settings.port, "learners' port"), (settings.hub_api_port, "hub's internal port"),
                       (settings.proxy_api_port, "proxy's internal port")):
        host = settings.ip if what == "learners' port" else "127.0.0.1"
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # as the servers bind: a port left in TIME_WAIT by a hub just stopped is free, a listening one is not
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                raise SetupError(f"port {port} ({what}) on {host} is in use, perhaps by a hub already running: stop "
                                 f"it, or set `port` in {settings.file} to a free one (the hub uses it and the two "
                                 "after it)") from None


def check_proxy(settings):
    """Refuse to start without configurable-http-proxy."""
    if find_proxy(settings) is None:
        raise SetupError("configurable-http-proxy not found (looked in "
                         f"{settings.node_prefix}/node_modules/.bin and on PATH): run `make hub` as root, which "
                         "installs it with npm, or `npm install -g configurable-http-proxy`")


def preflight(settings):
    """Run every check made before the hub starts; raise SetupError on the first problem."""
    check_course(settings)
    check_proxy(settings)
    check_ports(settings)


def course_url(settings):
    """Return the hub-relative link that copies or updates a learner's course (nbgitpuller) and opens notebook 00."""
    from urllib.parse import urlencode

    query = urlencode({"repo": f"file://{settings.mirror}", "branch": COURSE_BRANCH, "targetPath": COURSE_FOLDER,
                       "urlpath": f"lab/tree/{COURSE_FOLDER}/notebooks/00_welcome.ipynb"})
    return f"/hub/user-redirect/git-pull?{query}"


def git_config(settings):
    """Return the git system config learners' processes use (written by setup_hub.py's publish): the machine's own,
    plus the course repository marked safe to read although root owns it."""
    return settings.mirror.with_name(settings.mirror.name + ".gitconfig")
