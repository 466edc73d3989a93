"""The date agent end to end: run as a job on a small collection, proposing only where it adds."""

from __future__ import annotations

import dataclasses

import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import SuggestionError
from vitrine.records import Filters
from vitrine.suggestions import review
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.run import create_job, run_agent

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
    catalog = fake_collection.catalog
    for identifier, text in DATES.items():
        record = catalog.get(identifier)
        catalog.upsert(dataclasses.replace(record, date_text=text, year_min=None, year_max=None))
    return fake_collection


def _proposed(collection: Collection) -> dict[str, object]:
    found = collection.catalog.suggestions.find(SuggestionQuery(limit=100, order="id"))
    return {s.identifier or "": s for s in found}


def test_the_agent_proposes_only_where_the_catalogue_differs_or_events_are_named(
        dated: Collection) -> None:
    job = run_agent(dated, "dates", actor="ed")
    assert job.state == "done" and job.done == 12 and job.failed == 0
    found = _proposed(dated)
    assert sorted(found) == ["r00", "r06", "r07", "r08", "r09"]
    values = {k: s.value for k, s in found.items()}  # type: ignore[attr-defined]
    assert values["r07"] == {"text": "1950-06", "edtf": "1950-06", "earliest": 1950, "latest": 1950,
                             "field": "date_text"}
    assert values["r00"]["events"] == [
        {"role": "made", "text": "1950", "edtf": "1950", "earliest": 1950, "latest": 1950},
        {"role": "cast", "text": "cast 1984", "edtf": "1984", "earliest": 1984, "latest": 1984}]
    assert (values["r08"]["earliest"], values["r08"]["latest"]) == (1846, 1846)
    assert values["r09"]["edtf"] == "195X"
    scores = {k: s.score for k, s in found.items()}  # type: ignore[attr-defined]
    assert scores["r00"] == 0.99 and scores["r06"] == 0.7
    agent = dated.catalog.suggestions.agent(found["r00"].agent_id)  # type: ignore[attr-defined]
    assert (agent.software, agent.model, agent.model_version) == ("vitrine.suggestions.dates", "rules", "1")
    assert agent.parameters == {"circa_slack": 5, "min_score": 0.0}
    assert run_agent(dated, "dates").made == 0  # the same version asks nothing twice


def test_accepting_a_date_moves_the_records_years(dated: Collection) -> None:
    catalog = dated.catalog
    run_agent(dated, "dates")
    r07 = catalog.record_id("r07")
    assert (catalog.get("r07").year_min, catalog.get("r07").year_max) == (1950, 2006)
    assert r07 in catalog.filter_record_ids(Filters(year_from=2000))
    suggestion = _proposed(dated)["r07"]
    review.decide(catalog, suggestion.id, "accept", actor="ed")  # type: ignore[attr-defined]
    record = catalog.get("r07")
    assert (record.year_min, record.year_max) == (1950, 1950)
    assert r07 not in catalog.filter_record_ids(Filters(year_from=2000))
    assertion = catalog.suggestions.assertions(r07)[-1]
    assert assertion.kind == "date" and assertion.value["edtf"] == "1950-06" and assertion.accepted_by == "ed"


def test_min_score_leaves_out_the_less_certain_and_bad_options_are_refused(dated: Collection) -> None:
    run_agent(dated, "dates", options={"min_score": 0.9})
    assert sorted(_proposed(dated)) == ["r00", "r07", "r08", "r09"]  # not "early 1780s" (0.7)
    with pytest.raises(SuggestionError, match="circa_slack"):
        create_job(dated.catalog, "dates", options={"circa_slack": -1})
    with pytest.raises(SuggestionError, match="min_score"):
        create_agent("dates", {"min_score": "high"})
