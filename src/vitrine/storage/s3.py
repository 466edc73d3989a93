"""Object storage: `s3://bucket/key` read and listed through boto3 (AWS S3, MinIO, Ceph, any S3 API).

boto3 is the `s3` extra (`pip install 'vitrine[s3]'`), imported on the first s3:// read; without it
that read fails with a FetchError saying which extra to install. Credentials come from boto3's
standard chain only (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE,
~/.aws, web identity, an instance or task role): vitrine has no setting for a secret, keeps none
and logs none. `S3Options` (from `Settings.s3_options()`, VITRINE_S3__...) says where the endpoint
is (MinIO, Ceph...), the region, the profile, which buckets may be read, timeouts and attempts. It is
picklable, so worker processes and Ray tasks read with the driver's options (and their own
machine's credentials). Transient failures (throttling, 5xx, timeouts, dropped connections) are
retried by botocore's "standard" retry mode; a body cut short is fetched again. Every failure is a
FetchError naming the URI: missing object or bucket, access denied, refused credentials, too large.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vitrine.errors import FetchError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'vitrine[s3]'"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class S3Options:
    """How s3:// locations are reached; no secrets (those come from the AWS credential chain)."""

    endpoint_url: str = ""  # "": AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself
    region: str = ""  # "": AWS_REGION / AWS_DEFAULT_REGION / the profile's
    profile: str = ""  # "": AWS_PROFILE, else the default credential chain
    addressing_style: str = "auto"  # "path" for most MinIO / Ceph set-ups without wildcard DNS
    buckets: tuple[str, ...] = ()  # the only buckets that may be read; (): any the credentials reach
    timeout: float = 30.0  # seconds to connect, and to wait for each read
    attempts: int = 5  # tries per request (botocore's standard retry mode)
    page_size: int = 1000  # keys per listing request (S3's maximum)


@dataclass(frozen=True)
class ObjectInfo:
    """One object of a listing."""

    key: str
    size: int


def parse_uri(uri: str, *, key_required: bool = True) -> tuple[str, str]:
    """(bucket, key) of an s3:// URI; FetchError when it is not one."""
    head, sep, rest = uri.partition("://")
    if head.lower() != "s3" or not sep:
        raise FetchError(uri, "not an s3:// URI")
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise FetchError(uri, "no bucket name (write s3://bucket/key)")
    if key_required and not key:
        raise FetchError(uri, "no object key (write s3://bucket/key)")
    return bucket, key


def read_object(uri: str, options: S3Options, *, max_bytes: int) -> bytes:
    """The object's bytes, refused above `max_bytes` (before its body is read when its size says so)."""
    bucket, key = parse_uri(uri)
    _check_bucket(uri, bucket, options)
    client = _client(uri, options)
    errors = _errors()
    for attempt in range(1, max(1, options.attempts) + 1):
        try:
            response = client.get_object(Bucket=bucket, Key=key)
            return _read_body(uri, response, max_bytes)
        except errors.ClientError as exc:
            raise FetchError(uri, client_reason(exc, bucket)) from None
        except errors.stream_errors as exc:  # the body was cut short: botocore retries requests only
            if attempt >= options.attempts:
                raise FetchError(uri, f"the body was cut short ({exc}; {attempt} attempts)") from None
            log.info("reading %s was cut short (%s); attempt %d of %d", uri, exc, attempt + 1,
                     options.attempts)
        except errors.BotoCoreError as exc:
            raise FetchError(uri, botocore_reason(exc)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def list_objects(uri: str, options: S3Options) -> Iterator[ObjectInfo]:
    """Every object whose key starts with the URI's key (a prefix), in key order, page by page."""
    bucket, prefix = parse_uri(uri, key_required=False)
    _check_bucket(uri, bucket, options)
    client = _client(uri, options)
    errors = _errors()
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": options.page_size})
    try:
        for page in pages:
            for item in page.get("Contents", ()):
                yield ObjectInfo(str(item["Key"]), int(item.get("Size", 0)))
    except errors.ClientError as exc:
        raise FetchError(uri, client_reason(exc, bucket)) from None
    except errors.BotoCoreError as exc:
        raise FetchError(uri, botocore_reason(exc)) from None


def _read_body(uri: str, response: dict[str, Any], max_bytes: int) -> bytes:
    body = response["Body"]
    try:
        length = response.get("ContentLength")
        if isinstance(length, int) and length > max_bytes:
            raise FetchError(uri, f"{length:,} bytes is more than the {max_bytes:,} allowed")
        chunks: list[bytes] = []
        size = 0
        for chunk in iter(lambda: body.read(_CHUNK), b""):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(uri, f"more than the {max_bytes:,} bytes allowed")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        body.close()


def client_reason(exc: Any, bucket: str) -> str:
    """What an S3 error answer means, in words (never the request's signature or credentials)."""
    error = exc.response.get("Error", {})
    meta = exc.response.get("ResponseMetadata", {})
    code, status = str(error.get("Code", "")), meta.get("HTTPStatusCode")
    retried = meta.get("RetryAttempts", 0)
    after = f" (after {retried + 1} attempts)" if retried else ""
    if code in ("NoSuchKey", "404", "NotFound"):
        return "no such object"
    if code == "NoSuchBucket":
        return f"no such bucket {bucket!r}"
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        return (f"access denied to bucket {bucket!r}: the credentials vitrine found (AWS_PROFILE, "
                "AWS_ACCESS_KEY_ID..., ~/.aws, an instance role) may not read it")
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
        return f"the storage service refused the credentials ({code})"
    message = str(error.get("Message", "")).strip()
    return f"{code or 'error'}{f' {message}' if message else ''} (HTTP {status}){after}"


def botocore_reason(exc: Exception) -> str:
    """A client-side failure (no credentials, no connection, unknown profile), in words."""
    name = type(exc).__name__
    if name == "NoCredentialsError":
        return ("no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
                "or run where an instance role applies")
    return f"{name}: {exc}"


def _check_bucket(uri: str, bucket: str, options: S3Options) -> None:
    if options.buckets and bucket not in options.buckets:
        raise FetchError(uri, f"bucket {bucket!r} is not one vitrine may read "
                              f"(VITRINE_S3__BUCKETS allows {', '.join(options.buckets)})")


@dataclass(frozen=True)
class _Errors:
    ClientError: type[Exception]
    BotoCoreError: type[Exception]
    stream_errors: tuple[type[Exception], ...]


def _errors() -> _Errors:
    from botocore import exceptions as e

    stream = (e.ResponseStreamingError, e.IncompleteReadError, e.ReadTimeoutError, e.ConnectionClosedError)
    return _Errors(e.ClientError, e.BotoCoreError, stream)


_clients: dict[tuple[int, S3Options], Any] = {}
_lock = threading.Lock()


def _client(uri: str, options: S3Options) -> Any:
    """One boto3 client per process and options (a forked child makes its own: sockets are not shared)."""
    key = (os.getpid(), options)
    with _lock:
        if key not in _clients:
            _clients[key] = _new_client(uri, options)
        return _clients[key]


def _new_client(uri: str, options: S3Options) -> Any:
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError
    except ImportError:
        raise FetchError(uri, f"reading s3:// locations needs boto3: {INSTALL_HINT}") from None
    config = Config(
        retries={"total_max_attempts": options.attempts, "mode": "standard"}, connect_timeout=options.timeout,
        read_timeout=options.timeout, s3={"addressing_style": options.addressing_style},
        user_agent_extra="vitrine")
    try:
        session = boto3.session.Session(profile_name=options.profile or None)
        return session.client("s3", endpoint_url=options.endpoint_url or None,
                              region_name=options.region or None, config=config)
    except (BotoCoreError, ValueError) as exc:
        raise FetchError(uri, f"cannot set up the S3 client: {botocore_reason(exc)}") from None
