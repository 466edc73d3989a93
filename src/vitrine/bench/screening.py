"""Screening benchmark: NudeNet's time per visitor photo, beside decoding and resizing alone.

    vitrine bench screening [--photos 50] [--side 1280] [--json report.json]

Generates seeded phone-like photos at visitor size (the long side `--side`, JPEG), loads the
detector once (its load time reported apart), then times, photo by photo: the baseline, decoding
the JPEG and resizing it to the detector's 320 px input (what any screening must at least do),
and the full `NudeNetScreener.screen` (decode, NudeNet's preprocessing, the ONNX model on the
CPU, post-processing). Both in the same run, on the same photos; p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vitrine.bench.output import emit
from vitrine.bench.uploads import phone_photo
from vitrine.visitor.screening import NudeNetScreener

_INPUT = 320  # NudeNet 320n's square input


@dataclass
class Report:
    photos: int
    side: int
    threads: int
    load_s: float
    baseline_p50_ms: float
    baseline_p95_ms: float
    screen_p50_ms: float
    screen_p95_ms: float
    flagged: int
    labelled: int


def photos(count: int, side: int) -> list[bytes]:
    """`count` seeded JPEGs, `side` px on the long side (4:3), as a phone sends after our re-encode."""
    out = []
    for seed in range(count):
        buf = io.BytesIO()
        phone_photo((side, side * 3 // 4), seed=seed).save(buf, "JPEG", quality=88)
        out.append(buf.getvalue())
    return out


def baseline(jpeg: bytes) -> None:
    """Decode and resize to the detector's input: the floor under any screening."""
    with Image.open(io.BytesIO(jpeg)) as image:
        image.convert("RGB").resize((_INPUT, _INPUT), Image.Resampling.BILINEAR)


def _times_ms(fn: object, items: list[bytes]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def run(count: int, side: int) -> Report:
    items = photos(count, side)
    screener = NudeNetScreener()
    start = time.perf_counter()
    screener.ready()  # loaded here so that its time is reported apart from the photos'
    load_s = time.perf_counter() - start
    base = _times_ms(baseline, items)
    results = []

    def screen(item: bytes) -> None:
        results.append(screener.screen(item))

    timed = _times_ms(screen, items)
    if any(not r.screened for r in results):
        raise SystemExit(f"screening did not run: {screener.note}")
    return Report(
        photos=count, side=side, threads=os.cpu_count() or 1, load_s=round(load_s, 3),
        baseline_p50_ms=_pct(base, 50), baseline_p95_ms=_pct(base, 95),
        screen_p50_ms=_pct(timed, 50), screen_p95_ms=_pct(timed, 95),
        flagged=sum(r.flagged for r in results), labelled=sum(bool(r.labels) for r in results))


def _pct(values: list[float], q: int) -> float:
    return round(float(np.percentile(values, q)), 1)


def table(report: Report) -> str:
    return "\n".join([
        f"screening {report.photos} photos of {report.side} px ({report.threads} CPU threads);"
        f" model load {report.load_s:.2f} s",
        f"{'':34}{'p50 ms':>10}{'p95 ms':>10}",
        f"{'baseline: decode + resize to 320':34}"
        f"{report.baseline_p50_ms:>10.1f}{report.baseline_p95_ms:>10.1f}",
        f"{'NudeNet screen (320n, CPU)':34}{report.screen_p50_ms:>10.1f}{report.screen_p95_ms:>10.1f}",
        f"flagged {report.flagged}, with any label {report.labelled} (synthetic photos: none expected)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench screening", description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--side", type=int, default=1280, help="the long side of each photo, px")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    if args.photos < 1 or args.side < 64:
        parser.error("--photos must be at least 1 and --side at least 64")
    try:
        import nudenet  # noqa: F401  # the screen extra: say so clearly where it is missing
    except ImportError:
        parser.error("NudeNet is not installed: pip install 'vitrine[screen]'")
    report = run(args.photos, args.side)
    emit(report, table(report), args.json)
    return 0
