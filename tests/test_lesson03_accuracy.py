"""Lesson 03 (the proposal), issue 19: every sentence about what the instruments' table shows is recomputed here,
and the facts corrected in December 2026 are held to their sources.

Expected dates are inputs from the fact sheets (shared/reference/facts.md §4 and facts-lessons-03-06.md, section
"Corrections and additions, December 2026"), not values copied from the table: the tests compare the two.
Everything else (day counts, gaps, who leaves which grid) is computed from data/.
"""

import re
from pathlib import Path

import pandas as pd
import pytest
from course_text import markdown as notebook_markdown
from course_text import stored_output

from after_fukushima import figures, load_bank, load_table
from after_fukushima.explorers import InstrumentTimeline
from after_fukushima.vocabulary import SAFETY_NEEDS

COURSE = Path(__file__).resolve().parents[1]
LESSON = COURSE / "notebooks" / "03_the_proposal.ipynb"
PLAN = COURSE / "teacher" / "03_the_proposal_plan.md"
PROPOSAL = load_bank("03_the_proposal")
REPORT_DAY = "2011-05-25"
NUMBER_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}


@pytest.fixture(scope="module")
def instruments():
    return load_table("safety_instruments").set_index("short_name", drop=False)


def markdown() -> str:
    return notebook_markdown("notebooks/03_the_proposal.ipynb")


def bank_prose() -> str:
    texts = []
    for entry in PROPOSAL.entries:
        texts += [entry["prompt"], entry.get("explanation", ""), *entry.get("hints", [])]
        texts += [*entry.get("feedback", {}).values(), entry.get("too_low", ""), entry.get("too_high", "")]
        texts += [str(o) for o in entry.get("options", [])] + [str(i) for i in entry.get("items", [])]
    return "\n".join(texts)


def lesson_prose() -> str:
    return "\n".join([markdown(), bank_prose(), PLAN.read_text(encoding="utf-8")])


def needs(cell) -> set[str]:
    return set(cell.split("; ")) if pd.notna(cell) else set()


def worldwide_duties(instruments, day=REPORT_DAY) -> set[str]:
    """The needs some worldwide instrument at work on ``day`` obliges the states it binds to act on."""
    in_use = figures.in_use_on(instruments.reset_index(drop=True), day)
    bound = in_use[(in_use["binding"] == "yes") & (in_use["scope"] == "worldwide")]
    return {need for cell in bound["obliges"] for need in needs(cell)}


def years(row) -> float:
    return (row["in_force"] - row["adopted"]).days / 365.25


# --- item 11: the needs grid, coded from what the instruments' texts say ---------------------------------------


def test_obliges_is_a_subset_of_addresses_and_only_binding_rows_oblige(instruments):
    for name, row in instruments.iterrows():
        assert needs(row["obliges"]) <= needs(row["addresses"]), name
        if row["binding"] != "yes":
            assert not needs(row["obliges"]), f"{name} binds no one, so its text obliges no one"


def test_each_duty_in_the_grid_cites_the_article_that_creates_it(instruments):
    """The duties the grid shows as filled squares, each tied to the article named in the row's text."""
    articles = {
        ("Convention on Nuclear Safety (CNS)", "independent regulator"): "(Art. 8)",
        ("Convention on Nuclear Safety (CNS)", "emergency plans"): "(Art. 16)",
        ("Convention on Nuclear Safety (CNS)", "operating experience"): "(Art. 19)",
        ("Joint Convention", "emergency plans"): "(Art. 25)",
    }
    for (name, need), article in articles.items():
        assert need in needs(instruments.loc[name, "obliges"]), (name, need)
        assert article in instruments.loc[name, "what_it_does"], (name, article)
    assert needs(instruments.loc["Early Notification Convention", "obliges"]) == {"accident information sharing"}


def test_emergency_plans_are_not_emergency_assistance(instruments):
    """Shao Beibei's lesson (plans for plants) is its own column; assistance between states is another."""
    assert {"emergency plans", "emergency assistance"} <= set(SAFETY_NEEDS)
    assert "emergency plans" in needs(instruments.loc["Convention on Nuclear Safety (CNS)", "addresses"])
    assert "emergency plans" not in needs(instruments.loc["Assistance Convention", "addresses"])


def test_the_assistance_convention_binds_but_creates_no_duty_to_help(instruments):
    row = instruments.loc["Assistance Convention"]
    assert row["binding"] == "yes" and row["kind"] == "convention"
    assert needs(row["addresses"]) == {"emergency assistance"} and not needs(row["obliges"])
    assert "nothing obliges it to help" in row["what_it_does"]
    for text in [markdown(), bank_prose()]:
        assert "warn and help" not in text and "giving help" not in text


def test_the_gaps_the_lesson_names_are_the_computed_ones(instruments):
    covered = worldwide_duties(instruments)
    gaps = [figures.need_label(need) for need in SAFETY_NEEDS if need not in covered]
    assert PROPOSAL.entry("binding-gaps")["options"] == [figures.need_label(need) for need in SAFETY_NEEDS]
    assert set(PROPOSAL.entry("binding-gaps")["answers"]) == set(gaps)
    text = markdown()
    said = re.search(
        r"So (\w+) of the (\w+) columns have a filled square on a worldwide row, and (\w+) have none: ([^.]+)\.", text
    )
    assert said, "the sentence that counts the gaps is gone: update this test with it"
    assert NUMBER_WORDS[said.group(1)] == len(covered) and NUMBER_WORDS[said.group(2)] == len(SAFETY_NEEDS)
    assert NUMBER_WORDS[said.group(3)] == len(gaps)
    assert re.split(r", | and ", said.group(4)) == gaps
    assert f"({' and '.join(gaps)};" in PLAN.read_text(encoding="utf-8")  # the plan names the same gaps
    words = list(NUMBER_WORDS)
    hint = f"{words[len(gaps)].capitalize()} of the {words[len(SAFETY_NEEDS)]} have no filled square"
    assert hint in PROPOSAL.entry("binding-gaps")["hints"][-1]
    explanation = PROPOSAL.entry("binding-gaps")["explanation"]
    assert f"The other {list(NUMBER_WORDS)[len(covered)]} were duties on paper" in explanation
    assert explanation.startswith(f"{list(NUMBER_WORDS)[len(gaps)].capitalize()} needs had no worldwide duty")


def test_the_grid_draws_the_duties_filled_and_the_rest_hollow(instruments):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = figures.needs_addressed(instruments.reset_index(drop=True), day=REPORT_DAY)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    filled = set()
    for collection in ax.collections:
        for (x, y), face in zip(collection.get_offsets(), collection.get_facecolors()):
            if tuple(face[:3]) != (1.0, 1.0, 1.0):
                filled.add((labels[int(round(y))].rsplit(" (", 1)[0], SAFETY_NEEDS[int(round(x))]))
    plt.close(fig)
    in_use = figures.in_use_on(instruments.reset_index(drop=True), REPORT_DAY)
    expected = {
        (r["short_name"], n) for _, r in in_use.iterrows() if r["binding"] == "yes" for n in needs(r["obliges"])
    }
    assert filled == expected
    assert ("Assistance Convention", "emergency assistance") not in filled
    assert "Assistance Convention (worldwide, binding)" in labels


# --- item 4: the April 2011 review meeting was a first formal opportunity, not the first meeting ----------------


def test_the_review_meeting_was_not_the_first_international_meeting_on_the_accident(instruments):
    row = instruments.loc["CNS review meetings", "what_it_does"]
    opened = pd.Timestamp("2011-04-04")  # fact sheet part 2, §3a
    earlier = {"IAEA Board of Governors": pd.Timestamp("2011-03-21"), "European Council": pd.Timestamp("2011-03-24")}
    assert "4-14 April 2011" in row and "first formal opportunity" in row
    for body, day in earlier.items():  # the corrections section of the fact sheet
        assert day < opened and body in row
    assert "21 March" in row and "24-25 March" in row
    text = lesson_prose()
    assert "No international meeting had discussed" not in text
    assert "was where the accident was first discussed" not in text
    for where in (markdown(), PROPOSAL.entry("review-meeting-number")["explanation"]):
        assert "21 March" in where and "24-25 March" in where and "first formal opportunity" in where


# --- item 14: the IAEA statute, INES, the Paris seminar ----------------------------------------------------------


def test_the_iaea_statute_was_approved_279_days_before_it_entered_into_force(instruments):
    row = instruments.loc["IAEA"]
    assert row["adopted"] == pd.Timestamp("1956-10-23") and row["in_force"] == pd.Timestamp("1957-07-29")
    days = (row["in_force"] - row["adopted"]).days
    assert "approved on 23 October 1956" in row["what_it_does"]
    table = stored_output("notebooks/03_the_proposal.ipynb", ".dt.days")
    assert re.search(rf"IAEA 1956-10-23 1957-07-29\s+{days}\b", table), "the stored pandas output is stale"
    assert "276" not in lesson_prose()


def test_ines_was_developed_by_the_iaea_and_the_oecd_nea(instruments):
    assert "IAEA and the OECD Nuclear Energy Agency" in instruments.loc["INES", "what_it_does"]
    assert "oecd-nea.org" in instruments.loc["INES", "source"]
    items = PROPOSAL.entry("order-instruments")["items"]
    assert "The IAEA and the OECD NEA introduce the INES scale" in items
    assert not re.search(r"IAEA introduce[sd]? (the )?INES", lesson_prose())


def test_the_lesson_does_not_skip_the_paris_seminar_of_7_june():
    text = markdown()
    assert "The next step was the IAEA's" not in text
    seminar, conference = text.index("7 June 2011 a G8-G20 ministerial seminar"), text.index("20-24 June 2011")
    assert seminar < conference


# --- item 9 (support): the CSC, binding, in force 2015 ---------------------------------------------------------


def test_the_csc_is_a_binding_treaty_in_force_from_15_april_2015(instruments):
    row = instruments.loc["CSC"]
    assert (row["kind"], row["binding"], row["scope"]) == ("convention", "yes", "worldwide")
    assert row["adopted"] == pd.Timestamp("1997-09-12") and row["in_force"] == pd.Timestamp("2015-04-15")
    assert row["since"] == 2015
    assert "iaea.org" in row["source"] and "15 Apr 2015" in row["source"]


def test_the_toolbox_of_may_2011_leaves_out_what_was_not_yet_in_force(instruments):
    table = instruments.reset_index(drop=True)
    timeline = InstrumentTimeline(table, load_table("nuclear_accidents"), source="test", until=REPORT_DAY)
    shown = set(timeline.rows["short_name"])
    assert "CSC" not in shown and "Vienna Declaration" not in shown
    assert shown == set(
        table[
            (table["adopted"].isna() | (table["adopted"] <= REPORT_DAY))
            & (table["since"].isna() | (table["since"] <= 2011))
        ]["short_name"]
    )
    assert "CSC" not in set(figures.in_use_on(table, REPORT_DAY)["short_name"])
    whole = InstrumentTimeline(table, load_table("nuclear_accidents"), source="test")
    assert "CSC" in set(whole.rows["short_name"])  # lesson 06 sees it


# --- section 3.1: what the bars show ---------------------------------------------------------------------------


def test_what_the_lesson_says_about_the_years_to_entry_into_force(instruments):
    dated = instruments.dropna(subset=["adopted", "in_force"])
    span = {name: years(row) for name, row in dated.iterrows()}
    text = markdown()
    assert "the two conventions of 1986 came into force within months" in text
    assert all(span[c] < 0.5 for c in ("Early Notification Convention", "Assistance Convention"))
    assert (
        "Convention on Nuclear Safety took more than two years" in text
        and 2 < span["Convention on Nuclear Safety (CNS)"] < 2.5
    )
    assert "the Joint Convention almost four" in text and 3.5 < span["Joint Convention"] < 4
    assert "more than 17 years" in text and 17 < span["CSC"] < 18
    assert "took 2.4 years" in text and round(span["Convention on Nuclear Safety (CNS)"], 1) == 2.4
    in_force_by_2011 = dated[dated["in_force"] <= REPORT_DAY]
    longest = max(in_force_by_2011.index, key=span.get)
    assert longest == "Joint Convention"
    longest = "the longest wait among the safety conventions in the table that were in force by May 2011"
    assert longest in PROPOSAL.entry("joint-years")["explanation"]
    assert max(span, key=span.get) == "CSC"
    assert "the longest wait (the CSC" in "".join(m["feedback"] for m in PROPOSAL.entry("fastest-in-force")["mistakes"])


# --- items 8 and 16: the report's words, and questions that test knowledge --------------------------------------


def test_the_report_s_words_are_kept():
    text = lesson_prose()
    assert not re.search(r"Chen Xiaoqiu (expect|expected|expects)\b", text)
    assert "expected a mechanism" not in text and "expected that the summit" not in text
    assert not re.search(r"accident shows[^.]*(must|need)", text)
    clashing = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if "clashing" in s.lower()]
    assert all("our word" in s for s in clashing), clashing
    lesson = markdown()
    assert '"recognition of the need"' in lesson and "political and economic interests are *different*" in lesson
    assert "may be established" in lesson


def test_sort_binding_follows_its_own_hint(instruments):
    """The hint says treaties and EU directives bind and the rest do not: the items must obey that rule."""
    entry = PROPOSAL.entry("sort-binding")
    assert "treaty" in entry["hints"][0] and "directive" in entry["hints"][0]
    for name, category in entry["items"].items():
        binds = instruments.loc[name, "kind"] in {"convention", "directive"}
        assert (category == "binds states in law") == binds, name
    kinds = {instruments.loc[name, "kind"] for name in entry["items"]}
    assert len(kinds) >= 4, "a mix of kinds, so that the names alone do not sort them"


# --- item 15: sources ---------------------------------------------------------------------------------------------


def test_the_instruments_cite_primary_or_dated_sources(instruments):
    for name, source in instruments["source"].items():
        lowered = source.lower()
        assert "wikipedia" not in lowered and "zvon" not in lowered and "a mirror" not in lowered, name
        assert not re.search(r"reuters \(undated\)", lowered), name
        assert "brisbane times" not in lowered, name
    assert "iaea.org" in instruments.loc["Assistance Convention", "source"]


# --- round three: peer review inside the EU, common standards, crises, dates ------------------------------------


def test_outside_reviews_are_not_called_voluntary_where_the_eu_obliged_one(instruments):
    """Directive 2009/71 Art. 9(3): each EU state invites an international review of its framework every ten years."""
    row = instruments.loc["Directive 2009/71/Euratom"]
    assert row["binding"] == "yes" and row["scope"] == "European Union"
    assert "peer review" in needs(row["obliges"]) and "at least every ten years" in row["what_it_does"]
    assert row["adopted"] <= pd.Timestamp(REPORT_DAY)
    text = lesson_prose()
    for wrong in ("Outside checks were voluntary", "outside reviews were voluntary", "outside reviews came only on"):
        assert wrong not in text, wrong
    assert "What was voluntary was a review of a particular plant or regulator" not in text
    # wherever the lesson says IAEA reviews of regulators came only on request, it says what the EU obliged
    for where in (
        markdown(),
        PROPOSAL.entry("binding-gaps")["feedback"]["peer review"],
        PLAN.read_text(encoding="utf-8"),
    ):
        flat = re.sub(r"\s+", " ", where)
        assert "Directive 2009/71" in flat and "at least every ten years" in flat


def test_the_standards_column_counts_common_standards_not_the_cns_national_requirements(instruments):
    """The CNS obliges national requirements (Art. 7) and rules on siting, design and operation (Arts 17-19):
    a student who knows that is not marked wrong, because the column is about common international standards."""
    label = figures.need_label("safety standards")
    assert label == "common international safety standards"
    cns = instruments.loc["Convention on Nuclear Safety (CNS)"]
    assert "(Art. 7)" in cns["what_it_does"] and "(Arts 17-19)" in cns["what_it_does"]
    assert "not to common detailed standards" in cns["what_it_does"]
    assert "safety standards" not in needs(cns["addresses"])
    entry = PROPOSAL.entry("binding-gaps")
    assert "safety standards" not in entry["options"] and label in entry["answers"]
    assert "Art. 7" in entry["explanation"] and "Arts 17-19" in entry["explanation"]
    text = markdown()
    assert "Art. 7" in text and "Arts 17-19" in text and "Standards bound no state" not in text
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = figures.needs_addressed(instruments.reset_index(drop=True), day=REPORT_DAY)
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_xticklabels()]
    plt.close(fig)
    assert ticks == [figures.need_label(n) for n in SAFETY_NEEDS] and label in ticks


def test_crises_prompted_cooperation_but_not_always_fast(instruments):
    text = lesson_prose()
    assert "Crises drive cooperation" not in text and "crises drive cooperation" not in text
    chernobyl = load_table("nuclear_accidents").set_index("event").loc["Chernobyl unit 4", "date"]
    cns = instruments.loc["Convention on Nuclear Safety (CNS)", "adopted"]
    years_after = (cns - chernobyl).days / 365.25
    assert int(years_after) == NUMBER_WORDS["eight"]
    lesson = markdown()
    assert "Convention on Nuclear Safety was adopted eight years after Chernobyl" in lesson
    assert "dropped in 2015" in lesson  # the Swiss amendment (fact sheet part 2, section 6a; lesson 06)
    assert "eight years" in PLAN.read_text(encoding="utf-8")
    for name in ("Early Notification Convention", "Assistance Convention"):
        assert (instruments.loc[name, "adopted"] - chernobyl).days < 183  # "within months"


def test_the_fastest_convention_was_adopted_five_months_after_chernobyl_and_in_force_a_month_later(instruments):
    chernobyl = load_table("nuclear_accidents").set_index("event").loc["Chernobyl unit 4", "date"]
    row = instruments.loc["Early Notification Convention"]
    months = (row["adopted"].year - chernobyl.year) * 12 + row["adopted"].month - chernobyl.month
    assert months == 5 and (row["in_force"] - row["adopted"]).days == 31
    explanation = PROPOSAL.entry("fastest-in-force")["explanation"]
    assert "adopted on 26 September 1986, five months after Chernobyl, and in force a month later" in explanation
    assert "27 October, five months after" not in explanation


def test_the_osart_item_is_the_programme_not_the_first_mission(instruments):
    row = instruments.loc["OSART"]
    assert row["since"] == 1982 and "began in 1982" in row["what_it_does"] and "August 1983" in row["what_it_does"]
    entry = PROPOSAL.entry("order-instruments")
    assert "The IAEA starts its OSART programme" in entry["items"]
    assert "OSART reviews of plants begin" not in entry["items"]
