"""Every "first", "only", "never", "still", "continues", "ongoing", "latest", "record" and "no … before" in the
course's prose is reviewed, and the review is written down in tests/claims/lessonNN.toml.

A sentence with one of those words is a claim about the whole record (or about the record up to now), the kind of
claim that goes stale or was never true. Each must be covered by an entry of its lesson's registry:

    [[claim]]
    text = "Sendai 1 was the first restart under"   # words that occur in the sentence (spaces normalised)
    word = "first"                                   # the word that makes it a superlative
    kind = "fact"                                    # fact | data | not a claim
    source = "World Nuclear News, 11 Aug 2015, https://…"

- kind "fact": `source` names a primary or dated source (a date or a web address), checked as of the end of the
  course's data (2025).
- kind "data": `source` names the test in tests/ that recomputes the claim from data/ (a function that exists).
- kind "not a claim": the word is not a superlative about the world ("at the first try", "the first cell");
  `source` says why in a few words.

A new sentence with such a word fails here until someone has checked it and registered it; an entry whose text
no longer occurs anywhere fails too, so the registry cannot drift from the prose.
"""

import re
import tomllib
from pathlib import Path

import pytest
from test_accuracy import prose, sentences

TESTS = Path(__file__).resolve().parent
REGISTRY = TESTS / "claims"
SUPERLATIVE = re.compile(
    r"\b(first|only|never|still|continu\w*|ongoing|latest|record|no \w+(?: \w+){0,6} before)\b", re.IGNORECASE
)
KINDS = {"fact", "data", "not a claim"}
DATED = re.compile(r"(19|20)\d\d|https?://|\bundated\b", re.IGNORECASE)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def lesson_of(where: str) -> str:
    """'05_national_responses.toml …', '05_worksheet_… cell 3', '05_…_plan.md' -> 'lesson05'."""
    return "lesson" + where[:2]


def flagged() -> list[tuple[str, str, str, set[str]]]:
    """(lesson, where, sentence, words) for every prose sentence that holds a superlative word."""
    found = []
    for where, text in prose():
        for sentence in sentences(text):
            words = {m.group(1).lower().split()[0] for m in SUPERLATIVE.finditer(sentence)}
            if words:
                found.append((lesson_of(where), where, normal(sentence), words))
    return found


def registry() -> dict[str, list[dict]]:
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8"))["claim"] for path in REGISTRY.glob("*.toml")}


def test_every_entry_is_complete():
    test_names = {
        m.group(1) for path in TESTS.rglob("test_*.py") for m in re.finditer(r"^def (test_\w+)", path.read_text(), re.M)
    }
    problems = []
    for lesson, entries in registry().items():
        for entry in entries:
            kind, source = entry.get("kind", ""), entry.get("source", "").strip()
            label = (lesson, entry.get("text", "")[:60])
            if kind not in KINDS:
                problems.append((*label, f"kind must be one of {sorted(KINDS)}, not {kind!r}"))
            elif not source:
                problems.append((*label, "no source (for 'not a claim': say why)"))
            elif kind == "fact" and not DATED.search(source):
                problems.append((*label, "a fact's source needs a date or a web address"))
            elif kind == "data" and not any(name in test_names for name in re.findall(r"test_\w+", source)):
                problems.append((*label, "a data claim's source must name a test that exists in tests/"))
            if not entry.get("word") or not SUPERLATIVE.search(entry.get("word", "")):
                problems.append((*label, f"'word' must be one of the superlatives, not {entry.get('word')!r}"))
    assert not problems, "\n".join(map(str, problems))


def test_every_superlative_in_the_prose_is_registered():
    entries = registry()
    missing = []
    for lesson, where, sentence, words in flagged():
        covered = {
            e["word"].lower().split()[0]
            for e in entries.get(lesson, [])
            if normal(e["text"]) in sentence and e.get("kind") in KINDS
        }
        if not words <= covered:
            missing.append(f"{where}: {sorted(words - covered)}: {sentence[:160]}")
    assert not missing, f"{len(missing)} unreviewed sentences (register them in tests/claims/):\n" + "\n".join(missing)


def test_no_entry_is_stale():
    everything = {(lesson, sentence) for lesson, _, sentence, _ in flagged()}
    stale = [
        (lesson, e["text"])
        for lesson, entries in registry().items()
        for e in entries
        if not any(lesson == where and normal(e["text"]) in sentence for where, sentence in everything)
    ]
    assert not stale, "entries whose words no longer occur in a flagged sentence:\n" + "\n".join(map(str, stale))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Sendai 1 was the first restart.", {"first"}),
        ("No international meeting had discussed the accident before April.", {"no"}),
        ("The arbitration continued.", {"continued"}),
        ("Germany furthest.", set()),
    ],
)
def test_the_pattern_finds_what_it_should(sentence, expected):
    assert {m.group(1).lower().split()[0] for m in SUPERLATIVE.finditer(sentence)} == expected
