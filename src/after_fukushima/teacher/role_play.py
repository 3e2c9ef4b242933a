"""Authoring tool: write teacher/role_play_cards.md, one briefing card per country, from data/ and the model.

    python -m after_fukushima.teacher.role_play          (or: make cards)

Every figure on a card comes from the course's tables (reactor_units, nuclear_share, reactor_vendors,
national_responses, positions_2011) or from lesson 04's model at its default weights, so the cards change
when the data or the model change, and tests/test_role_play.py fails if the file is out of date.
"""

import sys

import pandas as pd

from after_fukushima import figures, paths
from after_fukushima.data import load_table
from after_fukushima.models.cooperation import (
    DEPTH_LEVELS,
    Design,
    Weights,
    course_attributes,
    net_gain,
    positions,
    unit_vendors,
)

TARGET = ("teacher", "role_play_cards.md")
QUESTION = {  # what each position has to weigh, in the negotiation
    "pusher": "More of the risk you face comes from abroad than for most countries, and a binding commitment "
    "costs you less than most. What do you need the others to accept, and what can you offer the large "
    "fleets to bring them in?",
    "dragger": "A binding commitment would cost you more than most, and less of your risk comes from abroad than "
    "for most countries. What depth could you accept, and what would you want in return (a portal, "
    "help, a say in the rules)?",
    "intermediate": "More of your risk comes from abroad than for most countries, and a binding commitment would "
    "also cost you more than most. Which matters more to you, and which side will you stand with?",
    "bystander": "Less of your risk comes from abroad than for most countries, and a binding commitment costs you "
    "less than most: less is at stake for you. What would make the mechanism worth joining, or worth "
    "supporting from outside?",
}
SMALL_CLASS = [
    "United States",
    "France",
    "Japan",
    "Russia",
    "South Korea",
    "Canada",
    "India",
    "United Kingdom",
    "Germany",
    "China",
    "Switzerland",
    "Pakistan",
]


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


# Export orders won before 11 March 2011 whose first unit was not yet being built that day, so that the model's
# exporter rule (a design in service or under construction abroad) does not count them. Fact sheet part 2, §4a.
ORDERS_NOT_YET_BUILT = {
    "South Korea": "your vendors (KEPCO's team) won the UAE's order for four APR-1400 units on 27 December 2009 "
    "(BBC, 27 Dec 2009)",
}


def _designs_line(country: str, designs: pd.DataFrame, units: pd.DataFrame, vendors: pd.DataFrame) -> str:
    """What the model's exporter rule says for ``country``, and what it leaves out (orders not yet built)."""
    own = designs[designs["country"] == country]
    abroad = designs[(designs["vendor_country"] == country) & designs["abroad"]]
    if len(abroad):
        places, count = abroad["country"].nunique(), len(abroad)
        return (
            f"Reactor exporter (the model's rule: a design of your vendors in service or being built in another "
            f"country on 11 March 2011): yes. Designs from your vendors were in service in {places} other "
            f"{'country' if places == 1 else 'countries'} ({count} {'reactor' if count == 1 else 'reactors'})."
        )
    foreign = own[own["abroad"]].groupby("vendor_country").size().sort_values(ascending=False)
    line = (
        "Reactor exporter (the model's rule: a design of your vendors in service or being built in another "
        "country on 11 March 2011): no."
    )
    if country in ORDERS_NOT_YET_BUILT:
        later = unit_vendors(units, vendors)
        later = later[(later["vendor_country"] == country) & (later["country"] != country)]
        later = later.assign(start=pd.to_datetime(later["construction_start"], errors="coerce"))
        later = later.dropna(subset=["start"]).sort_values("start")
        first = (
            f" Your vendors' first unit abroad in reactor_units, {later['unit'].iloc[0]} ({later['country'].iloc[0]}), "
            f"began construction on {later['start'].iloc[0]:%-d %B %Y}, so the rule does not count the order."
            if len(later)
            else " The rule does not count an order."
        )
        line += f" But {ORDERS_NOT_YET_BUILT[country]}.{first}"
    if foreign.empty:
        return line + " All your reactors are of your own vendors' designs."
    origins = ", ".join(f"{vendor} ({count})" for vendor, count in foreign.items())
    return line + f" Your reactors designed abroad come from: {origins}."


def cards() -> str:
    """The whole Markdown file: an introduction, then one card per country, largest fleet first."""
    attrs = course_attributes()
    weights = Weights()
    model = positions(attrs, weights)
    units, vendors = load_table("reactor_units"), load_table("reactor_vendors")
    designs = figures.designed_abroad(units, vendors)
    responses = load_table("national_responses")
    stances = load_table("positions_2011").set_index("country")
    everyone = list(attrs.index)
    gains = {
        depth: dict(zip(everyone, net_gain(attrs, everyone, Design(depth=depth), weights))) for depth in DEPTH_LEVELS
    }
    lines = [
        "# Role-play: negotiating a nuclear-safety mechanism in 2011",
        "",
        "<!-- Generated by `python -m after_fukushima.teacher.role_play` (or `make cards`) from data/ and lesson 04's "
        "model at its default weights; edit the data or the model, not this file. -->",
        "",
        "For the teacher: print one card per student or pair (each starts with a heading). The depths are: "
        + "; ".join(f"{depth:g} = {label}" for depth, label in DEPTH_LEVELS.items())
        + ".",
        "",
        "One card per country with reactors in service on 11 March 2011, largest fleet first. With a small class, "
        f"use these {len(SMALL_CLASS)}: {', '.join(SMALL_CLASS)}. The model's numbers are in arbitrary benefit "
        "units a year: a model for thinking, not a forecast. 'Net gain of joining' is at the model's default "
        "design (portal off, vendor duty 0.5, equal shares of the secretariat); with the portal off it does not "
        "depend on who else joins.",
        "",
    ]
    for country in attrs.sort_values("reactors", ascending=False).index:
        row = attrs.loc[country]
        decided = responses[(responses["country"] == country) & (responses["year"] == 2011)].sort_values("date")
        decisions = (
            "; ".join(
                (f"{day.day} {day:%B}: " if pd.notna(day) else "during the year: ") + action.rstrip(".")
                for day, action in zip(decided["date"], decided["action"])
            )
            or "none in the course's table"
        )
        stance = (
            f"{stances.loc[country, 'stance']} ({stances.loc[country, 'account']})"
            if country in stances.index
            else "none reported"
        )
        position = model.loc[country]
        gain = "; ".join(f"{label} ({depth:g}): {gains[depth][country]:+.2f}" for depth, label in DEPTH_LEVELS.items())
        lines += [
            f"## {country}",
            "",
            f"- Reactors in service on 11 March 2011: {int(row['reactors'])}; nuclear share of electricity in 2010: "
            f"{row['share'] * 100:.1f}%.",
            f"- {_designs_line(country, designs, units, vendors)}",
            f"- Risk from abroad (the model's vulnerability, 0 to 1): {position['vulnerability']:.2f}; cost of a "
            f"binding commitment: {position['cost']:.2f} benefit units a year. "
            f"The model calls you {_article(position['position'])} "
            f"**{position['position']}**.",
            f"- Your decisions of 2011: {decisions}",
            f"- Your stance reported in September 2011: {stance}",
            f"- Net gain of joining, in benefit units a year, by depth: {gain}.",
            f"- To weigh: {QUESTION[position['position']]}",
            "",
        ]
    lines += [
        attrs.attrs["source"] + "; data/positions_2011.csv (Reuters, 8 Sep 2011; AP, 12-13 "
        "Sep 2011); data/national_responses.csv.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    target = paths.course_root().joinpath(*TARGET)
    target.write_text(cards(), encoding="utf-8")
    print(f"wrote {target.relative_to(paths.course_root())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
