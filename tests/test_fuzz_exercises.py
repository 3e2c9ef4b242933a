"""Property-based tests (hypothesis) through `submit` for every exercise kind: nothing a widget or a student's
variable can hold raises, a verdict is always shown, and what a student typed is never rendered as markup."""

import html
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from after_fukushima.exercises.bank import all_banks
from after_fukushima.exercises.base import SYMBOLS
from after_fukushima.exercises.kinds import KINDS
from after_fukushima.progress import ProgressStore

MARKUP = "<script>alert(1)</script>"


class MemoryStore(ProgressStore):
    """A store that keeps attempts in memory: the fuzz is about checking answers, not about the file."""

    def __init__(self):
        super().__init__("/nonexistent/in-memory.sqlite")
        self.saved = []

    def attempts(self, lesson=None, exercise=None):
        return [a for a in self.saved if lesson in (None, a["lesson"]) and exercise in (None, a["exercise"])]

    def latest(self, lesson, exercise):
        return None

    def record(self, lesson, exercise, kind, answer, correct):
        self.saved.append(
            {"lesson": lesson, "exercise": exercise, "kind": kind, "answer": answer, "correct": correct, "attempt": 1}
        )
        return self.saved[-1]


def first_of_each_kind():
    found = {}
    for bank in all_banks():
        for entry in bank.entries:
            found.setdefault(entry["kind"], (bank, entry))
    assert set(found) == set(KINDS), "every kind is used by some bank"
    return [found[kind] for kind in sorted(found)]


CASES = first_of_each_kind()

anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.binary()
    | st.just(MARKUP),
    lambda inner: st.lists(inner, max_size=8) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def reachable(entry):
    """What the widgets of this kind can hand to submit."""
    kind = entry["kind"]
    texts = (
        st.text()
        | st.just(MARKUP)
        | st.from_regex(r"[+\-−]?[0-9 ,._]{0,12}(e[0-9]{1,4})?\s*[a-z%]{0,6}", fullmatch=True)
    )
    if kind == "multiple_choice":
        return st.none() | st.sampled_from(entry["options"])
    if kind == "choose_all":
        return st.lists(st.sampled_from(entry["options"]), unique=True).map(tuple)
    if kind in ("order", "match", "sort", "judgement"):
        size = len(entry.get("items") or entry.get("pairs"))
        choices = (
            list(entry.get("items") or [])
            + list((entry.get("pairs") or {}).values())
            + list(entry.get("categories") or [])
            + list(entry.get("extra_choices") or [])
        )
        return st.lists(st.none() | st.sampled_from(choices), min_size=size, max_size=size)
    return texts  # number, reflection, code_task (a variable can hold text too)


@pytest.mark.parametrize("bank, entry", CASES, ids=[entry["kind"] for _, entry in CASES])
def test_submit_never_raises_and_always_shows_a_verdict(bank, entry):
    exercise = KINDS[entry["kind"]](entry, lesson=bank.lesson, store=MemoryStore())

    @settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(value=reachable(entry) | anything)
    def check(value):
        verdict = exercise.submit(value)
        shown = exercise.feedback.value
        assert verdict.status in SYMBOLS
        assert SYMBOLS[verdict.status] in shown or shown.count("Not saved")
        assert MARKUP not in shown  # escaped, never rendered

    check()


# --- hostile answers to every exercise of every bank (issue 20) ---------------------------------------------

TAG = "<img src=x onerror=alert(1)>"
HOSTILE = [
    TAG,
    "<b>bold</b> & <i>",
    "x" * 1_000_000,  # 1 MB
    "12\x00",
    "\x00",
    "\x1b[31mred\x1b[0m",  # an ANSI colour code
    "\u202eevil\u202c 12",  # a right-to-left override
    "\u2066\u2069\u200f",
    "\ud800",
    "12 \udfff",
    "1e999",
    "-1e999",
    "9" * 5000,
    "0." + "0" * 5000 + "1",
    "\u0660\u0661\u0662",  # Arabic-Indic digits
    "\ufeff12",
]


def as_one_part(entry, text):
    """``text`` as one part of an answer with several (the others valid), or as the whole answer."""
    kind = entry["kind"]
    if kind == "choose_all":
        return [entry["options"][0], text]
    valid = {
        "order": lambda: list(entry["items"]),
        "match": lambda: list(entry["pairs"].values()),
        "sort": lambda: list(entry["items"].values()),
        "judgement": lambda: list(entry["items"].values()),
    }.get(kind)
    return [text, *valid()[1:]] if valid else text


def hostile_answers(entry):
    """Each hostile text as a whole answer and, for a kind with several parts, as one part among valid ones."""
    parts = [as_one_part(entry, text) for text in HOSTILE]
    return HOSTILE + (parts if parts != HOSTILE else [])


EVERY_ENTRY = [(bank, entry) for bank in all_banks() for entry in bank.entries]
UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200f\ud800-\udfff]")


@pytest.mark.parametrize("bank, entry", EVERY_ENTRY, ids=[f"{b.lesson}:{e['id']}" for b, e in EVERY_ENTRY])
def test_every_exercise_answers_hostile_text_with_a_verdict_and_escapes_it(bank, entry):
    store = MemoryStore()
    exercise = KINDS[entry["kind"]](entry, lesson=bank.lesson, store=store)
    for value in hostile_answers(entry):
        verdict = exercise.submit(value)
        shown = exercise.feedback.value
        assert verdict.status in SYMBOLS and SYMBOLS[verdict.status] in shown
        json.dumps(shown, ensure_ascii=False).encode("utf-8")  # the browser can be sent it
        assert not UNSHOWN.search(shown), repr(UNSHOWN.search(shown))  # no control a terminal or the page obeys
        assert len(shown) < 20_000  # a 1 MB answer is not echoed whole
        assert "<img" not in shown and "<b>bold" not in shown  # the student's markup is never rendered
    exercise.submit(as_one_part(entry, TAG))
    if entry["kind"] == "reflection":
        assert store.saved[-1]["answer"] == TAG  # kept as written, never echoed
    elif entry["kind"] != "code_task" or "otherwise" not in entry or not isinstance(entry["answer"], str):
        assert html.escape(TAG) in exercise.feedback.value  # quoted back, as text
