"""A BCE record is found under its own century facet link, labelled as that century (issue 14)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vitrine.collection import create_collection
from vitrine.records import Record
from vitrine.web import create_app
from vitrine.web.filtering import century_years, to_filters, value_label
from vitrine.web.security import WebError
from web.conftest import make_settings

#: (identifier, year): each BCE century's edges, and a year of the 1st century AD
YEARS = (("bce150", -150), ("bce200", -200), ("bce101", -101), ("bce100", -100), ("bce1", -1), ("ad50", 50))


def _facet_links(page: str) -> dict[str, tuple[str, str]]:
    """The century facet's links: value -> (label, href)."""
    found = re.findall(r'<a href="([^"]+)" class="facet-value[^"]*" +data-facet="century"'
                       r' data-value="([^"]+)">\s*<span class="facet-name">([^<]+)</span>', page)
    return {value: (label, html.unescape(href)) for href, value, label in found}


def test_a_bce_record_is_found_by_clicking_its_century(tmp_path: Path) -> None:
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory", title="Old things")
    for identifier, year in YEARS:
        collection.catalog.upsert(Record(identifier=identifier, title=f"Thing of {year}", year_min=year,
                                         year_max=year))
    collection.close()
    app = create_app(make_settings(tmp_path), tmp_path / "coll")
    with TestClient(app, raise_server_exceptions=False) as client:
        links = _facet_links(client.get("/search").text)
        assert links["-2"][0] == "2nd century BCE" and links["-1"][0] == "1st century BCE"
        assert links["1"][0] == "1st century"
        for value, expected in (("-2", {"bce150", "bce200", "bce101"}), ("-1", {"bce100", "bce1"}),
                                ("1", {"ad50"})):
            page = client.get(links[value][1]).text
            shown = {identifier for identifier, _ in YEARS
                     if re.search(f"/records/{identifier}(?![0-9a-z])", page)}
            assert shown == expected, value


def test_century_years_agree_with_the_facet() -> None:
    assert century_years(-2) == (-200, -101) and century_years(-1) == (-100, 0)
    assert century_years(19) == (1801, 1900)
    filters = to_filters({"century": "-2", "year_from": "-170"})
    assert (filters.year_from, filters.year_to) == (-170, -101)
    assert value_label("century", "-3") == "3rd century BCE"
    with pytest.raises(WebError):
        to_filters({"century": "0"})
