"""The nine kinds of exercise. Each says which bank keys it needs, builds its control, parses and grades.

Two kinds are kept, not graded (``UNGRADED``): a written reflection, and a judgement (the student's verdict on
each statement, answered with the course's reading and its evidence). Neither is ever marked right or wrong;
``counts_as_done`` says when one counts as done, for the scorecard and the class report alike.
"""

import datetime
import html
import keyword
import math
import re
import unicodedata
import weakref

import ipywidgets as widgets
import numpy as np
import pandas as pd

from after_fukushima.exercises.base import (
    CORRECT,
    INVALID,
    PANEL,
    SAVED,
    WRONG,
    Exercise,
    InvalidAnswer,
    Verdict,
)
from after_fukushima.text import quoted


def wide() -> widgets.Layout:
    """A layout as wide as its text; one per widget, so that closing one widget closes nothing else."""
    return widgets.Layout(width="auto")


LABEL_STYLE = {"description_width": "initial"}
NUMBER = (int, float)


def _require_feedback_for(spec: dict, names, what: str) -> None:
    missing = [name for name in names if name not in spec.get("feedback", {})]
    if missing:
        raise ValueError(f"no feedback for the {what} '{missing[0]}' (every {what} needs its own)")


def _require_distinct(values, what: str) -> None:
    repeated = [v for n, v in enumerate(values) if v in values[:n]]
    if repeated:
        raise ValueError(f"'{repeated[0]}' is in '{what}' twice; a student could not tell the two apart")


def _require_known(values, allowed, what: str) -> None:
    for value in values:
        if value not in allowed:
            raise ValueError(f"'{value}' is not one of the {what}")


# --- one answer -----------------------------------------------------------------------------------


class MultipleChoice(Exercise):
    kind, label = "multiple_choice", "Multiple choice"
    required = {"options": list, "answer": str, "feedback": dict}

    @classmethod
    def check_spec(cls, spec):
        if len(spec["options"]) < 2:
            raise ValueError("needs at least two options")
        _require_distinct(spec["options"], "options")
        _require_known([spec["answer"]], spec["options"], "options")
        _require_feedback_for(spec, [o for o in spec["options"] if o != spec["answer"]], "wrong option")

    def build_control(self):
        self.choices = widgets.RadioButtons(
            options=self.spec["options"], value=None, layout=wide(), description="Your answer", style=LABEL_STYLE
        )
        return self.choices

    def value(self):
        return self.choices.value

    def set_value(self, answer):
        self.choices.value = answer

    def static_choices(self):
        return self.spec["options"]

    def parse(self, value):
        if value is None or value == "":
            raise InvalidAnswer("Choose one of the options first, then press Check.")
        if value not in self.spec["options"]:
            raise InvalidAnswer(f"'{quoted(value)}' is not one of the options; choose one of those listed.")
        return value

    def grade(self, answer):
        if answer == self.spec["answer"]:
            return Verdict(CORRECT, "")
        return Verdict(WRONG, self.spec["feedback"][answer])


class ChooseAll(Exercise):
    kind, label = "choose_all", "Choose all that apply"
    required = {"options": list, "answers": list, "feedback": dict}

    @classmethod
    def check_spec(cls, spec):
        if not spec["answers"]:
            raise ValueError("'answers' is empty: at least one option must apply")
        _require_distinct(spec["options"], "options")
        _require_known(spec["answers"], spec["options"], "options")
        _require_feedback_for(spec, [o for o in spec["options"] if o not in spec["answers"]], "wrong option")

    def build_control(self):
        self.boxes = [
            widgets.Checkbox(value=False, description=option, indent=False, layout=wide())
            for option in self.spec["options"]
        ]
        return widgets.VBox(self.boxes)

    def value(self):
        return [box.description for box in self.boxes if box.value]

    def static_choices(self):
        return [f"☐ {option}" for option in self.spec["options"]]

    def set_value(self, answer):
        for box in self.boxes:
            box.value = box.description in answer

    def parse(self, value):
        chosen = list(value or [])
        if not chosen:
            raise InvalidAnswer("Tick every option that applies (at least one), then press Check.")
        _unknown = [c for c in chosen if c not in self.spec["options"]]
        if _unknown:
            raise InvalidAnswer(f"'{quoted(_unknown[0])}' is not one of the options.")
        return sorted(set(chosen), key=self.spec["options"].index)

    def grade(self, answer):
        right = set(self.spec["answers"])
        wrong_ticks = [a for a in answer if a not in right]
        missed = len(right - set(answer))
        if not wrong_ticks and not missed:
            return Verdict(CORRECT, "")
        parts = [
            f"'{w}': {self.spec['feedback'][w]}" if len(answer) > 1 else self.spec["feedback"][w] for w in wrong_ticks
        ]  # with several ticked, say which one the sentence is about
        if missed:
            parts.append(
                f"{missed} option{'s' if missed > 1 else ''} that appl{'y' if missed > 1 else 'ies'} "
                f"{'are' if missed > 1 else 'is'} not ticked yet."
            )
        return Verdict(WRONG, " ".join(parts))


# --- numbers: a number exercise and the code task share this parsing and grading -------------------

_NUMBER_PATTERN = re.compile(r"^([+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(.*)$", re.IGNORECASE)
_SPACED_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))")  # '1 000', also with a no-break space
LARGEST_SENSIBLE = 1e15


def _comma_groups_thousands(text: str, expected: float | None) -> bool:
    """'1,000' groups thousands; '9,1' and '0,148' have a decimal comma. '5,623' could be either: it is read
    the way that comes nearer the expected answer, so a decimal comma is never punished."""
    if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?.*", text) or re.match(r"[+-]?0,", text):
        return False
    if text.count(",") == 1 and "." not in text and expected is not None:
        as_thousands = float(_NUMBER_PATTERN.match(text.replace(",", "")).group(1))
        as_decimal = float(_NUMBER_PATTERN.match(text.replace(",", ".")).group(1))
        return abs(as_thousands - expected) <= abs(as_decimal - expected)
    return True


def parse_number(value, units: list[str], expected: float | None = None) -> float:
    """A number from what a student typed: '14', '14.5 m', '1,000', '9,1' (decimal comma), '−3'."""
    if isinstance(value, bool):
        raise InvalidAnswer("Give a number, not True or False.")
    if value is pd.NA or value is pd.NaT:
        raise InvalidAnswer("That is not a number but a missing value (NaN): check that your code found a value.")
    if isinstance(value, NUMBER):
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            number = math.inf
    else:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        text = (
            _SPACED_THOUSANDS.sub("", text.replace("−", "-")).replace("\u00a0", " ").rstrip(".!?;: ")
        )  # '75 days.' ends a sentence
        if not text:
            raise InvalidAnswer("Type a number first, then press Check.")
        if _comma_groups_thousands(text, expected):
            text = text.replace(",", "")  # thousands separators
        else:
            text = text.replace(",", ".", 1)  # a decimal comma
        match = _NUMBER_PATTERN.match(text)
        if not match:
            raise InvalidAnswer(f"'{quoted(text, 40)}' is not a number. Type digits only, for example 12.5.")
        unit = match.group(2).strip()
        if unit and units and unit.lower() not in [u.lower() for u in units]:
            raise InvalidAnswer(
                f"Give the answer in {units[0]}: type the number alone, or the number and '{units[0]}'."
            )
        if unit and not units:
            raise InvalidAnswer("Type the number alone, without words or units.")
        try:
            number = float(match.group(1))
        except OverflowError:  # pragma: no cover - float() returns inf rather than raising
            number = math.inf
    if math.isnan(number):
        raise InvalidAnswer("That is not a number but a missing value (NaN): check that your code found a value.")
    if not math.isfinite(number) or abs(number) > LARGEST_SENSIBLE:
        raise InvalidAnswer("That number is far too large to be the answer; check the digits.")
    return number


# "Nearly" for a whole number next to an answer with decimals: a typed answer follows the question's rounding;
# a computed one (a code task) comes from a table, which gives the decimals.
NEARLY_TYPED = (
    "Nearly: that looks like the right value, rounded too far. Round as the question says (if it says "
    "nothing, keep one decimal place)."
)
NEARLY_COMPUTED = (
    "Nearly: that looks like the right value with its decimals cut off. Keep at least one decimal "
    "place, as the table gives it."
)


# How far past a tolerance's edge a number may lie and still count as on it, relative to the size of the answer
# (or of the tolerance, if larger). Binary floats cannot hold most decimals: 13.6 - 13.1 is 0.4999999999999982,
# and a computed 0.1 + 0.2 is 0.30000000000000004, each off by a few parts in 10**16. A slack of one part in
# 10**12 takes in every such rounding (and a pandas sum of thousands of rows) while no answer anyone types or
# a table gives is that precise. A relative slack, not Decimal of the typed text: a code task's value is a float
# computed by pandas, with no typed text to read exactly.
EDGE_SLACK = 1e-12


def within(number: float, target: float, tolerance: float) -> bool:
    """Whether ``number`` is at most ``tolerance`` from ``target``, edges included ("within 5" includes 5),
    the same way whatever float rounding the number and the edge went through (see EDGE_SLACK)."""
    return abs(number - target) <= tolerance + EDGE_SLACK * max(abs(target), tolerance)


def grade_number(spec: dict, number: float, nearly: str = NEARLY_TYPED) -> Verdict:
    """The verdict on a number: correct within the bank's ``tolerance`` of ``answer`` (edges included), else a
    listed mistake's feedback (within the same tolerance of its value), "nearly" for a whole number less than 1
    from an answer with decimals, or too low / too high."""
    tolerance = spec.get("tolerance", 0)
    if within(number, spec["answer"], tolerance):
        return Verdict(CORRECT, "")
    for mistake in spec.get("mistakes", []):
        if within(number, mistake["value"], tolerance):
            return Verdict(WRONG, mistake["feedback"])
    answer = spec["answer"]
    if number.is_integer() and not float(answer).is_integer() and abs(number - answer) < 1:
        return Verdict(WRONG, nearly)
    if number < answer:
        return Verdict(WRONG, spec.get("too_low", "That is too low."))
    return Verdict(WRONG, spec.get("too_high", "That is too high."))


def check_number_spec(spec: dict) -> None:
    """Raise ValueError naming the problem in a number's bank keys (answer, tolerance, mistakes)."""
    for key in ("answer", "tolerance"):
        if not abs(spec.get(key, 0)) <= LARGEST_SENSIBLE:  # also false for nan, and exact for a huge integer
            raise ValueError(f"'{key}' must be a number no larger than {LARGEST_SENSIBLE:g}, not {spec[key]!r:.40}")
    if spec.get("tolerance", 0) < 0:
        raise ValueError("'tolerance' cannot be negative")
    for mistake in spec.get("mistakes", []):
        if (
            not isinstance(mistake, dict)
            or not isinstance(mistake.get("value"), NUMBER)
            or not isinstance(mistake.get("feedback"), str)
        ):
            raise ValueError("each entry of 'mistakes' needs a numeric 'value' and a 'feedback' sentence")
        if not abs(mistake["value"]) <= LARGEST_SENSIBLE:
            raise ValueError(
                f"a mistake's 'value' must be no larger than {LARGEST_SENSIBLE:g}, not {mistake['value']!r:.40}"
            )
        if within(mistake["value"], spec["answer"], spec.get("tolerance", 0)):
            raise ValueError(f"the mistake {mistake['value']} would count as correct")


def _units(spec: dict) -> list[str]:
    return [spec["unit"], *spec.get("unit_aliases", [])] if spec.get("unit") else []


NUMBER_OPTIONS = {
    "tolerance": NUMBER,
    "unit": str,
    "unit_aliases": list,
    "mistakes": list,
    "too_low": str,
    "too_high": str,
}


class NumberAnswer(Exercise):
    kind, label = "number", "Number"
    once_per_answer = True
    required = {"answer": NUMBER}
    optional = NUMBER_OPTIONS

    @classmethod
    def check_spec(cls, spec):
        check_number_spec(spec)

    def build_control(self):
        unit = self.spec.get("unit", "")
        # The value reaches the kernel when Enter is pressed or the box is left (a click on Check leaves it), and
        # is checked when it arrives; a click on Check whose value was checked already adds no attempt
        # (once_per_answer), so the click and the value count once in either order.
        self.entry = widgets.Text(
            value="",
            placeholder="a number, then Enter",
            description="Your answer",
            style=LABEL_STYLE,
            continuous_update=False,
        )
        self._restoring = False
        self.entry.observe(self._on_enter, names="value")
        return widgets.HBox([self.entry, widgets.Label(unit)])

    def _on_enter(self, change) -> None:
        """A new value from the browser (Enter, or the box left): check it, as Check would."""
        if self._restoring or not str(change["new"]).strip():
            return
        self.check_arrived(change["new"])

    def value(self):
        return self.entry.value

    def set_value(self, answer):
        self._restoring = True
        try:
            self.entry.value = f"{answer:.15g}"
        finally:
            self._restoring = False

    def static_choices(self):
        return [f"Your answer, in {self.spec['unit']}: ____"] if self.spec.get("unit") else ["Your answer: ____"]

    def parse(self, value):
        return parse_number(value, _units(self.spec), self.spec["answer"])

    def grade(self, answer):
        return grade_number(self.spec, answer)


# --- several parts: order, match, sort --------------------------------------------------------------

ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]


class _PickEach(Exercise):
    """Shared by order, match and sort: one dropdown per part, every part must be filled.

    A wrong answer says how many parts are right and which to look at again; what the right place is (the
    bank's feedback for each part) is said only from the third wrong try, or through the hints, so that one
    wrong Check does not spoil a class vote.
    """

    reveal_after = 2

    def _explain(self) -> bool:
        """Whether this check's feedback may say why each wrong part is wrong."""
        return self.attempts >= self.reveal_after

    def pickers(self) -> list[widgets.Dropdown]:
        raise NotImplementedError

    def value(self):
        return [picker.value for picker in self.pickers()]

    def set_value(self, answer):
        for picker, choice in zip(self.pickers(), answer):
            picker.value = choice

    def line_names(self) -> list[str]:
        """What each line is called in a message (sort and judgement: 'statement 3'); none by default."""
        return []

    def _require_all(self, value, options, what: str) -> list:
        lines = len(self.pickers())
        if value is None:
            chosen = [None] * lines
        elif isinstance(value, (str, bytes)):
            raise InvalidAnswer(f"Choose {what} for every line first: give a list of {lines}, not a single text.")
        else:
            try:
                chosen = list(value)
            except TypeError:
                raise InvalidAnswer(
                    f"Choose {what} for every line first: give a list of {lines}, not a single {type(value).__name__}."
                ) from None
        if len(chosen) != lines:
            raise InvalidAnswer(f"Choose {what} for every line first: this answer has {len(chosen)} of the {lines}.")
        empty = [n for n, choice in enumerate(chosen) if choice is None or (isinstance(choice, str) and not choice)]
        if empty:
            names = self.line_names()
            which = f": {', '.join(names[n] for n in empty[:5])}{', …' if len(empty) > 5 else ''}" if names else ""
            raise InvalidAnswer(f"Choose {what} for every line first ({len(empty)} still empty{which}).")
        unknown = [c for c in chosen if c not in options]
        if unknown:
            raise InvalidAnswer(f"'{quoted(unknown[0])}' is not one of the choices.")
        return chosen


class Order(_PickEach):
    kind, label = "order", "Put in order"
    required = {"items": list, "feedback": dict}

    @classmethod
    def check_spec(cls, spec):
        if not 3 <= len(spec["items"]) <= len(ORDINALS):
            raise ValueError(f"needs between 3 and {len(ORDINALS)} items")
        if len(set(spec["items"])) != len(spec["items"]):
            raise ValueError("an item appears twice")
        _require_feedback_for(spec, spec["items"], "item")

    def build_control(self):
        self.slots = [
            widgets.Dropdown(
                options=self.shuffled(),
                value=None,
                description=ORDINALS[n],
                layout=wide(),
                style={"description_width": "3em"},
            )
            for n in range(len(self.spec["items"]))
        ]
        return widgets.VBox(self.slots)

    def shuffled(self) -> list[str]:
        return sorted(self.spec["items"])  # alphabetical: a fixed order that is not the answer

    def static_choices(self):
        return [f"____ {item}" for item in self.shuffled()]

    def pickers(self):
        return self.slots

    def parse(self, value):
        chosen = self._require_all(value, self.spec["items"], "an event")
        repeated = [c for c in chosen if chosen.count(c) > 1]
        if repeated:
            raise InvalidAnswer(f"'{quoted(repeated[0])}' is chosen more than once; each goes in one place only.")
        return chosen

    def grade(self, answer):
        right = sum(a == b for a, b in zip(answer, self.spec["items"]))
        if right == len(answer):
            return Verdict(CORRECT, "")
        first_wrong = next(a for a, b in zip(answer, self.spec["items"]) if a != b)
        if not self._explain():
            return Verdict(
                WRONG,
                f"{right} of {len(answer)} are in the right place. Start with '{first_wrong}': "
                "is it really where you put it? (The Hint button helps.)",
            )
        return Verdict(
            WRONG,
            f"{right} of {len(answer)} are in the right place. "
            f"Look again at '{first_wrong}': {self.spec['feedback'][first_wrong]}",
        )


class MatchPairs(_PickEach):
    kind, label = "match", "Match the pairs"
    required = {"pairs": dict, "feedback": dict}
    optional = {"extra_choices": list}

    @classmethod
    def check_spec(cls, spec):
        if len(spec["pairs"]) < 2:
            raise ValueError("needs at least two pairs")
        _require_feedback_for(spec, spec["pairs"], "pair")

    def choices(self) -> list[str]:
        return sorted(set(self.spec["pairs"].values()) | set(self.spec.get("extra_choices", [])))

    def build_control(self):
        # One description width for every line (the longest left-hand item's), so that the dropdowns line up.
        width = min(24, 0.6 * max(len(left) for left in self.spec["pairs"]) + 1)
        self.matches = [
            widgets.Dropdown(
                options=self.choices(),
                value=None,
                description=left,
                layout=wide(),
                style={"description_width": f"{width:.1f}em"},
            )
            for left in self.spec["pairs"]
        ]
        return widgets.VBox(self.matches)

    def static_choices(self):
        return [f"{left} → ____" for left in self.spec["pairs"]] + [f"Choices: {'; '.join(self.choices())}"]

    def pickers(self):
        return self.matches

    def parse(self, value):
        return self._require_all(value, self.choices(), "a match")

    def grade(self, answer):
        wrong = [left for left, right in zip(self.spec["pairs"], answer) if self.spec["pairs"][left] != right]
        if not wrong:
            return Verdict(CORRECT, "")
        right = len(answer) - len(wrong)
        if not self._explain():
            return Verdict(
                WRONG,
                f"{right} of {len(answer)} pairs are right. Look again at: "
                + "; ".join(wrong)
                + ". (The Hint button helps.)",
            )
        return Verdict(
            WRONG,
            f"{right} of {len(answer)} pairs are right. "
            + " ".join(f"{left}: {self.spec['feedback'][left]}" for left in wrong),
        )


class SortIntoCategories(_PickEach):
    kind, label = "sort", "Sort into categories"
    required = {"categories": list, "items": dict, "feedback": dict}

    @classmethod
    def check_spec(cls, spec):
        if len(spec["categories"]) < 2:
            raise ValueError("needs at least two categories")
        _require_known(spec["items"].values(), spec["categories"], "categories")
        _require_feedback_for(spec, spec["items"], "statement")

    def build_control(self):
        rows, self.sorters = [], []
        for number, statement in enumerate(self.spec["items"], start=1):
            sorter = widgets.ToggleButtons(
                options=self.spec["categories"],
                value=None,
                style={"button_width": "auto"},
                tooltips=[f"{self._row_label(number)}: {c}" for c in self.spec["categories"]],
            )
            # The chosen category is marked twice: a strong colour (COURSE_CSS) and a tick, also on a projector.
            sorter.observe(lambda change, sorter=sorter: self._picked(sorter), names="value")
            self.sorters.append(sorter)
            rows.append(
                widgets.HTML(
                    f"<div class='af-statement'><b>{self._row_label(number)}.</b> {html.escape(statement)}</div>"
                )
            )
            rows.append(sorter)
        return widgets.VBox(rows)

    def pickers(self):
        return self.sorters

    def _sentences(self) -> bool:
        """Whether the items are sentences (statements) rather than names (an instrument, a country)."""
        return all(str(item).rstrip()[-1:] in tuple(".?!\"'’”") for item in self.spec["items"])

    def _row_label(self, number: int) -> str:
        """'Statement 3' where the items are sentences, and '3' where they are names (an instrument, a country:
        'Statement 1. INES' would call a name a statement)."""
        return f"Statement {number}" if self._sentences() else str(number)

    def line_names(self):
        """'statement 3' where the items are sentences; the name itself, quoted ("'INES'"), where they are names."""
        if self._sentences():
            return [f"statement {n}" for n in range(1, len(self.sorters) + 1)]
        return [f"'{item}'" for item in self.spec["items"]]

    def _which(self, lines: list[int]) -> str:
        """The lines (0-based) named in a sentence: 'statement 2', 'statements 1, 3 and 4', or 'INES and IRRS'."""
        if self._sentences():
            numbers = [str(n + 1) for n in lines]
            head, words = ("statement", numbers) if len(numbers) == 1 else ("statements", numbers)
        else:
            head, words = "", [self.line_names()[n] for n in lines]
        listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
        return f"{head} {listed}".strip()

    def _picked(self, sorter: widgets.ToggleButtons) -> None:
        self._tick(sorter)
        if self.once_per_answer:  # a judgement: the verdict a Save was waiting for (see Exercise.value_arrived)
            self.value_arrived()

    @staticmethod
    def _tick(sorter: widgets.ToggleButtons) -> None:
        sorter.icons = ["check" if option == sorter.value else "" for option in sorter.options]

    def static_choices(self):
        statements = [f"{self._row_label(n)}. {s}" for n, s in enumerate(self.spec["items"], start=1)]
        return statements + [f"Categories: {'; '.join(self.spec['categories'])}"]

    def parse(self, value):
        return self._require_all(value, self.spec["categories"], "a category")

    def grade(self, answer):
        statements = list(self.spec["items"])
        wrong = [s for s, c in zip(statements, answer) if self.spec["items"][s] != c]
        if not wrong:
            return Verdict(CORRECT, "")
        lines = [statements.index(s) for s in wrong]
        which = self._which(lines)
        marks = [str(n + 1) for n in lines] if self._sentences() else [self.line_names()[n] for n in lines]
        if not self._explain():
            return Verdict(
                WRONG,
                f"{len(statements) - len(wrong)} of {len(statements)} are sorted right. Look "
                f"again at {which}. (The Hint button helps.)",
            )
        return Verdict(
            WRONG,
            f"Look again at {which}. "
            + " ".join(
                f"({mark}) {self.spec['feedback'][s]}" if len(wrong) > 1 else self.spec["feedback"][s]
                for mark, s in zip(marks, wrong)
            ),
        )


# --- a judgement: the student's verdicts, kept, answered with the course's reading ----------------------


class Judgement(SortIntoCategories):
    """A verdict on each statement (supported, partly...) where a defensible view may differ from the course's.

    Built on the sort widget, but nothing is marked right or wrong: Save keeps the student's verdicts (an
    attempt like a reflection's, with correct left empty), then shows, statement by statement, the student's
    verdict beside the course's reading and its evidence. A verdict that differs is said to differ, never to
    be wrong. Bank keys: ``categories``; ``items`` (statement -> the course's reading); ``feedback`` (statement ->
    the course's evidence for that reading, shown beside it; named like every kind's feedback, so that the
    course's prose checks read it too); optionally ``judged_as = "prediction"`` for a prediction made before a
    model is run (then "Your prediction" and "what the model does" in place of "Your verdict" and "the course's
    reading").
    """

    kind, label = "judgement", "Your verdict (kept, not graded)"
    check_label = "Save"
    once_per_answer = True  # a double click on Save, or Save again after Shift+Enter, keeps one copy
    reveal_after = 0
    required = {"categories": list, "items": dict, "feedback": dict}
    optional = {"judged_as": str}  # "verdict" (the default) or "prediction": the words the student sees
    WORDS = {
        "verdict": {
            "label": "Your verdict (kept, not graded)",
            "mine": "verdict",
            "reading": "the course's reading",
            "evidence": "The course's evidence",
            "differ": "A different verdict is not a mistake: compare your reasons with the course's evidence, side "
            "by side below, and be ready to defend yours.",
        },
        "prediction": {
            "label": "Your prediction (kept, not graded)",
            "mine": "prediction",
            "reading": "what the model does",
            "evidence": "Why, in the model",
            "differ": "A prediction that differs is not a mistake: finding out is what the simulator is for. "
            "Compare, below, and then run it.",
        },
    }

    def __init__(self, spec: dict, lesson: str, store=None):
        self.words = self.WORDS[spec.get("judged_as", "verdict")]
        self.label = self.words["label"]
        super().__init__(spec, lesson, store)

    @classmethod
    def check_spec(cls, spec):
        if len(spec["categories"]) < 2:
            raise ValueError("needs at least two categories")
        joined = [c for c in spec["categories"] if "|" in str(c)]
        if joined:  # a hand-in joins the verdicts with ' | ', so the class report would split this one in two
            raise ValueError(f"the category '{joined[0]}' contains '|', which a hand-in uses between verdicts")
        _require_known(spec["items"].values(), spec["categories"], "categories")
        missing = [statement for statement in spec["items"] if statement not in spec["feedback"]]
        if missing:
            raise ValueError(f"no feedback for the statement '{missing[0]}' (every reading needs its evidence)")
        extra = [statement for statement in spec["feedback"] if statement not in spec["items"]]
        if extra:
            raise ValueError(f"'feedback' names a statement that is not in 'items': '{extra[0]}'")
        if spec.get("judged_as", "verdict") not in cls.WORDS:
            raise ValueError(f"'judged_as' is '{spec['judged_as']}'; it can be {' or '.join(cls.WORDS)}")

    def build_control(self):
        self._verdicts: list[str] = []
        return super().build_control()

    def parse(self, value):
        return self._require_all(value, self.spec["categories"], "a verdict")

    def grade(self, answer):
        self._verdicts = list(answer)
        readings = list(self.spec["items"].values())
        same = sum(mine == course for mine, course in zip(answer, readings))
        total = len(readings)
        differ = total - same
        mine, reading = self.words["mine"], self.words["reading"]
        if differ == 0:
            comparison = f"All {total} of your {mine}s are {reading} too."
        else:
            comparison = (
                f"{same} of your {total} {mine}s {'is' if same == 1 else 'are'} {reading}; {differ} differ"
                f"{'s' if differ == 1 else ''}. {self.words['differ']}"
            )
        return Verdict(SAVED, f"Your {mine}s are kept (not graded). {comparison}")

    def details(self) -> str:
        """The student's verdicts beside the course's reading and its evidence, as an escaped HTML table."""
        if len(self._verdicts) != len(self.spec["items"]):
            return ""
        # Wrapped text at a reading line height (widget HTML inherits a control's 28 px line), a minimum width for
        # the two long columns, and a scroll bar rather than a clipped column where the notebook is narrow (zoom).
        cell = (
            "style='padding:3px 8px;border-top:1px solid var(--jp-border-color2,#ccc);vertical-align:top;"
            "line-height:1.4;overflow-wrap:break-word'"
        )
        wide_cell = cell[:-1] + ";min-width:12em'"
        rows = []
        for number, ((statement, reading), mine) in enumerate(zip(self.spec["items"].items(), self._verdicts), start=1):
            marker = "same" if mine == reading else "differs: compare the evidence"
            rows.append(
                f"<tr class='af-verdict'><td {wide_cell}><b>{number}.</b> {html.escape(statement)}</td>"
                f"<td {cell}>{html.escape(mine)}</td><td {cell}>{html.escape(reading)} "
                f"<i>({marker})</i></td><td {wide_cell}>{html.escape(self.spec['feedback'][statement])}</td></tr>"
            )
        head = "".join(
            f"<th {cell}>{name}</th>"
            for name in (
                "Statement",
                f"Your {self.words['mine']}",
                self.words["reading"][0].upper() + self.words["reading"][1:],
                self.words["evidence"],
            )
        )
        return (
            "<div class='af-verdicts-scroll' style='overflow-x:auto;max-width:100%'>"
            f"<table class='af-verdicts' style='border-collapse:collapse;margin-top:6px;{PANEL}'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )


# --- written reflection -----------------------------------------------------------------------------


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text or ""))


def long_enough(text: str, spec: dict) -> bool:
    """Whether a reflection reaches its suggested length (min_words), which reveals the model answer."""
    return count_words(text) >= spec.get("min_words", 0)


class Reflection(Exercise):
    kind, label = "reflection", "Written reflection (kept, not graded)"
    check_label = "Save"
    once_per_answer = True  # Save pressed again on the same text keeps one copy
    optional = {"min_words": int}

    @classmethod
    def check_spec(cls, spec):
        if spec.get("min_words", 0) < 0:
            raise ValueError(f"'min_words' is {spec['min_words']}; a word count cannot be below 0")

    def build_control(self):
        self.text = widgets.Textarea(
            value="",
            placeholder="Write your answer here, then press Save.",
            description="Your reflection",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="100%", height="8em"),
        )
        self.word_count = widgets.Label()
        self._count("")
        self.text.observe(self._typed, names="value")
        return widgets.VBox([self.text, self.word_count])

    def _typed(self, change) -> None:
        self._count(change["new"])
        self.value_arrived()  # the text a Save was waiting for, if any (see Exercise.value_arrived)

    def _count(self, text):
        n = count_words(text)
        target = self.spec.get("min_words", 0)
        self.word_count.value = (
            f"{n} / {target} words " + ("(long enough)" if n >= target else f"(aim for at least {target})")
            if target
            else f"{n} word{'s' if n != 1 else ''}"
        )

    def value(self):
        return self.text.value

    def set_value(self, answer):
        self.text.value = answer

    def parse(self, value):
        text = str(value or "")
        if not text.strip():
            raise InvalidAnswer("Write something first; what you save is kept in your progress file.")
        return text

    def grade(self, answer):
        n = count_words(answer)
        kept = f"{n} word{'s' if n != 1 else ''} kept."
        if not long_enough(answer, self.spec):
            return Verdict(
                SAVED,
                f"{kept} Aim for at least {self.spec['min_words']} words: add a little more and "
                "press Save again, and you will see what a strong answer might mention.",
                reveal=False,
            )
        return Verdict(SAVED, f"{kept} Compare with this:")


# --- code task: the student computes a value with pandas ---------------------------------------------


class CodeTask(Exercise):
    kind, label = "code_task", "Code task"
    once_per_answer = True  # task.check(x) in a cell and a click on Check after it: one attempt
    required = {"variable": str, "answer": (int, float, str), "solution": str}
    optional = {**NUMBER_OPTIONS, "otherwise": str}

    @classmethod
    def check_spec(cls, spec):
        if not spec["variable"].isidentifier() or keyword.iskeyword(spec["variable"]):
            raise ValueError(f"'variable' must be a Python name (not a keyword such as 'if'), not '{spec['variable']}'")
        if isinstance(spec["answer"], NUMBER):
            check_number_spec(spec)
        elif any(
            not isinstance(m, dict) or not isinstance(m.get("value"), str) or not isinstance(m.get("feedback"), str)
            for m in spec.get("mistakes", [])
        ):
            raise ValueError("each entry of 'mistakes' needs a text 'value' and a 'feedback' sentence")

    def build_control(self):
        self._cell_failed = False  # the last cell run that names the variable stopped with an error
        _LIVE_TASKS.add(self)
        _watch_cells()
        name = html.escape(self.spec["variable"])
        return widgets.HTML(
            f"<div class='af-code'>Compute the answer in a code cell and store it in a variable called "
            f"<code>{name}</code>. Run that cell, then press Check (or call <code>.check({name})</code>).</div>"
        )

    def value(self):
        from IPython import get_ipython

        shell = get_ipython()
        namespace = shell.user_ns if shell is not None else {}
        if self._cell_failed:
            return _CELL_FAILED
        return namespace.get(self.spec["variable"], _NOT_DEFINED)

    def after_cell(self, source: str, failed: bool) -> None:
        """Called after every cell the student runs (``source``, its code): a cell that names this task's
        variable and stopped with an error replaces the verdict shown, which was for the variable's earlier
        value, and a Check waits for the cell to run without error; one that ran without error ends that."""
        if not re.search(rf"(?<![\w.]){re.escape(self.spec['variable'])}\b", source or ""):
            return
        with self._checking:
            self._cell_failed = failed
            if failed:
                self._show(Verdict(INVALID, self._stale_sentence()))

    def _stale_sentence(self) -> str:
        name = self.spec["variable"]
        return (
            f"Your cell that computes {name} stopped with an error (shown under that cell), so {name} still holds "
            "its earlier value, if any, and the verdict shown here before no longer applies. Fix the error, run "
            "the cell again, then press Check."
        )

    def set_value(self, answer):
        """Nothing to put back: the student's code is in their own cell."""

    def static_choices(self):
        return [f"Store your answer in a variable called {self.spec['variable']}, then press Check."]

    def check(self, value) -> Verdict:
        """Check a value computed in code: ``task.check(my_answer)``. A right answer comes back with its
        explanation, so that the student reads it under their own cell too."""
        verdict = self.submit(value)
        if verdict.status == CORRECT and self.spec.get("explanation"):
            return Verdict(CORRECT, self.spec["explanation"])
        return verdict

    def parse(self, value):
        name = self.spec["variable"]
        if value is _CELL_FAILED:
            raise InvalidAnswer(self._stale_sentence())
        if value is _NOT_DEFINED:
            raise InvalidAnswer(
                f"There is no variable called {name} yet: run the cell that defines it, then press Check."
            )
        if value is None:
            raise InvalidAnswer(f"{name} is still None: replace None with your pandas expression and run the cell.")
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple) and 0 in shape:
            raise InvalidAnswer(f"{name} is empty: {EMPTY_FILTER}")
        if shape in ((1,), (1, 1)) and (hasattr(value, "to_numpy") or hasattr(value, "reshape")):
            # one row, as a filter gives: its one value (not its row label)
            value = (value.to_numpy() if hasattr(value, "to_numpy") else value).reshape(-1)[0]
            shape = getattr(value, "shape", None)
        elif isinstance(shape, tuple) and len(shape) == 2 and shape[0] == 1:
            raise InvalidAnswer(
                f"{name} is one row with {shape[1]} columns. Choose the column you need, for "
                'example table["column_name"], before storing it.'
            )
        if shape not in (None, ()):
            kind = type(value).__name__
            raise InvalidAnswer(
                f"{name} is a {kind} of shape {shape}, not a single value. To count its rows, use "
                "len(...) around it; to pick one value, filter down to one row and choose the "
                "column; to add values up, use .sum()."
            )
        if isinstance(value, (tuple, list, set, dict)):
            kind = type(value).__name__
            raise InvalidAnswer(
                f"{name} is a {kind} of {len(value)} items, not a single value. To count rows use "
                "len(table) or table.shape[0]; otherwise pick the one value you need."
            )
        if value is not pd.NaT and isinstance(value, (pd.Timedelta, datetime.timedelta, np.timedelta64)):
            raise InvalidAnswer(self._time_span(pd.Timedelta(value)))
        if value is not pd.NaT and isinstance(value, (pd.Timestamp, datetime.date, np.datetime64)):
            raise InvalidAnswer(
                f"{name} is a date ({quoted(value, 30)}), not a number. Subtract two dates for a time span, or "
                "take .dt.year of a date column for its year."
            )
        if hasattr(value, "item") and shape == ():
            value = value.item()  # a NumPy scalar
        if isinstance(self.spec["answer"], str):
            if not isinstance(value, str):
                raise InvalidAnswer(
                    f"{name} should be text (a str), not {type(value).__name__}. If you used "
                    ".idxmax(), it gives a row label: read the name from its column, for example "
                    ".loc[label, 'country']."
                )
            return " ".join(value.split())
        return parse_number(value, _units(self.spec), self.spec["answer"])

    def grade(self, answer):
        if isinstance(self.spec["answer"], str):
            if answer.casefold() == self.spec["answer"].casefold():
                return Verdict(CORRECT, "")
            for mistake in self.spec.get("mistakes", []):
                if answer.casefold() == str(mistake.get("value", "")).casefold():
                    return Verdict(WRONG, mistake["feedback"])
            return Verdict(WRONG, self.spec.get("otherwise", f"'{quoted(answer)}' is not the answer."))
        listed = any(within(answer, m["value"], self.spec.get("tolerance", 0)) for m in self.spec.get("mistakes", []))
        if not listed and not within(answer, self.spec["answer"], self.spec.get("tolerance", 0)):
            name = self.spec["variable"]
            if self._asks_for_a_year() and (answer == 0 or not answer.is_integer()):
                return Verdict(WRONG, f"{name} is {answer:g}, not a year: {VALUE_NOT_YEAR}")
            if self._asks_for_a_year() and not YEARS[0] <= answer <= YEARS[1]:
                return Verdict(WRONG, f"{name} is {answer:g}, not a year: {ROW_LABEL_NOT_YEAR}")
            if answer == 0 and self._counts_rows():
                return Verdict(WRONG, f"0 usually means {EMPTY_FILTER[0].lower()}{EMPTY_FILTER[1:]}")
            if answer == 0:
                return Verdict(
                    WRONG,
                    f"{name} is 0, a value your code computed from the rows it had (an empty selection would give NaN "
                    "here, not 0): that is not the answer. Check which columns your calculation uses, and their units.",
                )
        return grade_number(self.spec, answer, nearly=NEARLY_COMPUTED)

    def _asks_for_a_year(self) -> bool:
        """Whether the answer is a year (a whole number from 1800 to 2100 with no unit, and a prompt about a year)."""
        answer = self.spec["answer"]
        return (
            float(answer).is_integer()
            and YEARS[0] <= answer <= YEARS[1]
            and not self.spec.get("unit")
            and "year" in self.spec["prompt"].lower()
        )

    def _counts_rows(self) -> bool:
        """Whether the solution counts rows (len(...) or .sum() of conditions), where a 0 means an empty filter;
        elsewhere a 0 is a value the student's code really computed (a minimum, a difference)."""
        return bool(re.search(r"\blen\(|\.sum\(\)|\.shape\[0\]", self.spec["solution"]))

    def _time_span(self, span: pd.Timedelta) -> str:
        """The sentence for a time span (a Timedelta) where a number is wanted: how to make it days or years."""
        name, unit = self.spec["variable"], self.spec.get("unit", "")
        shown = "a missing time span (NaT)" if pd.isna(span) else f"{span.days:,} days"
        if unit.startswith("year"):
            then = "divide the days by 365.25 for years"
        elif unit.startswith("day"):
            then = "that number of days is your answer"
        else:
            then = "then work out your answer from it"
        return (
            f"{name} is a time span ({shown}), not a number. Turn it into a number of days first: .dt.days on a "
            f"column of time spans (or .days on one), and {then}."
        )


YEARS = (1800, 2100)  # the years a year's answer may be; a whole number outside them is not a year
ROW_LABEL_NOT_YEAR = (
    ".idxmin() and .idxmax() give the label of the row where the smallest or largest value is (the row's number "
    "in the table), not its year. Read the year from that row: table.loc[label, 'year']."
)
VALUE_NOT_YEAR = (
    "it looks like a value from the column itself (.min() or .max() gives the value, not when it happened). "
    "Find the row with .idxmin() or .idxmax(), then read its year: table.loc[label, 'year']."
)
EMPTY_FILTER = (
    "Your filter kept no rows. Check the spelling and capitals of the text you compare with (the "
    "tables write 'France', not 'france'), and compare numbers with numbers (year == 2010, not "
    "year == '2010')."
)


class _NotDefined:
    def __repr__(self):
        return "<not defined>"


_NOT_DEFINED = _NotDefined()
_CELL_FAILED = _NotDefined()  # the cell that computes the variable stopped with an error since
_LIVE_TASKS: "weakref.WeakSet[CodeTask]" = weakref.WeakSet()


def _after_cell(result) -> None:
    """IPython's post_run_cell event: tell every code task shown which cell ran and whether it failed."""
    failed = result.error_in_exec is not None or result.error_before_exec is not None
    source = getattr(result.info, "raw_cell", "") or ""
    for task in list(_LIVE_TASKS):
        try:
            task.after_cell(source, failed)
        except Exception:  # pragma: no cover - a closed widget: nothing to update
            pass


def _watch_cells() -> None:
    """Have IPython call ``_after_cell`` after each cell, once per shell (nothing outside IPython)."""
    from IPython import get_ipython

    events = getattr(get_ipython(), "events", None)
    if events is not None and _after_cell not in events.callbacks.get("post_run_cell", []):
        events.register("post_run_cell", _after_cell)


KINDS: dict[str, type[Exercise]] = {
    cls.kind: cls
    for cls in (
        MultipleChoice,
        ChooseAll,
        NumberAnswer,
        Order,
        MatchPairs,
        SortIntoCategories,
        Judgement,
        Reflection,
        CodeTask,
    )
}
# Kept, not graded: never right or wrong, never "right at the first try"; done once saved (see counts_as_done).
UNGRADED = frozenset({Reflection.kind, Judgement.kind})


def judged(entry: dict, answer) -> bool:
    """Whether a judgement's answer is one the exercise saves: one of the bank's ``categories`` for each of its
    statements (``items``), in order. ``answer`` as the progress store keeps it (a list) or as a hand-in writes it
    (text: the verdicts joined with ' | '). Not so for an answer edited by hand, or saved before the bank changed.
    """
    parts = list(answer) if isinstance(answer, (list, tuple)) else str(answer).split(" | ")
    return len(parts) == len(entry["items"]) and all(part in entry["categories"] for part in parts)


def counts_as_done(entry: dict, answer, correct) -> bool:
    """Whether one saved attempt makes an exercise done, for the scorecard and the class report alike.

    A graded exercise: answered right. A reflection: saved at its suggested length (``min_words``). A judgement:
    saved with one of the bank's verdicts for every statement (``judged``; the only way the widget saves one),
    whatever the verdicts are. ``answer`` is the answer as saved (a list) or as a hand-in writes it (text);
    ``correct`` True, False or None.
    """
    if entry["kind"] == Reflection.kind:
        return long_enough(str(answer or ""), entry)
    if entry["kind"] == Judgement.kind:
        return judged(entry, answer)
    return correct is True
