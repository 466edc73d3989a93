"""CLIP image-embedding throughput: the whole indexing pipeline beside the bare model forward.

    python -m vitrine.bench.clip [--model ViT-B-32] [--batch 32] [--images 512] [--precision fp32|bf16]

Uses seeded random weights (same architecture and cost as the real ones; no download) and the
public-art JPEGs in ../shared/data/public-art. "pipeline" is `index_collection` on a temporary
collection (read, hash, decode, thumbnail, preprocess, embed, add to a memory index);
"bare forward" is the image tower alone on ready-made pixel tensors of the same batch size.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from vitrine.embedders.clip import ClipEmbedder

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "public-art"


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    options = {"model": args.model, "precision": args.precision, "batch_size": args.batch,
               "random_weights": True}
    files = _image_files(Path(args.data), args.images)
    print(f"{args.model} {args.precision}, batch {args.batch}, {len(files)} images from {args.data}")
    bare = bare_forward_rate(ClipEmbedder(**options), args.batch, len(files))
    print(f"bare forward:   {bare:7.1f} images/s  (pre-made tensors)")
    piped = pipeline_rate(options, files, args.workers)
    print(f"pipeline:       {piped:7.1f} images/s  (index_collection: read, decode, thumbnail, embed)")
    print(f"pipeline / bare: {piped / bare:.2f}")


def bare_forward_rate(embedder: ClipEmbedder, batch: int, n_images: int) -> float:
    """Images per second of the image tower alone, on random pixels, after one warm-up batch."""
    side = embedder.input_size
    pixels = np.random.default_rng(0).standard_normal((batch, 3, side, side)).astype(np.float32)
    embedder.embed_pixels(pixels)  # loads the model and warms the kernels
    batches = max(1, math.ceil(n_images / batch))
    started = time.perf_counter()
    for _ in range(batches):
        embedder.embed_pixels(pixels)
    return batches * batch / (time.perf_counter() - started)


def pipeline_rate(options: dict[str, object], files: list[Path], workers: int | None) -> float:
    """Images per second of `index_collection` on a temporary collection, model already loaded."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    with tempfile.TemporaryDirectory(prefix="vitrine-bench-") as tmp:
        collection = create_collection(Path(tmp) / "bench", embedder="clip", index="memory",
                                       embedder_options=dict(options))
        try:
            for path in files:
                collection.catalog.upsert(Record(identifier=path.stem, images=[ImageRef(str(path))]))
            collection.embedder.embed_images([_warm_image()])  # exclude model start-up from the timing
            report = index_collection(collection, workers=workers)
        finally:
            collection.close()
    if report.failed:
        print(f"  ({report.failed} images failed: {report.errors[:3]})")
    return report.rate


def _image_files(folder: Path, n: int) -> list[Path]:
    table = folder / "records.csv"
    if not table.is_file():
        raise SystemExit(f"{table} is absent: the benchmark reads ../shared/data/public-art in place")
    with table.open(newline="", encoding="utf-8") as f:
        files = [folder / row["file"] for row in csv.DictReader(f)]
    return [p for p in files if p.is_file()][:n]


def _warm_image() -> Image.Image:
    return Image.new("RGB", (224, 224), (128, 128, 128))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m vitrine.bench.clip",
                                     description="CLIP image-embedding throughput")
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--images", type=int, default=512)
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--workers", type=int, default=None, help="decoding processes (default: all cores)")
    parser.add_argument("--data", default=str(DATA), help="a folder with records.csv and images/")
    return parser


if __name__ == "__main__":
    main()
