"""The workshop server (hub/, make hub): its checks before starting, and the hub itself on loopback with three
learners — sign-in, notebooks run at once with their check lines as stored, isolation between learners, a course
update that keeps a learner's edit, a killed kernel, an idle server culled and back.

The loopback tests need root on Linux with npm, adduser and the system Python (CI has them); they build the hub's
environment under /opt/pixels-to-convnets as `make hub` does (about a minute the first time), make accounts
p2ctest1..3 and p2ctestadm, and remove every account, process and file they made, even when a test fails.
"""

import json
import os
import platform
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "hub" / "setup_hub.py"
SYSTEM_PYTHON = "/usr/bin/python3"
LEARNERS = ("p2ctest1", "p2ctest2", "p2ctest3")
ADMIN = "p2ctestadm"
PASSWORD = "learner-pw-1"
FOLDER = "pixels-to-convnets"
NOTEBOOKS = ("01_images_as_arrays", "05_neural_networks")  # notebook 01, and the quickest one that trains with Keras
CULL_MINUTES = 0.75


def _write_settings(path, **values):
    """Write a settings file (TOML) with the values given."""
    path.write_text("".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()))
    return path


def _check(settings, env=None):
    """Run `setup_hub.py check`; return (exit status, stderr)."""
    result = subprocess.run([sys.executable, str(SETUP), "check", "--settings", str(settings)], capture_output=True,
                            text=True, env=env, timeout=60)
    return result.returncode, result.stderr


def _free_port_triple():
    """Return a port p with p, p+1 and p+2 free on loopback."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port > 65000:
            continue
        try:
            for offset in (1, 2):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
    raise RuntimeError("no three free ports in a row")


@pytest.fixture
def fake_proxy(tmp_path):
    """Return a PATH with a stand-in configurable-http-proxy on it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    proxy = folder / "configurable-http-proxy"
    proxy.write_text("#!/bin/sh\n")
    proxy.chmod(0o755)
    return f"{folder}:/usr/bin:/bin"


def _assert_one_clear_line(status, stderr, *words):
    """Assert a refusal: exit 2, one line starting 'make hub:', with the words given, and no traceback."""
    assert status == 2, stderr
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("make hub: "), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, f"{word!r} not in {stderr!r}"


def test_a_course_folder_that_does_not_exist_is_refused(tmp_path, fake_proxy):
    settings = _write_settings(tmp_path / "s.toml", course=str(tmp_path / "nowhere"), prefix=str(tmp_path))
    status, stderr = _check(settings, env={**os.environ, "PATH": fake_proxy})
    _assert_one_clear_line(status, stderr, "does not exist", "set `course`")


def test_a_port_in_use_is_refused(tmp_path, fake_proxy):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = _write_settings(tmp_path / "s.toml", course=str(ROOT), prefix=str(tmp_path), ip="127.0.0.1",
                                   port=port)
        status, stderr = _check(settings, env={**os.environ, "PATH": fake_proxy})
    _assert_one_clear_line(status, stderr, f"port {port}", "in use", "set `port`")


def test_no_proxy_is_refused_saying_how_to_get_it(tmp_path):
    settings = _write_settings(tmp_path / "s.toml", course=str(ROOT), prefix=str(tmp_path), ip="127.0.0.1",
                               port=_free_port_triple())
    status, stderr = _check(settings, env={**os.environ, "PATH": "/nonexistent"})
    _assert_one_clear_line(status, stderr, "configurable-http-proxy not found", "make hub", "npm install")


def test_a_wrong_setting_is_named(tmp_path):
    settings = _write_settings(tmp_path / "s.toml", course=str(ROOT), mem_limit="lots", prots=8000)
    status, stderr = _check(settings)
    _assert_one_clear_line(status, stderr, "unknown setting(s) prots")
    _write_settings(settings, course=str(ROOT), mem_limit="lots")
    _assert_one_clear_line(*_check(settings), "mem_limit", '"2G"')


def test_the_checks_pass_when_all_is_there(tmp_path, fake_proxy):
    settings = _write_settings(tmp_path / "s.toml", course=str(ROOT), prefix=str(tmp_path), ip="127.0.0.1",
                               port=_free_port_triple())
    status, stderr = _check(settings, env={**os.environ, "PATH": fake_proxy})
    assert status == 0, stderr


# --- the hub on loopback ---------------------------------------------------------------------------------------


def _why_not_here():
    """Return why the hub cannot run here (None where it can)."""
    if platform.system() != "Linux":
        return "the workshop server runs on Linux"
    if os.geteuid() != 0:
        return "the workshop server needs root (it makes an account per learner)"
    missing = [tool for tool in ("npm", "adduser", "userdel", "git") if shutil.which(tool) is None]
    if missing or not Path(SYSTEM_PYTHON).exists():
        return f"the workshop server needs {', '.join(missing) or SYSTEM_PYTHON}"
    return None


def _accounts_made_by_tests():
    """Return the test accounts that exist."""
    names = []
    for name in (*LEARNERS, ADMIN):
        try:
            pwd.getpwnam(name)
            names.append(name)
        except KeyError:
            pass
    return names


def _kill_processes_of(names):
    """Kill every process running as one of the test accounts (their servers and kernels), by process id."""
    uids = {pwd.getpwnam(name).pw_uid for name in names}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def _remove_test_accounts():
    """Remove the test accounts, their homes, processes and cgroups."""
    names = _accounts_made_by_tests()
    if names:
        _kill_processes_of(names)
        time.sleep(0.5)
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
    for name in (*LEARNERS, ADMIN):
        for folder in (Path("/sys/fs/cgroup/memory/p2c") / name, Path("/sys/fs/cgroup/cpu/p2c") / name,
                       Path("/sys/fs/cgroup/p2c") / name):
            try:
                folder.rmdir()
            except OSError:
                pass
    for parent in (Path("/sys/fs/cgroup/memory/p2c"), Path("/sys/fs/cgroup/cpu/p2c"), Path("/sys/fs/cgroup/p2c")):
        try:
            parent.rmdir()  # only when empty: a workshop's hub running beside the test keeps its own
        except OSError:
            pass


class Hub:
    """The hub under test: its address, settings, course clone and learners."""

    def __init__(self, folder):
        self.folder = folder
        self.port = _free_port_triple()
        self.base = f"http://127.0.0.1:{self.port}"
        self.code = secrets.token_hex(4)
        self.course = folder / "course"
        self.mirror = folder / "course.git"
        self.state = folder / "state"
        self.settings = _write_settings(
            folder / "workshop.toml", course=str(self.course), ip="127.0.0.1", port=self.port, admin=ADMIN,
            workshop_code=self.code, cull_idle_minutes=CULL_MINUTES, mem_limit="6G", cpu_limit=1.0,
            allow_solutions=True, state=str(self.state), mirror=str(self.mirror))
        self.process, self.learners, self.kernels = None, {}, {}

    def setup_hub(self, command):
        """Run setup_hub.py with the test's settings; return its output."""
        result = subprocess.run([SYSTEM_PYTHON, str(SETUP), command, "--settings", str(self.settings)],
                                capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"setup_hub.py {command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def start(self):
        """Start the hub as make hub does, and wait until it answers."""
        import requests

        self.log = open(self.folder / "hub.log", "w")
        self.process = subprocess.Popen([SYSTEM_PYTHON, str(SETUP), "start", "--settings", str(self.settings)],
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the hub stopped:\n{self.log_tail()}"
            try:
                if requests.get(f"{self.base}/hub/api", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the hub did not answer within 90 s:\n{self.log_tail()}")

    def log_tail(self):
        """Return the end of the hub's log."""
        return (self.folder / "hub.log").read_text(errors="replace")[-4000:]

    def stop(self):
        """Stop the hub (Ctrl+C, as an instructor would), then whatever is left of it."""
        for kernel in self.kernels.values():
            try:
                kernel.close()
            except Exception:  # noqa: BLE001 (a websocket already closed)
                pass
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:  # the proxy and the culler, started in the hub's own session
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        proxy_pid = self.state / "proxy.pid"
        if proxy_pid.exists():
            try:
                os.kill(int(proxy_pid.read_text()), signal.SIGKILL)
            except (OSError, ValueError):
                pass


@pytest.fixture(scope="module")
def hub():
    """The hub on a free loopback port, with its own course clone, course repository and state; torn down after."""
    why = _why_not_here()
    if why:
        pytest.skip(why)
    _remove_test_accounts()  # left by a run that was killed
    folder = Path(tempfile.mkdtemp(prefix="p2c-hub-test-"))
    folder.chmod(0o755)  # the learners' git reads the course repository inside it
    the_hub = Hub(folder)
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(the_hub.course)], check=True)
        started = time.perf_counter()
        the_hub.setup_hub("setup")
        print(f"\nhub set-up: {time.perf_counter() - started:.0f} s")
        the_hub.start()
        yield the_hub
    finally:
        the_hub.stop()
        _remove_test_accounts()
        shutil.rmtree(folder, ignore_errors=True)


def _learner(hub, name):
    """Return the signed-in Learner ``name``."""
    return hub.learners[name]


def _stored_check_lines(name):
    """Return [(cell index, check lines)] of a solution notebook's stored outputs (cells whose output is checked)."""
    from hub_session import check_lines

    nb = json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text(encoding="utf-8"))
    stored = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        texts = []
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            texts.append("".join(text) if isinstance(text, list) else text)
        stored.append((index, check_lines(texts)))
    return stored


@pytest.mark.hub
def test_learners_sign_in_with_the_workshop_code_then_their_password(hub):
    from hub_session import Learner, sign_in

    banner = (hub.folder / "hub.log").read_text(errors="replace")
    assert f"http://127.0.0.1:{hub.port}" in banner and hub.code in banner, "the banner lacks the address or code"
    assert sign_in(hub.base, LEARNERS[0], PASSWORD, "wrong-code") is None, "a wrong workshop code was let in"
    assert sign_in(hub.base, "root", PASSWORD, hub.code) is None, "a system account was let in"
    assert sign_in(hub.base, LEARNERS[0], "short", hub.code) is None, "a 5-character password was accepted"
    for name in LEARNERS:
        session = sign_in(hub.base, name, PASSWORD, hub.code)
        assert session is not None, f"{name}'s first sign-in was refused:\n{hub.log_tail()}"
        hub.learners[name] = Learner(hub.base, name, session)
    assert sign_in(hub.base, LEARNERS[0], "wrong-password", "") is None, "a wrong password was let in"
    assert sign_in(hub.base, LEARNERS[0], PASSWORD, "") is not None, "the learner's own password was refused"
    admin_session = sign_in(hub.base, ADMIN, PASSWORD, hub.code)
    assert admin_session is not None, "the instructor's first sign-in was refused"
    assert Learner(hub.base, ADMIN, admin_session).hub("GET", "/users").status_code == 200, "the admin cannot list"
    assert hub.learners[LEARNERS[0]].hub("GET", "/users").status_code == 403, "a learner listed every account"
    for name in LEARNERS:
        account = pwd.getpwnam(name)
        assert os.stat(account.pw_dir).st_mode & 0o077 == 0, f"{name}'s home is open to others"


def _run_in_threads(function, names):
    """Run function(name) for every name at once; re-raise the first failure."""
    errors = {}

    def target(name):
        try:
            function(name)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors[name] = error

    threads = [threading.Thread(target=target, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        name, error = next(iter(errors.items()))
        raise AssertionError(f"{name}: {error}") from error


@pytest.mark.hub
def test_three_learners_run_notebooks_at_once_with_the_stored_check_lines(hub):
    stored = {name: _stored_check_lines(name) for name in NOTEBOOKS}
    assert all(any(lines for _, lines in cells) for cells in stored.values()), "a notebook without check lines"
    results = {}

    def work(name):
        learner = _learner(hub, name)
        learner.start_server()
        learner.pull_course(f"file://{hub.mirror}", FOLDER)
        for notebook in NOTEBOOKS:
            path = f"{FOLDER}/solutions/{notebook}.ipynb"
            nb = learner.api("GET", f"/contents/{path}").json()["content"]
            kernel = learner.start_kernel(path)
            hub.kernels[(name, notebook)] = kernel
            results[(name, notebook)] = kernel.run_notebook(nb)

    started = time.perf_counter()
    _run_in_threads(work, LEARNERS)
    print(f"\nthree learners, notebooks {' and '.join(NOTEBOOKS)} at once: {time.perf_counter() - started:.0f} s")
    for (name, notebook), got in results.items():
        assert got == stored[notebook], f"{name}'s {notebook}: check lines differ from the stored ones"


@pytest.mark.hub
def test_a_learner_cannot_reach_another_learners_server_or_files(hub):
    a, b = _learner(hub, LEARNERS[0]), _learner(hub, LEARNERS[1])
    assert a.api("GET", "/contents", user=b.name).status_code == 403, "A's token opened B's server"
    assert a.hub("GET", f"/users/{b.name}").status_code in (403, 404), "A's token read B's account on the hub"
    assert b.api("GET", "/contents").status_code == 200, "B's own token was refused"
    kernel = hub.kernels[(a.name, NOTEBOOKS[0])]
    theirs = f"{pwd.getpwnam(b.name).pw_dir}/{FOLDER}/solutions/{NOTEBOOKS[0]}.ipynb"
    texts, error = kernel.execute(f"open({theirs!r}).read()")
    assert error and error.startswith("PermissionError"), f"A's kernel read B's notebook: {error or texts}"
    texts, error = kernel.execute(f"open({pwd.getpwnam(b.name).pw_dir + '/planted.txt'!r}, 'w')")
    assert error and error.startswith("PermissionError"), f"A's kernel wrote in B's home: {error or texts}"
    texts, _ = kernel.execute("import getpass, os; print(getpass.getuser(), os.environ['LABS_DATA_DIR'])")
    assert texts == [f"{a.name} {Path('/opt/pixels-to-convnets/cache/datasets')}\n"], texts


def _edit_cell(nb, index, line):
    """Return nb with ``line`` added at the end of cell ``index``."""
    cell = nb["cells"][index]
    cell["source"] = cell["source"].rstrip("\n") + "\n" + line
    return nb


@pytest.mark.hub
def test_a_course_update_reaches_everyone_and_keeps_a_learners_edit(hub):
    a = _learner(hub, LEARNERS[0])
    path = f"{FOLDER}/notebooks/{NOTEBOOKS[0]}.ipynb"
    nb = a.api("GET", f"/contents/{path}").json()["content"]
    code_cells = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"]
    edit = "# my note: the brighter pixels have the larger values"
    response = a.api("PUT", f"/contents/{path}", json={"type": "notebook", "format": "json",
                                                        "content": _edit_cell(nb, code_cells[-1], edit)})
    assert response.status_code == 200, response.text
    # The instructor changes the same notebook elsewhere (its first cell) and publishes.
    course_nb = hub.course / "notebooks" / f"{NOTEBOOKS[0]}.ipynb"
    # A line added to the file as it is, as an editor would: the rest of the file unchanged.
    text = course_nb.read_text(encoding="utf-8")
    first = json.dumps(json.loads(text)["cells"][0]["source"][0], ensure_ascii=False) + ","
    update = "Updated for this workshop."
    assert text.count(first) == 1
    course_nb.write_text(text.replace(first, f"{first}\n    {json.dumps(update + chr(10))},"), encoding="utf-8")
    assert "course published" in hub.setup_hub("publish")

    def pull(name):
        _learner(hub, name).pull_course(f"file://{hub.mirror}", FOLDER)

    _run_in_threads(pull, LEARNERS)
    for name in LEARNERS:
        got = _learner(hub, name).api("GET", f"/contents/{path}").json()["content"]
        assert update in got["cells"][0]["source"], f"{name} did not get the update"
        assert (edit in got["cells"][code_cells[-1]]["source"]) == (name == a.name), f"{name}'s notebook: edit"


@pytest.mark.hub
def test_killing_one_learners_kernel_leaves_the_others_and_the_hub(hub):
    a, b, c = (_learner(hub, name) for name in LEARNERS)
    victim = hub.kernels[(a.name, NOTEBOOKS[1])]
    texts, _ = victim.execute("import os; print(os.getpid())")
    os.kill(int(texts[0]), signal.SIGKILL)
    for learner in (b, c):
        texts, error = hub.kernels[(learner.name, NOTEBOOKS[1])].execute("print(6 * 7)")
        assert (texts, error) == (["42\n"], None), f"{learner.name}'s kernel after A's was killed: {texts} {error}"
    assert a.hub("GET", "/").status_code == 200, "the hub stopped answering"
    fresh = a.start_kernel(f"{FOLDER}/notebooks/{NOTEBOOKS[0]}.ipynb")
    hub.kernels[(a.name, "fresh")] = fresh
    assert fresh.execute("print('back')") == (["back\n"], None), "A could not start a new kernel"


@pytest.mark.hub
def test_an_idle_server_is_culled_and_comes_back_with_the_files(hub):
    import requests

    for kernel in hub.kernels.values():
        kernel.close()
    hub.kernels.clear()
    a = _learner(hub, LEARNERS[0])
    deadline = time.monotonic() + CULL_MINUTES * 60 * 3 + 30
    while any(_learner(hub, name).server_running() for name in LEARNERS):
        assert time.monotonic() < deadline, f"idle servers were not culled:\n{hub.log_tail()}"
        time.sleep(2)
    a.start_server()
    # Signing in again lands on the course link, which brings the course up to date before opening it.
    landing = requests.get(f"{hub.base}/user/{a.name}/", headers={"Authorization": f"token {a.token}"},
                           allow_redirects=False, timeout=60)
    assert landing.status_code == 302 and "/git-pull?" in landing.headers["Location"], landing.headers
    nb = a.api("GET", f"/contents/{FOLDER}/notebooks/{NOTEBOOKS[0]}.ipynb").json()["content"]
    assert any("# my note" in cell["source"] for cell in nb["cells"]), "A's edit was lost after the cull"


def test_the_readmes_sizing_table_is_the_measured_one():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import sizing

    rows = sizing.read_results()
    assert [row["notebook"][:2] for row in rows] == [f"{n:02d}" for n in range(13)], "sizing.csv lacks a notebook"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sizing.workshop_table(rows) in readme, "README's sizing table differs: run benchmarks/sizing.py --readme"
    peak = max(float(row["peak_rss_mib"]) for row in rows) / 1024
    assert f"peaks at {peak:.1f} GiB" in readme and f"about {peak:.1f} GiB" in readme
