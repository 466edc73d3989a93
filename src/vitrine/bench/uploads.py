"""Upload memory benchmark: peak server memory per request on each upload route, hostile files.

    vitrine bench uploads [--concurrent 4] [--json report.json]

Generates hostile-but-valid files (a 6300x6300 PNG that compresses to ~150 KB, a 6300x6300 WebP,
a 6000x4000 JPEG) and a normal phone JPEG, builds a small indexed collection with a region index,
and runs the app under uvicorn in a subprocess twice: as it is now, and as a baseline whose
uploads are decoded by the former path (full size; JPEGs in draft mode at 1024 px on the short
side) with no bound on concurrent decodes. Each file goes to each upload route; the figure is the
server's peak RSS during the request minus its RSS before (VmHWM after a reset, Linux only), then
the peak of `--concurrent` simultaneous PNG uploads to /regions. Both servers run with a fixed
glibc mmap threshold, so freed image buffers go back to the system and each request starts from
a settled RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vitrine.bench.output import emit

ROUTES = ("/share", "/search", "/api/search/image", "/api/recognize", "/regions", "/api/regions/search")
_SIDE = 6300
_BASELINE_SIDE = 1024  # the former search and recognition routes' draft-mode target (short side)


@dataclass(frozen=True)
class Row:
    """One request: a file sent to a route, the server's peak memory above its resting RSS."""

    route: str
    file: str
    baseline_mb: float
    now_mb: float
    status: int


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    concurrent: int = 0
    concurrent_baseline_mb: float = 0.0
    concurrent_now_mb: float = 0.0
    seconds: float = 0.0


def compressible_png(side: int = _SIDE) -> bytes:
    """A `side` x `side` RGB PNG of flat blocks and discs: a few hundred KB for 119 MB of pixels."""
    image = Image.new("RGB", (side, side), (200, 180, 150))
    draw = ImageDraw.Draw(image)
    for i in range(0, side, 450):
        draw.rectangle([i, i, i + 300, i + 300], fill=(20, 60, 120))
        draw.ellipse([side - i - 400, i, side - i, i + 400], fill=(160, 30, 30))
    return _encode(image, "PNG", optimize=True)


def phone_photo(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A seeded picture with some texture, so JPEG sizes and local features look like a photo's."""
    from vitrine.bench.web import draw_photo

    image = draw_photo(seed, size)
    noise = np.random.default_rng(seed).integers(-12, 13, (size[1] // 8, size[0] // 8, 3))
    grain = Image.fromarray(np.clip(noise + 128, 0, 255).astype(np.uint8), "RGB").resize(size)
    return Image.blend(image, grain, 0.15)


def make_files(folder: Path) -> dict[str, Path]:
    """The files sent to each route, written under `folder`."""
    png = compressible_png()
    big = Image.open(io.BytesIO(png)).convert("RGB")
    files = {
        "png 6300x6300": png,
        "webp 6300x6300": _encode(big, "WEBP", quality=80),
        "jpeg 6000x4000": _encode(phone_photo((6000, 4000), 2), "JPEG", quality=90),
        "phone jpeg 4032x3024": _encode(phone_photo((4032, 3024), 3), "JPEG", quality=85),
    }
    paths = {}
    for i, (name, data) in enumerate(files.items()):
        paths[name] = folder / f"upload{i}.{name.split()[0]}"
        paths[name].write_bytes(data)
    return paths


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


def build_collection(root: Path) -> Path:
    """A dozen drawn works, embedded (classic) and with local features for region search."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record
    from vitrine.regions.search import index_regions

    pictures = root / "pictures"
    pictures.mkdir(parents=True)
    collection = create_collection(root / "coll", embedder="classic", index="memory", title="Uploads")
    try:
        for i in range(12):
            path = pictures / f"work{i}.jpg"
            phone_photo((800, 600), 100 + i).save(path, quality=90)
            collection.catalog.upsert(Record(
                identifier=f"w{i}", title=f"Work {i}", images=[ImageRef(location=str(path))]))
        index_collection(collection, workers=1)
        index_regions(collection, workers=1)
    finally:
        collection.close()
    return root / "coll"


def serve(root: Path, *, baseline: bool) -> tuple[subprocess.Popen[bytes], str]:
    """This module's `--serve` mode in a subprocess on a free loopback port; waits until it answers."""
    from vitrine.bench.web import wait_until_up

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # A fixed threshold turns off glibc's adaptive one, which would keep freed image buffers in
    # the heap: each request then starts from a settled RSS, in both servers alike.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072", "VITRINE_WEB__RATE_LIMIT_PER_MINUTE": "0"}
    cmd = [sys.executable, "-m", "vitrine.bench.uploads", "--serve", str(root), "--port", str(port)]
    process = subprocess.Popen(cmd + (["--baseline"] if baseline else []), env=env)
    return process, wait_until_up(process, f"http://127.0.0.1:{port}")


def _run_server(root: Path, port: int, baseline: bool) -> None:
    import uvicorn

    from vitrine.settings import Settings
    from vitrine.web import create_app

    settings = Settings()
    if baseline:
        _use_former_decode()
        settings.web.max_concurrent_decodes = 1000
    uvicorn.run(create_app(settings, root), host="127.0.0.1", port=port, log_level="warning")


def _use_former_decode() -> None:
    """Decode uploads as before: full size, JPEG draft mode to 1024 px on the short side."""
    from starlette.concurrency import run_in_threadpool

    from vitrine.images import decode
    from vitrine.web import uploads
    from vitrine.web.security import decode_upload

    async def former(self: uploads.UploadGate, data: bytes | None, max_side: int) -> Image.Image:
        decode_upload(data, max_pixels=self.max_pixels, max_side=64)  # the same refusals
        return await run_in_threadpool(
            partial(decode, data or b"", "your photo", max_pixels=self.max_pixels, reduce_to=_BASELINE_SIDE))

    uploads.UploadGate.decode = former  # type: ignore[method-assign]


def _status(pid: int, key: str) -> float:
    """A VmRSS/VmHWM line of /proc/<pid>/status, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def peak_above_rest(pid: int, send: Callable[[], object]) -> tuple[float, object]:
    """Run `send`; the server's peak RSS during it minus its RSS before, in MB."""
    time.sleep(0.2)  # let the last response's buffers go
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    rest = _status(pid, "VmRSS")
    result = send()
    return round(_status(pid, "VmHWM") - rest, 1), result


def post(url: str, route: str, data: bytes) -> int:
    import httpx

    files = {"photo": ("upload", data, "application/octet-stream")}
    return httpx.post(url + route, files=files, timeout=120, follow_redirects=False).status_code


def post_many(url: str, route: str, data: bytes, n: int) -> list[int]:
    import httpx

    async def run() -> list[int]:
        async with httpx.AsyncClient(timeout=120) as client:
            answers = await asyncio.gather(*(
                client.post(url + route, files={"photo": ("upload", data, "application/octet-stream")})
                for _ in range(n)))
        return [a.status_code for a in answers]

    return asyncio.run(run())


def measure(
    root: Path, files: dict[str, Path], concurrent: int, *, baseline: bool,
) -> dict[str, tuple[float, object]]:
    """Peak MB per (route, file) and for `concurrent` PNG uploads at once, on one server."""
    process, url = serve(root, baseline=baseline)
    out: dict[str, tuple[float, object]] = {}
    try:
        post(url, "/api/recognize", files["phone jpeg 4032x3024"].read_bytes())  # warm up: load what is lazy
        for name, path in files.items():
            for route in ROUTES:
                send = partial(post, url, route, path.read_bytes())
                out[f"{route} {name}"] = peak_above_rest(process.pid, send)
        png = files["png 6300x6300"].read_bytes()
        out["concurrent"] = peak_above_rest(process.pid, partial(post_many, url, "/regions", png, concurrent))
    finally:
        process.terminate()
        process.wait(10)
    return out


def table(report: Report) -> str:
    lines = ["| route | file | baseline MB | now MB | now / baseline | status |", "|---|---|---|---|---|---|"]
    for r in report.rows:
        ratio = r.now_mb / r.baseline_mb if r.baseline_mb > 0 else float("nan")
        lines.append(
            f"| {r.route} | {r.file} | {r.baseline_mb:.0f} | {r.now_mb:.0f} | {ratio:.2f} | {r.status} |")
    lines.append(f"| /regions x{report.concurrent} at once | png 6300x6300 | "
                 f"{report.concurrent_baseline_mb:.0f} | {report.concurrent_now_mb:.0f} | "
                 f"{report.concurrent_now_mb / max(report.concurrent_baseline_mb, 1e-9):.2f} | |")
    return "\n".join(lines) + f"\n\n{report.seconds:.0f} s in all"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench uploads", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--concurrent", type=int, default=4, help="simultaneous PNG uploads to /regions")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _run_server(args.serve, args.port, args.baseline)
        return 0
    if not Path("/proc/self/clear_refs").exists():
        parser.error("this benchmark reads peak memory from /proc (Linux only)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        root = build_collection(Path(tmp) / "work")
        before = measure(root, files, args.concurrent, baseline=True)
        now = measure(root, files, args.concurrent, baseline=False)
    report = Report(concurrent=args.concurrent, seconds=time.perf_counter() - started)
    for key, (mb, status) in now.items():
        if key != "concurrent":
            route, name = key.split(" ", 1)
            report.rows.append(Row(route, name, before[key][0], mb, status if isinstance(status, int) else 0))
    report.concurrent_baseline_mb = before["concurrent"][0]
    report.concurrent_now_mb = now["concurrent"][0]
    emit(report, table(report), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
