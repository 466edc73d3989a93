"""Small bar charts of shares (0 to 1) drawn as inline SVG by the templates: the geometry is worked out
here, so a page needs neither a script nor inline styles (the Content-Security-Policy allows neither)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PLOT_HEIGHT = 120
TOP = 18  # room for the value written above a full bar
BOTTOM = 34  # room for the labels under the axis


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str  # the value as written above the bar ("—" for no value)
    empty: bool


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    baseline: float
    bars: list[Bar]


def share_chart(items: Sequence[tuple[str, float | None]], *, bar: float = 40, gap: float = 8) -> Chart:
    """Bars for (label, share) pairs; a pair without a share (nothing to measure) gets a stub marked "—"."""
    bars = []
    for i, (label, share) in enumerate(items):
        height = PLOT_HEIGHT * max(0.0, min(1.0, share)) if share is not None else 2.0
        bars.append(Bar(x=gap + i * (bar + gap), y=TOP + PLOT_HEIGHT - height, width=bar, height=height,
                        label=label, text="—" if share is None else f"{share:.0%}", empty=share is None))
    return Chart(width=gap + len(items) * (bar + gap), height=TOP + PLOT_HEIGHT + BOTTOM,
                 baseline=TOP + PLOT_HEIGHT, bars=bars)
