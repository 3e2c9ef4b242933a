"""Quoting what a student wrote inside one of the course's own sentences, shortened and made harmless.

Called by the students' runtime (``exercises``: a message that quotes an answer back, "'…' is not one of the
options") and by the teachers' class report (``teacher.class_report``: a sentence that names a hand-in's file,
a student or an answer). It imports nothing of the course, so that every room may use it.

A student's text may hold anything: control characters (NUL, the escape that starts an ANSI colour code, a
carriage return), format characters (a right-to-left override that turns the rest of a sentence round,
zero-width characters), halves of a character (lone surrogates) and line or paragraph separators. Two modes:

- ``quoted``: for a student's own feedback, shown as HTML text: each such character that could disturb the
  sentence becomes U+FFFD, the replacement character;
- ``escaped``: for a teacher, who needs to see what is in the file: each becomes its Python escape ('\\x1b',
  '\\u202e'), so it cannot move the cursor, colour or reverse what a terminal or a notebook shows.

Both keep at most ``limit`` characters of what they show, the rest replaced with '…', and never read more than
twice ``limit`` characters of the text, however long it is.
"""

import re
import unicodedata

LIMIT = 80  # characters of a student's text (an answer, a name, a file name) a sentence quotes at most

# Characters a feedback message does not echo (``quoted``): the explicit bidirectional controls, which would turn
# the rest of the sentence round; control characters (category Cc) too.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Characters a teacher's sentence shows as escapes (``escaped``): control, format (bidirectional controls and
# zero-width characters among them), surrogate, line and paragraph separator.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def displayable(text: str) -> str:
    """``text`` as it can be sent to a browser and printed: a lone surrogate (half of an emoji, from a paste cut
    short or a Python escape such as '\\ud800') becomes U+FFFD, the replacement character; a surrogate pair becomes
    the character it stands for. UTF-8, and so JSON to the browser, cannot carry a lone surrogate."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _replaced(text: str) -> str:
    text = _BIDI_CONTROLS.sub("\ufffd", displayable(text))
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in text)


def _escaped(text: str) -> str:
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _ESCAPED_CATEGORIES else c
        for c in text
    )


def _shortened(text: str, limit: int, visible) -> str:
    """``visible`` of text's first 2 × ``limit`` characters, and at most ``limit`` characters of it: the first
    ``limit`` - 1, without the spaces they end in, and '…' when there was more."""
    shown = visible(text[: 2 * limit])
    if len(shown) <= limit and len(text) <= 2 * limit:
        return shown
    return shown[: limit - 1].rstrip() + "…"


def quoted(value, limit: int = LIMIT) -> str:
    """What a student gave (any value; ``str`` of it), as a feedback message may quote it to them: at most
    ``limit`` characters (then '…'), with lone surrogates, control characters and bidirectional controls each
    shown as U+FFFD. Plain text: escape it for HTML where it is shown (``exercises.base.Exercise._show`` does)."""
    return _shortened(str(value), limit, _replaced)


def escaped(value, limit: int = LIMIT) -> str:
    """A student's text (any value; ``str`` of it) as a sentence to a teacher may quote it: control, format,
    surrogate and line or paragraph separator characters (ANSI escapes, carriage returns, NUL, direction
    overrides, zero-width characters, halves of a character) written as escapes such as '\\x1b' or '\\u202e', and
    at most ``limit`` characters of the result (an escape counts as the characters it is written with), the rest
    replaced with '…'."""
    return _shortened(str(value), limit, _escaped)
