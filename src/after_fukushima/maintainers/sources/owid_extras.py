"""Two small OWID tables for the safety debate: the 2011 opinion survey, and deaths per TWh by source."""

from pathlib import Path

import pandas as pd

from after_fukushima.maintainers.sources.schema import CC_BY, field, resource, with_columns

OWID_DATASETS = "https://github.com/owid/owid-datasets (commit 48c9992)"
IPSOS = {
    "name": "ipsos-mori-2011",
    "title": "Ipsos MORI (2011), Global Citizen Reaction to the Fukushima Nuclear Plant Disaster, "
    "via Our World in Data",
    "path": "https://www.ipsos.com/ipsos-mori/en-uk/strong-global-opposition-towards-nuclear-power",
    "version": OWID_DATASETS,
    "attribution": "Ipsos MORI (2011), via Our World in Data, CC BY 4.0",
}
DEATHS = {
    "name": "owid-deaths-per-twh",
    "title": "Our World in Data, deaths per TWh of electricity "
    "(Markandya and Wilkinson 2007; Sovacool et al. 2016; OWID)",
    "path": "https://ourworldindata.org/safest-sources-of-energy",
    "version": OWID_DATASETS,
    "attribution": "Our World in Data (Markandya & Wilkinson 2007; Sovacool et al. 2016), CC BY 4.0",
}


def public_opinion_2011(sources: Path):
    raw = pd.read_csv(sources / "owid_extras" / "ipsos_mori_2011_nuclear_support.csv")
    table = pd.DataFrame({"country": raw["Entity"], "support_pct": raw.iloc[:, 2], "oppose_pct": raw.iloc[:, 3]})
    fields = [
        field("country", "string", "Country surveyed ('World': all 24 together)", required=True),
        field(
            "support_pct",
            "integer",
            "Strongly or somewhat support nuclear electricity",
            "%",
            required=True,
            minimum=0,
            maximum=100,
        ),
        field("oppose_pct", "integer", "Strongly or somewhat oppose it", "%", required=True, minimum=0, maximum=100),
    ]
    description = (
        "An online survey of 18,787 adults in 24 countries, 6-21 May 2011, weeks after the accident began. "
        "Support and opposition each add two answers (strongly and somewhat). An online panel is not a random "
        "sample, and rounding makes some rows add to 99-101."
    )
    return with_columns(table, fields), resource(
        "public_opinion_2011",
        "Support for nuclear electricity in 24 countries, May 2011",
        description,
        fields,
        [IPSOS],
        [CC_BY],
        ["country"],
    )


def deaths_per_twh(sources: Path):
    raw = pd.read_csv(sources / "owid_extras" / "deaths_per_twh_energy_production.csv")
    table = pd.DataFrame({"energy_source": raw["Entity"], "deaths_per_twh": raw.iloc[:, 2]})
    fields = [
        field("energy_source", "string", "Way of producing electricity", required=True),
        field(
            "deaths_per_twh",
            "number",
            "Deaths from accidents and air pollution per TWh of electricity",
            "deaths/TWh",
            required=True,
            minimum=0,
        ),
    ]
    description = (
        "Deaths per terawatt-hour of electricity by energy source, as compiled by Our World in Data (labelled "
        "2021): fossil fuels from Markandya and Wilkinson (2007), solar and wind from Sovacool et al. (2016), "
        "nuclear estimated by OWID from the Chernobyl and Fukushima death tolls (Fukushima's is mostly the deaths "
        "of evacuees from the strain of evacuation, not deaths from radiation). The sources define deaths "
        "differently, so compare orders of magnitude, not decimals."
    )
    return with_columns(table, fields), resource(
        "deaths_per_twh",
        "Deaths per TWh of electricity, by energy source",
        description,
        fields,
        [DEATHS],
        [CC_BY],
        ["energy_source"],
    )
