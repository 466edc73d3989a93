"""The precision-recall curve of an evaluation as a PNG, drawn with Pillow (no plotting library needed).

Recall runs along the bottom, precision up the side, both 0 to 1; each threshold is a dot, joined
in threshold order; the threshold of the best F1 is ringed and labelled.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from vitrine.fsutil import write_atomic
from vitrine.suggestions.evaluate import Evaluation

_SIZE = (720, 560)
_MARGIN = (70, 50, 30, 60)  # left, top, right, bottom
_CURVE = (31, 94, 168)
_GRID = (225, 225, 225)
_INK = (40, 40, 40)


def plot_curve(evaluation: Evaluation, path: Path) -> Path:
    """Write the precision-recall curve of `evaluation` to `path` (PNG); returns the path."""
    image = Image.new("RGB", _SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    _axes(draw, font)
    points = [(p.recall or 0.0, p.precision or 0.0) for p in evaluation.points]
    xy = [_at(r, p) for r, p in points]
    if len(xy) > 1:
        draw.line(xy, fill=_CURVE, width=2)
    for x, y in xy:
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=_CURVE)
    best = evaluation.best
    if best is not None:
        x, y = _at(best.recall or 0.0, best.precision or 0.0)
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), outline=(200, 60, 40), width=2)
        draw.text((x + 10, y + 6), f"t={best.threshold:.3g}  F1={best.f1 or 0:.3f}", fill=(200, 60, 40),
                  font=font)
    agent = evaluation.agent
    ap = evaluation.average_precision
    title = (f"{agent.name} {agent.model} {agent.model_version}: precision-recall,"
             f" {evaluation.positives} answers, AP {'-' if ap is None else f'{ap:.3f}'}")
    draw.text((_MARGIN[0], 16), title, fill=_INK, font=font)
    write_atomic(Path(path), _png(image))
    return Path(path)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _at(recall: float, precision: float) -> tuple[float, float]:
    left, top, right, bottom = _MARGIN
    width, height = _SIZE[0] - left - right, _SIZE[1] - top - bottom
    return left + recall * width, top + (1 - precision) * height


def _axes(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    for i in range(6):
        v = i / 5
        x0, y0 = _at(v, 0)
        x1, y1 = _at(v, 1)
        draw.line((x0, y0, x1, y1), fill=_GRID)
        draw.text((x0 - 8, y0 + 6), f"{v:.1f}", fill=_INK, font=font)
        x0, y0 = _at(0, v)
        x1, y1 = _at(1, v)
        draw.line((x0, y0, x1, y1), fill=_GRID)
        draw.text((x0 - 34, y0 - 8), f"{v:.1f}", fill=_INK, font=font)
    draw.rectangle((*_at(0, 1), *_at(1, 0)), outline=_INK)
    x, y = _at(0.5, 0)
    draw.text((x - 20, y + 28), "recall", fill=_INK, font=font)
    x, y = _at(0, 0.5)
    draw.text((8, y - 8), "precision", fill=_INK, font=font)
