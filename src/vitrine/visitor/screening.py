"""Screening a consented photo before any person sees it: one method, `screen(jpeg) -> Screening`.

The real screener is NudeNet (`pip install 'vitrine[screen]'`): its 320n ONNX detector ships
inside the wheel and onnxruntime runs it on the CPU. A photo is *flagged* when one of the
explicitly exposed classes (`FLAGGING`) scores at least `threshold`; every label found is kept
so the moderation queue can show it. A flag never rejects anything: it keeps the photo out of
auto-approval and tells the moderator to look (a visitor's photo of a nude in a painting is
flagged too). Where NudeNet is missing or fails, the photo is *not screened*: it stays pending,
unflagged, and the queue says screening is off; a visitor's consent is never lost to it.

Chosen by name (`create_screener("nudenet" | "fake" | a plugin's)`, entry-point group
`vitrine.screeners`); the fake beside the real one serves the tests.
"""

from __future__ import annotations

import importlib.util
import io
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from vitrine.lazy import LazyLoaded
from vitrine.plugins import Registry

log = logging.getLogger(__name__)

#: the NudeNet classes that flag a photo: explicit nudity, not faces, feet, bellies or armpits
FLAGGING = frozenset({
    "FEMALE_GENITALIA_EXPOSED", "MALE_GENITALIA_EXPOSED", "FEMALE_BREAST_EXPOSED",
    "BUTTOCKS_EXPOSED", "ANUS_EXPOSED",
})
#: NudeNet reports detections from 0.2; 0.4 errs on the side of a moderator looking
THRESHOLD = 0.4
_MISSING = "screening is off: NudeNet is not installed (pip install 'vitrine[screen]')"


@dataclass(frozen=True)
class Screening:
    """What screening found: `flagged`, each label's best score, and whether it ran at all."""

    flagged: bool
    labels: dict[str, float] = field(default_factory=dict)
    screened: bool = True
    #: why a photo was not screened (shown in the moderation queue)
    note: str = ""

    @classmethod
    def off(cls, note: str) -> Screening:
        return cls(flagged=False, labels={}, screened=False, note=note)


class Screener(LazyLoaded, ABC):
    """Looks at a JPEG and says whether a moderator must look closely; loaded lazily, once."""

    name: str = ""

    def __init__(self) -> None:
        super().__init__()
        #: why screening is not running now (empty while it works), for the moderation queue
        self.note = ""

    def load(self) -> None:
        """Load the model; runs once, before the first screening."""

    def screen(self, jpeg: bytes) -> Screening:
        """Screen one photo; a screener that cannot run answers `Screening.off`, never raises."""
        try:
            self._ensure_loaded()
            found = self._screen(jpeg)
        except ImportError:
            log.warning(_MISSING)
            self.note = _MISSING
            return Screening.off(_MISSING)
        # Anything else the detector raises (a broken model file, onnxruntime, OpenCV) must not
        # lose the visitor's consented photo: it stays pending for a person, noted as unscreened.
        except Exception as exc:
            log.exception("screening a gallery photo failed")
            self.note = f"screening failed ({type(exc).__name__}: {exc}); look at unscreened photos closely"
            return Screening.off(self.note)
        self.note = ""
        return found

    def ready(self) -> None:
        """Load now rather than at the first photo (a warm-up); raises what loading raises."""
        self._ensure_loaded()

    @abstractmethod
    def _screen(self, jpeg: bytes) -> Screening: ...


class NudeNetScreener(Screener):
    """NudeNet's 320n detector (bundled in the `nudenet` wheel), run by onnxruntime."""

    name = "nudenet"

    def __init__(self, threshold: float = THRESHOLD) -> None:
        super().__init__()
        self.threshold = threshold
        self._detector: Any = None
        if importlib.util.find_spec("nudenet") is None:  # said in the queue before the first photo
            self.note = _MISSING

    def load(self) -> None:
        from nudenet import NudeDetector  # an optional extra: imported only when screening runs

        self._detector = NudeDetector()

    def _screen(self, jpeg: bytes) -> Screening:
        detections = self._detector.detect(_rgba(jpeg))
        return screening_of(detections, self.threshold)


class FakeScreener(Screener):
    """Flags a photo whose centre is magenta (255, 0, 255): tests draw one to have a flagged photo."""

    name = "fake"

    def _screen(self, jpeg: bytes) -> Screening:
        with Image.open(io.BytesIO(jpeg)) as image:
            rgb = image.convert("RGB")
            r, g, b = rgb.getpixel((rgb.width // 2, rgb.height // 2))  # type: ignore[misc]
        score = 0.95 if r > 200 and g < 60 and b > 200 else 0.05
        return screening_of([{"class": "BUTTOCKS_EXPOSED", "score": score}], THRESHOLD)


def screening_of(detections: list[dict[str, Any]], threshold: float = THRESHOLD) -> Screening:
    """A Screening from NudeNet's detections: the best score per label, flagged by `FLAGGING`."""
    labels: dict[str, float] = {}
    for found in detections:
        label, score = str(found["class"]), round(float(found["score"]), 3)
        labels[label] = max(score, labels.get(label, 0.0))
    flagged = any(score >= threshold for label, score in labels.items() if label in FLAGGING)
    return Screening(flagged=flagged, labels=labels)


def _rgba(jpeg: bytes) -> np.ndarray[Any, np.dtype[np.uint8]]:
    # Decoded by PIL (the app's one decoder, already run on this photo), handed to NudeNet as RGBA
    # pixels: its own reader converts RGBA -> BGR and swaps back to RGB for the network.
    with Image.open(io.BytesIO(jpeg)) as image:
        return np.asarray(image.convert("RGBA"))


_registry: Registry[Screener] = Registry("screener", "vitrine.screeners", {
    "nudenet": "vitrine.visitor.screening:NudeNetScreener",
    "fake": "vitrine.visitor.screening:FakeScreener",
})
register = _registry.register
available = _registry.available


def create_screener(name: str, **options: Any) -> Screener:
    """The screener registered as `name`; nothing is loaded until its first photo."""
    return _registry.create(name, **options)
