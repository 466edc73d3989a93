"""Reading s3:// locations through the storage seam, against a stand-in S3 (moto) and a scripted one."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from vitrine import storage
from vitrine.errors import FetchError, ImageError
from vitrine.settings import load_settings
from vitrine.storage import s3 as s3_module
from vitrine.storage.s3 import S3Options, list_objects, parse_uri, read_object

try:
    from tests.httpserver import LocalHTTPServer
    from tests.storage.s3stand import Bucket
except ModuleNotFoundError:
    from httpserver import LocalHTTPServer  # type: ignore[no-redef]
    from storage.s3stand import Bucket  # type: ignore[no-redef]

pytest.importorskip("boto3", reason="the s3 extra is not installed: pip install 'vitrine[s3]'")


def test_an_object_reads_back_through_the_seam(bucket: Bucket, s3: S3Options) -> None:
    uri = bucket.put("prints/0001.jpg", b"\xff\xd8 pretend jpeg")
    assert storage.read_bytes(uri, s3=s3) == b"\xff\xd8 pretend jpeg"
    assert storage.scheme(uri) == "s3" and storage.is_remote(uri) and not storage.is_local(uri)


def test_missing_objects_and_buckets_are_named(bucket: Bucket, s3: S3Options) -> None:
    with pytest.raises(FetchError) as missing:
        read_object(bucket.uri("nothing/here.jpg"), s3, max_bytes=1000)
    assert missing.value.reason == "no such object"
    assert str(missing.value).startswith(bucket.uri("nothing/here.jpg"))
    with pytest.raises(FetchError, match="no such bucket 'no-such-bucket'"):
        read_object("s3://no-such-bucket/a.jpg", s3, max_bytes=1000)
    with pytest.raises(FetchError, match="no such bucket"):
        list(list_objects("s3://no-such-bucket/", s3))


def test_an_object_over_the_byte_limit_is_refused_before_its_body(bucket: Bucket, s3: S3Options) -> None:
    uri = bucket.put("big.tif", b"x" * 5000)
    with pytest.raises(FetchError, match="5,000 bytes is more than the 4,096 allowed"):
        read_object(uri, s3, max_bytes=4096)
    assert len(read_object(uri, s3, max_bytes=5000)) == 5000


def test_only_the_allowed_buckets_are_read(bucket: Bucket, s3: S3Options) -> None:
    uri = bucket.put("a.jpg", b"abc")
    with pytest.raises(FetchError, match="is not one vitrine may read"):
        read_object(uri, S3Options(**{**s3.__dict__, "buckets": ("other",)}), max_bytes=100)
    assert read_object(uri, S3Options(**{**s3.__dict__, "buckets": (bucket.name,)}), max_bytes=100) == b"abc"


def test_listing_is_paginated(bucket: Bucket, s3: S3Options) -> None:
    for i in range(7):
        bucket.put(f"scans/{i:03d}.png", bytes([i]))
    bucket.put("elsewhere/x.png", b"x")
    small = S3Options(**{**s3.__dict__, "page_size": 3})
    client = s3_module._client(bucket.uri(), small)
    calls: list[Any] = []
    client.meta.events.register("before-call.s3.ListObjectsV2", lambda **kw: calls.append(kw))
    found = list(list_objects(bucket.uri("scans/"), small))
    assert [o.key for o in found] == [f"scans/{i:03d}.png" for i in range(7)]
    assert [o.size for o in found] == [1] * 7
    assert len(calls) == 3  # 3 + 3 + 1 keys


def test_no_credentials_say_where_they_are_looked_for(
    bucket: Bucket, s3: S3Options, monkeypatch: pytest.MonkeyPatch,
) -> None:
    uri = bucket.put("a.jpg", b"abc")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    fresh = S3Options(**{**s3.__dict__, "attempts": 1})  # another client: credentials are looked up again
    with pytest.raises(FetchError, match="no credentials found: set AWS_ACCESS_KEY_ID"):
        read_object(uri, fresh, max_bytes=100)


_DENIED = (403, "application/xml", "<?xml version='1.0'?><Error><Code>AccessDenied</Code>"
           "<Message>Access Denied</Message></Error>")
_SLOW_DOWN = (503, "application/xml", "<?xml version='1.0'?><Error><Code>SlowDown</Code>"
              "<Message>Please reduce your request rate.</Message></Error>")


def _scripted(server: LocalHTTPServer, attempts: int = 3) -> S3Options:
    """Options for a scripted S3 (path-style: GET /bucket/key), fake credentials in the environment."""
    return S3Options(endpoint_url=server.base_url, addressing_style="path", attempts=attempts, timeout=5)


def test_access_denied_names_the_bucket_and_the_credential_chain(
    http_server: Any, aws_env: dict[str, str],
) -> None:
    server = http_server(routes={"/closed/a.jpg": _DENIED})
    with pytest.raises(FetchError) as denied:
        read_object("s3://closed/a.jpg", _scripted(server), max_bytes=100)
    assert denied.value.url == "s3://closed/a.jpg"
    assert denied.value.reason.startswith("access denied to bucket 'closed'")
    assert "testing-secret" not in str(denied.value)  # never the secret


def test_throttling_is_retried_then_given_up(http_server: Any, aws_env: dict[str, str]) -> None:
    server = http_server(routes={"/b/a.jpg": [_SLOW_DOWN, (200, "image/jpeg", b"pixels")],
                                 "/b/never.jpg": _SLOW_DOWN})
    assert read_object("s3://b/a.jpg", _scripted(server), max_bytes=100) == b"pixels"
    assert server.requests.count("/b/a.jpg") == 2
    with pytest.raises(FetchError, match=r"SlowDown .*\(HTTP 503\) \(after 2 attempts\)"):
        read_object("s3://b/never.jpg", _scripted(server, attempts=2), max_bytes=100)
    assert server.requests.count("/b/never.jpg") == 2


def test_without_boto3_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if the s3 extra were not installed
    with pytest.raises(FetchError, match=r"needs boto3: pip install 'vitrine\[s3\]'"):
        storage.read_bytes("s3://b/a.jpg", s3=S3Options(endpoint_url="http://127.0.0.1:9", attempts=1))


def test_bad_uris_and_unknown_schemes() -> None:
    assert parse_uri("s3://b/k/e y.jpg") == ("b", "k/e y.jpg")
    with pytest.raises(FetchError, match="no object key"):
        parse_uri("s3://bucket")
    with pytest.raises(FetchError, match="no bucket name"):
        parse_uri("s3:///key")
    with pytest.raises(FetchError, match="cannot read gs:// locations"):
        storage.read_bytes("gs://bucket/key")
    with pytest.raises(ImageError, match="cannot read the file"):
        storage.read_bytes("/no/such/file.jpg")


def test_settings_give_the_options_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_S3__ENDPOINT_URL", "http://minio.internal:9000")
    monkeypatch.setenv("VITRINE_S3__ADDRESSING_STYLE", "path")
    monkeypatch.setenv("VITRINE_S3__BUCKETS", '["masters"]')
    monkeypatch.setenv("VITRINE_HTTP_TIMEOUT_S", "12")
    options = load_settings().s3_options()
    assert options == S3Options(endpoint_url="http://minio.internal:9000", addressing_style="path",
                                buckets=("masters",), timeout=12.0)
    monkeypatch.delenv("VITRINE_S3__ENDPOINT_URL")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://ceph.internal")  # carried to Ray tasks elsewhere
    assert load_settings().s3_options().endpoint_url == "http://ceph.internal"


def test_s3_is_never_read_without_the_settings_and_agents_on_ray_carry_them(tmp_path: Any) -> None:
    """A reader given no object-storage settings refuses (boto3's bare defaults would skip the bucket
    allow-list and the endpoint), and a suggestion stage reads with the driver's settings."""
    from vitrine.records import StoredImage
    from vitrine.suggestions.agents import Item
    from vitrine.suggestions.stage import SuggestStage

    with pytest.raises(FetchError, match="no object-storage settings"):
        storage.read_bytes("s3://museum/a.jpg")
    image = StoredImage(id=1, record_id=1, identifier="r1", location="s3://hr-private/x.jpg", local_path=None,
                        width=None, height=None, sha256=None)
    item = Item(record_id=1, record=None, basis="", image=image, image_path=None)  # type: ignore[arg-type]
    stage = SuggestStage("fake", {}, str(tmp_path), "key", s3=S3Options(buckets=("museum",)))
    with pytest.raises(FetchError, match=r"hr-private.*VITRINE_S3__BUCKETS allows museum"):
        stage._reach(item)
