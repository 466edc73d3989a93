"""Face detectors behind one seam: a `Detector` finds faces in an RGB array, a registry names them.

| name | what | model |
|---|---|---|
| `yunet` | OpenCV's `FaceDetectorYN`, a small CNN | YuNet ONNX file (see `vitrine.faces.models`) |
| `hog` | dlib's HOG + linear SVM frontal face detector | built into dlib |
| `cnn` | dlib's MMOD CNN detector | `mmod_human_face_detector.dat` (face-recognition-models) |
| `fake` | a box in the middle of every image (tests, demos) | none |

Images are brought to `size` pixels on their long side (up or down: public-art's images are 200
pixels, too small for the detectors' smallest faces) before detection; `detect_image` gives boxes
back in the image's own pixels. Models load on the first image (`LazyLoaded`), so naming or
describing a detector costs nothing; a missing model file is an `AgentError` at that point, or at
once from `describe()`, which digests the file.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from vitrine.errors import AgentError, PluginError
from vitrine.faces import models
from vitrine.lazy import LazyLoaded
from vitrine.plugins import Registry

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Face:
    """A detected face: box [x, y, w, h] in pixels, the detector's score, 5 landmarks when it gives them."""

    box: Box
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()

    def scaled(self, factor: float, width: int, height: int) -> Face:
        x, y, w, h = (v * factor for v in self.box)
        x0, y0 = max(0, round(x)), max(0, round(y))
        x1, y1 = min(width, round(x + w)), min(height, round(y + h))
        marks = tuple((round(px * factor, 1), round(py * factor, 1)) for px, py in self.landmarks)
        return Face((x0, y0, max(1, x1 - x0), max(1, y1 - y0)), self.score, marks)


@dataclass(frozen=True)
class Description:
    """What a detector is, for an agent's version: model name and version, the model file's digest."""

    name: str
    model: str
    model_version: str
    sha256: str
    parameters: dict[str, Any]


class Detector(LazyLoaded):
    """Finds faces in an RGB uint8 array (h x w x 3). Subclasses set `name` and implement two methods."""

    name: ClassVar[str]
    model: ClassVar[str]

    def __init__(self, size: int = 640, threshold: float | None = None) -> None:
        super().__init__()
        if not 64 <= int(size) <= 4096:
            raise AgentError(f"size is a number of pixels from 64 to 4096, not {size!r}")
        self.size = int(size)
        self.threshold = threshold
        self._run_lock = threading.Lock()  # dlib and OpenCV detectors are not safe to share across threads

    @abstractmethod
    def describe(self) -> Description:
        """Model, version and the model file's SHA-256 (an AgentError when the file is missing)."""

    @abstractmethod
    def _detect(self, rgb: np.ndarray) -> list[Face]:
        """Faces in `rgb`, in its pixels."""

    def detect(self, rgb: np.ndarray) -> list[Face]:
        self._ensure_loaded()
        with self._run_lock:
            return sorted(self._detect(np.ascontiguousarray(rgb)), key=lambda f: -f.score)

    def parameters(self) -> dict[str, Any]:
        return {"size": self.size, "threshold": self.threshold}


def prepare(image: Image.Image, size: int) -> tuple[np.ndarray, float]:
    """`image` as an RGB array `size` pixels on its long side, and the factor back to its own pixels."""
    width, height = image.size
    factor = size / max(width, height)
    if abs(factor - 1) > 1e-3:
        image = image.resize((max(1, round(width * factor)), max(1, round(height * factor))),
                             Image.Resampling.BILINEAR)
    return np.asarray(image.convert("RGB")), 1 / factor


def detect_image(detector: Detector, image: Image.Image) -> list[Face]:
    """Faces in `image`, with boxes and landmarks in the image's own pixels."""
    rgb, back = prepare(image, detector.size)
    return [face.scaled(back, *image.size) for face in detector.detect(rgb)]


class YuNet(Detector):
    name = "yunet"
    model = "YuNet (OpenCV FaceDetectorYN)"

    def __init__(self, model: str | None = None, size: int = 640, threshold: float | None = 0.6,
                 nms: float = 0.3) -> None:
        super().__init__(size, threshold)
        self.path = model
        self.nms = float(nms)
        self._net: Any = None

    def describe(self) -> Description:
        path = models.find_yunet(self.path)
        from vitrine.suggestions.agents import file_sha256

        return Description(self.name, self.model, path.stem, file_sha256(path, what="YuNet face model",
                                                                          hint=models.YUNET_HINT),
                           self.parameters() | {"nms": self.nms})

    def load(self) -> None:
        import cv2

        path = models.find_yunet(self.path)
        try:
            self._net = cv2.FaceDetectorYN.create(str(path), "", (320, 320), self.threshold or 0.6,
                                                  self.nms, 5000)
        except cv2.error as exc:
            raise AgentError(f"OpenCV cannot load the YuNet model {path} ({str(exc).strip()[-200:]}); "
                             f"{models.YUNET_HINT}") from None

    def _detect(self, rgb: np.ndarray) -> list[Face]:
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        self._net.setInputSize((bgr.shape[1], bgr.shape[0]))
        _, rows = self._net.detect(bgr)
        if rows is None:
            return []
        return [Face((int(r[0]), int(r[1]), int(r[2]), int(r[3])), float(r[14]),
                     tuple((float(r[4 + 2 * i]), float(r[5 + 2 * i])) for i in range(5))) for r in rows]


def _rect_face(rect: Any, score: float) -> Face:
    return Face((int(rect.left()), int(rect.top()), int(rect.width()), int(rect.height())), float(score))


class Hog(Detector):
    name = "hog"
    model = "dlib HOG frontal face detector"

    def __init__(self, size: int = 640, threshold: float | None = 0.0, upsample: int = 0) -> None:
        super().__init__(size, threshold)
        self.upsample = int(upsample)
        self._net: Any = None

    def describe(self) -> Description:
        dlib: Any = models.require_dlib()
        return Description(self.name, self.model, f"dlib {dlib.__version__}", "",
                           self.parameters() | {"upsample": self.upsample})

    def load(self) -> None:
        dlib: Any = models.require_dlib()
        self._net = dlib.get_frontal_face_detector()

    def _detect(self, rgb: np.ndarray) -> list[Face]:
        rects, scores, _ = self._net.run(rgb, self.upsample, self.threshold or 0.0)
        return [_rect_face(r, s) for r, s in zip(rects, scores, strict=True)]


class Mmod(Detector):
    name = "cnn"
    model = "dlib MMOD CNN face detector"
    FILE: ClassVar[str] = "mmod_human_face_detector.dat"

    def __init__(self, size: int = 640, threshold: float | None = 0.0, upsample: int = 0) -> None:
        super().__init__(size, threshold)
        self.upsample = int(upsample)
        self._net: Any = None

    def describe(self) -> Description:
        from vitrine.suggestions.agents import file_sha256

        path = models.dlib_model(self.FILE)
        return Description(self.name, self.model, path.stem,
                           file_sha256(path, what="dlib MMOD face model", hint=models.DLIB_HINT),
                           self.parameters() | {"upsample": self.upsample})

    def load(self) -> None:
        dlib: Any = models.require_dlib()
        self._net = dlib.cnn_face_detection_model_v1(str(models.dlib_model(self.FILE)))

    def _detect(self, rgb: np.ndarray) -> list[Face]:
        found = self._net(rgb, self.upsample)
        floor = self.threshold if self.threshold is not None else -1e9
        return [_rect_face(d.rect, d.confidence) for d in found if d.confidence >= floor]


class FakeDetector(Detector):
    """A face box in the middle third of every image, score 0.9: for tests of what comes after."""

    name = "fake"
    model = "centre box"

    def describe(self) -> Description:
        return Description(self.name, self.model, "1", "", self.parameters())

    def _detect(self, rgb: np.ndarray) -> list[Face]:
        h, w = rgb.shape[:2]
        return [Face((w // 3, h // 3, max(1, w // 3), max(1, h // 3)), 0.9)]


DETECTORS: Registry[Detector] = Registry(
    "face detector", "vitrine.face_detectors",
    {"yunet": "vitrine.faces.detectors:YuNet", "hog": "vitrine.faces.detectors:Hog",
     "cnn": "vitrine.faces.detectors:Mmod", "fake": "vitrine.faces.detectors:FakeDetector"},
    error=PluginError)


def resolve(name: str | None) -> str:
    """The detector's name; "auto" (None: the setting) made concrete: YuNet where its model is, else HOG."""
    if not name:
        from vitrine.settings import load_settings

        name = load_settings().faces.detector
    if name == "auto":
        return "yunet" if models.yunet_available() else "hog"
    return name


def create_detector(name: str | None = None, **options: Any) -> Detector:
    """The detector registered as `name` ("auto"/None: see `resolve`), built with `options`."""
    return DETECTORS.create(resolve(name), **options)

