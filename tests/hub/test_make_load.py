"""`make load` end to end, small: three students on a local hub (deploy/local/jupyterhub_config.py) started by
the load test itself, each running lesson 00 and its Checks through their own server. The figures must be
computed, every student served, and the answers counted in the progress stores equal to the Checks sent."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import PROXY

STUDENTS = 3


def test_load_test_serves_three_students_and_counts_every_answer():
    env_path = f"{Path(PROXY).parent}:{Path(sys.executable).parent}:/usr/bin:/bin"
    done = subprocess.run(
        [sys.executable, "-m", "after_fukushima.maintainers.hub_load", "--students", str(STUDENTS), "--spread", "3"]
        + ["--every", "5", "--timeout", "400"],
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": env_path, "HOME": str(Path.home())},
    )
    out = done.stdout
    print(out, done.stderr[-3000:])
    assert done.returncode == 0, out + done.stderr[-3000:]
    assert re.search(r"^ +\d+ s: \d+ asked", out, re.M)  # progress while it ran
    assert f"Servers up: {STUDENTS} of {STUDENTS}, the last" in out
    assert f"Lessons run (every code cell of lesson 00): {STUDENTS} of {STUDENTS}" in out
    sent, kept = map(int, re.search(r"Checks: (\d+) sent, (\d+) kept", out).groups())
    assert sent == kept >= STUDENTS * 2 * 9  # lesson 00: each of its (nine or more) exercises answered twice
    assert re.search(r"round trip p50 \d+\.\d\d s, p95 \d+\.\d\d s", out)
    assert f"Answers in the progress stores: {sent} in {STUDENTS} stores; lost 0, duplicated 0" in out
    assert re.search(r"Memory .*: median \d+ MiB per student", out)
    assert "Students who got nothing or less than all: 0" in out
