"""What every exercise widget shares: prompt, control, Check and Hint buttons, feedback, attempts.

One code path: the Check button calls ``submit(self.value())``, and tests call the same ``submit``
(or set the control and call ``check_button.click()``). Feedback lives in widget state (an HTML
widget's value), so it is the same in the browser, under nbclient and under nbval.

One attempt per intended Check. In the browser a control's new value and a click on Check can reach the
kernel together, in either order: a number box sends its value when it is left (``continuous_update=False``),
which a click on Check does, and the click may be handled first, while the kernel still holds the old value.
With JupyterLab 4.4+ and ipykernel 7, widget messages may also travel over a kernel subshell, so that the
value and the click are handled in two threads at the same time: ``submit`` (and reading the value for it)
holds a lock, so that one Check is read, checked and saved before the next begins.

For every kind, a Check whose answer equals the answer this widget saved last (or restored) adds no attempt and
is not saved again: the verdict that answer had stays, with the sentence "You checked this answer already:
change something, then Check." Pressing Check again on the same answer is not a new try (issue 21, fault 4: it
inflated attempt counts and lowered the class report's first-try shares), so it brings sort, match and order no
nearer their explanations either (``reveal_after`` counts saved tries); the Hint button is there for that.
One click is not a repeat of itself: a number box left by a click on Check sends its value first, which is
checked on arrival (``check_arrived``), and the click that follows finds that answer without the sentence.

The kinds whose value and button can fire together (``once_per_answer``: number, code task, reflection and
judgement) follow one more rule, which does not depend on the order the two arrive in:

- a number's new value is checked when it arrives (Enter, or the box left), once;
- a reflection's or a judgement's value does not check itself, so a value that arrives at most
  ``LATE_VALUE_SECONDS`` after a Save that found nothing new (the answer saved last, or none yet) is taken to
  be that Save's, and saved once (``value_arrived``).

So "click, then value" and "value, then click" both save the new answer once, a changed answer is always a
new attempt, and Save pressed twice keeps one copy. The other kinds' controls are clicked before Check, not
with it.
"""

import html
import re
import threading
from dataclasses import dataclass
from time import monotonic

import ipywidgets as widgets
from traitlets import TraitError

from after_fukushima.live import keep_one
from after_fukushima.progress import ProgressStore
from after_fukushima.text import displayable

CORRECT, WRONG, INVALID, SAVED = "correct", "wrong", "invalid", "saved"
# Symbols from fonts every system has (an emoji such as a raised hand shows as an empty box without an emoji font).
SYMBOLS = {CORRECT: "✔ Correct.", WRONG: "✘ Not yet.", INVALID: "⚠", SAVED: "✔ Saved."}
# Text and backgrounds take JupyterLab's theme variables (light, dark or any other theme), with light-theme
# fallbacks for other viewers; the edge colours (Okabe-Ito) always come with a symbol and words, so nobody needs
# to tell them apart.
EDGE = {CORRECT: "#009E73", WRONG: "#D55E00", INVALID: "#E69F00", SAVED: "#0072B2", None: "#999999"}
TEXT = "color:var(--jp-content-font-color1,#1a1a1a)"
PANEL = f"background:var(--jp-layout-color2,#eeeeee);{TEXT}"
KIND_STYLE = f"font-size:0.8em;text-transform:uppercase;letter-spacing:0.06em;{TEXT}"
PROMPT_STYLE = "font-weight:600;margin:2px 0 6px"
HINT_STYLE = f"{PANEL};border-left:4px solid #E69F00;padding:2px 8px;margin:2px 0"
SOURCE_STYLE = f"font-size:0.9em;{TEXT};margin-top:4px"
SAVED_COPY_STYLE = (
    "font-weight: 600; font-family: var(--jp-ui-font-family, sans-serif); padding: 4px 8px; margin-bottom: 4px; "
    "border-left: 4px solid #E69F00; background: var(--jp-layout-color2, #eeeeee); "
    "color: var(--jp-content-font-color1, #1a1a1a);"
)
EXERCISE_SAVED_COPY = "A saved copy: run this cell (Shift+Enter), or Run All, to answer again."


def saved_copy_css(box_class: str, sentence: str) -> str:
    """CSS rules (without the ``<style>`` tag) for a box of widgets reopened as a saved copy.

    A notebook reopened without running it shows each widget restored from its saved state with the class
    ``jupyter-widgets-disconnected``: no kernel is behind it, and JupyterLab draws a broken-link icon on every
    part. The rules make the box of class ``box_class`` (a CSS class name, without the dot) say ``sentence`` once
    above itself, hide the icons of its parts, fade it and let nothing in it be clicked. One rule for the
    exercises and the scorecard alike. Raises ValueError for a class name that is not a plain CSS identifier.
    """
    if not re.fullmatch(r"-?[A-Za-z_][\w-]*", box_class):
        raise ValueError(f"'{box_class}' is not a CSS class name (letters, digits, hyphens and underscores)")
    content = sentence.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    box = f".{box_class}"
    return (
        f"{box} .jupyter-widgets-disconnected::before {{ display: none; }}\n"
        f"{box}.jupyter-widgets-disconnected {{ opacity: 0.75; pointer-events: none; }}\n"
        f'{box}.jupyter-widgets-disconnected::before {{ display: block; content: "{content}"; {SAVED_COPY_STYLE} }}\n'
    )


# What inline styles cannot reach: the chosen button of a sort exercise (colour, with a tick added by the
# exercise; ipywidgets 8 puts a toggle button's icon after its label, so the tick's space is on its left),
# a saved copy's sentence (``saved_copy_css``), reflections in the text font, not a typewriter's, radio labels
# that wrap without overlapping, and the circles of radio buttons and the boxes of checkboxes outlined 2 px wide in
# the theme's secondary text colour (Chromium's own, in JupyterLab Dark, is a one-pixel grey ring, about 4:1 at its
# brightest, round a dark grey fill at 1.6:1: a dark disc on near-black; this outline measures 6.6:1 there and 4.6:1
# in Light), filled with the theme's brand colour when chosen.
COURSE_CSS = (
    """<style>
.af-exercise .widget-toggle-button.mod-active {
  background: var(--jp-brand-color0, #0d47a1); color: #ffffff;
  box-shadow: inset 0 0 0 2px var(--jp-content-font-color1, #1a1a1a); }
.af-exercise .widget-toggle-button i.fa { margin-left: 0.4em; }
"""
    + saved_copy_css("af-exercise", EXERCISE_SAVED_COPY)
    + """.af-exercise textarea { font-family: var(--jp-content-font-family, system-ui, sans-serif); font-size: 1em; }
.af-exercise .widget-radio-box label { height: auto; min-height: var(--jp-widgets-inline-height, 28px);
  line-height: 1.3; padding: 2px 0; white-space: normal; }
.af-exercise input[type="radio"], .af-exercise input[type="checkbox"] { appearance: none; -webkit-appearance: none;
  box-sizing: border-box; flex: none; width: 14px; height: 14px; margin: 0 6px 0 0; vertical-align: middle;
  border: 2px solid var(--jp-ui-font-color2, #757575); background: var(--jp-layout-color1, #ffffff); }
.af-exercise input[type="radio"] { border-radius: 50%; }
.af-exercise input[type="checkbox"] { border-radius: 2px; }
.af-exercise input[type="radio"]:checked { border-color: var(--jp-brand-color1, #1976d2);
  background: radial-gradient(var(--jp-brand-color1, #1976d2) 0 45%, var(--jp-layout-color1, #ffffff) 50%); }
.af-exercise input[type="checkbox"]:checked { border-color: var(--jp-brand-color1, #1976d2);
  background: var(--jp-brand-color1, #1976d2); box-shadow: inset 0 0 0 2px var(--jp-layout-color1, #ffffff); }
.af-exercise a { color: var(--jp-content-link-color, #0d47a1); }
</style>"""
)
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def linked(text: str) -> str:
    """``text`` escaped for HTML, with every web address made a link that opens in a new tab."""
    return _URL.sub(
        lambda m: f"<a href='{m.group(0)}' target='_blank' rel='noopener'>{m.group(0)}</a>", html.escape(text)
    )


def feedback_box(content: str, status: str | None = None) -> str:
    """One feedback panel: ``content`` (HTML, its text already escaped) with the status's edge colour."""
    content = displayable(content)  # whatever slipped through can still be sent to the browser
    return (
        f"<div class='af-feedback af-{status or 'note'}' style='border-left:4px solid {EDGE[status]};"
        f"padding:4px 8px;margin:4px 0;{PANEL}'>{content}</div>"
    )


_NOTHING = object()  # no answer saved yet
# How long after a Save that found nothing new its value may still arrive (s). The two messages are sent together
# and handled one after the other, milliseconds apart even when the kernel is busy; a student who reads the
# feedback, clicks back into the box and types again takes longer than that.
LATE_VALUE_SECONDS = 1.0


class InvalidAnswer(ValueError):
    """The input is not an answer yet (empty, not a number, …); it does not count as an attempt."""


@dataclass(frozen=True)
class Verdict:
    status: str  # one of CORRECT, WRONG, INVALID, SAVED
    message: str  # plain text; escaped when shown
    reveal: bool = True  # show the explanation with a correct or saved answer (False: a reflection too short yet)

    def __post_init__(self):  # a message may quote the answer: keep it one that can be sent and printed
        object.__setattr__(self, "message", displayable(str(self.message)))

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
    reveal_after = 0  # wrong tries before the feedback says what is right (sort, match and order: 2)
    # True: the control's value and a click on Check can reach the kernel together, in either order (see the
    # module's docstring); False for the kinds whose controls are clicked before Check (choices, ticks, dropdowns).
    once_per_answer = False
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
        self._saved_answer = _NOTHING  # the answer this widget saved last (or restored): not saved again
        self._arrived_at = None  # when (monotonic) a value that checks itself on arrival was last checked
        self._same_check = False  # while a click's Check finds the answer its own value's arrival just checked
        self._repeated = False  # whether the last Check found the answer saved last
        self._kept: Verdict | None = None  # the verdict of the answer saved last (or restored)
        self._late_value_until: float | None = None  # a Save's value may still arrive until then (monotonic s)
        self._checking = threading.RLock()  # held while an answer is read, checked and saved

        self.prompt = widgets.HTML(
            f"{COURSE_CSS}<div class='af-kind' style='{KIND_STYLE}'>{html.escape(self.label)}</div>"
            f"<div class='af-prompt' style='{PROMPT_STYLE}'>{html.escape(spec['prompt'])}</div>"
        )
        self.control = self.build_control()
        self.check_button = widgets.Button(
            description=self.check_label, button_style="primary", tooltip=f"{self.check_label} your answer"
        )
        self.hint_button = widgets.Button(description="Hint", icon="lightbulb-o", tooltip="Show the next hint")
        self.hint_box = widgets.HTML()
        self.feedback = widgets.HTML()
        self.status = widgets.HTML()
        self.check_button.on_click(lambda _: self.on_check())
        self.hint_button.on_click(lambda _: self.next_hint())
        self._update_hint_button()
        super().__init__(
            children=[
                self.prompt,
                self.control,
                widgets.HBox([self.check_button, self.hint_button, self.status]),
                self.hint_box,
                self.feedback,
            ],
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
        with a sentence, and the feedback box always shows the verdict of this Check. One Check at a time: the
        kernel may handle a widget's messages in two threads at once (see the module's docstring).
        """
        with self._checking:
            return self._submit(value)

    def _submit(self, value) -> Verdict:
        try:
            answer = self.parse(value)
            verdict = self.grade(answer)
        except InvalidAnswer as problem:
            verdict = Verdict(INVALID, str(problem))
            self._show(verdict)
            return verdict
        except Exception:  # a value no parser foresaw: say so plainly rather than show a traceback
            verdict = Verdict(
                INVALID,
                f"This answer could not be read (it is a {type(value).__name__}). "
                "Type it again, or store a single number or text in your variable.",
            )
            self._show(verdict)
            return verdict
        self._repeated = self.unchanged(answer)
        if self._repeated:  # nothing new to keep: no second attempt, and the verdict it had, said to be that
            kept = self._kept or verdict
            self._show(kept, repeated=not self._same_check)
            return kept
        problem = self._save(answer, verdict)
        if problem:  # say first, plainly, that nothing was kept; the attempt does not count
            self._show(
                Verdict(
                    INVALID,
                    f"Not saved: {problem} The verdict on this answer: "
                    f"{SYMBOLS[verdict.status]} {verdict.message}".rstrip(),
                )
            )
            return verdict
        self.attempts += 1
        self._saved_answer, self._kept = answer, verdict
        self.solved = self.solved or verdict.status == CORRECT
        self._show(verdict)
        return verdict

    def next_hint(self) -> str | None:
        hints = self.spec.get("hints", [])
        if self.hints_shown >= len(hints):
            return None
        self.hints_shown += 1
        self._show_hints()
        try:  # kept, so that the hints are still there when the cell is run again
            self.store.set_setting(self._hints_key, str(self.hints_shown))
        except OSError:
            pass  # a hint not remembered is no loss: the next Hint shows it again
        return hints[self.hints_shown - 1]

    @property
    def _hints_key(self) -> str:
        return f"hints/{self.lesson}/{self.id}"

    def _show_hints(self) -> None:
        hints = self.spec.get("hints", [])
        self.hint_box.value = "".join(
            f"<div class='af-hint' style='{HINT_STYLE}'>Hint {n}: {html.escape(text)}</div>"
            for n, text in enumerate(hints[: self.hints_shown], start=1)
        )
        self._update_hint_button()

    def _update_hint_button(self) -> None:
        left = len(self.spec.get("hints", [])) - self.hints_shown
        self.hint_button.disabled = left <= 0
        self.hint_button.description = f"Hint ({left} left)" if left > 0 else "No more hints"

    def on_check(self) -> None:
        """What the Check (or Save) button does: check the answer the control holds now. If that is the answer
        saved last, or not an answer yet, the click may have overtaken its new value: ``value_arrived`` checks
        that value if it comes within LATE_VALUE_SECONDS."""
        with self._checking:  # the value is read under the lock too: a value arriving now waits, then is checked
            self._repeated = False
            arrived, self._arrived_at = self._arrived_at, None
            # a number box left by this very click sent its value first, and it was checked on arrival: the
            # click finds that answer, and is the same Check, not a repeat to point out
            self._same_check = arrived is not None and monotonic() - arrived <= LATE_VALUE_SECONDS
            try:
                verdict = self.submit(self.value())
            finally:
                self._same_check = False
            waiting = self._repeated or verdict.status == INVALID  # the answer saved last, or none yet
            self._late_value_until = monotonic() + LATE_VALUE_SECONDS if waiting else None

    def check_arrived(self, value) -> Verdict:
        """Check a value that checks itself when it arrives (a number box's Enter, or the box left by a click on
        Check); a Check click within LATE_VALUE_SECONDS that finds this answer is the same Check (see on_check)."""
        with self._checking:
            verdict = self.submit(value)
            self._arrived_at = monotonic()
            return verdict

    def value_arrived(self) -> None:
        """Called by a kind whose control's value does not check itself, when that value changes: the value a
        Save was waiting for (see ``on_check``) is checked, once; any other change waits for the next Save."""
        with self._checking:
            until, self._late_value_until = self._late_value_until, None
            if until is not None and monotonic() <= until:
                self.submit(self.value())

    def unchanged(self, answer) -> bool:
        """Whether ``answer`` (parsed) is the one this widget saved last (or restored), so that checking it again
        adds no attempt, for every kind: the same answer checked again is not a new try."""
        if self._saved_answer is _NOTHING:
            return False
        try:
            return bool(answer == self._saved_answer)
        except Exception:  # a comparison no one foresaw: count the Check rather than fail it
            return False

    def _save(self, answer, verdict: Verdict) -> str:
        """Record the attempt; return '' or a sentence saying why it was not saved."""
        try:
            self.store.record(self.lesson, self.id, self.kind, answer, verdict.correct)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return f"your answer could not be written to {self.store.path} ({reason})."
        except Exception as exc:  # a store that is not the course's own, or a value no one foresaw
            return f"your answer could not be saved ({type(exc).__name__})."
        return ""

    def _show(self, verdict: Verdict, note: str = "", restored: bool = False, repeated: bool = False) -> None:
        """Show ``verdict`` in the feedback box (with the explanation and source once right or saved) and the
        attempts beside the button. ``restored``: it is the last saved answer, shown again when the cell runs;
        ``repeated``: a Check found the answer saved last, which is not saved again."""
        text = verdict.message
        revealed = verdict.status in (CORRECT, SAVED) and verdict.reveal
        if revealed and self.spec.get("explanation"):
            text = f"{text} {self.spec['explanation']}".strip()
        source = ""
        if revealed and self.spec.get("source"):
            source = f"<div class='af-source' style='{SOURCE_STYLE}'>Source: {linked(self.spec['source'])}</div>"
        again = "<div style='font-size:0.9em'>Your last saved answer, as you left it:</div>" if restored else ""
        if repeated:
            again += f"<div class='af-repeated' style='font-weight:600'>{html.escape(self._repeated_sentence())}</div>"
        details = self.details() if revealed else ""
        self.feedback.value = feedback_box(
            f"{again}<b>{SYMBOLS[verdict.status]}</b> {html.escape(text + note)}{details}{source}", verdict.status
        )
        self.status.value = self._status_text()

    def _repeated_sentence(self) -> str:
        """What a Check of the answer saved last says above its verdict."""
        done = "saved" if self.check_label == "Save" else "checked"
        return f"You {done} this answer already: change something, then {self.check_label}."

    def _status_text(self) -> str:
        """The attempts beside the button, and whether the exercise is solved. Once right it stays done (the
        scorecard counts it), but beside a wrong verdict the words say that the right answer was an earlier one."""
        word = "attempt" if self.attempts == 1 else "attempts"
        solved = ""
        if self.solved:
            wrong_now = self._kept is not None and self._kept.status == WRONG
            solved = " · right before, not this one" if wrong_now else " · solved"
        return f"<span class='af-attempts'>{self.attempts} {word}{solved}</span>"

    def _restore(self) -> None:
        """Show the last saved answer again, with its verdict, feedback and hints as they were, so that nothing
        is lost between sessions or when the cell is run again (Shift+Enter)."""
        last = self.store.latest(self.lesson, self.id)
        shown = self.store.setting(self._hints_key)
        if shown and shown.isascii() and shown.isdigit():
            self.hints_shown = min(int(shown), len(self.spec.get("hints", [])))
            self._show_hints()
        if last is None:
            return
        self.solved = any(a["correct"] is True for a in self.store.attempts(self.lesson, self.id))
        try:
            self.set_value(last["answer"])
            self.attempts = last["attempt"] - 1  # graded as it was then: sort, match and order reveal by count
            answer = self.parse(last["answer"])
            verdict = self.grade(answer)
        except (InvalidAnswer, ValueError, TypeError, KeyError, TraitError):  # the bank changed since then
            self.feedback.value = feedback_box(
                html.escape(
                    "The question has been edited since you last answered it, so your saved answer no longer fits: "
                    "answer it again (your earlier attempts are still in your progress file)."
                )
            )
            self.attempts = last["attempt"]
            self.status.value = self._status_text()
            return
        self.attempts = last["attempt"]
        self._saved_answer, self._kept = answer, verdict  # a Check of the restored answer adds no attempt
        self._show(verdict, restored=True)

    def details(self) -> str:
        """HTML shown under a correct or saved answer's explanation (a judgement's side-by-side table); every
        piece of text in it escaped. Most kinds have none."""
        return ""

    def static_choices(self) -> list[str]:
        """What a reader without a running kernel sees under the prompt (the options, the items...)."""
        return []

    def _repr_mimebundle_(self, **kwargs):
        """The widget, and for viewers that cannot show it (GitHub, nbviewer) the exercise as plain HTML."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.static_html()
        return bundle

    def static_html(self) -> str:
        """The exercise without a kernel: its kind, prompt and choices, and how to answer it."""
        choices = "".join(f"<li>{html.escape(str(choice))}</li>" for choice in self.static_choices())
        return (
            f"<div class='af-static-exercise' style='border:1px solid #999;padding:6px 10px'>"
            f"<div style='font-size:0.8em;text-transform:uppercase'>{html.escape(self.label)}</div>"
            f"<p><b>{html.escape(self.spec['prompt'])}</b></p>{f'<ul>{choices}</ul>' if choices else ''}"
            "<p><i>This exercise is interactive. To answer it, open the notebook in JupyterLab and run this "
            "cell (Shift+Enter). If an error appears instead, run the notebook from the top: Run menu, "
            "Run All Cells.</i></p></div>"
        )

    def __repr__(self) -> str:
        prompt = self.spec["prompt"]
        short = prompt if len(prompt) <= 60 else prompt[:57].rstrip() + "…"
        return f"<{self.label} '{self.id}': {short}>"
