"""The fixed categories the course's tables use: the allowed values of their category columns.

data/datapackage.json declares each list as a column's allowed values (written by
``after_fukushima.maintainers.sources.curated`` when ``make data`` builds data/); the students' runtime reads
them to order and label what it shows (``explorers.TimelineExplorer`` lays its lanes out in TIMELINE_CATEGORIES' order,
``figures`` draws the needs grid's columns from SAFETY_NEEDS and the responses legend from
RESPONSE_CATEGORIES); the tests read them to check the lessons, banks and tables against them. The order of
each list is the order a student sees. This module imports nothing of the course, so any room may read it.
"""

TIMELINE_CATEGORIES = [
    "earthquake",
    "tsunami",
    "power",
    "government",
    "evacuation",
    "rating",
    "explosion",
    "damage",
    "recovery",
]
CLAIM_KINDS = ["context", "proposal", "obstacle", "case for", "national response"]
REPORT_SPEAKERS = ["the reporters", "Leslie Vinjamuri", "Chen Xiaoqiu", "Shao Beibei", "Richard Caplan"]
REPORT_PARTS = ["opening", "the trigger", "the mechanism", "obstacles", "the case for it", "national responses"]
# Which way a decision moved nuclear power. "no return": a country without reactors running does not come back,
# because a vote stops a return or fails to bring one about (Italy 2011, Taiwan 2025); "proposed reversal": a
# government proposes, or takes a step towards, undoing an earlier exit or ban, but it is not law or done on the
# row's date (Switzerland 2024-25, Italy 2025, Taiwan's approval of a restart feasibility report, Nov 2025).
RESPONSE_CATEGORIES = [
    "pause and review",
    "phase-out",
    "no return",
    "continue",
    "expand",
    "reversal",
    "proposed reversal",
]
INSTRUMENT_SCOPES = ["worldwide", "OECD", "European Union", "G8", "plant operators"]
INSTRUMENT_KINDS = ["organisation", "convention", "scale", "declaration", "review", "plan", "standards", "directive"]
# Needs named in the report (Chen Xiaoqiu: sharing information in an accident, no duplicated research, grouped
# as operating experience; Shao Beibei: emergency plans for plants, management standards, an independent
# regulator) or at the 2011 conferences (peer review; emergency assistance between states, which is not the same
# as a plant's emergency plans), as the course groups them.
SAFETY_NEEDS = [
    "accident information sharing",
    "emergency assistance",
    "emergency plans",
    "peer review",
    "safety standards",
    "independent regulator",
    "operating experience",
]
REACTOR_TYPES = ["PWR", "BWR", "PHWR", "GCR", "LWGR", "FBR"]
