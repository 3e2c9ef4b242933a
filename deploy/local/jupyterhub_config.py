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

import os
import shutil
import socket
import sys
from pathlib import Path

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

# Servers: the simple spawner (no isolation, see the top), each user's home at <HOMES>/<user name>.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # the Python that runs the hub, with the course
c.Spawner.notebook_dir = f"~/{COURSE_FOLDER}"  # ~ is the user's home
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 120  # a lesson server starts in seconds, but allow for a slow, busy machine
c.Spawner.http_timeout = 120
# window.jupyterapp lets the test drive JupyterLab (wait for the kernel, Run All).
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
if os.getuid() == 0:  # a container or CI run as root: Jupyter refuses root unless told
    c.Spawner.args.append("--ServerApp.allow_root=True")


def _home(spawner) -> Path:
    return Path(spawner.home_dir)


# Per student: the course's data and question banks from their own copy, their answers in their own home.
c.Spawner.environment = {
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
