"""How each table in data/ is made: one module per source, each function returning (table, resource).

`python -m after_fukushima.build_data` runs them all; see that module for the order and the writing.
"""
