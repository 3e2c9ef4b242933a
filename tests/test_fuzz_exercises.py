"""Property-based tests (hypothesis) through `submit` for every exercise kind: nothing a widget or a student's
variable can hold raises, a verdict is always shown, and what a student typed is never rendered as markup."""

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
