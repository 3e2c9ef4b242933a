"""Issue 20, fault 9 (the exercises' and the simulator's part): what a student types or computes is untrusted.

- A number exactly at the tolerance's edge is right, whatever float rounding it went through ("within 5"
  includes 5), and just outside it is wrong: every number of every bank, and any answer hypothesis makes up.
- A lone surrogate in an answer gives feedback a browser can take, in a real kernel too, and leaves the course's
  error sentences on.
- The simulator refuses a weight it cannot compute with (1e308, 10**400, inf, nan, text...) with a sentence.
- A home that matplotlib cannot write to puts no warning into a lesson when the course is imported first.
"""

import json
import math
import os
import queue
import shutil
import subprocess
import sys
import textwrap
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_exercises import CASES, MemoryStore

from after_fukushima.errors import CourseError
from after_fukushima.exercises.bank import all_banks
from after_fukushima.exercises.base import CORRECT, WRONG
from after_fukushima.exercises.kinds import KINDS, grade_number, parse_number
from after_fukushima.models.cooperation import LARGEST_WEIGHT, Weights, course_attributes
from after_fukushima.models.simulator import CooperationSimulator, checked_weights, weights_table

# --- fault 1: the tolerance's edges ---------------------------------------------------------------------------

NUMBERS = [
    (bank, entry)
    for bank in all_banks()
    for entry in bank.entries
    if entry["kind"] == "number" or (entry["kind"] == "code_task" and not isinstance(entry["answer"], str))
]


def exact(value) -> Decimal:
    """The decimal a bank (or a person) wrote, from the float that holds it (its shortest repr)."""
    return Decimal(repr(float(value)))


@pytest.mark.parametrize("bank, entry", NUMBERS, ids=[f"{b.lesson}:{e['id']}" for b, e in NUMBERS])
def test_every_bank_number_is_right_at_both_edges_and_wrong_just_outside(bank, entry):
    answer, tolerance = entry["answer"], entry.get("tolerance", 0)
    exercise = KINDS[entry["kind"]](entry, lesson=bank.lesson, store=MemoryStore())
    step = Decimal("1e-6") * max(abs(exact(answer)), exact(tolerance), Decimal(1))  # far below any tolerance's scale
    for sign in (-1, 1):
        edge = exact(answer) + sign * exact(tolerance)
        typed = format(edge, "f")  # the edge as a student types it, e.g. '2.35'
        computed = float(answer) + sign * float(tolerance)  # as pandas computes it, e.g. 5.449999999999999
        outside = edge + sign * step
        for value in (typed, computed) if entry["kind"] == "number" else (float(typed), computed):
            assert exercise.submit(value).status == CORRECT, f"{value!r} is on the edge of {answer} ± {tolerance}"
        for value in (format(outside, "f"), float(outside)):
            assert exercise.submit(value).status == WRONG, f"{value!r} is outside {answer} ± {tolerance}"


decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=2000, deadline=None)
@given(answer=decimals, tolerance=tolerances, sign=st.sampled_from([-1, 1]))
def test_any_edge_is_graded_the_same_way_typed_or_computed(answer, tolerance, sign):
    spec = {"answer": float(answer), "tolerance": float(tolerance)}
    edge = answer + sign * tolerance
    typed = parse_number(format(edge, "f"), [], spec["answer"])
    assert grade_number(spec, typed).status == CORRECT
    assert grade_number(spec, spec["answer"] + sign * spec["tolerance"]).status == CORRECT
    assert grade_number(spec, float(edge + sign * Decimal("0.00001"))).status == WRONG


def test_a_bank_number_that_is_not_finite_is_refused():
    for spec in ({"answer": math.inf}, {"answer": 1, "tolerance": math.nan}, {"answer": 10**400}):
        with pytest.raises(ValueError, match="must be a number no larger than"):
            KINDS["number"].check_spec({"id": "x", "kind": "number", "prompt": "?", **spec})


# --- fault 2: a lone surrogate --------------------------------------------------------------------------------


def sendable(text: str) -> bool:
    """Whether a widget value can go to the browser: the kernel sends JSON encoded as UTF-8."""
    try:
        json.dumps(text, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def with_surrogate(entry):
    """Answers of each shape this kind takes, each holding a lone surrogate."""
    alone, inside = "\ud800", "It was 7 \udfff days"
    if entry["kind"] in ("order", "match", "sort", "judgement"):
        size = len(entry.get("items") or entry.get("pairs"))
        return [alone, inside, [inside] * size, [*([None] * (size - 1)), alone]]
    if entry["kind"] == "choose_all":
        return [alone, [inside], [entry["options"][0], alone]]
    return [alone, inside, "\ud83d\ude00", f"12 {alone}"]


@pytest.mark.parametrize("bank, entry", CASES, ids=[entry["kind"] for _, entry in CASES])
def test_a_lone_surrogate_gives_feedback_the_browser_can_take(bank, entry):
    store = MemoryStore()
    exercise = KINDS[entry["kind"]](entry, lesson=bank.lesson, store=store)
    for value in with_surrogate(entry):
        verdict = exercise.submit(value)
        assert sendable(exercise.feedback.value), (value, exercise.feedback.value)
        assert sendable(repr(verdict)) and sendable(verdict.message)
        if verdict.message.startswith("'"):  # the answer quoted back: a lone surrogate as U+FFFD
            assert ("\U0001f600" if value == "\ud83d\ude00" else "\ufffd") in verdict.message  # a pair: its emoji


def test_in_a_kernel_a_surrogate_answer_is_answered_and_the_sentences_stay_on(tmp_path):
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "AFTER_FUKUSHIMA_PROGRESS": str(tmp_path / "progress.sqlite")}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)

    def run(code: str) -> list[dict]:
        msg_id = client.execute(code)
        replies = []
        while True:
            try:
                message = client.get_iopub_msg(timeout=120)
            except queue.Empty:
                pytest.fail(f"no answer from the kernel to {code!r}")
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
            replies.append(message)
        reply = client.get_shell_msg(timeout=120)  # the kernel could send its reply: the cell is finished
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = client.get_shell_msg(timeout=120)
        return replies

    def text(replies) -> str:
        return json.dumps([r["content"] for r in replies], ensure_ascii=False)

    try:
        run(
            "import after_fukushima\nfrom after_fukushima.exercises.bank import all_banks\n"
            "from after_fukushima.exercises.kinds import NumberAnswer\nfrom after_fukushima.progress import "
            f"ProgressStore\nbank = next(b for b in all_banks() if any(e['kind'] == 'number' for e in b.entries))\n"
            "entry = next(e for e in bank.entries if e['kind'] == 'number')\n"
            f"exercise = NumberAnswer(entry, bank.lesson, ProgressStore({str(tmp_path / 'p.sqlite')!r}))"
        )
        shown = text(run("print(repr(exercise.submit('\\ud800')))\nprint(exercise.feedback.value)"))
        assert "is not a number" in shown and "\ufffd" in shown and "Custom TB Handler failed" not in shown
        shown = text(run("raise ValueError('\\ud800')"))
        assert "Custom TB Handler failed" not in shown
        shown = text(run("import pandas as pd\npd.DataFrame({'year': [2010]})['Year']"))
        assert "Names are case-sensitive" in shown  # the course's sentences are still on
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# --- fault 3: the simulator's weights ------------------------------------------------------------------------

EXTREMES = [math.inf, -math.inf, math.nan, 1e308, -1e308, 10**400, -(10**400), 10**5000, -1, "abc", "1e999",
            "9" * 5000, Fraction(10**400), Decimal("1e400"), None, [1], 2e6]  # fmt: skip


@pytest.fixture(scope="module")
def attrs():
    return course_attributes()


@pytest.mark.parametrize("name", list(Weights.symbols()))
@pytest.mark.parametrize("value", EXTREMES, ids=[f"{type(v).__name__}{n}" for n, v in enumerate(EXTREMES)])
def test_the_simulator_refuses_a_weight_out_of_range_with_a_sentence(name, value):
    table = weights_table()
    table.loc[name, "value"] = value
    with pytest.raises(CourseError) as refused:
        checked_weights(table)
    assert len(str(refused.value)) < 300 and str(refused.value).endswith((".", ")"))


def test_the_model_refuses_weights_beyond_its_range_wherever_they_come_from(attrs):
    # the limits live in Weights, so sensitivity() and a Weights typed in a notebook meet them too
    with pytest.raises(CourseError, match=r"between 0 and 1,000,000; it is 1e\+308"):
        Weights(beta=1e308)
    with pytest.raises(CourseError, match=r"too large for a computer's numbers"):
        Weights(beta=10**400)
    with pytest.raises(CourseError, match=r"between 1 and 1,000,000 km"):
        Weights(decay_km=5e-324)
    with pytest.raises(CourseError, match=r"not a dict"):
        CooperationSimulator(attrs, {"beta": 1.0})


values = (
    st.sampled_from(EXTREMES)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.text(max_size=8)
    | st.floats(min_value=0, max_value=LARGEST_WEIGHT)
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(list(Weights.symbols())), value=values)
def test_the_simulator_runs_or_says_why_not_for_any_weight(attrs, name, value):
    table = weights_table()
    table.loc[name, "value"] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning in a lesson is a fault too
        try:
            simulator = CooperationSimulator(attrs, table)
        except CourseError:
            return
        try:
            simulator.depth.value, simulator.portal.value, simulator.vendor_duty.value = 1.0, True, 1.0
            simulator.figure.canvas.draw()
            assert "nan" not in simulator.summary.value and "inf" not in simulator.summary.value
        finally:
            plt.close(simulator.figure)


def test_every_weight_at_the_simulators_limit_still_draws(attrs):
    largest = {name: min(LARGEST_WEIGHT, high) for name, (_, high) in Weights.bounds().items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulator = CooperationSimulator(attrs, Weights(**largest))
        simulator.figure.canvas.draw()
    plt.close(simulator.figure)
    assert "nan" not in simulator.summary.value and "inf" not in simulator.summary.value


# --- fault 4: a home matplotlib cannot write to --------------------------------------------------------------

DRAW = """
import after_fukushima
from after_fukushima.plots import new_figure
figure, ax = new_figure("A test figure", ylabel="units", source="Source: none")
ax.plot([1, 2], [3, 4])
figure.canvas.draw()
print("drawn")
"""
NO_HOME = "import pwd\ndef nobody(uid):\n    raise KeyError(uid)\npwd.getpwuid = nobody\n"  # as for a uid not in passwd
MATPLOTLIB_SAYS = ("Matplotlib created a temporary", "is not a writable directory", "mkdir -p failed")


def can_make_read_only_mount() -> bool:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True) if shutil.which("unshare") else None
    return probe is not None and probe.returncode == 0


def run_python(code: str, home: Path | None, tmp: Path, read_only: Path | None = None):
    env = {
        k: v for k, v in os.environ.items() if k not in ("HOME", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    }
    env |= {"TMPDIR": str(tmp), "MPLBACKEND": "agg", "PYTHONWARNINGS": "default"}
    if home is not None:
        env["HOME"] = str(home)
    command = [sys.executable, "-c", code]
    if read_only is not None and os.geteuid() == 0:  # root writes through permissions: a read-only mount stops it
        mount = f"mount --bind {read_only} {read_only} && mount -o remount,ro,bind {read_only} {read_only}"
        command = ["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=tmp)


@pytest.mark.parametrize("case", ["read-only home", "home is a file", "no home at all"])
def test_a_home_matplotlib_cannot_write_to_prints_no_warning(tmp_path, case):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    home, code, read_only = tmp_path / "home", DRAW, None
    if case == "read-only home":
        if os.geteuid() == 0 and not can_make_read_only_mount():
            pytest.skip("as root, a read-only home needs a read-only mount, which this machine does not allow")
        home.mkdir()
        home.chmod(0o555)
        read_only = home
    elif case == "home is a file":
        home.write_text("not a folder")
    else:
        home, code = None, NO_HOME + DRAW
    try:
        first = run_python(code, home, tmp, read_only)
        second = run_python(code, home, tmp, read_only)  # the font cache is kept between sessions
    finally:
        if read_only is not None:
            read_only.chmod(0o755)
    assert first.stdout.strip() == "drawn" and second.stdout.strip() == "drawn", first.stderr + second.stderr
    assert not any(words in first.stderr for words in MATPLOTLIB_SAYS), first.stderr
    assert second.stderr == ""
    kept = tmp / f"after-fukushima-matplotlib-{os.getuid()}"
    assert kept.is_dir() and kept.stat().st_mode & 0o777 == 0o700


def test_when_matplotlib_comes_first_the_course_leaves_its_choice_alone(tmp_path):
    """What cannot be done: matplotlib imported before the course has chosen its folder (and warned) already."""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "home").write_text("not a folder")
    code = (
        "import matplotlib, os\nchosen = os.environ['MPLCONFIGDIR']\n"
        + DRAW
        + "assert os.environ['MPLCONFIGDIR'] == chosen"
    )
    ran = run_python(code, tmp_path / "home", tmp_path / "tmp")
    assert ran.returncode == 0 and ran.stdout.strip() == "drawn", ran.stderr
    assert not (tmp_path / "tmp" / f"after-fukushima-matplotlib-{os.getuid()}").exists()


def test_a_folder_of_that_name_owned_by_someone_else_is_not_used(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root can make a folder owned by another user")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "home").write_text("not a folder")
    planted = tmp_path / "tmp" / f"after-fukushima-matplotlib-{os.getuid()}"
    planted.mkdir(mode=0o777)
    os.chown(planted, 65534, 65534)
    code = "import after_fukushima, os\nprint(os.environ['MPLCONFIGDIR'])"
    ran = run_python(code, tmp_path / "home", tmp_path / "tmp")
    chosen = Path(ran.stdout.strip())
    assert ran.returncode == 0 and chosen.parent == tmp_path / "tmp" and chosen != planted, ran.stderr
    assert not chosen.exists()  # a folder for that session only, removed at exit


def test_a_writable_home_is_left_to_matplotlib(tmp_path):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "home").mkdir()
    ran = run_python(
        textwrap.dedent("""
            import os, after_fukushima, matplotlib
            print(os.environ.get('MPLCONFIGDIR'), matplotlib.get_configdir())
        """),
        tmp_path / "home",
        tmp_path / "tmp",
    )
    assert ran.stdout.split() == ["None", str(tmp_path / "home" / ".config" / "matplotlib")], ran.stderr
