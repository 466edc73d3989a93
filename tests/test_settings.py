"""Settings reach what they configure: the Milvus token the client, the timeout the HTTP client."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from vitrine.cli._common import App
from vitrine.collection import create_collection
from vitrine.errors import IndexError_
from vitrine.settings import load_settings


@pytest.fixture
def milvus_client(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """pymilvus's client replaced by one that records how it was built, then refuses to connect."""
    pymilvus = pytest.importorskip("pymilvus")
    from pymilvus.exceptions import MilvusException

    built: list[dict[str, Any]] = []

    class Recorder:
        def __init__(self, uri: str, **options: Any) -> None:
            built.append({"uri": uri, **options})
            raise MilvusException(message="no server here")

    monkeypatch.setattr(pymilvus, "MilvusClient", Recorder)
    return built


def test_milvus_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_MILVUS__TOKEN", "root:s3cret")
    monkeypatch.setenv("VITRINE_MILVUS__URI", "milvus://db:19530")
    settings = load_settings()
    assert settings.index_options() == {"milvus": {"uri": "milvus://db:19530", "token": "root:s3cret"}}


def test_the_former_token_variable_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_MILVUS_TOKEN", "old")
    assert load_settings().milvus.token == "old"
    monkeypatch.setenv("VITRINE_MILVUS__TOKEN", "new")
    assert load_settings().milvus.token == "new"


def test_the_token_reaches_the_milvus_client(
    milvus_client: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setenv("VITRINE_MILVUS__TOKEN", "root:s3cret")
    create_collection(tmp_path / "remote", embedder="fake", index="milvus://db:19530").close()
    app = App(load_settings(), tmp_path)
    with app.open("remote") as coll, pytest.raises(IndexError_, match="connect to http://db:19530"):
        _ = coll.index
    assert [(b["uri"], b["token"]) for b in milvus_client] == [("http://db:19530", "root:s3cret")]


def test_a_plain_milvus_index_uses_the_configured_server(
    milvus_client: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setenv("VITRINE_MILVUS__URI", "https://cluster.example:443")
    create_collection(tmp_path / "plain", embedder="fake", index="milvus").close()
    with App(load_settings(), tmp_path).open("plain") as coll, pytest.raises(IndexError_):
        _ = coll.index
    assert [(b["uri"], b["token"]) for b in milvus_client] == [("https://cluster.example:443", "")]


@pytest.mark.parametrize("seconds", ["0", "-1"])
def test_the_http_timeout_must_be_positive(monkeypatch: pytest.MonkeyPatch, seconds: str) -> None:
    monkeypatch.setenv("VITRINE_HTTP_TIMEOUT_S", seconds)
    with pytest.raises(ValidationError, match="http_timeout_s"):
        load_settings()


def test_outbound_requests_reach_public_addresses_only_unless_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = load_settings().fetch_options()
    assert default.network.permits("93.184.216.34") and not default.network.permits("10.1.2.3")
    monkeypatch.setenv("VITRINE_HTTP_TIMEOUT_S", "7")
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_HOSTS", '["iiif.internal"]')
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", '["10.0.0.0/8", "fd00::/8"]')
    options = load_settings().fetch_options()
    assert options.timeout == 7
    assert options.network.permits("10.1.2.3") and options.network.permits("fd00::5")
    assert options.network.permits("192.168.0.2", host="iiif.internal")
    assert not options.network.permits("192.168.0.2") and not options.network.permits("127.0.0.1")
    assert pickle.loads(pickle.dumps(options)) == options  # as it travels to indexing workers


def test_a_malformed_allowed_network_is_refused_when_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_FETCH__ALLOW_NETWORKS", '["10.0.0.0/8", "intranet"]')
    with pytest.raises(ValidationError, match=r"allow_networks\n.*'intranet' is not an address or CIDR"):
        load_settings()
