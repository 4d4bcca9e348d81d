"""A learner at the workshop server, as the browser would be: sign in, start a server, copy the course with the
course link (nbgitpuller), run a notebook's code cells in a kernel through the Jupyter server's API and its
websocket. Used by tests/test_hub.py."""

import json
import time
import uuid

import requests
import websocket

__all__ = ["CHECK_MARKS", "Learner", "check_lines", "sign_in"]

CHECK_MARKS = ("✅", "❌", "⬜", "📊")


def sign_in(base, name, password, code=""):
    """Sign in through the hub's form; return the requests session (signed in) or None when refused."""
    session = requests.Session()
    session.get(f"{base}/hub/login", timeout=30).raise_for_status()
    response = session.post(f"{base}/hub/login", allow_redirects=False, timeout=60, data={
        "username": name, "password": password, "otp": code, "_xsrf": session.cookies.get("_xsrf")})
    return session if response.status_code == 302 else None


def check_lines(texts):
    """Return the lines of output texts that start with a status mark (the checks and verdicts)."""
    return [line.rstrip() for text in texts for line in text.splitlines() if line.startswith(CHECK_MARKS)]


class Learner:
    """One learner's account on the hub: their token, their server, their kernels."""

    def __init__(self, base, name, session):
        self.base, self.name = base, name
        xsrf = session.cookies.get("_xsrf")
        response = session.post(f"{base}/hub/api/users/{name}/tokens", headers={"X-XSRFToken": xsrf},
                                json={"note": "test", "expires_in": 3600}, timeout=30)
        response.raise_for_status()
        self.token = response.json()["token"]

    def hub(self, method, path, token=None, **kwargs):
        """Call the hub's REST API as this learner (or with another token)."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.base}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def api(self, method, path, token=None, user=None, **kwargs):
        """Call a Jupyter server's REST API (this learner's, or ``user``'s) with this learner's token."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.base}/user/{user or self.name}/api{path}", headers=headers,
                                timeout=120, allow_redirects=False, **kwargs)

    def start_server(self, timeout=120):
        """Start this learner's server and wait until it answers."""
        response = self.hub("POST", f"/users/{self.name}/server")
        assert response.status_code in (201, 202, 400), response.text  # 400: already running
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.hub("GET", f"/users/{self.name}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server did not start within {timeout} s")

    def server_running(self):
        """Return True while the hub lists this learner's server."""
        return bool(self.hub("GET", f"/users/{self.name}").json().get("servers", {}).get(""))

    def pull_course(self, repo, folder):
        """Open the course link's API (nbgitpuller): copy or update the course; return its output lines."""
        response = requests.get(f"{self.base}/user/{self.name}/git-pull/api",
                                params={"repo": repo, "branch": "main", "targetpath": folder},
                                headers={"Authorization": f"token {self.token}"}, stream=True, timeout=300)
        response.raise_for_status()
        response.encoding = "utf-8"  # an event stream names no charset
        lines = []
        for raw in response.iter_lines(decode_unicode=True):
            if not raw or not raw.startswith("data:"):
                continue
            event = json.loads(raw[5:])
            lines.append(event.get("output", ""))
            if event.get("phase") == "error":
                raise RuntimeError(f"nbgitpuller failed for {self.name}: {''.join(lines)}")
            if event.get("phase") == "finished":
                return lines
        raise RuntimeError(f"nbgitpuller stopped without finishing for {self.name}: {''.join(lines)}")

    def start_kernel(self, notebook_path):
        """Open a notebook's session (its kernel runs in the notebook's folder); return the Kernel."""
        response = self.api("POST", "/sessions", json={"path": notebook_path, "type": "notebook", "name": "",
                                                       "kernel": {"name": "python3"}})
        response.raise_for_status()
        return Kernel(self, response.json()["kernel"]["id"])


def _decode(frame):
    """Return a kernel message from a websocket frame: JSON text, or a binary frame (a message with buffers:
    the count and offsets as 4-byte big-endian integers, then the JSON, then the buffers)."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


class Kernel:
    """A kernel on a learner's server, driven through the server's websocket, as JupyterLab drives it."""

    def __init__(self, learner, kernel_id):
        self.learner, self.id = learner, kernel_id
        self.ws = None

    def _connect(self):
        """Open the kernel's websocket (a connection left idle is closed by the server: its pings go unanswered)."""
        learner = self.learner
        url = learner.base.replace("http", "ws", 1) + f"/user/{learner.name}/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {learner.token}"], timeout=300)
        self.session = uuid.uuid4().hex

    def execute(self, code, timeout=300, keep_open=False):
        """Run code; return (texts it printed or displayed, error name or None)."""
        if self.ws is None:
            self._connect()
        try:
            return self._execute(code, timeout)
        finally:
            if not keep_open:
                self.close()

    def _execute(self, code, timeout):
        """Run code on the open websocket."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.learner.name, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        texts, error, deadline = [], None, time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = _decode(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id or message.get("channel") != "iopub":
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                texts.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                texts.append(content.get("data", {}).get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                return texts, error
        raise TimeoutError(f"cell still running after {timeout} s")

    def run_notebook(self, nb):
        """Run a notebook's code cells in order; return [(cell index, check lines)] for the cells checked, and
        raise on the first error."""
        checked = []
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            texts, error = self.execute(cell["source"], keep_open=True)
            if error:
                raise RuntimeError(f"{self.learner.name}: cell {index + 1} raised {error}")
            if "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
                checked.append((index, check_lines(texts)))
        self.close()
        return checked

    def close(self):
        """Close the websocket (the kernel keeps running)."""
        if self.ws is not None:
            self.ws.close()
            self.ws = None
