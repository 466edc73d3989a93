"""Indexing images read from object storage (s3://) beside the same images read from local files.

    vitrine bench storage [--data ../shared/data/public-art] [--limit 300] [--workers 2] [--side 2000]
                          [--endpoint URL]

The first N public-art images are copied into a folder (or, with --side, enlarged to that many
pixels on the long side and saved as JPEG quality 90: masters' sizes) and put into a bucket. One collection is
imported from the folder (`FolderSource`), one from the bucket (`BucketSource`, listing included),
and each is indexed from scratch with the same embedder and workers: images/s of `index_collection`
for both, the vectors checked equal. Without --endpoint the bucket lives on moto's stand-in server
(`moto[server]`, the dev extra) on 127.0.0.1 with fake credentials: it measures vitrine's and
boto3's cost per object, not a real service's latency. With --endpoint (MinIO, Ceph...) the
credentials come from the AWS chain as for `vitrine index`. Each engine runs once unreported first.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from vitrine.bench.output import check_public_art
from vitrine.bench.pipeline import _default_data, _image_files, _limited
from vitrine.collection import create_collection
from vitrine.importers.base import Source, run_import
from vitrine.importers.bucket import BucketSource
from vitrine.importers.folder import FolderSource
from vitrine.indexing import index_collection
from vitrine.storage.s3 import S3Options

_BUCKET = "vitrine-bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench storage", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--limit", type=int, default=300, help="the first N public-art images")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--embedder", default="classic")
    parser.add_argument("--side", type=int, default=0, help="enlarge to this long side (0: as they are)")
    parser.add_argument("--endpoint", default="", help="an S3-compatible service; default: a moto stand-in")
    args = parser.parse_args(argv)
    check_public_art(parser, args.data)
    try:
        import boto3  # noqa: F401
    except ImportError:
        from vitrine.storage.s3 import INSTALL_HINT

        print(f"this benchmark needs boto3: {INSTALL_HINT}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp_name, _endpoint(args.endpoint) as endpoint:
        tmp = Path(tmp_name)
        folder = _folder(args.data, args.limit, tmp, args.side)
        options = S3Options(endpoint_url=endpoint, addressing_style="path")
        nbytes = _upload(folder, options)
        print(f"images: {args.limit} ({nbytes / 1e6:.1f} MB)  embedder: {args.embedder}  "
              f"workers: {args.workers}  endpoint: {'moto stand-in' if not args.endpoint else endpoint}")
        _per_object(folder, options, tmp)
        print(f"{'source':<16}{'import s':>10}{'index s':>10}{'images/s':>10}{'vs files':>10}")
        sources: dict[str, Callable[[], Source]] = {
            "local files": lambda: FolderSource(folder),
            "s3 (boto3)": lambda: BucketSource(f"s3://{_BUCKET}/", s3=options)}
        results: dict[str, tuple[float, float, dict[str, Any]]] = {}
        for name, source in sources.items():
            _run(tmp / "warm", source(), args, options)  # unreported: page cache, first client
            results[name] = _run(tmp / name.split()[0], source(), args, options)
        base = results["local files"][1]
        for name, (imported, indexed, _) in results.items():
            print(f"{name:<16}{imported:>10.2f}{indexed:>10.2f}{args.limit / indexed:>10.1f}"
                  f"{base / indexed:>10.2f}")
        files, bucket = results["local files"][2], results["s3 (boto3)"][2]
        same = files.keys() == bucket.keys() and all(np.array_equal(v, bucket[k]) for k, v in files.items())
        print(f"vectors equal: {same}")
    return 0 if same else 1


def _folder(data: Path, limit: int, tmp: Path, side: int) -> Path:
    from PIL import Image

    folder = tmp / "images"
    folder.mkdir()
    csv_path = _limited(data / "records.csv", limit, tmp)
    for path in _image_files(csv_path, data):
        if not side:
            shutil.copyfile(path, folder / path.name)
            continue
        with Image.open(path) as image:
            scale = side / max(image.size)
            size = (round(image.width * scale), round(image.height * scale))
            image.convert("RGB").resize(size, Image.Resampling.BICUBIC).save(
                folder / f"{path.stem}.jpg", quality=90)
    return folder


def _upload(folder: Path, options: S3Options) -> int:
    import boto3

    client = boto3.client("s3", endpoint_url=options.endpoint_url or None)
    client.create_bucket(Bucket=_BUCKET)
    total = 0
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        client.put_object(Bucket=_BUCKET, Key=path.name, Body=data)
        total += len(data)
    return total


def _per_object(folder: Path, options: S3Options, tmp: Path) -> None:
    """In this process, one at a time: a GET through the seam, and the cached copy's atomic write."""
    from vitrine.fsutil import write_atomic
    from vitrine.storage import MAX_BYTES
    from vitrine.storage.s3 import read_object

    names = sorted(p.name for p in folder.iterdir())
    read_object(f"s3://{_BUCKET}/{names[0]}", options, max_bytes=MAX_BYTES)  # the client, once
    started = time.perf_counter()
    blobs = [read_object(f"s3://{_BUCKET}/{n}", options, max_bytes=MAX_BYTES) for n in names]
    got = time.perf_counter() - started
    (tmp / "copies").mkdir()
    started = time.perf_counter()
    for name, blob in zip(names, blobs, strict=True):
        write_atomic(tmp / "copies" / name, blob)
    wrote = time.perf_counter() - started
    print(f"per object, one process: GET {got / len(names) * 1000:.1f} ms, "
          f"cached copy written {wrote / len(names) * 1000:.1f} ms")


def _run(root: Path, source: Source, args: Any, options: S3Options) -> tuple[float, float, dict[str, Any]]:
    if root.exists():
        shutil.rmtree(root)
    collection = create_collection(root, embedder=args.embedder, index="faiss")
    started = time.perf_counter()
    run_import(collection, source)
    imported = time.perf_counter() - started
    report = index_collection(collection, workers=args.workers, s3=options)
    assert report.failed == 0, report.errors
    ids = collection.index.ids()
    images = collection.catalog.images_by_id(ids.tolist())
    vectors = {images[int(i)].identifier: v for i, v in zip(ids, collection.index.get(ids), strict=True)}
    collection.close()
    return imported, report.seconds, vectors


@contextmanager
def _endpoint(given: str) -> Iterator[str]:
    """The service to use: the one given, or a moto server on 127.0.0.1 with fake credentials."""
    if given:
        yield given
        return
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise SystemExit("without --endpoint this benchmark needs moto[server] (the dev extra)") from None
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}.items():
        os.environ[name] = value
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
