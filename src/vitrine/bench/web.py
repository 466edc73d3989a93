"""Web benchmark: requests/s and latency of photo -> results (POST /share) on loopback.

    python -m vitrine.bench.web --sizes 10000 100000 --clients 1 8 32 --duration 10

For each size a synthetic collection (classic embedder, FAISS index) is built once under
`--workdir`: catalogue rows plus vectors written directly (no image files, no thumbnails). The
vectors are classic-embedder vectors of a few hundred drawn pictures plus noise, so scores and
the HNSW graph look like a real collection's. `vitrine serve` runs the collection in a separate
process (one uvicorn worker, rate limit off); the load comes from `wrk` with a Lua script that
POSTs a multipart JPEG photo (1600x1200), or from a Python asyncio/httpx generator when wrk is
absent (`--tool python`). Any non-200 answer or socket error counts as a failed request.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vitrine.collection import Collection, create_collection, open_collection
from vitrine.records import ImageRef, Record

log = logging.getLogger(__name__)
_SEEDS = 400
_BATCH = 5000


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    works: int
    clients: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    failed: int
    tool: str


def draw_photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    """A seeded picture: coloured blocks and ellipses on a gradient."""
    rng = np.random.default_rng(seed)
    w, h = size
    ramp = np.linspace(0.4, 1.0, w, dtype=np.float32)[None, :, None]
    base = (rng.integers(0, 256, 3) * ramp).astype(np.uint8)
    image = Image.fromarray(np.broadcast_to(base, (h, w, 3)).copy(), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1 + 1, y1 + 1], fill=colour)
    return image


def build(root: Path, works: int) -> Path:
    """A synthetic collection of `works` records with one vector each; reused when present."""
    if (root / "collection.json").exists():
        with open_collection(root) as existing:
            if existing.catalog.count() == works and len(existing.index) == works:
                return root
        shutil.rmtree(root)
    started = time.perf_counter()
    collection = create_collection(root, embedder="classic", index="faiss", title=f"Synthetic {works:,}")
    try:
        _fill(collection, works)
    finally:
        collection.close()
    log.info("built %d works in %.0fs", works, time.perf_counter() - started)
    return root


def _fill(collection: Collection, works: int) -> None:
    catalog = collection.catalog
    for start in range(0, works, _BATCH):
        with catalog.transaction():
            for i in range(start, min(works, start + _BATCH)):
                catalog.upsert(_record(i))
    embedder = collection.embedder
    seeds = embedder.embed_images([draw_photo(s, (128, 96)) for s in range(_SEEDS)])
    ids = catalog.all_image_ids()
    rng = np.random.default_rng(7)
    for start in range(0, ids.size, _BATCH):
        chunk = ids[start:start + _BATCH]
        noise = rng.normal(0, 0.25 / np.sqrt(embedder.dim), (chunk.size, embedder.dim))
        vectors = seeds[rng.integers(0, _SEEDS, chunk.size)] + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        collection.index.add(chunk, vectors.astype(np.float32))
    collection.index.save()
    catalog.set_meta("vectors_embedder", embedder.key)


def _record(i: int) -> Record:
    return Record(
        identifier=f"syn{i:07d}", title=f"Synthetic work {i}", creators=[f"Maker {i % 997}"],
        date_text=str(1500 + i % 450), object_type=("painting", "print", "drawing")[i % 3],
        credit_line="Synthetic benchmark data", source=f"Museum {i % 5}",
        images=[ImageRef(location=f"synthetic/{i}.jpg")])


def serve(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`vitrine serve` on a free loopback port, rate limit off; waits until it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "VITRINE_WEB__RATE_LIMIT_PER_MINUTE": "0"}
    script = Path(sys.executable).with_name("vitrine")
    if not script.exists():
        raise SystemExit(f"{script} is missing: install vitrine with its web extra")
    cmd = [str(script), "serve", str(root), "--port", str(port)]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, wait_until_up(process, f"http://127.0.0.1:{port}")


def wait_until_up(process: subprocess.Popen[bytes], url: str) -> str:
    """`url` once the server there answers; stops the process and exits after 60 s."""
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/facets", timeout=5).status_code == 200:
                return url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start within 60 s")


_LUA = """
local f = io.open("{photo}", "rb"); local photo = f:read("*all"); f:close()
local b = "vitrinebenchboundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. b
wrk.body = "--" .. b .. "\\r\\n" ..
  "Content-Disposition: form-data; name=\\"photo\\"; filename=\\"p.jpg\\"\\r\\n" ..
  "Content-Type: image/jpeg\\r\\n\\r\\n" .. photo .. "\\r\\n--" .. b .. "--\\r\\n"
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", s.requests, s.duration, latency:percentile(50),
    latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run_wrk(url: str, photo: Path, clients: int, duration: int, works: int, tmp: Path) -> Row:
    script = tmp / "post_photo.lua"
    script.write_text(_LUA.format(photo=photo))
    threads = min(clients, 2)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{duration}s", "--timeout", "30s",
         "-s", str(script), url + "/share"], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, micros, p50, p95, failed = (int(v) for v in line.split()[1:])
    return Row(works, clients, n, round(n / (micros / 1e6), 1), p50 / 1000, p95 / 1000, failed, "wrk")


def run_python(url: str, photo: Path, clients: int, duration: int, works: int) -> Row:
    """The fallback load generator: `clients` asyncio tasks posting in a loop."""
    import httpx

    data = photo.read_bytes()
    latencies: list[float] = []
    failed = 0

    async def worker(client: httpx.AsyncClient, stop: float) -> None:
        nonlocal failed
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                r = await client.post(url + "/share", files={"photo": ("p.jpg", data, "image/jpeg")})
                failed += r.status_code != 200
            except httpx.HTTPError:
                failed += 1
            latencies.append(time.perf_counter() - t0)

    async def main() -> float:
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=clients)) as client:
            t0 = time.perf_counter()
            await asyncio.gather(*(worker(client, t0 + duration) for _ in range(clients)))
            return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    ms = np.asarray(latencies) * 1000
    return Row(works, clients, len(ms), round(len(ms) / elapsed, 1), float(np.percentile(ms, 50)),
               float(np.percentile(ms, 95)), failed, "python")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vitrine.bench.web", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "vitrine-bench-web")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--json", action="store_true", help="print rows as JSON lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk")) else "python"
    args.workdir.mkdir(parents=True, exist_ok=True)
    photo = args.workdir / "photo.jpg"
    buf = io.BytesIO()
    draw_photo(12345).save(buf, "JPEG", quality=90)
    photo.write_bytes(buf.getvalue())
    rows = []
    for works in args.sizes:
        root = build(args.workdir / f"works-{works}", works)
        process, url = serve(root)
        try:
            run_python(url, photo, 1, 1, works)  # warm up
            for clients in args.clients:
                row = (run_wrk(url, photo, clients, args.duration, works, args.workdir) if tool == "wrk"
                       else run_python(url, photo, clients, args.duration, works))
                rows.append(row)
                print(json.dumps(asdict(row)) if args.json else _line(row), flush=True)
        finally:
            process.terminate()
            process.wait(10)
    return 1 if any(r.failed for r in rows) else 0


def _line(row: Row) -> str:
    return (f"| {row.works:>7,} | {row.clients:>2} | {row.rps:>6.1f} | {row.p50_ms:>6.1f} "
            f"| {row.p95_ms:>6.1f} | {row.requests:>5} | {row.failed} | {row.tool} |")


if __name__ == "__main__":
    sys.exit(main())
