"""A local JupyterHub for the course: for tests and demonstrations on one machine only.

WARNING: the `simple` spawner (SimpleLocalProcessSpawner) runs EVERY user's server and kernels as the hub's own
Unix user, with NO isolation: any student can read, change or delete every other student's files (and the
hub's). The shared password lets anyone who knows it log in as any (non-admin) user name. Never use this
configuration for a real class; see deploy/README.md (The Littlest JupyterHub, Zero to JupyterHub).

tests/hub/test_jupyterhub.py starts it with two students. To try it by hand, from the repository's folder:

    export AFTER_FUKUSHIMA_HUB_PASSWORD='a password of 8 or more characters'
    export AFTER_FUKUSHIMA_HUB_HOMES=/tmp/after-fukushima-hub-homes   # each user's home is <this>/<user name>
    export AFTER_FUKUSHIMA_HUB_PORT=8000                              # optional: else a free port (see the log)
    .venv/bin/python -m jupyterhub -f deploy/local/jupyterhub_config.py

It needs `configurable-http-proxy` on PATH (npm install -g configurable-http-proxy). The hub keeps its own
state (jupyterhub.sqlite, jupyterhub_cookie_secret, jupyterhub-proxy.pid) in the folder it is started from.

Each user's server opens lesson 00 of their own copy of the course, <home>/after-fukushima (the folder an
nbgitpuller link with targetpath=after-fukushima makes; when it is missing, it is copied from this checkout
at the user's first start), and keeps their answers in <home>/.after_fukushima/progress.sqlite.
"""

import asyncio
import atexit
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import zlib
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

CHECKOUT = Path(__file__).resolve().parents[2]
COURSE_FOLDER = "after-fukushima"  # the targetpath of the course's nbgitpuller links (make link)
COURSE_PARTS = ("notebooks", "exercises", "data")


def _required(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        sys.exit(f"Set {variable} before starting this hub (see the top of {__file__}).")
    return value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PASSWORD = _required("AFTER_FUKUSHIMA_HUB_PASSWORD")
if len(PASSWORD) < 8:
    sys.exit("AFTER_FUKUSHIMA_HUB_PASSWORD must have 8 or more characters.")
HOMES = Path(_required("AFTER_FUKUSHIMA_HUB_HOMES")).expanduser().resolve()
PORT = int(os.environ.get("AFTER_FUKUSHIMA_HUB_PORT") or _free_port())

# Logging in: one password shared by everyone; any user name is accepted.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = PASSWORD
c.Authenticator.allow_all = True

# Network: everything on 127.0.0.1 only. The public port is the proxy's; the hub's own port and the proxy's
# API port are free ports picked here. configurable-http-proxy is found on PATH.
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _free_port()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_free_port()}"

# Servers: the simple spawner (no isolation, see the top) with the course's port choice below, each user's home
# at <HOMES>/<user name>.
#
# Ports. JupyterHub's own choice (bind port 0, close, hand the number out) lets two students' servers get the
# same port when both start at once; the second server then fails to bind it, and the hub, finding the port
# answering, routed that student to the first one's server (seen in a load test of 30). So each server gets a
# port from SERVER_PORTS, below the kernel's ephemeral range (where outgoing connections and port-0 binds take
# theirs): the first from a place fixed by the user's name that is neither held by another server of this hub
# nor bound by anything on the machine, held from the choice until the server stops.
SERVER_PORTS = range(20000, 30000)
# At most this many servers start at once; the others queue, and start_timeout covers the wait. Measured with
# `make load` on 2 cores (deploy/README.md): queued 4 at a time, a class of 30 was all up after 230 s, against
# 125 s for no queue, as the starting servers then shared the CPU with the lessons of those already up; so the
# queue only holds back a herd larger than a class logging in within a minute. (AFTER_FUKUSHIMA_HUB_STARTS_AT_ONCE
# overrides it, to measure.)
STARTS_AT_ONCE = int(os.environ.get("AFTER_FUKUSHIMA_HUB_STARTS_AT_ONCE") or 16)


class CourseSpawner(SimpleLocalProcessSpawner):
    """SimpleLocalProcessSpawner with a port no other server of this hub holds and nothing on the machine has
    bound, and with server starts queued STARTS_AT_ONCE at a time (each waits until its server answers)."""

    held_ports: dict[int, str] = {}  # port -> user name, for every server of this hub from its start to its stop
    _queue: asyncio.Semaphore | None = None

    @classmethod
    def choose_port(cls, name: str) -> int:
        """A port of SERVER_PORTS for user `name`: not held by another server of this hub, and free to bind on
        127.0.0.1 now. Raises RuntimeError when every port of the range is taken."""
        first = zlib.crc32(name.encode()) % len(SERVER_PORTS)
        for step in range(len(SERVER_PORTS)):
            port = SERVER_PORTS[(first + step) % len(SERVER_PORTS)]
            if port in cls.held_ports:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            cls.held_ports[port] = name
            return port
        raise RuntimeError(f"No free port left in {SERVER_PORTS.start}-{SERVER_PORTS.stop - 1} for {name}'s server.")

    def _release_port(self) -> None:
        if self.held_ports.get(self.port) == self.user.name:
            del self.held_ports[self.port]

    async def start(self):
        if CourseSpawner._queue is None:
            CourseSpawner._queue = asyncio.Semaphore(STARTS_AT_ONCE)
        async with CourseSpawner._queue:
            self.port = self.choose_port(self.user.name)
            try:
                address = await super().start()
                while self.proc.poll() is None:  # hold the place in the queue until the server answers
                    try:
                        _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    except OSError:
                        await asyncio.sleep(0.2)
                        continue
                    writer.close()
                    break
                return address
            except BaseException:
                self._release_port()
                raise

    async def poll(self):
        status = await super().poll()
        if status is not None:
            self._release_port()
        return status

    async def stop(self, now=False):
        try:
            await super().stop(now=now)
        finally:
            self._release_port()


c.JupyterHub.spawner_class = CourseSpawner
# A class starting at once queues in the spawner (above) rather than being refused: the hub's own limit, which
# answers "too many users, try again later", is set above the largest class `make load` tries (60).
c.JupyterHub.concurrent_spawn_limit = 64
# Refuse a server, with the hub's message, before the machine runs out of memory: about 300 MiB per student was
# measured (deploy/README.md); keep a quarter of the memory for the hub, the proxy and the system.
c.JupyterHub.active_server_limit = max(
    4, int(0.75 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (300 * 2**20))
)
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # the Python that runs the hub, with the course
c.Spawner.notebook_dir = f"~/{COURSE_FOLDER}"  # ~ is the user's home
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 300  # includes the wait in the queue above; a server alone starts in seconds
c.Spawner.http_timeout = 120
# window.jupyterapp lets the test drive JupyterLab (wait for the kernel, Run All).
# Kernels talk to their server over Unix sockets (ZeroMQ's "ipc" transport), not TCP ports: no kernel can find
# its port taken by another student's kernel (seen in a load test of 30: the kernel was restarted on the taken
# port until declared dead). The sockets are in each user's runtime folder (below).
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--KernelManager.transport=ipc"]
if os.getuid() == 0:  # a container or CI run as root: Jupyter refuses root unless told
    c.Spawner.args.append("--ServerApp.allow_root=True")

# A socket's path has at most 107 bytes on Linux, and a kernel's is <runtime folder>/kernel-<36-character
# id>-ipc-<n>: so each user's runtime folder is a short one, <temporary folder>/af-<hub id>/<user name>, made
# private (0700) at each start.
RUNTIME = Path(tempfile.gettempdir()) / f"af-{hashlib.sha256(str(HOMES).encode()).hexdigest()[:8]}"
atexit.register(shutil.rmtree, RUNTIME, True)  # the hub stops every server when it stops (cleanup_servers)


def _runtime_dir(spawner) -> str:
    folder = RUNTIME / spawner.user.name
    if len(str(folder)) > 107 - len("/kernel--ipc-1") - 36:
        raise RuntimeError(f"The kernels' socket folder {folder} is too long; use a shorter user name or TMPDIR.")
    for part in (RUNTIME, folder):  # in a temporary folder all users share: refuse one someone else made
        part.mkdir(mode=0o700, exist_ok=True)
        if part.is_symlink() or part.stat().st_uid != os.getuid():
            raise RuntimeError(f"{part} is not this hub's own folder; remove it and start the server again.")
        part.chmod(0o700)
    return str(folder)


def _home(spawner) -> Path:
    return Path(spawner.home_dir)


# Per student: the course's data and question banks from their own copy, their answers in their own home.
c.Spawner.environment = {
    "JUPYTER_RUNTIME_DIR": _runtime_dir,
    "AFTER_FUKUSHIMA_ROOT": lambda spawner: str(_home(spawner) / COURSE_FOLDER),
    "AFTER_FUKUSHIMA_PROGRESS": lambda spawner: str(_home(spawner) / ".after_fukushima" / "progress.sqlite"),
}


def _copy_course_if_missing(spawner) -> None:
    """What nbgitpuller would do at a student's first visit: put the course in <home>/after-fukushima."""
    course = _home(spawner) / COURSE_FOLDER
    for part in COURSE_PARTS:
        if not (course / part).exists():
            shutil.copytree(CHECKOUT / part, course / part)


c.Spawner.pre_spawn_hook = _copy_course_if_missing
