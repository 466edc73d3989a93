"""A stand-in S3 for the object-storage tests: moto's ThreadedMotoServer on 127.0.0.1, no network.

`s3_endpoint` starts one server for the session's storage tests; `s3` gives `S3Options` pointing at
it, with fake credentials in the environment (and ~/.aws, the instance metadata service and any
endpoint variables of the machine kept out). `Bucket` makes a fresh bucket and puts objects in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.storage.s3 import S3Options

try:
    from tests.storage.s3stand import Bucket
except ModuleNotFoundError:
    from storage.s3stand import Bucket  # type: ignore[no-redef]

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret",
                    "AWS_DEFAULT_REGION": "us-east-1"}
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_CA_BUNDLE")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    pytest.importorskip("boto3", reason="the s3 extra is not installed: pip install 'vitrine[s3]'")
    pytest.importorskip("moto.server", reason="moto[server] (the dev extra) is not installed")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Fake credentials in the environment; nothing of this machine's AWS set-up is read."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**FAKE_CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials")}.items():
        monkeypatch.setenv(name, value)
    return FAKE_CREDENTIALS


@pytest.fixture
def s3(s3_endpoint: str, aws_env: dict[str, str]) -> S3Options:
    return S3Options(endpoint_url=s3_endpoint, addressing_style="path", attempts=2, timeout=10)


@pytest.fixture
def bucket(s3: S3Options) -> Bucket:
    return Bucket(s3)
