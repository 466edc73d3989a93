"""Fixtures of the suggestion tests."""

from __future__ import annotations

import dataclasses

import pytest

from vitrine.collection import Collection

DATES = {
    "r00": "1950, cast 1984",  # events: proposed, though the catalogue's years agree
    "r01": "c.1830",  # the catalogue agrees (circa widened by five years): nothing
    "r02": "1650s",  # agrees: nothing
    "r03": "12 May 1788",  # agrees: nothing
    "r04": "date not known",  # nothing to read
    "r05": "18th century",  # the catalogue's 1701-1800 counts as agreeing with 1700-1799
    "r06": "early 1780s",  # the catalogue reads 1780-1782
    "r07": "1950-06",  # the catalogue reads 1950-2006
    "r08": "1846, exhibited 1847",  # the catalogue reads 1846-1847
    "r09": "the 1950's",  # the catalogue reads 1950 alone
    "r10": "0000",  # not a year: nothing
    "r11": "1875",  # agrees: nothing
}


@pytest.fixture
def dated(fake_collection: Collection) -> Collection:
    """The 12 sample records with the date texts of DATES (years as the catalogue reads them)."""
    catalog = fake_collection.catalog
    for identifier, text in DATES.items():
        record = catalog.get(identifier)
        catalog.upsert(dataclasses.replace(record, date_text=text, year_min=None, year_max=None))
    return fake_collection
