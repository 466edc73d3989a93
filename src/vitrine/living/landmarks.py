"""The 68 face landmarks of a portrait: dlib's HOG face detector, then its 68-point shape predictor.

The predictor is `shape_predictor_68_face_landmarks.dat` of the `face-recognition-models` package
(iBUG 300-W layout: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67), found without
importing that package (`vitrine.faces.models.dlib_model`). The image is brought to `size` pixels on
its long side first (public-art's 200 px thumbnails are too small for HOG's 80 px window); the
largest face is kept. Where HOG finds none, the largest face box the faces agent proposed (YuNet finds
more, smaller and turned faces; `make.face_boxes`) is given to the predictor instead. `fake` puts a drawn
average face in the middle of any image (tests, demos).
"""

from __future__ import annotations

import hashlib
import math
import threading
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vitrine.errors import AgentError, LivingError, LivingUnavailable, NoFaceFound, PluginError
from vitrine.faces import models
from vitrine.lazy import LazyLoaded
from vitrine.plugins import Registry

PREDICTOR_FILE = "shape_predictor_68_face_landmarks.dat"
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Landmarks:
    """68 points (x, y) in the pixels of the image they were found on, and the face box [x, y, w, h]."""

    points: np.ndarray
    box: Box
    model: str
    #: where the face box came from: the landmarker's own detector, or "faces agent"
    face_from: str = "detector"


def working_image(image: Image.Image, size: int) -> Image.Image:
    """`image` as RGB, `size` pixels on its long side, both sides even (what H.264 needs)."""
    width, height = image.size
    factor = size / max(width, height)
    w, h = max(2, round(width * factor) // 2 * 2), max(2, round(height * factor) // 2 * 2)
    return image.convert("RGB").resize((w, h), Image.Resampling.LANCZOS)


class Landmarker(LazyLoaded):
    """Finds the 68 landmarks of the main face of an RGB image; `NoFaceFound` when there is none."""

    name: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self._run_lock = threading.Lock()  # dlib's detector and predictor: one thread at a time

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Model name and version, the model file's digest where there is one."""

    @abstractmethod
    def _find(self, rgb: np.ndarray, boxes: Sequence[Box]) -> Landmarks | None:
        """The landmarks of the largest face, or of the largest of `boxes` when none is found; or None."""

    def find(self, image: Image.Image, what: str = "the image", boxes: Sequence[Box] = ()) -> Landmarks:
        """The main face's landmarks; `boxes`: faces found before (in `image`'s pixels), used when the
        landmarker's own detector finds none."""
        self._ensure_loaded()
        rgb = np.ascontiguousarray(np.asarray(image.convert("RGB")))
        with self._run_lock:
            found = self._find(rgb, boxes)
        if found is None:
            raise NoFaceFound(f"no face found in {what} ({self.name} detector at {image.size[0]}x"
                              f"{image.size[1]} px, and no face proposed by the faces agent): "
                              "nothing to animate")
        return found


class DlibLandmarker(Landmarker):
    name = "dlib"

    def __init__(self, upsample: int = 1) -> None:
        super().__init__()
        self.upsample = int(upsample)
        self._detector: Any = None
        self._dlib: Any = None
        self._predictor: Any = None

    def describe(self) -> dict[str, Any]:
        dlib, path = _dlib_and_model()
        return {"landmarks": f"dlib 68-point shape predictor ({PREDICTOR_FILE})",
                "detector": "dlib HOG", "dlib": dlib.__version__, "upsample": self.upsample,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}

    def load(self) -> None:
        dlib, path = _dlib_and_model()
        self._dlib = dlib
        self._predictor = dlib.shape_predictor(str(path))
        self._detector = dlib.get_frontal_face_detector()

    def _find(self, rgb: np.ndarray, boxes: Sequence[Box]) -> Landmarks | None:
        rects, face_from = list(self._detector(rgb, self.upsample)), "detector"
        if not rects and boxes:
            rects = [self._dlib.rectangle(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in boxes]
            face_from = "faces agent"
        if not rects:
            return None
        rect = max(rects, key=lambda r: r.width() * r.height())
        shape = self._predictor(rgb, rect)
        points = np.array([[shape.part(i).x, shape.part(i).y] for i in range(68)], dtype=np.float64)
        box = (int(rect.left()), int(rect.top()), int(rect.width()), int(rect.height()))
        return Landmarks(points, box, "dlib-68", face_from)


def _dlib_and_model() -> tuple[Any, Path]:
    try:
        return models.require_dlib(), models.dlib_model(PREDICTOR_FILE)
    except AgentError as exc:
        raise LivingUnavailable(str(exc)) from None


class FakeLandmarker(Landmarker):
    """A drawn average face (68 points in the iBUG layout) in the middle of every image."""

    name = "fake"

    def describe(self) -> dict[str, Any]:
        return {"landmarks": "fake: a drawn average face"}

    def _find(self, rgb: np.ndarray, boxes: Sequence[Box]) -> Landmarks | None:
        h, w = rgb.shape[:2]
        side = min(w, h) * 0.5
        x0, y0 = (w - side) / 2, (h - side) / 2
        return Landmarks(average_face() * side + [x0, y0], (round(x0), round(y0), round(side), round(side)),
                         "fake")


def average_face() -> np.ndarray:
    """68 points of a frontal face in the unit square (iBUG 300-W order)."""
    jaw = [(0.5 - 0.45 * math.cos(a), 0.35 + 0.6 * math.sin(a)) for a in np.linspace(0, math.pi, 17)]
    brows = [(x, 0.25 - 0.05 * math.sin((x - x0) / 0.3 * math.pi))
             for x0 in (0.12, 0.58) for x in np.linspace(x0, x0 + 0.3, 5)]
    nose = [(0.5, y) for y in np.linspace(0.33, 0.55, 4)]
    nose += [(0.5 + d, 0.6) for d in (-0.08, -0.04, 0, 0.04, 0.08)]
    eyes = []
    for cx in (0.3, 0.7):
        eyes += [(cx - 0.1, 0.38), (cx - 0.04, 0.35), (cx + 0.04, 0.35), (cx + 0.1, 0.38),
                 (cx + 0.04, 0.41), (cx - 0.04, 0.41)]
    outer = [(0.5 + 0.16 * math.cos(a), 0.75 - 0.05 * math.sin(a)) for a in np.linspace(math.pi, 0, 7)]
    outer += [(0.5 + 0.16 * math.cos(a), 0.75 + 0.06 * math.sin(a)) for a in np.linspace(0, math.pi, 7)[1:-1]]
    inner = [(0.5 + 0.1 * math.cos(a), 0.75 - 0.015 * math.sin(a)) for a in np.linspace(math.pi, 0, 5)]
    inner += [(0.5 + 0.1 * math.cos(a), 0.75 + 0.015 * math.sin(a)) for a in np.linspace(0, math.pi, 5)[1:-1]]
    points = np.array(jaw + brows + nose + eyes + outer + inner, dtype=np.float64)
    if points.shape != (68, 2):  # pragma: no cover - a drawing mistake
        raise LivingError(f"the average face has {len(points)} points, not 68")
    return points


LANDMARKERS: Registry[Landmarker] = Registry(
    "landmark model", "vitrine.landmarkers",
    {"dlib": "vitrine.living.landmarks:DlibLandmarker", "fake": "vitrine.living.landmarks:FakeLandmarker"},
    error=PluginError)
