"""A hand-in's bytes as text, and its first line as columns: the encodings and separators spreadsheets write.

Called by ``reading`` for each file. A hand-in leaves the scorecard as UTF-8 with a byte-order mark, separated by
commas; a student who opens it in Excel may send it back as an .xlsx renamed, as UTF-16 'Unicode Text', as cp1252
(Excel's plain 'CSV' on Windows in Western Europe), separated by semicolons or tabs, with a 'sep=' line. ``decode``
reads what can be read with certainty and says in a sentence what it did; ``header`` finds the separator.
"""

import csv
import re

from after_fukushima.scorecard import HAND_IN_COLUMNS, SURROGATES
from after_fukushima.text import escaped

# Latin letters with accents, and typographic quotes, dashes, ellipsis, euro, bullet, guillemets, degree and
# no-break space. A file decoded as cp1252 with anything else was almost surely written in another encoding.
WESTERN_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100)) - {"×", "÷"}
WESTERN_MARKS = frozenset("‘’“”–—…€•«»°\u00a0")


_LETTER = r"[^\W\d_]"  # a letter, as str.isalpha() sees one (nearly)
_NOT_WESTERN = re.compile("[^\x00-\x7f" + "".join(sorted(WESTERN_LETTERS | WESTERN_MARKS)) + "]")
_LONE_LETTER = re.compile(f"(?<!{_LETTER})[{''.join(sorted(WESTERN_LETTERS))}](?!{_LETTER})")
_MARK_IN_WORD = re.compile(f"(?<={_LETTER})[{''.join(sorted(WESTERN_MARKS - {'’'}))}](?={_LETTER})")
EXAMPLE_WORDS = 3
EXAMPLE_LOOKS = 1_000  # characters beyond ASCII looked at for example words, at most


def _looks_western(text: str) -> tuple[bool, list[str]]:
    """Whether text decoded as cp1252 reads as Western European text, and its first words beyond ASCII (at most
    EXAMPLE_WORDS, among the first EXAMPLE_LOOKS characters beyond ASCII): each accented letter beside another
    letter (as in a word), and no quote or dash but the apostrophe between two letters (Mac Roman's accented
    letters become such marks in cp1252). Each test is one regular-expression scan of the text, so that a file of
    50 MB takes seconds, not minutes."""
    if _NOT_WESTERN.search(text) or _LONE_LETTER.search(text) or _MARK_IN_WORD.search(text):
        return False, []
    words: list[str] = []
    for looked, match in enumerate(re.finditer(r"[^\x00-\x7f]", text)):
        if len(words) >= EXAMPLE_WORDS or looked >= EXAMPLE_LOOKS:
            break
        i, c = match.start(), match.group()
        word = re.search(r"[\w'’-]*$", text[max(0, i - 20) : i]).group() + c
        word += re.match(r"[\w'’-]*", text[i + 1 : i + 20]).group()
        if word not in words:
            words.append(word)
    return True, words


def _with_halves(raw: bytes) -> str | None:
    """The text of bytes that are UTF-8 but for halves of a character (surrogates, as CESU-8 and Java's modified
    UTF-8 write them) kept as lone surrogates; None if anything else is not UTF-8."""
    try:
        return raw.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError:
        return None


def decode(raw: bytes, name: str) -> tuple[str | None, str]:
    """The file's text and "", or its text read as cp1252 and a sentence saying so, or None and a sentence
    saying why it is not read. ``name`` is the file's name as a sentence shows it."""
    if raw[:4] == b"PK\x03\x04":
        return None, (
            f"{name} is not a CSV file but a zipped one, most likely an Excel workbook (.xlsx) renamed: "
            "open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."
        )
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None, (
            f"{name} is not a CSV file but an older Excel workbook (.xls): open it in Excel and save it "
            "again as 'CSV UTF-8 (comma delimited)'."
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's 'Unicode Text': UTF-16, tab-separated
        text = raw.decode("utf-16", errors="replace")
        return (
            (text, "")
            if "\x00" not in text
            else (None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again.")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _with_halves(raw)
        if text is not None and "\x00" not in text:
            halves = len(SURROGATES.findall(text))
            return SURROGATES.sub("\ufffd", text), (
                f"{name} is UTF-8 but for {halves} half{'' if halves == 1 else 'ves'} of a character (a lone "
                "surrogate, which some programs write for an emoji or a character copied in pieces): "
                f"{'it was' if halves == 1 else 'they were'} read as \ufffd (the replacement character). Check that "
                "student's answers where it shows; the rest of the file is read as written."
            )
    else:
        if "\x00" in text:
            return None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again."
        return text, ""
    try:  # Excel's plain 'CSV' on Windows in Western Europe: read, but only if it reads as such, and said
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    western, words = _looks_western(text) if text is not None and "\x00" not in text else (False, [])
    if western:
        examples = ", ".join(f"'{escaped(w, 30)}'" for w in words)
        return text, (
            f"{name} is not saved as UTF-8: it was read as Windows' Western European text (cp1252), the way Excel "
            f"saves plain 'CSV' on Windows in Western Europe. Check its words with accents ({examples}); if they "
            "look wrong, open it in Excel and save it again as 'CSV UTF-8 (comma delimited)'."
        )
    if b"\x00" in raw:
        return None, f"{name} is not a CSV file (it is not text): ask the student to export their answers again."
    return None, (
        f"{name} was not read: it is not saved as UTF-8, and its letters beyond English cannot be read with "
        "certainty (it may be in Japanese Windows' Shift-JIS (cp932), in a Mac's 'Mac Roman', or in another "
        "encoding). Open it in Excel or LibreOffice and save it again as 'CSV UTF-8 (comma delimited)', or ask "
        "the student to export it again."
    )


# Line breaks as the csv module reads them (io.StringIO with newline=""): the header and the body are split alike,
# so that a file with Excel's 'sep=' line and a Mac's CR-only line endings reads as one with LF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def header(text: str) -> tuple[str, list[str], int]:
    """The delimiter, the column names (lower case) and how many lines they took: the delimiter is the one of
    ',', ';' and tab that splits the first line into the most hand-in column names. Raises csv.Error for a first
    line the csv module cannot read with any of them (a cell longer than its field limit)."""
    lines = LINE_BREAK.split(text, maxsplit=2)
    skip = 0
    forced = None
    if lines[0].lower().startswith("sep=") and len(lines[0]) == 5:  # Excel's own hint line
        forced, skip = lines[0][4], 1
    first = lines[skip] if len(lines) > skip else ""
    best, failed = (",", [], -1), None
    for delimiter in [forced] if forced else [",", ";", "\t"]:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error as error:  # a cell over the field limit when split at this delimiter: not this one
            failed = error
            continue
        names = [cell.strip().strip("\ufeff").strip('"').strip().lower() for cell in cells]
        score = sum(name in HAND_IN_COLUMNS for name in names)
        if score > best[2]:
            best = (delimiter, names, score)
    if best[2] < 0 and failed:
        raise failed
    return best[0], best[1], skip
