"""Fixtures of the face tests: two painted portraits from public-art, and a collection made of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from vitrine.collection import Collection
from vitrine.errors import AgentError

#: one sitter each, found by YuNet, dlib HOG and dlib MMOD; the box is YuNet's, in the file's pixels
PORTRAIT_A = ("wikidata-Q119130732.jpg", (79, 73, 42, 57))
PORTRAIT_B = ("wikidata-Q119080577.jpg", (75, 2, 36, 47))


@pytest.fixture
def portraits(shared_dir: Path) -> dict[str, Path]:
    folder = shared_dir / "data" / "public-art" / "images"
    found = {key: folder / name for key, (name, _) in (("a", PORTRAIT_A), ("b", PORTRAIT_B))}
    missing = [str(p) for p in found.values() if not p.is_file()]
    if missing:
        pytest.skip(f"public-art portraits absent: {', '.join(missing)}")
    return found


@pytest.fixture
def sitter_box() -> tuple[int, int, int, int]:
    """Where portrait A's face is, in its file's pixels."""
    return PORTRAIT_A[1]


@pytest.fixture
def dlib_models() -> None:
    from vitrine.faces import models
    from vitrine.faces.sitters import DESCRIPTOR_FILE, LANDMARKS_FILE

    try:
        models.require_dlib()
        for name in (LANDMARKS_FILE, DESCRIPTOR_FILE, "mmod_human_face_detector.dat"):
            models.dlib_model(name)
    except AgentError as exc:
        pytest.skip(f"dlib's face models are not installed (the faces extra): {exc}")


@pytest.fixture
def yunet_model() -> Path:
    from vitrine.faces.models import find_yunet

    try:
        return find_yunet()
    except AgentError as exc:
        pytest.skip(f"no YuNet model here: {exc}")


@pytest.fixture
def face_collection(tmp_path: Path, portraits: dict[str, Path]) -> Iterator[Collection]:
    """Five images: portrait A, A mirrored, A at 1.5 times its size, portrait B, and no face at all."""
    from conftest import draw_image
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    folder = tmp_path / "pictures"
    folder.mkdir()
    a = Image.open(portraits["a"]).convert("RGB")
    files = {"a": portraits["a"], "b": portraits["b"]}
    ImageOps.mirror(a).save(files.setdefault("a-mirror", folder / "a-mirror.png"))
    a.resize((a.width * 3 // 2, a.height * 3 // 2)).save(files.setdefault("a-large", folder / "a-large.png"))
    draw_image(7, 200).save(files.setdefault("none", folder / "none.png"))
    collection = create_collection(tmp_path / "faces", embedder="fake", index="memory")
    for identifier, path in files.items():
        collection.catalog.upsert(Record(identifier=identifier, title=f"Portrait {identifier}", source="test",
                                         images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    yield collection
    collection.close()
