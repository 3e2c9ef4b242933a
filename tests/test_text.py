"""Issue 22: one helper quotes a student's text in the course's sentences, for students and teachers alike
(after_fukushima.text: exercises.kinds' feedback and the teacher's class report both call it)."""

import ast
import inspect

import after_fukushima.text as text
from after_fukushima.exercises import kinds
from after_fukushima.teacher.class_report import reading
from after_fukushima.text import LIMIT, escaped, quoted

HOSTILE = "a\x1b[31mb\u202ec\x00d\u200be\ud800f\u2028g"  # ANSI colour, RTL override, NUL, zero width, half, LS


def test_feedback_replaces_what_could_disturb_it_and_a_teacher_sees_it_escaped():
    assert quoted(HOSTILE) == "a\ufffd[31mb\ufffdc\ufffdd\u200be\ufffdf\u2028g"
    assert escaped(HOSTILE) == "a\\x1b[31mb\\u202ec\\x00d\\u200be\\ud800f\\u2028g"


def test_both_modes_shorten_alike_and_never_read_a_long_text_whole():
    for mode in (quoted, escaped):
        assert mode("x" * LIMIT) == "x" * LIMIT
        assert mode("x" * (LIMIT + 1)) == "x" * (LIMIT - 1) + "…"
        assert mode("x" * 10 + " " * 5 + "y" * 100, 12) == "x" * 10 + "…"  # no spaces before the ellipsis
        assert mode("y" * 10_000_000, 20) == "y" * 19 + "…"
    assert escaped("\x1b" * 30, 20) == "\\x1b" * 4 + "\\x1…"  # an escape counts as the characters it is written in


def test_the_rooms_quote_with_the_one_helper_and_it_imports_nothing_of_the_course():
    assert kinds.quoted is quoted and reading.escaped is escaped
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(inspect.getsource(text)))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not [name for name in imported if name.startswith("after_fukushima")]
