"""Accuracy defences: who said what, hedges kept, sources dated, one value per fact, no copied sentences.

The speakers by paragraph come from the course fact sheet, section 11 (read from the report's full text); the
report itself is not shipped, only fingerprints of its wording (see after_fukushima.maintainers.report_audit).
"""

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from after_fukushima import load_table
from after_fukushima.exercises.bank import all_banks
from after_fukushima.maintainers.report_audit import FINGERPRINTS, runs
from after_fukushima.vocabulary import CLAIM_KINDS, REPORT_SPEAKERS

COURSE = Path(__file__).resolve().parents[1]
ARGUMENT = load_table("report_argument").set_index("order")

# Fact sheet §11: who speaks in each of the report's 15 paragraphs.
SPEAKER_BY_PARAGRAPH = {
    1: "the reporters",
    2: "Leslie Vinjamuri",
    3: "the reporters",
    4: "the reporters",
    5: "the reporters",
    6: "Chen Xiaoqiu",
    7: "Chen Xiaoqiu",
    8: "Shao Beibei",
    9: "Shao Beibei",
    10: "the reporters",
    11: "Richard Caplan",
    12: "Shao Beibei",
    13: "Chen Xiaoqiu",
    14: "the reporters",
    15: "the reporters",
}
SURNAME = {"Leslie Vinjamuri": "Vinjamuri", "Chen Xiaoqiu": "Chen", "Shao Beibei": "Shao", "Richard Caplan": "Caplan"}


def paragraphs(cell: str) -> list[int]:
    first, _, last = cell.partition("-")
    return list(range(int(first), int(last or first) + 1))


# --- the argument table ----------------------------------------------------------------------------------


def test_every_claim_has_a_paragraph_and_the_speaker_of_that_paragraph():
    assert list(ARGUMENT.index) == list(range(1, len(ARGUMENT) + 1))
    for order, row in ARGUMENT.iterrows():
        numbers = paragraphs(row["paragraph"])
        assert all(1 <= n <= 15 for n in numbers), order
        assert {SPEAKER_BY_PARAGRAPH[n] for n in numbers} == {row["speaker"]}, (order, row["speaker"])
    starts = [paragraphs(p)[0] for p in ARGUMENT["paragraph"]]
    assert starts == sorted(starts), "claims are in the report's order"
    quoted_experts = {s for s in ARGUMENT["speaker"] if s != "the reporters"}
    assert quoted_experts == set(SURNAME), "every expert the report quotes has a claim"


def test_hedged_claims_keep_their_hedge():
    hedge = re.compile(r"\b(may|might|could|likely|seen as)\b", re.IGNORECASE)
    hedged = ARGUMENT[ARGUMENT["hedged"] == "yes"]
    assert len(hedged) >= 5  # paragraphs 6, 7, 8, 9 and 11 of the report hedge
    for order, claim in hedged["claim"].items():
        assert hedge.search(claim), f"claim {order} drops the report's hedge: {claim}"


def test_implementation_is_an_obstacle_and_shaos_lessons_are_not_features_of_the_mechanism():
    implementation = ARGUMENT[ARGUMENT["claim"].str.contains("key issue")]
    assert list(implementation["kind"]) == ["obstacle"]
    lessons = ARGUMENT[ARGUMENT["claim"].str.contains("emergency plans")]
    assert list(lessons["speaker"]) == ["Shao Beibei"]
    assert "mechanism" not in lessons["claim"].item()  # a lesson of Fukushima, not something a mechanism brings
    assert "third party" in lessons["claim"].item()  # the report's term; the course's gloss stays outside the claim


# --- exercises that paraphrase a claim -----------------------------------------------------------------


def claimed_entries():
    return [(bank.lesson, entry) for bank in all_banks() for entry in bank.entries if "claims" in entry]


def test_some_exercises_are_tied_to_the_argument_table():
    ids = {entry["id"] for _, entry in claimed_entries()}
    assert {"sort-statements", "who-said-it", "obstacles-named", "report-on-trial"} <= ids


def test_the_trial_judges_every_claim_of_the_report_once():
    trial = next(entry for _, entry in claimed_entries() if entry["id"] == "report-on-trial")
    assert sorted(trial["claims"].values()) == list(ARGUMENT.index)


@pytest.mark.parametrize("lesson, entry", claimed_entries(), ids=lambda x: x if isinstance(x, str) else x["id"])
def test_what_an_exercise_says_of_a_claim_matches_the_table(lesson, entry):
    for statement, order in entry["claims"].items():
        row = ARGUMENT.loc[order]
        if entry["kind"] == "sort" and set(entry["categories"]) <= set(CLAIM_KINDS):
            assert entry["items"][statement] == row["kind"], (statement, row["claim"])
        elif entry["kind"] == "sort" and set(entry["categories"]) <= set(REPORT_SPEAKERS):
            assert entry["items"][statement] == row["speaker"], (statement, row["claim"])
        elif entry["kind"] == "choose_all":
            assert statement in entry["answers"]
            named = [speaker for speaker in SURNAME if speaker in entry["prompt"]]
            if named:  # "Which of these did <speaker> say …?"
                assert named == [row["speaker"]], (statement, row["claim"])
            else:  # "Which of these does the report name as obstacles?"
                kinds = {ARGUMENT.loc[o, "kind"] for o in entry["claims"].values()}
                assert len(kinds) == 1, "the claimed answers are all of one kind, the kind the question asks for"
                assert kinds.pop() in entry["prompt"] + "s", entry["prompt"]
        elif entry["kind"] in ("sort", "judgement") and ": " in statement:  # "<speaker>: <claim>", given a verdict
            said_by = statement.split(": ", 1)[0]
            assert said_by.lower() == row["speaker"].lower(), (statement, row["speaker"])
        else:
            pytest.fail(f"no rule to check 'claims' in a {entry['kind']} exercise")


# --- who is said to have said it, in prose --------------------------------------------------------------

# A distinctive phrase of each expert's claims, by the claim's order in the table.
SIGNATURES = {
    2: r"loose nukes",
    5: r"key issue",
    6: r"political and economic (interests|aims)|clashing (national )?interests",
    8: r"core technolog|monopolis",
    10: r"(even )?more important|matter (even )?more",
    11: r"emergency plans.{0,60}(management|regulator)|third.party regulation|regulation .{0,5}by a third party",
    12: r"pool(ed)? (what they know|their know-how|technical know-how|knowledge)|duplicat\w* research"
    r"|wast\w* (research|resources)",
}
REPORT_AS_SPEAKER = re.compile(
    r"\bthe report (expects|predicts|thinks|believes|argues|says that|claims)\b", re.IGNORECASE
)


def prose() -> list[tuple[str, str]]:
    """(where, text) for every markdown cell of the course and every sentence a bank shows as prose."""
    found = []
    for path in sorted([*COURSE.glob("notebooks/*.ipynb"), *COURSE.glob("exercises/*.ipynb")]):
        for n, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                found.append((f"{path.name} cell {n}", "".join(cell["source"])))
    for bank in all_banks():
        for entry in bank.entries:
            texts = [
                entry["prompt"],
                entry.get("explanation", ""),
                *entry.get("hints", []),
                *entry.get("feedback", {}).values(),
                entry.get("too_low", ""),
                entry.get("too_high", ""),
                *(mistake.get("feedback", "") for mistake in entry.get("mistakes", [])),
            ]
            found += [(f"{bank.path.name} '{entry['id']}'", text) for text in texts if text]
    for path in sorted(COURSE.glob("teacher/*_plan.md")):
        found.append((path.name, path.read_text(encoding="utf-8")))
    return found


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*[-|]|\n\n", text) if s.strip()]


def unquoted(sentence: str) -> str:
    """The sentence without what it puts in quotation marks (a wrong wording quoted as a warning)."""
    return re.sub(r'"[^"]*"|“[^”]*”', "", sentence)


def test_no_claim_is_put_in_the_reports_mouth():
    offending = [
        (where, s) for where, text in prose() for s in sentences(text) if REPORT_AS_SPEAKER.search(unquoted(s))
    ]
    assert not offending, offending


def test_every_sentence_that_gives_an_experts_claim_says_whose_it_is():
    unattributed = []
    for where, text in prose():
        for sentence in sentences(text):
            for order, pattern in SIGNATURES.items():
                if re.search(pattern, sentence, re.IGNORECASE):
                    speaker = ARGUMENT.loc[order, "speaker"]
                    named = SURNAME[speaker] in sentence
                    collective = re.search(
                        r"\bexperts?\b|\bheadline\b|\bargument\b|Nuke safety", sentence, re.IGNORECASE
                    )
                    others = [s for s in SURNAME.values() if s in sentence]
                    if not (named or (collective and not others)):
                        unattributed.append((where, order, sentence.strip()[:140]))
    assert not unattributed, "\n".join(map(str, unattributed))


def test_the_signatures_find_the_claims_they_stand_for():
    # The audit above is only as good as its patterns: each must match its own claim in the table.
    for order, pattern in SIGNATURES.items():
        assert re.search(pattern, ARGUMENT.loc[order, "claim"], re.IGNORECASE), order


def test_an_unattributed_claim_would_be_caught():
    sentence = "The report expects nuclear power to become more important."
    assert REPORT_AS_SPEAKER.search(sentence)
    assert re.search(SIGNATURES[10], sentence) and "Caplan" not in sentence


# --- curated tables: sources with a publisher and a date, never older than the event -------------------

MONTHS = {
    m: n
    for n, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
DATE = re.compile(
    r"\b(?:(\d{1,2}) )?(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* )?((?:19|20)\d\d)\b", re.IGNORECASE
)


def source_dates(part: str) -> list[tuple[date, str]]:
    """Dates written in one source (addresses left out), each with its precision: day, month or year."""
    text = re.sub(r"\S*https?://\S+|\S+\.(org|com|net|gov|info|jp|fr|uk)/\S*", "", part)
    found = []
    for day, month, year in DATE.findall(text):
        if day and month:
            found.append((date(int(year), MONTHS[month[:3].lower()], int(day)), "day"))
        elif month:
            found.append((date(int(year), MONTHS[month[:3].lower()], 1), "month"))
        else:
            found.append((date(int(year), 1, 1), "year"))
    return found


def not_before(source: date, precision: str, event: date) -> bool:
    if precision == "year":
        return source.year >= event.year
    if precision == "month":
        return (source.year, source.month) >= (event.year, event.month)
    return source >= event


def event_dates():
    """(table, row label, event day or None, source) for every curated row with a source."""
    rows = []
    for _, r in load_table("fukushima_timeline").iterrows():
        rows.append(("fukushima_timeline", r["event"][:50], r["date"].date(), r["source"]))
    for _, r in load_table("nuclear_accidents").iterrows():
        rows.append(("nuclear_accidents", r["event"], r["date"].date(), r["source"]))
    for _, r in load_table("largest_earthquakes").iterrows():
        rows.append(("largest_earthquakes", r["name"], r["date"].date(), r["source"]))
    for _, r in load_table("national_responses").iterrows():
        day = r["date"].date() if pd.notna(r["date"]) else date(r["year"], 1, 1)
        rows.append(("national_responses", f"{r['country']} {r['year']}", day, r["source"]))
    for _, r in load_table("safety_instruments").iterrows():
        known = [d for d in (r["adopted"], r["in_force"]) if pd.notna(d)]
        rows.append(("safety_instruments", r["name"], min(known).date() if known else None, r["source"]))
    for _, r in load_table("positions_2011").iterrows():
        rows.append(("positions_2011", r["country"], r["date"].date(), r["source"]))
    for _, r in load_table("reactor_vendors").iterrows():
        rows.append(("reactor_vendors", r["reactor_model"], None, r["source"]))
    for _, r in load_table("accident_figures").iterrows():
        day = date(1986, 4, 26) if "chernobyl" in r["quantity"] else date(2011, 3, 11)
        rows.append(("accident_figures", r["quantity"], day, r["source"]))
    return rows


def test_every_curated_source_names_a_publisher_and_a_date():
    problems = []
    for table, label, _, source in event_dates():
        for part in source.split(";"):
            publisher = re.split(r"[,(]", part.strip(), maxsplit=1)[0].strip()
            if not publisher or publisher.lower().startswith("course fact sheet"):
                problems.append((table, label, "no publisher", part))
            if not source_dates(part) and "undated" not in part:
                problems.append((table, label, "no date (write 'undated' if the page has none)", part))
    assert not problems, "\n".join(map(str, problems))


def test_no_source_is_dated_before_the_event_it_reports():
    early = [
        (table, label, event, part.strip()[:80])
        for table, label, event, source in event_dates()
        if event
        for part in source.split(";")
        for when, precision in source_dates(part)[:1]
        if not not_before(when, precision, event)
    ]
    assert not early, "\n".join(map(str, early))


def test_the_date_rules_catch_a_source_older_than_its_event():
    ((when, precision),) = source_dates("AP, 14 Mar 2011")
    assert not not_before(when, precision, date(2011, 3, 15))
    assert not_before(*source_dates("Reuters, Mar 2011")[0], date(2011, 3, 15))
    assert source_dates("Focus Taiwan, https://focustaiwan.tw/business/202505180013") == []


# --- one fact, one value -------------------------------------------------------------------------------


def test_evacuation_zones_agree_between_the_timeline_and_the_figures():
    figures = load_table("accident_figures")
    timeline = load_table("fukushima_timeline").query("category == 'evacuation'")
    zones = figures[figures["quantity"].str.match(r"(evacuation|shelter)_")]
    assert len(zones) == 4
    for _, zone in zones.iterrows():
        km = int(zone["high"])
        first_distance = timeline["event"].str.extract(r"(?:\d+-)?(\d+) km", expand=False).astype(float)
        rows = timeline[(first_distance == km) & ~timeline["event"].str.contains("voluntar")]
        assert len(rows) == 1, zone["quantity"]
        row = rows.iloc[0]
        assert row["confidence"] == zone["confidence"], zone["quantity"]
        clock = re.search(r"\d\d:\d\d", zone["label"])
        if clock:
            assert row["time"].strftime("%H:%M") == clock.group(), zone["quantity"]


def test_heights_in_the_timeline_match_the_figures():
    figures = load_table("accident_figures").set_index("quantity")
    tsunami = load_table("fukushima_timeline").query("category == 'tsunami'")["event"].item()
    heights = [float(h) for h in re.findall(r"(\d+(?:\.\d+)?) m\b", tsunami)]
    assert heights == [figures.loc["design_basis", "high"]]


FRACTIONS = {
    "a tenth": 1 / 10,
    "a ninth": 1 / 9,
    "an eighth": 1 / 8,
    "a seventh": 1 / 7,
    "a sixth": 1 / 6,
    "a fifth": 1 / 5,
    "a quarter": 1 / 4,
    "a third": 1 / 3,
}


def test_fractions_in_release_notes_match_the_tables_own_numbers():
    figures = load_table("accident_figures").set_index("quantity")
    note = figures.loc["caesium_japan", "note"]
    said = [value for words, value in FRACTIONS.items() if words in note]
    chernobyl = figures.loc["caesium_chernobyl", "high"]
    actual = [figures.loc["caesium_japan", "low"] / chernobyl, figures.loc["caesium_japan", "high"] / chernobyl]
    assert len(said) == 2
    for stated, computed in zip(sorted(said), actual):
        assert abs(stated - computed) / computed < 0.1, (stated, computed)


# --- no sentence of the report copied ------------------------------------------------------------------


def course_text() -> list[tuple[str, str]]:
    texts = list(prose())
    for bank in all_banks():  # what students see as choices: options, statements to sort or judge, pairs
        for entry in bank.entries:
            shown = [
                *entry.get("options", []),
                *entry.get("items", []),
                *entry.get("pairs", {}).keys(),
                *entry.get("pairs", {}).values(),
            ]
            texts += [(f"{bank.path.name} '{entry['id']}'", str(text)) for text in shown]
    for path in sorted(COURSE.glob("curation/*.csv")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    for path in [COURSE / "README.md", COURSE / "data" / "README.md", *COURSE.glob("teacher/*.md")]:
        texts.append((path.name, path.read_text(encoding="utf-8")))
    return texts


def test_no_run_of_eight_words_is_copied_from_the_report():
    report = set(FINGERPRINTS.read_text(encoding="utf-8").split())
    assert len(report) > 300  # the fingerprints are there (rebuilt by make data)
    copied = [where for where, text in course_text() if runs(text) & report]
    assert not copied, copied


def test_the_copy_check_would_catch_a_copied_run():
    report = set(FINGERPRINTS.read_text(encoding="utf-8").split())
    # A run of the report's headline-length wording, written out here as a maintainer might paste it.
    pasted = "Nuclear power may become an even more important source of energy in the future"
    assert runs(pasted) & report
