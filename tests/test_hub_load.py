"""The hub configurations under deploy/ and the load test's own arithmetic (no hub needed: tests/hub runs one).

The port test starts the local configuration's spawner class for real, with a stand-in for the single-user
server (a Python process that listens on the port it was given), and asks the operating system's port choice
(jupyterhub.spawner.random_port) to answer as it did in the load test where two students got the same port.
"""

import asyncio
import re
import runpy
import shutil
import socket
import sys
from importlib.metadata import entry_points
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from after_fukushima.maintainers import hub_load

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "deploy" / "local" / "jupyterhub_config.py"
Z2JH = ROOT / "deploy" / "z2jh" / "config.yaml"
DOCKERFILE = ROOT / "deploy" / "z2jh" / "Dockerfile"
# Listens on the port given as its argument, as the single-user server would, until it is stopped.
STAND_IN = (
    "import socket, sys, time\n"
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(120)"
)


@pytest.fixture
def local_config(monkeypatch, tmp_path):
    """The local configuration, as JupyterHub loads it, and its namespace."""
    from traitlets.config import Config

    monkeypatch.setenv("AFTER_FUKUSHIMA_HUB_PASSWORD", "a test password")
    monkeypatch.setenv("AFTER_FUKUSHIMA_HUB_HOMES", str(tmp_path / "homes"))
    monkeypatch.setenv("AFTER_FUKUSHIMA_HUB_PORT", "8000")
    config = Config()
    namespace = runpy.run_path(str(LOCAL), init_globals={"get_config": lambda: config})
    yield config, namespace
    if "RUNTIME" in namespace:
        shutil.rmtree(namespace["RUNTIME"], ignore_errors=True)


def spawner_class(config):
    chosen = config.JupyterHub.spawner_class
    if isinstance(chosen, str):
        return next(e for e in entry_points(group="jupyterhub.spawners") if e.name == chosen).load()
    return chosen


async def start(config, name: str):
    """Start a server for user `name` with the configuration's spawner (the stand-in as its command)."""
    from jupyterhub.objects import Hub

    user = SimpleNamespace(name=name, url=f"/user/{name}/", escaped_name=name, id=1, admin=False, settings={})
    spawner = spawner_class(config)(
        user=user, hub=Hub(), config=config, api_token="test", oauth_client_id=f"jupyterhub-user-{name}"
    )
    spawner.cmd = [sys.executable, "-c", STAND_IN]
    spawner.get_args = lambda: [str(spawner.port)]  # the port chosen in start(), read when the command is made
    Path(spawner.home_dir).mkdir(parents=True, exist_ok=True)
    await spawner.start()
    return spawner


def test_two_servers_never_get_the_same_port(local_config, monkeypatch):
    """The operating system's port-0 choice can name the same free port twice (as in the load test)."""
    import jupyterhub.spawner

    config, _ = local_config
    same = hub_load._free_port()
    monkeypatch.setattr(jupyterhub.spawner, "random_port", lambda: same)

    async def both():
        spawners = [await start(config, name) for name in ("ada", "grace")]
        try:
            return [s.port for s in spawners], [s.proc.poll() for s in spawners]
        finally:
            for s in spawners:
                await s.stop(now=True)

    ports, exits = asyncio.run(both())
    assert ports[0] != ports[1], ports
    assert exits == [None, None]  # both servers are listening on their ports


def test_a_port_in_use_is_never_handed_out(local_config, monkeypatch):
    """A port some other process took (here: the one this user had last time) is skipped."""
    import jupyterhub.spawner

    config, _ = local_config
    first = hub_load._free_port()
    monkeypatch.setattr(jupyterhub.spawner, "random_port", lambda: first)

    async def twice():
        spawner = await start(config, "ada")
        before = spawner.port
        await spawner.stop(now=True)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", before))
            taken.listen()
            spawner = await start(config, "ada")
            try:
                return before, spawner.port, spawner.proc.poll()
            finally:
                await spawner.stop(now=True)

    before, after, exit_code = asyncio.run(twice())
    assert after != before
    assert exit_code is None


def test_kernels_use_no_tcp_port_and_class_starts_queue(local_config):
    config, namespace = local_config
    assert "--KernelManager.transport=ipc" in config.Spawner.args
    assert config.JupyterHub.concurrent_spawn_limit >= hub_load.MAX_STUDENTS  # a class queues, is not refused
    assert namespace["STARTS_AT_ONCE"] >= 2
    assert config.Spawner.start_timeout >= 120


def z2jh():
    return yaml.safe_load(Z2JH.read_text(encoding="utf-8"))


def test_z2jh_authenticator_is_a_placeholder_that_fails_loudly():
    """Helm starts the hub with this file as it is: it must refuse to start until the school chooses."""
    from traitlets.config import Config

    hub = z2jh()["hub"]
    authenticator = hub["config"]["JupyterHub"]["authenticator_class"]
    assert authenticator not in ("dummy", "null", "shared-password", None)
    snippets = hub["extraConfig"]
    assert snippets, "no placeholder snippet"
    with pytest.raises(SystemExit, match="authenticator"):
        for code in snippets.values():
            exec(code, {"c": Config(), "get_config": Config})


def test_z2jh_teachers_get_a_role_not_admin():
    from jupyterhub.scopes import scope_definitions

    roles = z2jh()["hub"]["loadRoles"]
    teacher = roles["teacher"]
    assert teacher["groups"]
    for scope in teacher["scopes"]:
        assert scope.split("!")[0] in scope_definitions, scope  # names the installed JupyterHub knows
        assert scope == "admin-ui" or "!group=" in scope, f"{scope} is not limited to the teacher's class"
        assert not scope.startswith(("admin:", "tokens", "shutdown", "proxy")), scope
    assert z2jh()["hub"]["config"]["JupyterHub"].get("subdomain_host")  # hand-ins cannot script other users


def test_dockerfile_base_image_is_pinned():
    text = DOCKERFILE.read_text(encoding="utf-8")
    bases = [b for b in re.findall(r"^(?:ARG BASE_IMAGE=|FROM )(\S+)", text, flags=re.M) if not b.startswith("${")]
    assert bases, "no base image named"
    for base in bases:  # a dated tag, and a digest if one is given: never a tag that moves
        assert re.search(r":\d{4}-\d{2}-\d{2}(@sha256:[0-9a-f]{64})?$", base), base


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([3.0], 50, 3.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.0), (list(map(float, range(1, 101))), 95, 95.0)],
)
def test_percentile_by_nearest_rank(values, q, expected):
    assert hub_load.percentile(values, q) == expected


def test_answers_for_order_and_match_are_permutations():
    for attempt in (0, 1):
        chosen = [hub_load.answer_state("DropdownModel", place, attempt, 6)["index"] for place in range(6)]
        assert sorted(chosen) == list(range(6))
    reflection = hub_load.answer_state("TextareaModel", 0, 0, 0)["value"]
    assert len(reflection.split()) >= 25  # lesson 00's reflection needs 25 words to be saved
    assert hub_load.answer_state("HTMLModel", 0, 0, 0) is None


@pytest.mark.parametrize("url", ["http://example.org:8000", "ftp://127.0.0.1", "http://10.0.0.1"])
def test_only_a_hub_on_loopback(url):
    with pytest.raises(hub_load.LoadError, match="loopback"):
        hub_load.check_loopback(url)


def test_student_bound_is_a_sentence(capsys):
    with pytest.raises(SystemExit):
        hub_load.parse_args(["--students", "500"])
    assert "between 1 and 60" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--every", "0"], ["--every", "-1"], ["--cell-timeout", "inf"], ["--every", "nan"]])
def test_timings_out_of_bounds_are_a_sentence(option, capsys):
    with pytest.raises(SystemExit):
        hub_load.parse_args(option)
    assert "--cell-timeout must be 1 to 3600 s and --every 1 to 600 s" in capsys.readouterr().err


def test_report_counts_lost_and_duplicated_answers():
    students = [hub_load.Student("a"), hub_load.Student("b"), hub_load.Student("c")]
    for s, rows in zip(students, (18, 17, 19)):
        s.asked, s.up, s.lesson_run, s.done = 0.0, 5.0, 10.0, 20.0
        s.checks_sent = s.checks_kept = 18
        s.rows, s.round_trips = rows, [0.1] * 18
    students[2].done, students[2].problem = None, "no answer within the time allowed"
    text, good = hub_load.report(students, "a hub", 30.0, "not measured")
    assert not good
    assert "lost 1, duplicated 1" in text
    assert "c: stopped while waiting: no answer within the time allowed" in text
