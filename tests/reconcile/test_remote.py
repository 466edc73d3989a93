"""A remote reconciliation service (a local stand-in): batches, the rate, retries, bad answers,
and the authority agent's jobs resuming where a failing service stopped them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vitrine import fetch
from vitrine.bench.reconcile_standin import StandIn
from vitrine.errors import FetchError, SuggestionError
from vitrine.fetch import FetchOptions
from vitrine.netguard import NetworkPolicy
from vitrine.reconcile.authority import Authority, load_authority
from vitrine.reconcile.remote import RemoteService
from vitrine.suggestions.run import run_agent

from .test_reconcile import HEADER, ROWS

LOOPBACK = FetchOptions(timeout=2.0, network=NetworkPolicy.from_lists(networks=["127.0.0.0/8"]))


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    path = tmp_path / "constituents.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return load_authority(path)


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The pauses asked for (backoff, Retry-After, the rate), not slept."""
    asked: list[float] = []
    monkeypatch.setattr(fetch, "sleep", asked.append)
    yield asked


def service(standin: StandIn, **kw: Any) -> RemoteService:
    return RemoteService(standin.url, LOOPBACK, **{"backoff": 0.01, **kw})


def test_batches_follow_the_batch_size_and_the_rate(authority: Authority, pauses: list[float]) -> None:
    with StandIn(authority, batch_size=4) as standin:
        remote = service(standin, batch_size=10, min_interval=5.0)
        queries = {f"q{i}": {"query": name} for i, name in enumerate(["Anna Painter", "Bruno Engraver"] * 5)}
        answers = remote.reconcile(queries)
    assert standin.batches == [4, 4, 2]  # the manifest's batchSize wins over ours
    assert answers["q0"][0].name == "Painter, Anna" and answers["q1"][0].name == "Engraver, Bruno"
    assert answers["q0"][0].uri == "https://authority.example/entity/1"
    assert len([p for p in pauses if p > 4]) == 3  # one pause before each request after the first


def test_busy_and_down_answers_are_retried_with_backoff(authority: Authority, pauses: list[float]) -> None:
    with StandIn(authority, plan=["ok", "busy", "down", "ok"]) as standin:
        answers = service(standin, min_interval=0).reconcile({"a": {"query": "Anna Painter"}})
    assert answers["a"] and standin.requests == 4 and standin.batches == [1]
    with StandIn(authority, plan=["ok"] + ["down"] * 10) as standin, pytest.raises(FetchError, match="503"):
        service(standin, min_interval=0, attempts=3).reconcile({"a": {"query": "Anna"}})


def test_nonsense_is_retried_then_reported(authority: Authority, pauses: list[float]) -> None:
    with StandIn(authority, plan=["ok", "nonsense", "ok"]) as standin:
        assert service(standin, min_interval=0).reconcile({"a": {"query": "Anna Painter"}})["a"]
    with StandIn(authority, plan=["ok"] + ["nonsense"] * 5) as standin, \
            pytest.raises(FetchError, match="answered nonsense"):
        service(standin, min_interval=0, attempts=3).reconcile({"a": {"query": "Anna"}})
    with StandIn(authority, plan=["nonsense"]) as standin, pytest.raises(FetchError, match="manifest"):
        service(standin).describe()


def test_a_slow_service_times_out_and_is_reported(authority: Authority, pauses: list[float]) -> None:
    quick = FetchOptions(timeout=0.2, network=LOOPBACK.network)
    with StandIn(authority, plan=["ok", "slow", "slow", "slow"], delay=1.0) as standin, \
            pytest.raises(FetchError, match="timed out"):
        RemoteService(standin.url, quick, attempts=2, backoff=0.01).reconcile({"a": {"query": "Anna"}})


def test_nothing_returned_is_trusted_as_html_or_a_path(authority: Authority, pauses: list[float]) -> None:
    with StandIn(authority, plan=["ok", "evil"]) as standin:
        found = service(standin).reconcile({"a": {"query": "Anna"}})["a"]
    assert [c.id for c in found] == ["Q42"]  # "../../etc/passwd" and "file:/etc/hosts" are dropped
    assert found[0].name == "alert(1)Anna Painter" and "<" not in found[0].description
    assert found[0].uri == "https://authority.example/entity/Q42" and found[0].types == ("human",)


def test_loopback_is_refused_unless_allowed(authority: Authority) -> None:
    with StandIn(authority) as standin, pytest.raises(FetchError, match="not a public address"):
        RemoteService(standin.url).describe()


def test_the_agent_links_makers_from_a_local_file(fake_collection: Any, tmp_path: Path) -> None:
    path = fake_collection.root / "constituents.csv"  # inside the collection: agents may read it
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    job = run_agent(fake_collection, "authority", options={"authority": str(path)})
    assert job.state == "done" and job.made > 0
    from vitrine.catalog.suggestions import SuggestionQuery

    links = fake_collection.catalog.suggestions.find(SuggestionQuery(kinds=("link",), limit=100))
    anna = [s for s in links if s.value["text"] == "Anna Painter"]
    assert anna and anna[0].value["uri"] == "https://www.nga.gov/collection/artist-info.1.html"
    features = {f["id"]: f["value"] for f in anna[0].value["features"]}
    assert features["name_exact"] is True and "work_in_life" in features
    assert anna[0].value["same_as"][0].startswith("http://vocab.getty.edu/ulan/")
    assert isinstance(anna[0].value["match"], bool) and anna[0].probability == anna[0].score


def test_the_agent_resumes_after_a_failing_service(
        fake_collection: Any, authority: Authority, pauses: list[float], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", '["127.0.0.0/8"]')
    options = {"service": "", "batch_size": 2, "min_interval": 0, "max_failures": 2}
    with StandIn(authority, plan=["ok", "ok"] + ["down"] * 200) as standin:
        options["service"] = standin.url
        first = run_agent(fake_collection, "authority", options=options)
    assert first.state == "done" and 0 < first.failed < 12 and first.made > 0
    errors = fake_collection.catalog.jobs.errors(first.id)
    assert all("run the job again" in str(e) for e in errors) and len(errors) == first.failed
    assert standin.requests < 2 + 4 * 2 + 1  # two failed batches of 4 attempts, then no more asking
    with StandIn(authority) as healthy:
        options["service"] = standin.url.replace(standin.url, healthy.url)
        monkeypatch.setattr("vitrine.reconcile.agent.AuthorityAgent.info", _same_version(standin.url))
        second = run_agent(fake_collection, "authority", options=options)
    assert second.state == "done" and second.failed == 0
    # only the records the failing service left are looked at again: one maker, one link each
    assert second.made == first.failed and healthy.requests == 2  # the manifest, one batch


def _same_version(url: str) -> Any:
    """The agent's version as it was with the first service's URL (a restarted service, same address)."""
    from vitrine.reconcile.agent import AuthorityAgent
    original = AuthorityAgent.info

    def info(self: AuthorityAgent) -> Any:
        kept, self.service = self.service, url
        try:
            return original(self)
        finally:
            self.service = kept
    return info


def test_places_and_subjects_come_from_any_text_field(authority: Authority, pauses: list[float],
                                                      fake_collection: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.reconcile.agent import AuthorityAgent, texts_of
    from vitrine.records import Record

    record = Record("x", creators=[" Anna ", "Anna"], medium="oil; canvas ;",
                    extra={"place": ["Delft", "Leiden"]})
    assert texts_of(record, "creators") == ["Anna"] and texts_of(record, "medium") == ["oil", "canvas"]
    assert texts_of(record, "extra.place") == ["Delft", "Leiden"] and texts_of(record, "extra.none") == []
    with pytest.raises(SuggestionError, match="field is one of"):
        AuthorityAgent(service="https://x.example/api", field="secret")
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", '["127.0.0.0/8"]')
    with StandIn(authority) as standin:
        job = run_agent(fake_collection, "authority",
                        options={"service": standin.url, "field": "extra.museum", "min_interval": 0})
    assert job.state == "done" and job.failed == 0 and sum(standin.batches) == 2  # "North", "South"
