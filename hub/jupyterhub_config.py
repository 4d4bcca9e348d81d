# JupyterHub configuration of the workshop server. `make hub` (hub/setup_hub.py) starts JupyterHub with it;
# every value comes from hub/workshop.toml (or the file $P2C_HUB_SETTINGS names), read by hub/workshop.py.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workshop import SetupError, course_url, find_proxy, git_config, load_settings, preflight  # noqa: E402
from workshop_hub import WorkshopAuthenticator, WorkshopSpawner, cgroup_limits_supported  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub provides it)

try:
    settings = load_settings()
    preflight(settings)
except SetupError as error:
    print(f"make hub: {error}", file=sys.stderr)
    raise SystemExit(2) from None
code = os.environ.get("P2C_WORKSHOP_CODE") or settings.workshop_code
if not code:
    print("make hub: no workshop code: start the hub with `make hub` (it makes one), or set workshop_code in "
          f"{settings.file}", file=sys.stderr)
    raise SystemExit(2)
state, venv = settings.state, settings.venv

# --- where the hub listens and keeps its state (learners reach only the proxy's port)
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_api_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [find_proxy(settings)]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # Ctrl+C stops every learner's server too (their files stay)

# --- sign-in: the workshop code at a learner's first sign-in, then their own password; the instructor is admin
c.JupyterHub.authenticator_class = WorkshopAuthenticator
c.WorkshopAuthenticator.workshop_code = code
c.WorkshopAuthenticator.password_file = str(state / "passwords.json")
c.Authenticator.allow_all = True  # the workshop code decides who may make an account
c.Authenticator.admin_users = {settings.admin}
c.LocalAuthenticator.create_system_users = True  # one Unix account per learner, in the learners' group
c.LocalAuthenticator.add_user_cmd = ["adduser", "--quiet", "--disabled-password", "--gecos", "",
                                     "--ingroup", "p2c-learners", "--shell", "/bin/bash"]

# --- each learner's server: their account, their home, the hub's environment, the shared cache
limits_ok, limits_how = cgroup_limits_supported()
c.JupyterHub.spawner_class = WorkshopSpawner
c.Spawner.cmd = [str(venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = course_url(settings).removeprefix("/hub/user-redirect")
c.Spawner.mem_limit = settings.mem_limit_bytes or None
c.Spawner.cpu_limit = settings.cpu_limit or None
c.WorkshopSpawner.enforce_limits = limits_how if limits_ok else ""
c.WorkshopSpawner.shared_cache = str(settings.cache)
activity = max(5, min(300, int(settings.cull_idle_minutes * 60 / 4)))  # report activity well within the timeout
c.Spawner.env_keep = ["LANG", "LC_ALL"]  # not the instructor's PYTHONPATH or VIRTUAL_ENV
c.Spawner.environment = {
    "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # never the instructor's PATH (root's own Pythons)
    "LABS_DATA_DIR": str(settings.cache / "datasets"),  # datasets: read from the shared cache, never downloaded again
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(activity),
    "PYTHONHASHSEED": "0",  # as the course's stored outputs were made: a learner's run prints the same
    # the course repository belongs to root: git reads it for another account only where system config says so
    "GIT_CONFIG_SYSTEM": str(git_config(settings)),
}
c.JupyterHub.last_activity_interval = activity

# --- idle servers are stopped (the learner's files stay; signing in again starts a fresh server)
cull_seconds = int(settings.cull_idle_minutes * 60)
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [str(venv / "bin" / "python"), "-m", "jupyterhub_idle_culler", f"--timeout={cull_seconds}",
                f"--cull-every={max(5, min(300, cull_seconds // 4))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]

if limits_ok:
    print(f"[hub] per-learner limits enforced with {limits_how}: {settings.mem_limit} memory, "
          f"{settings.cpu_limit:g} CPU", flush=True)
else:
    print(f"[hub] per-learner limits NOT enforced: {limits_how}; LocalProcessSpawner cannot enforce them "
          "otherwise (the values are only passed to the servers as MEM_LIMIT / CPU_LIMIT)", flush=True)
