"""What every exercise widget shares: prompt, control, Check and Hint buttons, feedback, attempts.

One code path: the Check button calls ``submit(self.value())``, and tests call the same ``submit``
(or set the control and call ``check_button.click()``). Feedback lives in widget state (an HTML
widget's value), so it is the same in the browser, under nbclient and under nbval.
"""

import html
from dataclasses import dataclass

import ipywidgets as widgets
from traitlets import TraitError

from after_fukushima.live import keep_one
from after_fukushima.progress import ProgressStore

CORRECT, WRONG, INVALID, SAVED = "correct", "wrong", "invalid", "saved"
# Symbols from fonts every system has (an emoji such as a raised hand shows as an empty box without an emoji font).
SYMBOLS = {CORRECT: "✔ Correct.", WRONG: "✘ Not yet.", INVALID: "⚠", SAVED: "✔ Saved."}
# Inline styles, because widget HTML cannot rely on a stylesheet. The colours (Okabe-Ito) always come with a
# symbol and words, so nobody needs to tell them apart.
EDGE = {CORRECT: "#009E73", WRONG: "#D55E00", INVALID: "#E69F00", SAVED: "#0072B2", None: "#999999"}
KIND_STYLE = "font-size:0.8em;text-transform:uppercase;letter-spacing:0.06em;color:#555"
PROMPT_STYLE = "font-weight:600;margin:2px 0 6px"
HINT_STYLE = "background:#fff8e1;padding:2px 8px;margin:2px 0"
SOURCE_STYLE = "font-size:0.85em;color:#555;margin-top:4px"


def feedback_box(content: str, status: str | None = None) -> str:
    return (f"<div class='af-feedback af-{status or 'note'}' style='border-left:4px solid {EDGE[status]};"
            f"padding:4px 8px;margin:4px 0;background:#f7f7f7'>{content}</div>")


class InvalidAnswer(ValueError):
    """The input is not an answer yet (empty, not a number, …); it does not count as an attempt."""


@dataclass(frozen=True)
class Verdict:
    status: str  # one of CORRECT, WRONG, INVALID, SAVED
    message: str  # plain text; escaped when shown
    reveal: bool = True  # show the explanation with a correct or saved answer (False: a reflection too short yet)

    @property
    def correct(self) -> bool | None:
        return {CORRECT: True, WRONG: False}.get(self.status)

    def __repr__(self) -> str:
        return f"{SYMBOLS[self.status]} {self.message}".strip()


class Exercise(widgets.VBox):
    """Base class: subclasses build the control, read its value, parse and grade."""

    kind = ""  # the name used in question banks
    label = ""  # what students see, e.g. "Multiple choice"
    check_label = "Check"
    restored_note = "Your last saved answer is shown. Press Check to see the feedback again."
    required: dict[str, type | tuple] = {}  # bank keys this kind needs, with their types
    optional: dict[str, type | tuple] = {}

    def __init__(self, spec: dict, lesson: str, store: ProgressStore | None = None):
        self.spec = spec
        self.id = spec["id"]
        self.lesson = lesson
        self.store = store if store is not None else ProgressStore()
        self.attempts = 0
        self.hints_shown = 0
        self.solved = False

        self.prompt = widgets.HTML(
            f"<div class='af-kind' style='{KIND_STYLE}'>{html.escape(self.label)}</div>"
            f"<div class='af-prompt' style='{PROMPT_STYLE}'>{html.escape(spec['prompt'])}</div>"
        )
        self.control = self.build_control()
        self.check_button = widgets.Button(description=self.check_label, button_style="primary",
                                           tooltip=f"{self.check_label} your answer")
        self.hint_button = widgets.Button(description="Hint", icon="lightbulb-o", tooltip="Show the next hint")
        self.hint_box = widgets.HTML()
        self.feedback = widgets.HTML()
        self.status = widgets.HTML()
        self.check_button.on_click(lambda _: self.submit(self.value()))
        self.hint_button.on_click(lambda _: self.next_hint())
        self._update_hint_button()
        super().__init__(
            children=[self.prompt, self.control, widgets.HBox([self.check_button, self.hint_button, self.status]),
                      self.hint_box, self.feedback],
        )
        self.add_class("af-exercise")
        self.add_class(f"af-exercise-{self.id}")  # a handle for tests and for teachers' own styling
        self._restore()
        keep_one(("exercise", lesson, self.id), self)  # re-running the cell closes the copy made before

    # --- to be provided by each kind ---------------------------------------------------------------
    def build_control(self) -> widgets.Widget:
        raise NotImplementedError

    def value(self):
        """The answer as the control holds it now."""
        raise NotImplementedError

    def set_value(self, answer) -> None:
        """Put a saved answer back into the control."""
        raise NotImplementedError

    def parse(self, value):
        """Turn raw input into an answer, or raise InvalidAnswer with a sentence for the student."""
        return value

    def grade(self, answer) -> Verdict:
        raise NotImplementedError

    @classmethod
    def check_spec(cls, spec: dict) -> None:
        """Raise ValueError naming the problem if a bank entry cannot make a sound exercise."""

    # --- shared behaviour ---------------------------------------------------------------------------
    def submit(self, value) -> Verdict:
        """Check one answer: the Check button and the tests both come through here.

        Never raises for anything a widget or a student's variable can hold: what cannot be read is answered
        with a sentence, and the feedback box always shows the verdict of this Check.
        """
        try:
            answer = self.parse(value)
            verdict = self.grade(answer)
        except InvalidAnswer as problem:
            verdict = Verdict(INVALID, str(problem))
            self._show(verdict)
            return verdict
        except Exception:  # a value no parser foresaw: say so plainly rather than show a traceback
            verdict = Verdict(INVALID, f"This answer could not be read (it is a {type(value).__name__}). "
                                       "Type it again, or store a single number or text in your variable.")
            self._show(verdict)
            return verdict
        problem = self._save(answer, verdict)
        if problem:  # say first, plainly, that nothing was kept; the attempt does not count
            self._show(Verdict(INVALID, f"Not saved: {problem} The verdict on this answer: "
                                        f"{SYMBOLS[verdict.status]} {verdict.message}".rstrip()))
            return verdict
        self.attempts += 1
        self.solved = self.solved or verdict.status == CORRECT
        self._show(verdict)
        return verdict

    def next_hint(self) -> str | None:
        hints = self.spec.get("hints", [])
        if self.hints_shown >= len(hints):
            return None
        self.hints_shown += 1
        self.hint_box.value = "".join(
            f"<div class='af-hint' style='{HINT_STYLE}'>Hint {n}: {html.escape(text)}</div>"
            for n, text in enumerate(hints[: self.hints_shown], start=1)
        )
        self._update_hint_button()
        return hints[self.hints_shown - 1]

    def _update_hint_button(self) -> None:
        left = len(self.spec.get("hints", [])) - self.hints_shown
        self.hint_button.disabled = left <= 0
        self.hint_button.description = f"Hint ({left} left)" if left > 0 else "No more hints"

    def _save(self, answer, verdict: Verdict) -> str:
        """Record the attempt; return '' or a sentence saying why it was not saved."""
        try:
            self.store.record(self.lesson, self.id, self.kind, answer, verdict.correct)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return f"your answer could not be written to {self.store.path} ({reason})."
        return ""

    def _show(self, verdict: Verdict, note: str = "") -> None:
        text = verdict.message
        revealed = verdict.status in (CORRECT, SAVED) and verdict.reveal
        if revealed and self.spec.get("explanation"):
            text = f"{text} {self.spec['explanation']}".strip()
        source = ""
        if revealed and self.spec.get("source"):
            source = f"<div class='af-source' style='{SOURCE_STYLE}'>Source: {html.escape(self.spec['source'])}</div>"
        self.feedback.value = feedback_box(f"<b>{SYMBOLS[verdict.status]}</b> {html.escape(text + note)}{source}",
                                           verdict.status)
        self.status.value = self._status_text()

    def _status_text(self) -> str:
        word = "attempt" if self.attempts == 1 else "attempts"
        solved = " · solved" if self.solved else ""
        return f"<span class='af-attempts'>{self.attempts} {word}{solved}</span>"

    def _restore(self) -> None:
        """Show the last saved answer again, so that nothing is lost between sessions."""
        try:
            last = self.store.latest(self.lesson, self.id)
        except OSError:
            return
        if last is None:
            return
        self.attempts = last.get("attempt", 1)
        self.solved = any(a["correct"] is True for a in self.store.attempts(self.lesson, self.id))
        note = self.restored_note
        try:
            self.set_value(last["answer"])
        except (ValueError, TypeError, KeyError, TraitError):  # the bank changed since the answer was saved
            note = ("The question has been edited since you last answered it, so your saved answer no longer "
                    "fits: answer it again (your earlier attempts are still in your progress file).")
        self.feedback.value = feedback_box(html.escape(note))
        self.status.value = self._status_text()

    def __repr__(self) -> str:
        prompt = self.spec["prompt"]
        short = prompt if len(prompt) <= 60 else prompt[:57].rstrip() + "…"
        return f"<{self.label} '{self.id}': {short}>"
