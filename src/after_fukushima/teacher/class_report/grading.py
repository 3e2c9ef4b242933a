"""The course's verdict on an answer as a hand-in writes it: re-grading, and what each wrong answer was told.

Called by ``reading`` (every answer read is re-graded by the banks: a hand-in's right-or-wrong column is only a
claim) and by ``summaries`` (``common_wrong_answers`` gives the feedback each wrong part got). It reads the answer
back the way the exercise widget had parsed it and asks the exercise kind's own ``grade``
(``exercises.kinds``), so the class report never grades otherwise than the students' notebooks did.
"""

import math

from after_fukushima.exercises.base import CORRECT, InvalidAnswer
from after_fukushima.exercises.kinds import EMPTY_FILTER, KINDS, ORDINALS, UNGRADED, grade_number, parse_number
from after_fukushima.scorecard import as_plain_text

SEPARATOR = " | "  # how hand_in_csv joins the parts of a list answer

MISSED = "(no sentence of its own: the course says how many options that apply are not ticked yet)"

MAX_NUMBER_TEXT = 200  # characters: a typed number with its unit is far shorter


def most_parts(entry: dict) -> float:
    """How many parts (joined with ' | ') an answer to the exercise can have: its options, items or pairs for the
    kinds whose answer is a list; no limit for those whose answer is one text (a reflection may hold ' | ')."""
    key = {"choose_all": "options", "order": "items", "match": "pairs", "sort": "items", "judgement": "items"}
    return len(entry[key[entry["kind"]]]) if entry["kind"] in key else math.inf


# --- what each wrong answer was told ------------------------------------------------------------------


def wrong_parts(entry: dict, answer: str) -> list[tuple[str, str]]:
    """What is wrong in one answer (as a hand-in writes it) and the sentence the course gives for each part.

    Returns a list of (what, feedback) pairs, following the grading in exercises/kinds.py: a wrong option and its
    feedback; for choose_all each wrongly ticked option (and each right one left out); for order the first item
    out of place, the one the course points at; for match and sort each part that is wrong; these three with the
    bank's feedback for that part, which the course shows from the third Check on. For number and code_task the
    answer and the feedback it got (a listed mistake's, too low, too high...). An answer that cannot be read
    gives itself, with no feedback. Never more pairs than the exercise has options, items or pairs and right
    answers together (a ticked option repeated counts once), however many parts a crafted answer holds.
    """
    kind = entry["kind"]
    parts = answer.split(SEPARATOR)
    feedback = entry.get("feedback", {})
    try:
        if kind == "multiple_choice":
            return [(answer, feedback.get(answer, ""))]
        if kind == "choose_all":  # each part once, and no more of them than the exercise has options
            ticked = list(dict.fromkeys(parts))[: len(entry["options"])]
            wrong = [(f"ticked: {p}", feedback.get(p, "")) for p in ticked if p not in entry["answers"]]
            missed = [(f"not ticked: {a}", MISSED) for a in entry["answers"] if a not in parts]
            return wrong + missed
        if kind == "order" and len(parts) == len(entry["items"]):
            items = entry["items"]
            for n, (given, right) in enumerate(zip(parts, items)):  # the course points at the first one out of place
                if given != right and given in items:
                    return [
                        (f"'{given}' put {ORDINALS[n]} (it is {ORDINALS[items.index(given)]})", feedback.get(given, ""))
                    ]
        if kind in ("match", "sort"):
            right = entry["pairs"] if kind == "match" else entry["items"]
            if len(parts) == len(right):
                return [
                    (f"{left} → {given}", feedback.get(left, ""))
                    for (left, should), given in zip(right.items(), parts)
                    if given != should
                ]
        if kind == "number" or (kind == "code_task" and not isinstance(entry["answer"], str)):
            if len(answer) > MAX_NUMBER_TEXT:
                return [(answer[:80] + "…", "")]
            units = [entry["unit"], *entry.get("unit_aliases", [])] if entry.get("unit") else []
            number = parse_number(answer, units, entry["answer"])
            if (
                kind == "code_task"
                and number == 0
                and entry["answer"] != 0
                and not any(m["value"] == 0 for m in entry.get("mistakes", []))
            ):
                return [("0", f"0 usually means {EMPTY_FILTER[0].lower()}{EMPTY_FILTER[1:]}")]
            return [(as_plain_text(number), grade_number(entry, number).message)]
        if kind == "code_task":
            text = " ".join(answer.split())
            for mistake in entry.get("mistakes", []):
                if text.casefold() == str(mistake.get("value", "")).casefold():
                    return [(text, mistake["feedback"])]
            return [(text, entry.get("otherwise", f"'{text}' is not the answer."))]
    except (InvalidAnswer, KeyError, ValueError):
        pass
    return [(answer, "")]


class _Grader:
    """What a kind's ``grade`` reads, without a widget or a progress file: its bank entry, and no attempts yet."""

    def __init__(self, entry: dict):
        self.spec = entry
        self.attempts = 0


def regrade(entry: dict, answer: str) -> bool | None:
    """Whether ``answer`` (as a hand-in writes it) is right by the course's bank today; None for the kinds that are
    not graded (reflections, judgements).

    The hand-in's ``correct`` column is only the student's claim: this re-grades with the exercise kind's own
    ``grade`` (exercises/kinds.py), after reading the answer back the way the widget had parsed it (parts of a
    list split on ' | ', numbers with their units). An answer that cannot be read is not right.
    """
    kind = entry["kind"]
    if kind in UNGRADED:
        return None
    lines = {"order": entry.get("items"), "match": entry.get("pairs"), "sort": entry.get("items")}.get(kind)
    try:
        if kind in ("order", "match", "sort"):  # one part per line, as the widget's parse requires
            parsed = answer.split(SEPARATOR)
            if len(parsed) != len(lines):
                return False
        elif kind == "choose_all":
            parsed = answer.split(SEPARATOR)
        elif kind == "number" or (kind == "code_task" and not isinstance(entry["answer"], str)):
            if len(answer) > MAX_NUMBER_TEXT:  # no number a student types is this long; the parser is not linear
                return False
            units = [entry["unit"], *entry.get("unit_aliases", [])] if entry.get("unit") else []
            parsed = parse_number(answer, units, entry["answer"])
        elif kind == "code_task":
            parsed = " ".join(answer.split())
        else:
            parsed = answer
        return KINDS[kind].grade(_Grader(entry), parsed).status == CORRECT
    except Exception:  # noqa: BLE001 (a crafted or damaged answer of any shape is simply not right)
        return False
