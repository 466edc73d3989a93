"""Import + index throughput beside decode-only throughput of the same files, in one run.

    python -m vitrine.bench.pipeline [--data ../shared/data/public-art] [--embedder classic]

    python -m vitrine.bench.pipeline --folder ../shared/data/chapbooks/pages

Decode-only reads and decodes every image with the same worker processes and the same decode
call (`images.decode_for_index`, at the size the pipeline asks for); the pipeline adds hashing,
thumbnails, embedding, the index and the catalogue. The ratio says how much of the machine
the pipeline leaves to decoding.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

from vitrine import embedders, images
from vitrine.collection import create_collection
from vitrine.errors import VitrineError
from vitrine.importers.base import Source, run_import
from vitrine.importers.folder import FolderSource
from vitrine.importers.mapping import ColumnMapping
from vitrine.importers.tabular import TabularSource
from vitrine.indexing import index_collection

PUBLIC_ART_MAP = "identifier=id,title=title,creators=artist,date_text=date,medium=medium,image=file"
_embed_size = 0
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".webp", ".bmp"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--folder", type=Path, help="import this folder of images instead of a CSV")
    parser.add_argument("--embedder", default="classic")
    parser.add_argument("--index", default="faiss")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows (0: all)")
    args = parser.parse_args(argv)
    csv_path = args.data / "records.csv"
    if args.folder is None and not csv_path.is_file():
        print(f"no records.csv under {args.data}: pass --data or --folder", file=sys.stderr)
        return 2
    embedder = embedders.create(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        if args.folder is not None:
            source: Source = FolderSource(args.folder)
            files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)
        else:
            source_csv = _limited(csv_path, args.limit, Path(tmp)) if args.limit else csv_path
            source = TabularSource(source_csv, ColumnMapping.parse(PUBLIC_ART_MAP, image_base=args.data))
            files = _image_files(source_csv, args.data)
        decode_s = _decode_only(files, embedder.input_size, args.workers)
        collection = create_collection(Path(tmp) / "bench", embedder=args.embedder, index=args.index)
        started = time.perf_counter()
        imported = run_import(collection, source)
        import_s = time.perf_counter() - started
        report = index_collection(collection, workers=args.workers)
        total_s = time.perf_counter() - started
        collection.close()
    n = len(files)
    print(f"images: {n}  workers: {args.workers}  embedder: {embedder.key}  index: {args.index}")
    print(f"{'stage':<34}{'seconds':>9}{'images/s':>11}")
    print(f"{'decode only (same files, workers)':<34}{decode_s:>9.2f}{n / decode_s:>11.1f}")
    print(f"{'import (catalogue rows only)':<34}{import_s:>9.2f}{imported.total / import_s:>11.1f}")
    print(f"{'index (read, hash, thumb, embed)':<34}{report.seconds:>9.2f}{report.rate:>11.1f}")
    print(f"{'import + index':<34}{total_s:>9.2f}{report.embedded / total_s:>11.1f}")
    print(f"pipeline / decode-only throughput: {decode_s / total_s:.2f}"
          f"  (failed images: {report.failed})")
    return 0


def _default_data() -> Path:
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "public-art"


def _limited(csv_path: Path, limit: int, tmp: Path) -> Path:
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp / "records.csv"
    out.write_text("".join(lines[: limit + 1]), encoding="utf-8")
    return out


def _image_files(csv_path: Path, base: Path) -> list[Path]:
    import csv

    with csv_path.open(newline="", encoding="utf-8") as fh:
        return [base / row["file"] for row in csv.DictReader(fh) if row.get("file")]


def _decode_only(files: list[Path], embed_size: int, workers: int) -> float:
    global _embed_size
    _embed_size = embed_size
    started = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool:
        for _ in pool.imap_unordered(_decode_one, files, chunksize=32):
            pass
    return time.perf_counter() - started


def _decode_one(path: Path) -> None:
    # A bad file costs the same in both measurements; its error is not the point here.
    with contextlib.suppress(VitrineError, OSError):
        images.decode_for_index(path.read_bytes(), str(path), embed_size=_embed_size)


if __name__ == "__main__":
    raise SystemExit(main())
