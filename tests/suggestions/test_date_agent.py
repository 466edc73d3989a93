"""The date agent end to end: run as a job on a small collection, proposing only where it adds."""

from __future__ import annotations

import pytest

from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import SuggestionError
from vitrine.records import Filters
from vitrine.suggestions import review
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.dates import should_propose
from vitrine.suggestions.datetext import read_date
from vitrine.suggestions.run import create_job, run_agent


def _proposed(collection: Collection) -> dict[str, Suggestion]:
    found = collection.catalog.suggestions.find(SuggestionQuery(limit=100, order="id"))
    return {s.identifier or "": s for s in found}


def test_the_agent_proposes_only_where_the_catalogue_differs_or_events_are_named(
        dated: Collection) -> None:
    job = run_agent(dated, "dates", actor="ed")
    assert job.state == "done" and job.done == 12 and job.failed == 0
    found = _proposed(dated)
    assert sorted(found) == ["r00", "r06", "r07", "r08", "r09"]
    values = {k: s.value for k, s in found.items()}
    assert values["r07"] == {"text": "1950-06", "edtf": "1950-06", "earliest": 1950, "latest": 1950,
                             "field": "date_text"}
    assert values["r00"]["events"] == [
        {"role": "made", "text": "1950", "edtf": "1950", "earliest": 1950, "latest": 1950},
        {"role": "cast", "text": "cast 1984", "edtf": "1984", "earliest": 1984, "latest": 1984}]
    assert (values["r08"]["earliest"], values["r08"]["latest"]) == (1846, 1846)
    assert values["r09"]["edtf"] == "195X"
    scores = {k: s.score for k, s in found.items()}
    assert scores["r00"] == 0.99 and scores["r06"] == 0.7
    agent = dated.catalog.suggestions.agent(found["r00"].agent_id)
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
    review.decide(catalog, suggestion.id, "accept", actor="ed")
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


def test_when_to_propose_no_years_other_years_or_events_but_never_an_open_date() -> None:
    year, century = read_date("1950"), read_date("18th century")
    assert year is not None and century is not None
    assert should_propose(year, None, None)  # the catalogue holds no years
    assert should_propose(year, 1950, 2006) and not should_propose(year, 1950, 1950)
    assert not should_propose(century, 1701, 1800)  # the catalogue's strict century: the same century
    assert not should_propose(century, 1700, 1799) and should_propose(century, 1701, 1799)
    cast, open_date = read_date("1950, cast 1984"), read_date("before 1877")
    assert cast is not None and should_propose(cast, 1950, 1950)  # events kept apart
    assert open_date is not None and not should_propose(open_date, None, None)  # a value needs both years
