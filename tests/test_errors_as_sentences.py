"""Issue 13, fault 4: the three pandas errors students meet first get a sentence, not a 191-line traceback;
CourseError is its sentence alone."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from after_fukushima.errors import CourseError, show_errors_as_sentences

TABLE = "import pandas as pd\nshares = pd.DataFrame({'country': ['France', 'Japan'], 'year': [2010, 2010]})\n"


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    assert show_errors_as_sentences()
    yield shell
    InteractiveShell.clear_instance()


@pytest.mark.parametrize(
    "code, first_line, advice",
    [
        ("shares['Country']", "KeyError: 'Country'", "Names are case-sensitive"),
        ("shares.query('yaer == 2010')", "UndefinedVariableError: name 'yaer' is not defined", "query() does not know"),
        (
            "shares.query(\"country == 'france'\")['year'].item()",
            "ValueError: can only convert an array of size 1",
            "Usually the filter kept no rows",
        ),
    ],
)
def test_a_common_error_is_a_sentence_and_the_students_line(shell, capsys, code, first_line, advice):
    result = shell.run_cell(TABLE + code)
    assert result.error_in_exec is not None  # still an error: Run All stops there, as it should
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert first_line in shown and advice in " ".join(shown.split())
    assert f"It happened in your line 3: {code}" in shown
    assert len(shown.strip().splitlines()) <= 6  # not pandas' own frames
    assert max(len(line) for line in shown.splitlines()[1:-1]) <= 88  # wrapped at whole words


def test_any_other_error_keeps_its_usual_traceback(shell, capsys):
    shell.run_cell("int('x')\n")
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "ValueError" in shown and "invalid literal for int()" in shown and "Usually the filter" not in shown


def test_a_course_error_is_its_sentence_alone(shell, capsys):
    shell.user_ns["CourseError"] = CourseError
    shell.run_cell("raise CourseError('The table nuclear_shares does not exist; did you mean nuclear_share?')")
    captured = capsys.readouterr()
    assert captured.err.strip() == "Problem: The table nuclear_shares does not exist; did you mean nuclear_share?"


def test_outside_ipython_nothing_is_installed():
    InteractiveShell.clear_instance()
    assert show_errors_as_sentences() is False


@pytest.mark.parametrize("code", ["{'a': 1}['b']", "import os\nos.environ['AFTER_FUKUSHIMA_NOT_SET']"])
def test_a_keyerror_outside_pandas_keeps_its_usual_traceback(shell, capsys, code):
    shell.run_cell(code)
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "KeyError" in shown and "print table.columns" not in shown


def test_an_error_whose_text_cannot_be_read_leaves_the_sentences_installed(shell, capsys):
    shell.run_cell("class Bad(ValueError):\n    def __str__(self):\n        raise RuntimeError('no text')\nraise Bad()")
    capsys.readouterr()
    shell.run_cell(TABLE + "shares['Country']")
    captured = capsys.readouterr()
    assert "Names are case-sensitive" in captured.out + captured.err


@pytest.mark.parametrize(
    "code",
    [
        "raise ValueError('\\ud800')",  # a lone surrogate: neither a terminal nor the browser can take it
        "class Bad(ValueError):\n    def __str__(self):\n        return 'half an emoji \\udfff'\nraise Bad()",
        "raise KeyError('\\ud800')",
    ],
)
def test_an_error_with_a_lone_surrogate_is_shown_and_the_sentences_stay_on(shell, capsys, code):
    shell.run_cell(code)
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "Custom TB Handler failed" not in shown and shown.strip()
    shell.run_cell(TABLE + "shares['Country']")
    captured = capsys.readouterr()
    assert "Names are case-sensitive" in captured.out + captured.err


def test_a_course_error_with_a_lone_surrogate_is_its_sentence_with_a_replacement_character(shell, capsys):
    shell.user_ns["CourseError"] = CourseError
    shell.run_cell("raise CourseError('The answer \\ud800 cannot be read.')")
    captured = capsys.readouterr()
    assert captured.err.strip() == "Problem: The answer \ufffd cannot be read."
    shell.run_cell(TABLE + "shares['Country']")
    assert "Names are case-sensitive" in "".join(capsys.readouterr())


class KernelLikeShell(InteractiveShell):
    """A shell that, like ipykernel's, cannot send text holding a lone surrogate (UTF-8 JSON cannot carry one)."""

    def _showtraceback(self, etype, evalue, stb):
        for text in [str(evalue), *stb]:
            text.encode("utf-8")  # raises UnicodeEncodeError, as the kernel's session.send does
        super()._showtraceback(etype, evalue, stb)


def test_the_handler_never_fails_even_when_the_shell_cannot_show_the_error(capsys):
    InteractiveShell.clear_instance()
    shell = KernelLikeShell.instance()
    try:
        assert show_errors_as_sentences()
        shell.run_cell("raise ValueError('half an emoji \\ud800')")
        shown = "".join(capsys.readouterr())
        assert "Custom TB Handler failed" not in shown and "half an emoji \ufffd" in shown
        shell.run_cell(TABLE + "shares['Country']")
        assert "Names are case-sensitive" in "".join(capsys.readouterr())
    finally:
        InteractiveShell.clear_instance()
