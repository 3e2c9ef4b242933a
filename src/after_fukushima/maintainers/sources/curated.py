"""Tables written by hand in curation/ from the course's checked facts, each row naming its source."""

from pathlib import Path

import pandas as pd

from after_fukushima.maintainers import CHECKOUT
from after_fukushima.maintainers.sources.schema import (
    COURSE_COMPILED,
    COURSE_TEXT,
    GEONUCLEARDATA,
    ODBL,
    REPORT,
    field,
    resource,
)
from after_fukushima.vocabulary import (
    CLAIM_KINDS,
    INSTRUMENT_KINDS,
    INSTRUMENT_SCOPES,
    REACTOR_TYPES,
    REPORT_PARTS,
    REPORT_SPEAKERS,
    RESPONSE_CATEGORIES,
    SAFETY_NEEDS,
    TIMELINE_CATEGORIES,
)

CURATION = CHECKOUT / "curation"
SOURCE = field("source", "string", "Where the row was checked (publisher, date, address)", required=True)


def curated(
    name: str,
    title: str,
    description: str,
    fields: list[dict],
    primary_key: list[str],
    sources=(COURSE_COMPILED,),
    licences=(COURSE_TEXT,),
):
    """A builder that copies curation/<name>.csv, after checking it has exactly the schema's columns."""

    def build(_sources: Path):
        table = pd.read_csv(CURATION / f"{name}.csv", dtype=str, keep_default_na=False)
        expected = [f["name"] for f in fields]
        if list(table.columns) != expected:
            raise SystemExit(f"curation/{name}.csv has the columns {list(table.columns)}; expected {expected}")
        return table, resource(name, title, description, fields, list(sources), list(licences), primary_key)

    build.__name__ = name
    return build


BUILDERS = [
    curated(
        "fukushima_timeline",
        "Fukushima Daiichi, 11 March to 16 December 2011",
        "The accident step by step, in the course's own words. Times are Japan Standard Time (UTC+09:00) and "
        "carry their offset; rows whose source gives only the day have no time. 'partially' means the event is "
        "sure but the exact minute or detail differs between sources (for example the main tsunami wave, about "
        "15:35-15:37).",
        [
            field(
                "date", "date", "Day of the event (Japan)", required=True, minimum="2011-03-11", maximum="2011-12-31"
            ),
            field("time", "datetime", "Time with its UTC offset, where the source gives one"),
            field(
                "unit",
                "string",
                "Reactor unit(s) concerned, or 'site'",
                required=True,
                enum=["site", "1", "2", "3", "4", "1-3", "1-4"],
            ),
            field("event", "string", "What happened, in the course's words", required=True),
            field("category", "string", "Kind of event", required=True, enum=TIMELINE_CATEGORIES),
            SOURCE,
            field(
                "confidence",
                "string",
                "verified: sources agree; partially: the detail or minute differs",
                required=True,
                enum=["verified", "partially"],
            ),
        ],
        ["date", "unit", "event"],
    ),
    curated(
        "accident_figures",
        "Fukushima Daiichi in numbers: the tsunami, the evacuation zones, the releases, the human toll",
        "Heights, distances, release estimates and the human toll (by cause, never added up) for lesson 01, each "
        "with its source. Where sources give a "
        "range, low and high differ; a single figure has low = high. Release estimates were revised during 2011 "
        "and still differ between studies, so they are shown side by side, never as one number.",
        [
            field("quantity", "string", "Short identifier", required=True, pattern="[a-z0-9_]+"),
            field("label", "string", "What the number is", required=True),
            field("low", "number", "Lowest figure in the source(s)", required=True, minimum=0),
            field("high", "number", "Highest figure in the source(s)", required=True, minimum=0),
            field(
                "unit", "string", "Unit of low and high (PBq: petabecquerel, 10^15 decays per second)", required=True
            ),
            field("note", "string", "Context or caveat"),
            SOURCE,
            field(
                "confidence",
                "string",
                "verified: sources agree; partially: the detail differs",
                required=True,
                enum=["verified", "partially"],
            ),
        ],
        ["quantity"],
    ),
    curated(
        "nuclear_accidents",
        "Major nuclear and radiological accidents on the INES scale",
        "The best-known events rated 4 or higher on the International Nuclear and Radiological Event Scale "
        "(0-7). INES was introduced in 1990, so earlier events were rated afterwards: most of them officially "
        "(the levels the IAEA's INES materials give), Chalk River only unofficially. Fukushima's level 7 is the "
        "provisional rating Japan's regulator reported on 12 April 2011.",
        [
            field("event", "string", "Place and installation", required=True),
            field("date", "date", "Day the accident began", required=True),
            field("country", "string", "Country at the time (and today, if different)", required=True),
            field("ines_level", "integer", "INES level", required=True, minimum=0, maximum=7),
            field(
                "rating",
                "string",
                "official: the level the IAEA's INES materials give (for events before 1990, given afterwards); "
                "official, provisional: reported by the national authority as provisional (Fukushima, 12 April "
                "2011); unofficial: given afterwards by others, not by any authority",
                required=True,
                enum=["official", "official, provisional", "unofficial"],
            ),
            SOURCE,
        ],
        ["event"],
    ),
    curated(
        "largest_earthquakes",
        "The largest recorded earthquakes",
        "Moment magnitudes as the USGS gives them today. The Tōhoku earthquake of 2011 was reported as 9.0 at "
        "the time, and the report uses 9.0; the USGS later revised it to 9.1. Each step of 1 in magnitude is "
        "about 31.6 times (10^1.5) more energy released.",
        [
            field("name", "string", "Usual name of the earthquake", required=True),
            field("date", "date", "Day (local time)", required=True),
            field("country", "string", "Country nearest the epicentre", required=True),
            field("magnitude", "number", "Moment magnitude (Mw)", "Mw", required=True, minimum=8, maximum=10),
            field("note", "string", "Caveats about the date or the magnitude"),
            SOURCE,
        ],
        ["name"],
    ),
    curated(
        "safety_instruments",
        "International nuclear safety bodies and instruments",
        "The organisations, conventions, declarations and reviews that make up international cooperation on "
        "nuclear safety, before and after Fukushima, with what each does in the course's words. 'binding' says "
        "whether it binds the states that accept it in law; 'not applicable' for an organisation (the IAEA's "
        "statute is a treaty, but it sets up a body, not safety duties for its members).",
        [
            field("name", "string", "Name", required=True),
            field("short_name", "string", "Short name for figures", required=True),
            field("kind", "string", "What it is", required=True, enum=INSTRUMENT_KINDS),
            field("adopted", "date", "Day it was adopted, signed or founded"),
            field("in_force", "date", "Day it entered into force, for treaties"),
            field(
                "since",
                "integer",
                "Year it began to work: entry into force for a treaty or body, the start of "
                "a review programme or the first standard (empty where the sources checked give no year)",
                minimum=1950,
                maximum=2030,
            ),
            field(
                "binding", "string", "Does it bind states in law?", required=True, enum=["yes", "no", "not applicable"]
            ),
            field(
                "scope",
                "string",
                "Whom it reaches: worldwide (open to every state; a treaty binds its parties), "
                "a group of states, or plant operators",
                required=True,
                enum=INSTRUMENT_SCOPES,
            ),
            field("what_it_does", "string", "What it does, in the course's words", required=True),
            field(
                "preceded_by",
                "string",
                "The crisis that preceded or prompted it, where a source the row cites says so "
                "(Chernobyl, Fukushima); empty otherwise",
            ),
            field(
                "addresses",
                "string",
                "Which safety needs it addresses, '; '-separated, from the course's list "
                "of needs named in the report or at the 2011 conferences: "
                + "; ".join(SAFETY_NEEDS)
                + " (empty if none)",
                pattern="(" + "|".join(SAFETY_NEEDS) + ")(; (" + "|".join(SAFETY_NEEDS) + "))*",
            ),
            field(
                "obliges",
                "string",
                "Which of the needs in 'addresses' its text obliges the states it binds to act on, '; '-separated "
                "(empty if none). A binding treaty can address a need without creating a duty: the Assistance "
                "Convention lets a party ask for help but obliges no party to give it",
                pattern="(" + "|".join(SAFETY_NEEDS) + ")(; (" + "|".join(SAFETY_NEEDS) + "))*",
            ),
            SOURCE,
        ],
        ["name"],
    ),
    curated(
        "national_responses",
        "What countries did about nuclear power after March 2011",
        "Decisions by eleven countries from the accident to 2025, in the course's words. A row's category says "
        "which way it moved nuclear power: pause and review; phase-out (decide to leave nuclear power, or leave "
        "it); no return (a country without reactors running does not come back: a vote stops a return or fails "
        "to bring one about, as in Italy in 2011, whose last reactors closed by 1990, and Taiwan in 2025); "
        "continue; expand; reversal (a step back from an earlier phase-out or shutdown); or proposed reversal "
        "(a government proposes one or takes a step towards one, not law or done on the row's date). Rows whose "
        "source gives only the year have no date.",
        [
            field("country", "string", "Country", required=True),
            field("year", "integer", "Year of the decision", required=True, minimum=2011, maximum=2030),
            field("date", "date", "Day of the decision, where the source gives it"),
            field("action", "string", "What was decided or done, in the course's words", required=True),
            field("category", "string", "Which way it moved nuclear power", required=True, enum=RESPONSE_CATEGORIES),
            SOURCE,
        ],
        ["country", "year", "action"],
    ),
    curated(
        "report_argument",
        "The report's argument, claim by claim, in the course's own words",
        "One row per claim of the China Daily report of 25 May 2011, in the report's order: the paragraph it "
        "comes from (the report has 15), who makes it as the report gives it, the claim paraphrased (never quoted "
        "at length), what kind of claim it is, whether the report's wording is hedged ('may', 'likely'), and the "
        "lesson that teaches it. Claims the report makes in its own voice have the speaker 'the reporters'.",
        [
            field("order", "integer", "Position of the claim in the report", required=True, minimum=1),
            field(
                "paragraph",
                "string",
                "Paragraph(s) of the report, counted from 1 (for example 6 or 6-7)",
                required=True,
                pattern="[0-9]{1,2}(-[0-9]{1,2})?",
            ),
            field("part", "string", "Part of the report's argument", required=True, enum=REPORT_PARTS),
            field(
                "speaker",
                "string",
                "Who makes the claim, as the report names them",
                required=True,
                enum=REPORT_SPEAKERS,
            ),
            field(
                "affiliation", "string", "The speaker's affiliation as the report gives it, in our words", required=True
            ),
            field("claim", "string", "The claim in the course's own words", required=True),
            field("kind", "string", "Kind of claim", required=True, enum=CLAIM_KINDS),
            field(
                "hedged",
                "string",
                "yes if the report's wording is hedged ('may', 'likely'): a paraphrase must keep the hedge",
                required=True,
                enum=["yes", "no"],
            ),
            field(
                "lesson",
                "string",
                "The lesson notebook that teaches it (two digits)",
                required=True,
                pattern="[0-9]{2}",
            ),
        ],
        ["order"],
        sources=(REPORT,),
    ),
    curated(
        "reactor_vendors",
        "Who designed the reactors of 2011: vendor and design family of each reactor model",
        "One row per reactor_model string of reactor_units among units in service or under construction on 11 "
        "March 2011, with its design family, the company that designed it (as it was then) and that company's "
        "home country, spelled as in reactor_units. Soviet designs are given Russia, the successor state, and "
        "say so in the note; generic labels ('PWR', 'VVER', 'Prototype') are resolved by the units that carry "
        "them. 'partially' means the vendor rests on the model label or general knowledge, or on one weak "
        "source, and was not checked unit by unit (IAEA PRIS is named as the place to check).",
        [
            field(
                "reactor_model",
                "string",
                "The model exactly as reactor_units spells it; a row keyed 'MODEL [units: A, B]' gives the vendor "
                "of just those units of that model (Doel-3 and Tihange-2)",
                required=True,
            ),
            field("reactor_type", "string", "Reactor type, as in reactor_units", required=True, enum=REACTOR_TYPES),
            field("design_family", "string", "Design family (e.g. Westinghouse PWR, VVER, CANDU)", required=True),
            field(
                "original_vendor", "string", "Company or design bureau that designed it, as it was then", required=True
            ),
            field(
                "vendor_country",
                "string",
                "The original vendor's home country, spelled as in reactor_units",
                required=True,
            ),
            field("note", "string", "Licences, lineage, joint designs, how a generic label was resolved"),
            SOURCE,
            field(
                "confidence",
                "string",
                "verified: a source read names the vendor for this "
                "model or a unit carrying it; partially: label or general knowledge only, or a weak source",
                required=True,
                enum=["verified", "partially"],
            ),
        ],
        ["reactor_model"],
        # Keyed by GeoNuclearData's model strings: a table derived from that database, so it stays ODbL.
        sources=(COURSE_COMPILED, GEONUCLEARDATA),
        licences=(ODBL,),
    ),
    curated(
        "positions_2011",
        "Who wanted a stronger IAEA Action Plan in 2011, and who resisted",
        "The positions that news agencies reported while the IAEA Action Plan on Nuclear Safety was negotiated "
        "(August-September 2011): countries that wanted stronger international commitments, and countries "
        "that resisted mandatory outside inspections or more authority for the IAEA. Only countries named in "
        "the reports are listed; a country not listed took no reported position, not a neutral one.",
        [
            field("country", "string", "Country, spelled as in reactor_units", required=True),
            field(
                "stance",
                "string",
                "The position reported",
                required=True,
                enum=["for stronger commitments", "against mandatory inspection", "against more IAEA authority"],
            ),
            field("date", "date", "Day of the report", required=True, minimum="2011-03-11", maximum="2011-12-31"),
            field("account", "string", "What was reported, in the course's words", required=True),
            SOURCE,
        ],
        ["country"],
    ),
]
