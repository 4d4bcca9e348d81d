"""The workshop's JupyterHub pieces: sign-in with a workshop code and first-use passwords, and the spawner.

Loaded by hub/jupyterhub_config.py inside the hub's environment.
"""

import base64
import hashlib
import hmac
import json
import os
import pwd
import re
import secrets
import signal
from pathlib import Path

from jupyterhub.auth import LocalAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Unicode

from workshop import LEARNER_GROUP

__all__ = ["WorkshopAuthenticator", "WorkshopSpawner", "cgroup_limits_supported"]

NAME = re.compile(r"[a-z][a-z0-9]{1,19}")


def _hash(password, salt):
    """Return scrypt(password, salt): slow to guess, from the standard library."""
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


class WorkshopAuthenticator(LocalAuthenticator):
    """A learner's first sign-in needs the workshop code and sets their password; later sign-ins need that password.

    A name that belongs to an account the hub did not make (root, a service) is refused, so no one signs in
    as a system account. Passwords are kept hashed (scrypt) in a file only root can read.
    """

    request_otp = True
    otp_prompt = Unicode("Workshop code (first sign-in only):", config=True)
    workshop_code = Unicode(config=True, help="The code a learner needs at their first sign-in.")
    password_file = Unicode(config=True, help="Where the hashed passwords are kept (root only).")
    min_password_length = Integer(6, config=True)

    def _load(self):
        """Return {name: "salt$hash"} (empty before the first learner)."""
        path = Path(self.password_file)
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, passwords):
        """Write the passwords file atomically, readable by root only."""
        path = Path(self.password_file)
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(passwords))
        scratch.chmod(0o600)
        scratch.replace(path)

    def _account_is_ours_or_free(self, name):
        """Return True if no account has this name, or the hub made it (its primary group is the learners')."""
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            return True
        import grp

        return grp.getgrgid(account.pw_gid).gr_name == LEARNER_GROUP

    async def authenticate(self, handler, data):
        """Return the name if the password (or, the first time, the workshop code) is right; None refuses."""
        name = self.normalize_username(data.get("username", "") or "")
        password = data.get("password", "") or ""
        if not NAME.fullmatch(name):
            self.log.warning("Refused sign-in: %r is not 2-20 lowercase letters and digits", name)
            return None
        passwords = self._load()
        if name in passwords:
            salt, stored = (base64.b64decode(part) for part in passwords[name].split("$"))
            return name if hmac.compare_digest(_hash(password, salt), stored) else None
        code = (data.get("otp", "") or "").strip()
        if not self.workshop_code or not hmac.compare_digest(code.encode(), self.workshop_code.encode()):
            self.log.warning("Refused first sign-in of %s: wrong workshop code", name)
            return None
        if len(password) < self.min_password_length:
            self.log.warning("Refused first sign-in of %s: password shorter than %d", name, self.min_password_length)
            return None
        if not self._account_is_ours_or_free(name):
            self.log.warning("Refused first sign-in of %s: an account the hub did not make has that name", name)
            return None
        salt = secrets.token_bytes(16)
        passwords[name] = "$".join(base64.b64encode(part).decode() for part in (salt, _hash(password, salt)))
        self._save(passwords)
        self.log.info("First sign-in of %s: password set", name)
        return name


# --- limits: cgroups where the kernel lets root make them (cgroup v2, or v1's memory and cpu controllers)

_V2 = Path("/sys/fs/cgroup")
_V1 = {"memory": Path("/sys/fs/cgroup/memory"), "cpu": Path("/sys/fs/cgroup/cpu")}


def _cgroup_dirs(name):
    """Return the learner's cgroup folders: {"memory": ..., "cpu": ...} (one folder for both in cgroup v2)."""
    if (_V2 / "cgroup.controllers").exists():
        return {"memory": _V2 / "p2c" / name, "cpu": _V2 / "p2c" / name}
    return {kind: root / "p2c" / name for kind, root in _V1.items()}


def _write_limits(name, mem_bytes, cpus, pid):
    """Put ``pid`` (and what it starts later) in the learner's cgroups with the limits; raise OSError if refused."""
    dirs = _cgroup_dirs(name)
    v2 = dirs["memory"] == dirs["cpu"]
    if v2:
        (_V2 / "p2c").mkdir(exist_ok=True)
        for parent in (_V2, _V2 / "p2c"):
            (parent / "cgroup.subtree_control").write_text("+memory +cpu")
    for folder in set(dirs.values()):
        folder.mkdir(parents=True, exist_ok=True)
    period = 100_000
    if v2:
        (dirs["memory"] / "memory.max").write_text(str(mem_bytes) if mem_bytes else "max")
        (dirs["cpu"] / "cpu.max").write_text(f"{int(cpus * period)} {period}" if cpus else f"max {period}")
    else:
        if mem_bytes:
            (dirs["memory"] / "memory.limit_in_bytes").write_text(str(mem_bytes))
        (dirs["cpu"] / "cpu.cfs_period_us").write_text(str(period))
        (dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(int(cpus * period)) if cpus else "-1")
    for folder in set(dirs.values()):
        (folder / "cgroup.procs").write_text(str(pid))


def cgroup_limits_supported():
    """Return (True, how) if this machine lets the hub enforce limits with cgroups, else (False, why not)."""
    probe = f"probe{os.getpid()}"
    try:
        dirs = _cgroup_dirs(probe)
        for folder in set(dirs.values()):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in set(dirs.values()):
            folder.rmdir()
        return True, "cgroup v2" if dirs["memory"] == dirs["cpu"] else "cgroup v1"
    except OSError as error:
        return False, f"cgroups are not writable here ({error.strerror})"


class WorkshopSpawner(LocalProcessSpawner):
    """Each learner's server as their own Unix account, in a home only they can read, with the limits applied."""

    shared_cache = Unicode(config=True, help="The read-only shared cache (datasets/, keras/).")
    enforce_limits = Unicode("", config=True, help="'' to leave limits advisory, else the cgroup kind used.")

    def _home(self):
        """Return the learner's account entry."""
        return pwd.getpwnam(self.user.name)

    def prepare_home(self):
        """Make the home private and point ~/.keras at the shared weights and demo folders (links, not copies)."""
        account = self._home()
        home = Path(account.pw_dir)
        home.chmod(0o700)
        keras = home / ".keras"
        datasets = keras / "datasets"
        for folder in (keras, datasets):
            folder.mkdir(exist_ok=True)
            os.chown(folder, account.pw_uid, account.pw_gid)
        shared = Path(self.shared_cache) / "keras"
        for link, target in ((keras / "models", shared / "models"),
                             (datasets / "capstone_demo", shared / "datasets" / "capstone_demo")):
            if target.exists() and not (link.exists() or link.is_symlink()):
                link.symlink_to(target)
                os.chown(link, account.pw_uid, account.pw_gid, follow_symlinks=False)

    async def start(self):
        """Prepare the home, start the server, then put it under the learner's limits."""
        self.prepare_home()
        result = await super().start()
        if self.enforce_limits:
            try:
                _write_limits(self.user.name, int(self.mem_limit or 0), float(self.cpu_limit or 0), self.pid)
            except OSError as error:
                self.log.warning("Limits for %s not applied: %s", self.user.name, error)
        return result

    async def stop(self, now=False):
        """Stop the server, then remove its empty cgroups."""
        await super().stop(now=now)
        if self.enforce_limits:
            for folder in set(_cgroup_dirs(self.user.name).values()):
                try:
                    for pid in (folder / "cgroup.procs").read_text().split():
                        os.kill(int(pid), signal.SIGKILL)  # a kernel the server left behind
                    folder.rmdir()
                except (OSError, ValueError):
                    pass
