"""Precision and recall of OpenCV's FaceDetectorYN (YuNet) against the hand-made face labels.

    .venv/bin/python scripts/eval_faces.py --data ../shared/data/public-art \
        --labels data/labels/faces/public-art-faces.jsonl --model ../shared/models/yunet_s_640_640.onnx \
        --size 640 --scores 0.5,0.6,0.7,0.8,0.9

Each 200 x 200 image is resized to SIZE x SIZE (YuNet's input), the detections are scaled back, and they are
matched to the labelled faces one to one, greedily by IoU, at IoU >= 0.5 (see data/labels/faces/README.md:
a detection on an "uncertain" box is neither right nor wrong). One line per score threshold; the time is
the detector's alone (resize and detect), per image, on one thread, median and mean.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

Box = tuple[float, float, float, float]
IOU = 0.5


def iou(a: Box, b: Box) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter) if inter > 0 else 0.0


def ignored(box: Box, uncertain: list[Box]) -> bool:
    """A detection on an uncertain face, or centred in an uncertain region, is not counted."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return any(iou(box, u) >= IOU or (u[0] <= cx <= u[0] + u[2] and u[1] <= cy <= u[1] + u[3])
               for u in uncertain)


def centred(d: Box, f: Box) -> bool:
    cx, cy = d[0] + d[2] / 2, d[1] + d[3] / 2
    return f[0] <= cx <= f[0] + f[2] and f[1] <= cy <= f[1] + f[3]


def score_image(detections: list[Box], faces: list[Box], uncertain: list[Box], least: float = IOU,
                centre: bool = False) -> tuple[int, int, int]:
    """(true positives, false positives, misses) for one image: pairs taken greedily by IoU, each at least
    `least`, or (centre=True) any overlap with the detection's centre inside the labelled face."""
    pairs = sorted(((iou(d, f), i, j) for i, d in enumerate(detections) for j, f in enumerate(faces)),
                   reverse=True)
    used_d: set[int] = set()
    used_f: set[int] = set()
    for overlap, i, j in pairs:
        if overlap <= 0 or (not centre and overlap < least):
            break
        if centre and not centred(detections[i], faces[j]):
            continue
        if i not in used_d and j not in used_f:
            used_d.add(i)
            used_f.add(j)
    false = sum(1 for i, d in enumerate(detections) if i not in used_d and not ignored(d, uncertain))
    return len(used_d), false, len(faces) - len(used_f)


def detect(detector: Any, image: np.ndarray, size: int) -> list[tuple[Box, float]]:
    height, width = image.shape[:2]
    _, found = detector.detect(cv2.resize(image, (size, size)))
    sx, sy = width / size, height / size
    if found is None:
        return []
    return [((float(r[0]) * sx, float(r[1]) * sy, float(r[2]) * sx, float(r[3]) * sy), float(r[14]))
            for r in found]


def run(args: argparse.Namespace) -> None:
    cv2.setNumThreads(1)
    thresholds = [float(s) for s in args.scores.split(",")]
    size = (args.size, args.size)
    detector = cv2.FaceDetectorYN.create(str(args.model), "", size, min(thresholds), 0.3, 5000)
    lines = args.labels.read_text(encoding="utf-8").splitlines()
    labels = [json.loads(line) for line in lines if line.strip()]
    found, seconds = [], []
    for label in labels:
        image = cv2.imread(str(args.data / label["file"]))
        if image is None:
            raise SystemExit(f"cannot read {args.data / label['file']}")
        start = time.perf_counter()
        found.append(detect(detector, image, args.size))
        seconds.append(time.perf_counter() - start)
    faces = sum(len(label["faces"]) for label in labels)
    rule = "centre inside the face" if args.centre else f"IoU >= {args.iou}"
    median, mean = statistics.median(seconds) * 1000, statistics.mean(seconds) * 1000
    print(f"{len(labels)} images, {faces} faces, match on {rule}; {args.model.name} at {args.size} px; "
          f"per image {median:.1f} ms median, {mean:.1f} ms mean")
    print("score  detections  TP  FP  missed  precision  recall")
    for threshold in thresholds:
        tp = fp = missed = 0
        for label, detections in zip(labels, found, strict=True):
            kept = [box for box, score in detections if score >= threshold]
            truth = [tuple(f) for f in label["faces"]]
            counts = score_image(kept, truth, [tuple(u) for u in label["uncertain"]], args.iou, args.centre)
            tp, fp, missed = tp + counts[0], fp + counts[1], missed + counts[2]
        precision = tp / (tp + fp) if tp + fp else 0.0
        shown = sum(1 for d in found for _, s in d if s >= threshold)
        print(f"{threshold:5.2f}  {shown:10d}  {tp:3d}  {fp:3d}  {missed:6d}  {precision:9.3f}  "
              f"{tp / faces:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--size", type=int, default=640, help="the detector's input side, in pixels")
    parser.add_argument("--scores", default="0.5,0.6,0.7,0.8,0.9", help="score thresholds, comma-separated")
    parser.add_argument("--iou", type=float, default=IOU, help="the least IoU of a match (default 0.5)")
    parser.add_argument("--centre", action="store_true",
                        help="match on the detection's centre inside the labelled face instead of IoU")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
