"""The face detectors behind one seam, on a painted portrait; where each looks for its model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vitrine.errors import AgentError, PluginError
from vitrine.faces import models
from vitrine.faces.detectors import DETECTORS, create_detector, detect_image, resolve
from vitrine.faces.scoring import iou


@pytest.mark.parametrize(("name", "size", "needs"), [
    ("yunet", 640, "yunet_model"), ("hog", 640, "dlib_models"), ("cnn", 320, "dlib_models")])
def test_each_detector_finds_the_sitter_of_a_painted_portrait(
        name: str, size: int, needs: str, request: pytest.FixtureRequest, portraits: dict[str, Path],
        sitter_box: tuple[int, int, int, int]) -> None:
    request.getfixturevalue(needs)  # skips, saying why, where the detector's model is not installed
    image = Image.open(portraits["a"]).convert("RGB")
    faces = detect_image(create_detector(name, size=size), image)
    assert len(faces) == 1, faces
    face = faces[0]
    assert iou(face.box, sitter_box) > 0.4  # in the file's own pixels, whatever size the detector saw
    x, y, w, h = face.box
    assert x >= 0 and y >= 0 and x + w <= image.width and y + h <= image.height
    if name == "yunet":
        assert 0.5 < face.score <= 1 and len(face.landmarks) == 5


@pytest.mark.usefixtures("dlib_models")
def test_hog_finds_no_face_in_a_picture_without_one() -> None:
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 255, (200, 300, 3), dtype=np.uint8))
    assert detect_image(create_detector("hog"), noise) == []


def test_the_fake_detector_answers_in_the_image_pixels() -> None:
    faces = detect_image(create_detector("fake", size=640), Image.new("RGB", (300, 150)))
    assert len(faces) == 1  # the middle third of 640 x 320, scaled back to 300 x 150 (to a pixel)
    assert np.abs(np.subtract(faces[0].box, (100, 50, 100, 50))).max() <= 1


def test_the_registry_names_the_detectors_and_refuses_unknown_ones_and_options() -> None:
    assert {"yunet", "hog", "cnn", "fake"} <= set(DETECTORS.available())
    with pytest.raises(PluginError, match="unknown face detector 'retina'"):
        create_detector("retina")
    with pytest.raises(PluginError, match="does not accept"):
        create_detector("hog", model="x.onnx")
    with pytest.raises(AgentError, match="size is a number of pixels"):
        create_detector("hog", size=10)


def test_auto_is_yunet_where_its_model_is_and_hog_where_not(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    monkeypatch.setenv("VITRINE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(models, "SHARED_MODELS", tmp_path / "none")
    assert resolve("auto") == "hog" and resolve(None) == "hog"
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "yunet_s_640_640.onnx").write_bytes(b"onnx")
    assert resolve("auto") == "yunet" and resolve("cnn") == "cnn"
    monkeypatch.setenv("VITRINE_FACES__DETECTOR", "cnn")
    assert resolve(None) == "cnn"


def test_a_missing_yunet_model_says_where_vitrine_looked_and_how_to_get_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VITRINE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(models, "SHARED_MODELS", tmp_path / "shared" / "models")
    detector = create_detector("yunet")  # naming it costs nothing; describing or detecting looks for the file
    with pytest.raises(AgentError) as caught:
        detector.describe()
    message = str(caught.value)
    assert str(tmp_path / "models") in message and str(tmp_path / "shared" / "models") in message
    assert "VITRINE_FACES__YUNET" in message and models.YUNET_URL in message and "'hog'" in message
    with pytest.raises(AgentError, match="no YuNet face model"):
        detector.detect(np.zeros((64, 64, 3), np.uint8))
    monkeypatch.setenv("VITRINE_FACES__YUNET", str(tmp_path / "gone.onnx"))
    with pytest.raises(AgentError, match=r"not at .*gone\.onnx \(given by VITRINE_FACES__YUNET\)"):
        create_detector("yunet").describe()
    with pytest.raises(AgentError, match=r"not at .*other\.onnx \(given by the model option\)"):
        create_detector("yunet", model=str(tmp_path / "other.onnx")).describe()


def test_a_file_that_is_not_a_yunet_model_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "yunet.onnx"
    bad.write_bytes(b"not onnx")
    detector = create_detector("yunet", model=str(bad))
    assert detector.describe().sha256 == hashlib.sha256(b"not onnx").hexdigest()
    with pytest.raises(AgentError, match="OpenCV cannot load the YuNet model"):
        detector.detect(np.zeros((64, 64, 3), np.uint8))


def test_yunet_is_found_in_the_shared_models_and_described_by_its_digest(yunet_model: Path) -> None:
    described = create_detector("yunet").describe()
    assert described.model_version == yunet_model.stem
    assert described.sha256 == hashlib.sha256(yunet_model.read_bytes()).hexdigest()
