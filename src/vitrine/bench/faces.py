"""Face detectors on public-art: time per image, faces found, and precision/recall against hand labels.

    vitrine bench faces [--data ../shared/data/public-art] [--images 200] [--detectors yunet,hog,cnn]
                        [--size 640] [--labels FILE] [--json report.json]

- Images: the first `--images` of records.csv in the order of a hash of their file name (a fixed
  sample across museums), or, with `--labels`, the labelled images (JSON Lines, `vitrine.faces.scoring`).
- Each detector sees every image brought to `--size` pixels on its long side (public-art's images
  are 200 pixels, too small for the detectors' smallest faces), one thread (OpenCV's pool set to
  one), so the figures are per core. The time is CPU time (process time) of detection alone,
  resizing included, decoding not (decoding is timed once, apart); the first image warms up and
  is not timed. p50 and p95 per image, and images per second per core.
- With `--labels`: a detection is a true positive at IoU >= 0.5 with a labelled face (one to one,
  greedily by IoU; one on an "uncertain" box counts for nothing: `vitrine.faces.scoring`); precision
  and recall per detector at its default threshold, over all labelled images (an image with no
  labelled face counts its detections as false positives). Also by the centre rule (a detection
  whose centre is inside a labelled face finds it): the labels' boxes are wider than the
  detectors', and on faces under 20 pixels IoU 0.5 mostly measures box convention.
- The dlib face descriptor (5-point alignment + ResNet, what `vitrine faces index` stores) is timed
  per face, on the faces the first detector found, where its models are installed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from vitrine.bench.output import check_choices, check_public_art, emit
from vitrine.faces.detectors import DETECTORS, create_detector, detect_image, prepare
from vitrine.faces.scoring import Labelled, Tally, match, read_labels
from vitrine.images import read_image

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "public-art"
CHOICES = ("yunet", "hog", "cnn", "fake")


@dataclass
class DetectorRow:
    detector: str
    model_version: str
    images: int
    faces: int
    images_with_faces: int
    ms_mean: float
    ms_p50: float
    ms_p95: float
    images_per_s: float
    precision: float | None = None
    recall: float | None = None
    found: int | None = None
    wrong: int | None = None
    missed: int | None = None
    ignored: int | None = None
    centre_precision: float | None = None
    centre_recall: float | None = None


@dataclass
class Report:
    data: str
    images: int
    size: int
    labelled: bool
    decode_ms_mean: float
    rows: list[DetectorRow] = field(default_factory=list)
    describe_faces: int = 0
    describe_ms_per_face: float | None = None


def sample(data: Path, count: int) -> list[Path]:
    """`count` image files of records.csv, in the order of a hash of their name."""
    with (data / "records.csv").open(encoding="utf-8", newline="") as handle:
        files = [row["file"] for row in csv.DictReader(handle) if row.get("file")]
    files.sort(key=lambda f: hashlib.sha256(f.encode()).hexdigest())
    return [data / f for f in files[:count] if (data / f).is_file()]


def labelled(data: Path, labels: dict[str, Labelled]) -> list[tuple[Path, Labelled | None]]:
    """The labelled files, found as given, under `data`, or under `data`/images by name."""
    out: list[tuple[Path, Labelled | None]] = []
    for name, boxes in labels.items():
        for path in (Path(name), data / name, data / "images" / Path(name).name):
            if path.is_file():
                out.append((path, boxes))
                break
        else:
            raise SystemExit(f"labelled file {name} not found (looked as given, under {data} "
                             f"and {data}/images)")
    return out


def run(images: list[tuple[Path, Labelled | None]], detectors: list[str], size: int) -> Report:
    import cv2

    cv2.setNumThreads(1)
    decoded: list[Image.Image] = []
    started = time.process_time()
    for path, _ in images:
        decoded.append(read_image(path)[0])
    decode_ms = (time.process_time() - started) * 1000 / max(1, len(images))
    report = Report("", len(images), size, any(b is not None for _, b in images), round(decode_ms, 2))
    for name in detectors:
        report.rows.append(_measure(name, size, decoded, [b for _, b in images]))
    report.describe_faces, report.describe_ms_per_face = _describe_speed(detectors[0], size, decoded)
    return report


def _describe_speed(name: str, size: int, decoded: list[Image.Image]) -> tuple[int, float | None]:
    """CPU ms per face of dlib's descriptor, on the faces detector `name` finds (None: not installed)."""
    from vitrine.errors import AgentError
    from vitrine.faces.sitters import Describer

    detector, describer = create_detector(name, size=size), Describer()
    try:
        describer.key()
    except AgentError:
        return 0, None
    faces, spent = 0, 0.0
    for image in decoded:
        rgb, _ = prepare(image, size)
        found = detector.detect(rgb)
        started = time.process_time()
        describer.describe(rgb, found)
        spent += time.process_time() - started
        faces += len(found)
    return faces, round(spent * 1000 / faces, 2) if faces else None


def _measure(name: str, size: int, decoded: list[Image.Image], truth: list[Labelled | None]) -> DetectorRow:
    detector = create_detector(name, size=size)
    described = detector.describe()
    detect_image(detector, decoded[0])  # loads the model; not timed
    times: list[float] = []
    faces = with_faces = 0
    tally, centred = Tally(), Tally()
    for image, boxes in zip(decoded, truth, strict=True):
        started = time.process_time()
        found = detect_image(detector, image)
        times.append((time.process_time() - started) * 1000)
        faces += len(found)
        with_faces += bool(found)
        if boxes is not None:
            tally.add(match([f.box for f in found], boxes.faces, boxes.uncertain))
            centred.add(match([f.box for f in found], boxes.faces, boxes.uncertain, centre=True))
    times.sort()
    mean = sum(times) / len(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    row = DetectorRow(name, described.model_version, len(times), faces, with_faces, round(mean, 2),
                      round(times[len(times) // 2], 2), round(p95, 2), round(1000 / mean, 1) if mean else 0.0)
    if any(b is not None for b in truth):
        row.precision, row.recall = _rounded(tally.precision), _rounded(tally.recall)
        row.centre_precision, row.centre_recall = _rounded(centred.precision), _rounded(centred.recall)
        row.found, row.wrong, row.missed, row.ignored = tally.found, tally.wrong, tally.missed, tally.ignored
    return row


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def table(report: Report) -> str:
    lines = [f"{report.images} public-art images at {report.size} px long side, one thread; decode "
             f"{report.decode_ms_mean} ms/image (apart)",
             "| detector | model | ms/image mean | p50 | p95 | images/s/core | faces | images with faces |"
             + (" P | R | TP | FP | FN | on uncertain | P, centre | R, centre |" if report.labelled else ""),
             "|---" * (8 + 8 * report.labelled) + "|"]
    for r in report.rows:
        line = (f"| {r.detector} | {r.model_version} | {r.ms_mean} | {r.ms_p50} | {r.ms_p95} "
                f"| {r.images_per_s} | {r.faces} | {r.images_with_faces} |")
        if report.labelled:
            line += (f" {r.precision} | {r.recall} | {r.found} | {r.wrong} | {r.missed} | {r.ignored} "
                     f"| {r.centre_precision} | {r.centre_recall} |")
        lines.append(line)
    if report.describe_ms_per_face is not None:
        lines.append(f"dlib descriptor: {report.describe_ms_per_face} ms/face over the "
                     f"{report.describe_faces} faces {report.rows[0].detector} found")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(prog="vitrine bench faces", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public-art folder (records.csv)")
    parser.add_argument("--images", type=int, default=200, help="images timed (without --labels)")
    parser.add_argument("--detectors", default="yunet,hog,cnn", help="comma-separated detector names")
    parser.add_argument("--size", type=int, default=640, help="long side the detectors see, in pixels")
    parser.add_argument("--labels", type=Path, help="hand labels, JSON Lines {file, faces: [[x,y,w,h]...]}")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    check_public_art(parser, args.data)
    detectors = [d.strip() for d in args.detectors.split(",") if d.strip()]
    check_choices(parser, "detectors", detectors, sorted(set(CHOICES) | set(DETECTORS.available())))
    if args.images < 1:
        parser.error("--images must be 1 or more")
    if args.labels is not None:
        images = labelled(args.data, read_labels(args.labels))
    else:
        images = [(path, None) for path in sample(args.data, args.images)]
    if not images:
        parser.error("no images to measure")
    report = run(images, detectors, args.size)
    report.data = str(args.data)
    emit(report, table(report), args.json)
    return report
