"""The faces agent: each face a detector finds in an image, as a `face` suggestion with its box.

    vitrine suggest run NAME faces [-o detector=yunet|hog|cnn] [-o min_score=0.7] [-o size=640]

The box is in the image's own pixels (upright, as stored); the score is the detector's (YuNet: a
confidence from 0 to 1; dlib's HOG and MMOD: an SVM margin, 0 at their default threshold). The
value carries YuNet's five landmarks (eyes, nose, mouth corners) when it gives them. The agent's
version names the detector, its model file and that file's SHA-256: another model, another agent
version, whose suggestions stand apart. The detector loads on the first image.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vitrine.errors import AgentError, SuggestionError
from vitrine.faces.detectors import Detector, create_detector, detect_image
from vitrine.images import read_image
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal


class FaceAgent(Agent):
    """Proposes a `face` suggestion, with its box, for each face found in an image."""

    name = "faces"
    target = "image"
    kinds = ("face",)
    file_options = ("model",)

    def __init__(self, detector: str = "", min_score: float | None = None, size: int = 640,
                 model: str = "", max_faces: int = 50) -> None:
        options: dict[str, Any] = {"size": size}
        if model:
            options["model"] = model
        if isinstance(max_faces, bool) or not isinstance(max_faces, int) or max_faces < 1:
            raise SuggestionError(f"max_faces is a whole number from 1, not {max_faces!r}")
        self.detector: Detector = create_detector(detector or None, **options)
        self.min_score = None if min_score is None else float(min_score)
        self.max_faces = max_faces
        self._info: AgentInfo | None = None

    def info(self) -> AgentInfo:
        if self._info is None:
            described = self.detector.describe()
            self._info = AgentInfo(
                name=self.name, software="vitrine.suggestions.faces", model=described.model,
                model_version=described.model_version, state_sha256=described.sha256,
                parameters={"detector": described.name, **described.parameters, "min_score": self.min_score,
                            "max_faces": self.max_faces})
        return self._info

    def suggest(self, item: Item) -> Iterator[Proposal]:
        if item.image_path is None:
            raise AgentError(f"image {item.target} has no local file to look at")
        image, _ = read_image(item.image_path)
        faces = detect_image(self.detector, image)
        if self.min_score is not None:
            faces = [f for f in faces if f.score >= self.min_score]
        for face in faces[: self.max_faces]:
            value: dict[str, Any] = {"label": "face"}
            if face.landmarks:
                value["landmarks"] = [list(point) for point in face.landmarks]
            yield Proposal("face", value, score=round(face.score, 4), region={"box": list(face.box)})
