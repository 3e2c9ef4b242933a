"""A bounded load test of a JupyterHub for the course (`make load`): a maintainer's and a school's tool, never
imported by a lesson.

N students (at most MAX_STUDENTS) ask for their servers at times spread evenly over a few seconds; each, through
its own server and as JupyterLab would, opens lesson 00 (a session and its kernel, over the Jupyter server's
REST API and websocket), runs its code cells in order, then answers every exercise twice with its Check (or
Save) button: the widget messages a browser sends, an answer put into the exercise's controls, then a click.
At the end each kernel counts the rows its student's progress store holds for lesson 00. No browser is used:
the hub, the servers and the kernels do the same work as for a class, and the test measures them.

    python -m after_fukushima.maintainers.hub_load              # 30 students on a local hub in a scratch folder
    python -m after_fukushima.maintainers.hub_load --students 3 --spread 5
    AFTER_FUKUSHIMA_HUB_TOKEN=... python -m after_fukushima.maintainers.hub_load --hub http://127.0.0.1:8000 \\
        --repo https://github.com/you/after-fukushima              # a school's hub on this machine, before term

By default a hub is started with deploy/local/jupyterhub_config.py (or --config) and configurable-http-proxy, on
127.0.0.1, in a scratch folder that is removed at the end, with every process it started. With --hub, the hub
must answer on this machine's loopback address, and AFTER_FUKUSHIMA_HUB_TOKEN must hold an API token with the
scopes admin:users, admin:servers, tokens and read:users (for example a service's, see deploy/README.md); the
students are users named af-load-01, af-load-02... that the test creates, and deletes at the end. The local
hub is started by start_local_hub, which the JupyterHub tests (tests/hub/conftest.py) use for their hub too.

It prints, while it runs, a line of progress every few seconds, then: the servers up and when the last was up,
the lessons run, the Checks' round trips (p50, p95), the memory per student and in all (RSS of each student's
server and kernels, when their processes are readable from here), the CPU time they used, answers lost or
duplicated (Checks whose answer the course said it kept, against the rows in the stores) and every student who
got nothing, with why. Its exit status is 0 when every student was served and no answer was lost or duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from after_fukushima.maintainers import CHECKOUT

ROOT = CHECKOUT
LOCAL_CONFIG = ROOT / "deploy" / "local" / "jupyterhub_config.py"
LESSON = "notebooks/00_start_here.ipynb"
LESSON_ID = "00_start_here"
MAX_STUDENTS = 60  # a bound: one class, not a denial of service
PREFIX = "af-load-"  # the test's own users on an existing hub
SCOPES = ["admin:users", "admin:servers", "tokens", "read:users"]
CHOICES = {"RadioButtonsModel", "DropdownModel", "ToggleButtonsModel", "SelectModel"}
INVALID_MARK = "⚠"  # the course's feedback symbol for an answer it could not read or keep (exercises.base)
COUNT_ROWS = (
    "import json as _j, os as _o\n"
    "from after_fukushima.progress import ProgressStore as _P\n"
    f"print(_j.dumps({{'user': _o.environ.get('JUPYTERHUB_USER'), "
    f"'rows': len(_P().attempts({LESSON_ID!r}, strict=True))}}))"
)


class LoadError(Exception):
    """Why one student's run stopped, in a sentence."""


@dataclass
class Student:
    """One simulated student: what they got and when (seconds from the start of the test)."""

    name: str
    stage: str = "waiting"
    asked: float | None = None
    up: float | None = None
    lesson_run: float | None = None
    done: float | None = None
    checks_sent: int = 0
    checks_kept: int = 0  # Checks whose feedback said the answer was kept
    checks_refused: int = 0  # Checks the course answered with its invalid mark (the test's answer was not read)
    rows: int | None = None  # new rows in the progress store
    round_trips: list[float] = field(default_factory=list)
    cell_errors: list[str] = field(default_factory=list)
    problem: str = ""
    created: bool = False  # made by the test (deleted at the end on an existing hub)
    memory_mib: float | None = None
    cpu_seconds: float | None = None

    @property
    def served(self) -> bool:
        return self.done is not None and not self.problem and not self.cell_errors


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by the nearest-rank method; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def check_loopback(url: str) -> str:
    """The hub's URL without a trailing slash; raise LoadError unless it is http(s) on a loopback address."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: not looked up, so that no name can lead the test elsewhere
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback:
        raise LoadError(
            f"{url!r} is not a hub on this machine's loopback address (such as http://127.0.0.1:8000): "
            "run the load test on the hub's own machine."
        )
    return url.rstrip("/")


def lesson_cells(notebook: Path = ROOT / LESSON) -> list[str]:
    """The code cells of a notebook, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def answer_state(model: str, place: int, attempt: int, options: int) -> dict | None:
    """The state a browser would send to put an answer into one control of an exercise: the `place`-th choice
    control of its exercise gets option (place + attempt) mod options (a permutation for order and match), a
    box is ticked on every other place, a text gets a number, a text area a reflection of 40 words."""
    if model in CHOICES:
        return {"index": (place + attempt) % max(options, 1)}
    if model == "CheckboxModel":
        return {"value": (place + attempt) % 2 == 0}
    if model == "TextModel":
        return {"value": str(40 + attempt)}
    if model == "TextareaModel":
        return {"value": " ".join(f"word{n}" for n in range(40)) + f" (attempt {attempt + 1})"}
    return None


class Kernel:
    """A kernel's channels over the Jupyter server's websocket, as JupyterLab uses them: requests, the
    widgets' comm messages, and the widgets' states as the kernel sends them."""

    def __init__(self, connection):
        self.connection = connection
        self.session = uuid.uuid4().hex
        self.widgets: dict[str, dict] = {}  # comm id -> the widget's latest state
        self.replies: dict[str, asyncio.Future] = {}  # request msg_id -> its reply's content
        self.idle: dict[str, asyncio.Future] = {}  # request msg_id -> done when the kernel is idle after it
        self.output: dict[str, list[str]] = {}  # request msg_id -> its stdout
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, base: str, kernel_id: str, token: str) -> Kernel:
        url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        request = HTTPRequest(url, headers={"Authorization": f"token {token}"}, request_timeout=60)
        return cls(await websocket_connect(request, max_message_size=64 * 2**20))

    def send(self, channel: str, msg_type: str, content: dict) -> str:
        """Send one message; its msg_id, with a future for its reply and one for the kernel's idle after it."""
        msg_id = uuid.uuid4().hex
        loop = asyncio.get_running_loop()
        self.replies[msg_id], self.idle[msg_id] = loop.create_future(), loop.create_future()
        self.output[msg_id] = []
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "", "version": "5.3"}
        header["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": channel}
        self.connection.write_message(json.dumps({**message, "buffers": []}))
        return msg_id

    def _forget(self, msg_id: str) -> None:
        for futures in (self.replies, self.idle, self.output):
            futures.pop(msg_id, None)

    async def _read(self) -> None:
        while (text := await self.connection.read_message()) is not None:
            if not isinstance(text, str):
                continue  # binary frames carry widget buffers, which lesson 00's answers do not need
            message = json.loads(text)
            kind, content = message["header"]["msg_type"], message["content"]
            parent = message.get("parent_header", {}).get("msg_id")
            if kind in ("comm_open", "comm_msg") and "state" in content.get("data", {}):
                self.widgets.setdefault(content["comm_id"], {}).update(content["data"]["state"])
            elif kind == "stream" and parent in self.output:
                self.output[parent].append(content.get("text", ""))
            elif kind.endswith("_reply") and parent in self.replies and not self.replies[parent].done():
                self.replies[parent].set_result(content)
            elif kind == "status" and content.get("execution_state") == "idle" and parent in self.idle:
                if not self.idle[parent].done():
                    self.idle[parent].set_result(time.monotonic())
        for future in (*self.replies.values(), *self.idle.values()):  # only those being awaited are left
            if not future.done():
                future.set_exception(LoadError("the kernel's websocket closed (the kernel or server stopped)"))

    async def execute(self, code: str, timeout: float) -> tuple[dict, str]:
        """Run code; its execute_reply content and its stdout, once the kernel is idle again."""
        msg_id = self.send("shell", "execute_request", {"code": code, "silent": False, "store_history": True})
        try:
            reply = await asyncio.wait_for(self.replies[msg_id], timeout)
            await asyncio.wait_for(self.idle[msg_id], timeout)
            return reply, "".join(self.output[msg_id])
        finally:
            self._forget(msg_id)

    async def comm(self, comm_id: str, data: dict, timeout: float) -> float:
        """Send one widget message; the seconds until the kernel is idle after handling it."""
        sent = time.monotonic()
        msg_id = self.send("shell", "comm_msg", {"comm_id": comm_id, "data": data})
        self.replies.pop(msg_id).cancel()  # a comm message has no reply
        try:
            return await asyncio.wait_for(self.idle[msg_id], timeout) - sent
        finally:
            self._forget(msg_id)

    def exercises(self) -> list[tuple[str, list[tuple[str, str, int]], str, str]]:
        """Each exercise on the page: its id, its answer controls (comm id, model, number of options), its
        Check button's comm id and its feedback's comm id."""
        found = []

        def model_id(reference: str) -> str:
            return reference.removeprefix("IPY_MODEL_")

        def leaves(comm_id: str) -> list[tuple[str, str, int]]:
            state = self.widgets.get(comm_id, {})
            if state.get("children"):
                return [leaf for child in state["children"] for leaf in leaves(model_id(child))]
            return [(comm_id, state.get("_model_name", ""), len(state.get("_options_labels", [])))]

        for state in list(self.widgets.values()):
            classes = state.get("_dom_classes", [])
            if "af-exercise" not in classes or len(state.get("children", [])) < 5:
                continue
            name = next(c for c in classes if c.startswith("af-exercise-")).removeprefix("af-exercise-")
            _, control, row, _, feedback = (model_id(child) for child in state["children"][:5])
            check = model_id(self.widgets.get(row, {}).get("children", ["?"])[0])
            found.append((name, leaves(control), check, feedback))
        return found


class Hub:
    """The hub's REST API with an admin token, and a student's server through the proxy with their token."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        AsyncHTTPClient.configure(None, max_clients=2 * MAX_STUDENTS + 10)
        self.client = AsyncHTTPClient()

    async def call(
        self, method: str, path: str, body=None, token: str | None = None, ok=(200, 201, 202, 204), raw=False
    ):
        """One request: its status code and its JSON body (its text with raw=True); LoadError for any other code."""
        request = HTTPRequest(
            f"{self.url}/{path}",
            method=method,
            headers={"Authorization": f"token {token or self.token}"},
            body=None if body is None and method == "GET" else json.dumps(body or {}),
            allow_nonstandard_methods=True,
            request_timeout=120,
        )
        try:
            answer = await self.client.fetch(request, raise_error=False)
        except (OSError, HTTPClientError) as problem:  # no answer at all (HTTPClientError 599: a time-out)
            raise LoadError(f"{method} /{path.split('?')[0]} failed: {problem}") from None
        if answer.code not in ok:
            text = (answer.body or b"").decode(errors="replace")[:300]
            raise LoadError(f"{method} /{path} answered {answer.code}: {text}")
        if raw:
            return answer.code, (answer.body or b"").decode(errors="replace")
        return answer.code, json.loads(answer.body) if answer.body else None


async def run_student(hub: Hub, student: Student, at: float, t0: float, options) -> None:
    """One student: ask for the server at t0 + at, then lesson 00 and its Checks, then count the rows."""
    clock = lambda: time.monotonic() - t0  # noqa: E731
    await asyncio.sleep(at)
    name = student.name
    student.stage, student.asked = "asking for a server", clock()
    code, _ = await hub.call("POST", f"hub/api/users/{name}", ok=(201, 409))
    student.created = code == 201
    _, token = await hub.call("POST", f"hub/api/users/{name}/tokens", {"note": "load test", "expires_in": 3600})
    token = token["token"]
    await hub.call("POST", f"hub/api/users/{name}/server", ok=(201, 202, 400))  # 400: already running
    student.stage = "waiting for the server"
    while True:
        _, model = await hub.call("GET", f"hub/api/users/{name}")
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            break
        if not server or not server.get("pending"):
            raise LoadError("the hub stopped starting the server (see the hub's log)")
        await asyncio.sleep(1)
    student.up = clock()
    base = f"{hub.url}/user/{name}"
    if options.repo:
        student.stage = "pulling the course"
        query = urllib.parse.urlencode({"repo": options.repo, "branch": "main", "targetpath": "after-fukushima"})
        _, events = await hub.call("GET", f"user/{name}/git-pull/api?{query}", token=token, raw=True)
        if '"phase": "finished"' not in events:  # nbgitpuller's event stream ends with finished or error
            raise LoadError(f"nbgitpuller did not bring the course: {events[-300:]}")
    student.stage = "opening lesson 00"
    _, session = await hub.call(
        "POST",
        f"user/{name}/api/sessions",
        {"path": options.lesson_path, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        token=token,
    )
    kernel = await Kernel.open(base, session["kernel"]["id"], token)
    try:
        student.stage = "running lesson 00"
        for number, cell in enumerate(lesson_cells(), start=1):
            reply, _ = await kernel.execute(cell, options.cell_timeout)
            if reply.get("status") != "ok":
                student.cell_errors.append(f"cell {number}: {reply.get('ename')}: {reply.get('evalue')}"[:200])
        student.lesson_run = clock()
        reply, before = await kernel.execute(COUNT_ROWS, options.cell_timeout)
        rows_before = json.loads(before)["rows"]
        student.stage = "answering"
        for attempt in (0, 1):
            for _, controls, check, feedback in kernel.exercises():
                answers = []
                places = {}
                for comm_id, model, count in controls:
                    place = places[model] = places.get(model, -1) + 1
                    state = answer_state(model, place, attempt, count)
                    if state is not None:
                        answers.append((comm_id, {"method": "update", "state": state, "buffer_paths": []}))
                if not answers:
                    continue  # a code task is answered by running code, not with its controls
                for comm_id, message in answers:
                    await kernel.comm(comm_id, message, 60)
                seconds = await kernel.comm(check, {"method": "custom", "content": {"event": "click"}}, 60)
                student.checks_sent += 1
                student.round_trips.append(seconds)
                shown = kernel.widgets.get(feedback, {}).get("value", "")
                if INVALID_MARK in shown:
                    student.checks_refused += 1
                else:
                    student.checks_kept += 1
        reply, after = await kernel.execute(COUNT_ROWS, options.cell_timeout)
        counted = json.loads(after)
        if counted["user"] != name:
            raise LoadError(f"the kernel reached as {name}'s belongs to {counted['user']}")
        student.rows = counted["rows"] - rows_before
    finally:
        kernel.connection.close()
    student.stage, student.done = "done", clock()


def find_proxy() -> str | None:
    """The path of configurable-http-proxy: on PATH, else in npm's global bin folder (where `npm install -g`
    puts it); None when it is in neither."""
    found = shutil.which("configurable-http-proxy")
    if found or not shutil.which("npm"):
        return found
    try:
        prefix = subprocess.run(
            ["npm", "prefix", "--global"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return shutil.which("configurable-http-proxy", path=str(Path(prefix) / "bin")) if prefix else None


class LocalHub:
    """A JupyterHub on 127.0.0.1, started with a course configuration (deploy/local/jupyterhub_config.py) in a
    scratch folder that holds its state, its log (jupyterhub.log) and the students' homes (homes/<name>).

    It has an API token of its own (a service with the scopes SCOPES, for the load test) and a shared password
    of its own (`password`, for a browser's log-in). Made by start_local_hub, which `make load` and the
    JupyterHub tests (tests/hub/conftest.py) both use; stop() ends every process it started."""

    def __init__(self, config: Path, scratch: Path | None = None, proxy: str | None = None):
        import psutil  # in the test extra

        self.psutil = psutil
        proxy = proxy or find_proxy()
        if not proxy:
            raise LoadError("configurable-http-proxy is not installed (npm install -g configurable-http-proxy).")
        if not config.is_file():
            raise LoadError(f"There is no hub configuration at {config}.")
        self.own_scratch = scratch is None  # a folder of its own is removed at the end; one it was given is not
        self.scratch = scratch or Path(tempfile.mkdtemp(prefix="af-load-"))  # short: kernels' sockets live below
        self.homes = self.scratch / "homes"
        self.homes.mkdir(parents=True)
        self.token, self.password = secrets.token_hex(32), secrets.token_urlsafe(12)
        self.port = _free_port()
        wrapper = self.scratch / "jupyterhub_config.py"
        wrapper.write_text(
            "import os\nc = get_config()  # noqa: F821\n"
            f"load_subconfig({str(config.resolve())!r})  # noqa: F821\n"
            "c.JupyterHub.services = [{'name': 'af-load', 'api_token': os.environ['AF_LOAD_TOKEN']}]\n"
            f"c.JupyterHub.load_roles = [{{'name': 'af-load', 'scopes': {SCOPES!r}, 'services': ['af-load']}}]\n",
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "AF_LOAD_TOKEN": self.token,
            "AFTER_FUKUSHIMA_HUB_PASSWORD": self.password,
            "AFTER_FUKUSHIMA_HUB_HOMES": str(self.homes),
            "AFTER_FUKUSHIMA_HUB_PORT": str(self.port),
            # The hub starts the proxy by name, and the servers by this Python (see the configuration).
            "PATH": os.pathsep.join(
                [str(Path(proxy).parent), str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]
            ),
        }
        self.log_path = self.scratch / "jupyterhub.log"
        self.log = self.log_path.open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(wrapper)],
            env=env,
            cwd=self.scratch,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.tracked: dict[int, object] = {}  # pid -> psutil.Process: every process the hub started
        self.start_seconds = float("nan")  # from start to the hub answering, once wait_until_ready returns

    def wait_until_ready(self, timeout: float = 120) -> None:
        """Wait until the hub answers through its proxy (both are up); LoadError if it stops or is not up in
        `timeout` seconds. Sets start_seconds."""
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1, whatever $http_proxy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadError(f"The hub stopped at start-up:\n{self.log_path.read_text()[-2000:]}")
            self.track()
            try:
                with no_proxy.open(f"{self.url}/hub/health", timeout=2) as answer:
                    if answer.status == 200:
                        self.start_seconds = time.monotonic() - self.started
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise LoadError(f"The hub did not answer within {timeout:.0f} s; see {self.log_path}.")

    def track(self) -> None:
        """Remember every process below the hub (its proxy, servers and kernels), and every one working in a
        student's home (a server whose hub has died is no longer below it), so that stop() ends them all and
        nothing else."""
        try:
            for process in self.psutil.Process(self.process.pid).children(recursive=True):
                self.tracked.setdefault(process.pid, process)
        except self.psutil.Error:
            pass
        homes = str(self.homes)
        for process in self.psutil.process_iter(["cwd"]):
            cwd = process.info.get("cwd")
            if cwd and (cwd == homes or cwd.startswith(homes + os.sep)):
                self.tracked.setdefault(process.pid, process)

    def server_start_seconds(self, student: str) -> float:
        """How long the hub's log says the student's server took to start (s); nan if it does not say."""
        found = re.search(rf"User {re.escape(student)} took ([\d.]+) seconds to start", self.log_path.read_text())
        return float(found.group(1)) if found else float("nan")

    def own_use(self) -> str:
        """The hub's and the proxy's memory (RSS, MiB) and CPU time (s) now, as a sentence."""
        try:
            hub = self.psutil.Process(self.process.pid)
            proxies = [p for p in hub.children() if "configurable-http-proxy" in " ".join(p.cmdline())]
            memory = sum(p.memory_info().rss for p in [hub, *proxies]) / 2**20
            cpu = sum(sum(p.cpu_times()[:2]) for p in [hub, *proxies])
        except self.psutil.Error:
            return ""
        return f"The hub and its proxy: {memory:.0f} MiB, {cpu:.0f} s of CPU time"

    def stop(self, keep_log: Path | None = None) -> None:
        """Stop the hub (which stops the servers and the proxy), end whatever is left, copy the log to
        `keep_log` if given, and remove the scratch folder if it made it."""
        self.track()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.track()
        left = [p for p in self.tracked.values() if p.is_running()]
        for process in left:
            try:
                process.terminate()
            except self.psutil.Error:
                pass
        _, alive = self.psutil.wait_procs(left, timeout=10)
        for process in alive:
            try:
                process.kill()
            except self.psutil.Error:
                pass
        self.psutil.wait_procs(alive, timeout=5)
        self.log.close()
        if keep_log:
            shutil.copy(self.log_path, keep_log)
        if self.own_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def start_local_hub(
    config: Path = LOCAL_CONFIG, scratch: Path | None = None, proxy: str | None = None, timeout: float = 120
) -> LocalHub:
    """Start a LocalHub with `config` in `scratch` (a new temporary folder if None) and wait until it answers.

    `proxy` is configurable-http-proxy's path (default: find_proxy()). Raises LoadError, in a sentence, when
    the proxy or the configuration is missing or the hub does not come up in `timeout` seconds; the hub is
    stopped then. The caller stops it with stop() when done: `make load` (run below) and the `hub` fixture
    of tests/hub/conftest.py."""
    hub = LocalHub(config, scratch, proxy)
    try:
        hub.wait_until_ready(timeout)
    except BaseException:
        hub.stop()
        raise
    return hub


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the hub binds it soon after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_processes(students: list[Student]) -> str:
    """Fill in each student's memory (RSS of their server and kernels, MiB) and CPU time (user + system, s) from
    the processes whose JUPYTERHUB_USER is theirs; a sentence when none could be read."""
    try:
        import psutil
    except ImportError:
        return "not measured (psutil is not installed)"
    by_name = {student.name: student for student in students}
    found = {}
    for process in psutil.process_iter():
        try:
            owner = process.environ().get("JUPYTERHUB_USER")
            if owner in by_name:
                memory, cpu = process.memory_info().rss / 2**20, sum(process.cpu_times()[:2])
                old = found.get(owner, (0.0, 0.0))
                found[owner] = (old[0] + memory, old[1] + cpu)
        except psutil.Error:
            continue
    for name, (memory, cpu) in found.items():
        by_name[name].memory_mib, by_name[name].cpu_seconds = memory, cpu
    return "" if found else "not measured (no student's processes are readable from here)"


def report(
    students: list[Student], hub_text: str, seconds: float, unmeasured: str, hub_use: str = ""
) -> tuple[str, bool]:
    """The figures as text, and whether every student was served with nothing lost or duplicated. `unmeasured`
    says why memory was not measured; `hub_use`, if given, is a line on the hub's own memory and CPU time."""
    n = len(students)
    up = [s.up for s in students if s.up is not None]
    run = [s.lesson_run for s in students if s.lesson_run is not None]
    starts = [s.up - s.asked for s in students if s.up is not None]
    trips = [t for s in students for t in s.round_trips]
    sent, kept = sum(s.checks_sent for s in students), sum(s.checks_kept for s in students)
    counted = [s for s in students if s.rows is not None]
    lost = sum(max(0, s.checks_kept - s.rows) for s in counted)
    duplicated = sum(max(0, s.rows - s.checks_kept) for s in counted)
    lines = [
        f"Load test of {hub_text}: {n} students, {seconds:.0f} s in all "
        f"({os.cpu_count()} cores on this machine, shared with whatever else runs on it).",
        f"Servers up: {len(up)} of {n}"
        + (
            f", the last {max(up):.1f} s after the first student asked; from asking to up: median "
            f"{statistics.median(starts):.1f} s, slowest {max(starts):.1f} s"
            if up
            else ""
        ),
        f"Lessons run (every code cell of lesson 00): {len(run)} of {n}"
        + (f", all by {max(run):.1f} s" if run else "")
        + (
            f"; {sum(len(s.cell_errors) for s in students)} cells raised an error"
            if any(s.cell_errors for s in students)
            else ""
        ),
        f"Checks: {sent} sent, {kept} kept by the course"
        + (f", {sum(s.checks_refused for s in students)} refused as unreadable" if sent - kept else "")
        + (f"; round trip p50 {percentile(trips, 50):.2f} s, p95 {percentile(trips, 95):.2f} s" if trips else ""),
        f"Answers in the progress stores: {sum(s.rows for s in counted)} in {len(counted)} stores; "
        f"lost {lost}, duplicated {duplicated}",
    ]
    memory = [s.memory_mib for s in students if s.memory_mib is not None]
    cpu = [s.cpu_seconds for s in students if s.cpu_seconds is not None]
    if memory:
        lines.append(
            f"Memory (RSS of each student's server and kernels, at the end): median {statistics.median(memory):.0f} "
            f"MiB per student (least {min(memory):.0f}, most {max(memory):.0f}), {sum(memory) / 1024:.1f} GiB in all"
        )
        lines.append(
            f"CPU time (user + system, each student's server and kernels, start to last Check): median "
            f"{statistics.median(cpu):.1f} s per student, {sum(cpu):.0f} s in all"
        )
    else:
        lines.append(f"Memory and CPU time: {unmeasured}")
    if hub_use:
        lines.append(hub_use)
    nothing = [s for s in students if not s.served]
    lines.append(f"Students who got nothing or less than all: {len(nothing)}")
    for s in nothing:
        if s.problem or s.done is None:
            lines.append(f"  {s.name}: stopped while {s.stage}: {s.problem or 'no problem recorded'}")
        lines += [f"  {s.name}: {error}" for error in s.cell_errors[:3]]
    good = not nothing and lost == 0 and duplicated == 0 and len(counted) == n and kept == sent
    return "\n".join(lines), good


async def progress(students: list[Student], t0: float, every: float, hub: LocalHub | None) -> None:
    while True:
        await asyncio.sleep(every)
        if hub:
            hub.track()
        counts = [
            sum(s.asked is not None for s in students),
            sum(s.up is not None for s in students),
            sum(s.lesson_run is not None for s in students),
            sum(s.done is not None for s in students),
        ]
        print(
            f"  {time.monotonic() - t0:5.0f} s: {counts[0]} asked, {counts[1]} servers up, {counts[2]} lessons run, "
            f"{counts[3]} done, {sum(s.checks_sent for s in students)} Checks, "
            f"{sum(bool(s.problem) for s in students)} stopped",
            flush=True,
        )


async def _guarded(hub: Hub, student: Student, at: float, t0: float, options) -> None:
    try:
        await run_student(hub, student, at, t0, options)
    except asyncio.CancelledError:
        student.problem = student.problem or f"not finished within the test's {options.timeout:.0f} s"
    except (TimeoutError, LoadError, HTTPClientError, OSError, json.JSONDecodeError, KeyError) as problem:
        student.problem = str(problem) or f"no answer within the time allowed ({type(problem).__name__})"


async def run(options) -> tuple[str, bool]:
    """Run the load test that options (from parse_args) describe; its report and whether all went well."""
    local, started = None, time.monotonic()
    if options.hub:
        url = check_loopback(options.hub)
        token = os.environ.get("AFTER_FUKUSHIMA_HUB_TOKEN", "")
        if not token:
            raise LoadError("Set AFTER_FUKUSHIMA_HUB_TOKEN to an API token of the hub (see deploy/README.md).")
        hub_text = url
    else:
        local = await asyncio.to_thread(start_local_hub, Path(options.config))
        url, token = local.url, local.token
        hub_text = f"a local hub ({options.config}) at {url}"
    hub = Hub(url, token)
    students = [Student(f"{PREFIX}{n:02d}") for n in range(1, options.students + 1)]
    ticker = None
    try:
        print(f"{len(students)} students asking for their servers within {options.spread:.0f} s on {url}", flush=True)
        t0 = time.monotonic()
        ticker = asyncio.ensure_future(progress(students, t0, options.every, local))
        step = options.spread / max(len(students) - 1, 1)
        tasks = [asyncio.ensure_future(_guarded(hub, s, i * step, t0, options)) for i, s in enumerate(students)]
        done, pending = await asyncio.wait(tasks, timeout=options.timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        unmeasured = measure_processes(students)
        hub_use = local.own_use() if local else ""
        text, good = report(students, hub_text, time.monotonic() - started, unmeasured, hub_use)
    finally:
        if ticker:
            ticker.cancel()
        await _clean_up(hub, students, bool(local))
        if local:
            local.stop(keep_log=Path(options.keep_log) if options.keep_log else None)
    return text, good


async def _clean_up(hub: Hub, students: list[Student], local: bool) -> None:
    """Stop every student's server; on an existing hub, delete the users the test created."""
    for student in students:
        if student.asked is None:
            continue
        try:
            await hub.call("DELETE", f"hub/api/users/{student.name}/server", ok=(202, 204, 400, 404))
            if not local and student.created:
                for _ in range(60):  # a user can be deleted once their server has stopped
                    code, _ = await hub.call("DELETE", f"hub/api/users/{student.name}", ok=(204, 400, 404))
                    if code != 400:
                        break
                    await asyncio.sleep(1)
        except (LoadError, OSError):
            print(f"Could not stop {student.name}'s server; stop it from the hub's admin page.", file=sys.stderr)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m after_fukushima.maintainers.hub_load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--students", type=int, default=30, help=f"how many (1 to {MAX_STUDENTS}; default 30)")
    parser.add_argument("--spread", type=float, default=45, help="seconds over which they ask (default 45)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole test (default 900)")
    parser.add_argument("--cell-timeout", type=float, default=300, help="seconds for one cell (default 300)")
    parser.add_argument("--every", type=float, default=10, help="seconds between progress lines (default 10)")
    parser.add_argument("--hub", help="an existing hub's URL on this machine (token: $AFTER_FUKUSHIMA_HUB_TOKEN)")
    parser.add_argument("--repo", help="with --hub: the course's repository, pulled into each home by nbgitpuller")
    parser.add_argument("--lesson-path", help="lesson 00's path from the server's root folder")
    parser.add_argument("--config", default=str(LOCAL_CONFIG), help="the local hub's configuration file")
    parser.add_argument("--keep-log", help="copy the local hub's log to this file at the end")
    options = parser.parse_args(argv)
    if not 1 <= options.students <= MAX_STUDENTS:
        parser.error(f"--students must be between 1 and {MAX_STUDENTS}")
    if not (0 <= options.spread <= 600 and 10 <= options.timeout <= 3600):
        parser.error("--spread must be 0 to 600 s and --timeout 10 to 3600 s")
    if not (1 <= options.cell_timeout <= 3600 and 1 <= options.every <= 600):  # nan fails these too
        parser.error("--cell-timeout must be 1 to 3600 s and --every 1 to 600 s")
    if options.lesson_path is None:
        options.lesson_path = f"after-fukushima/{LESSON}" if options.hub else LESSON
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        text, good = asyncio.run(run(options))
    except LoadError as problem:
        print(problem, file=sys.stderr)
        return 2
    print(text)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
