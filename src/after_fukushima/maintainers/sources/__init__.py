"""How each table in data/ is made: one reader per raw source, each builder returning (table, resource).

``owid`` and ``owid_extras`` (Our World in Data), ``geonuclear`` (GeoNuclearData), ``natural_earth`` (country
outlines) read ../shared/sources; ``curated`` copies the hand-written tables of curation/ after checking their
columns; ``schema`` holds the fields, licences and sources they share. Only ``build_data`` calls them
(``make data``), in the order of its BUILDERS; the allowed values of the category columns live in
``after_fukushima.vocabulary``, where the students' runtime reads them too.
"""
