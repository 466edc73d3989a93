"""A bucket on the stand-in S3 server (tests/storage/conftest.py starts it)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from vitrine.storage.s3 import S3Options

_names = itertools.count()


class Bucket:
    """A fresh bucket on the stand-in server; `put` writes objects, `uri` names them."""

    def __init__(self, options: S3Options) -> None:
        import boto3

        self.name = f"museum-{next(_names)}"
        self.client: Any = boto3.client("s3", endpoint_url=options.endpoint_url, region_name="us-east-1")
        self.client.create_bucket(Bucket=self.name)

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)
        return self.uri(key)

    def put_folder(self, folder: Path, prefix: str) -> None:
        """Every file under `folder` as an object under `prefix` (relative paths kept)."""
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.put(f"{prefix}{path.relative_to(folder).as_posix()}", path.read_bytes())

    def uri(self, key: str = "") -> str:
        return f"s3://{self.name}/{key}"
