"""The maintainers' room: the tools that make and check the course, run from a checkout by `make`.

- ``build_data``         rebuilds data/ (tables, datapackage.json, README.md) from the raw sources and
                         curation/ (``make data``); ``sources`` holds one reader per source
- ``report_audit``       fingerprints of the report's wording, so tests catch a copied sentence (``make data``)
- ``execute_notebooks``  refreshes every notebook's stored outputs the same way each time (``make execute``)
- ``benchmark``          times what students wait for (``make bench``)
- ``browser_bench``      click to redrawn figure, in JupyterLab in Chromium, per interactive figure
                         (``make bench-browser``)
- ``hub_load``           a bounded load test of a JupyterHub for a class (``make load``; tests/hub starts its hub)

These tools may import the students' runtime; nothing in the students' or the teachers' code may import this
package (a lesson never builds data or starts a hub).
"""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[3]
"""The course checkout these tools work in (the folder holding data/, curation/, tests/ and deploy/)."""
