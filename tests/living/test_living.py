"""Living portraits end to end: derivatives stored beside the image (never replacing it), the watermark on
every frame of both files, the files' metadata, allowed works, audit, bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from vitrine.errors import LivingError, NoFaceFound, RecordNotFound
from vitrine.living import store
from vitrine.living.make import label_of, make_living, voice_for
from vitrine.living.render import WATERMARK, band_height
from vitrine.living.speech import speak

FAST = {"landmarker": "fake", "speech": False, "size": 128}


def watermarked(frame: np.ndarray) -> bool:
    """A black band along the bottom edge with white text in its middle."""
    height, width = frame.shape[:2]
    band = frame[height - band_height(height) + 2: height - 2].astype(int)
    edges = np.concatenate([band[:, :3], band[:, -3:]], axis=1)
    middle = band[:, width // 4: 3 * width // 4]
    return bool(edges.mean() < 45 and (middle.min(axis=2) > 170).sum() >= 10)


def webp_frames(path: Path) -> list[np.ndarray]:
    out = []
    with Image.open(path) as image:
        for i in range(image.n_frames):
            image.seek(i)
            out.append(np.asarray(image.convert("RGB")))
    return out


def mp4_frames(path: Path) -> tuple[list[np.ndarray], dict[str, str], list[str]]:
    import av

    with av.open(str(path)) as container:
        kinds = [s.type for s in container.streams]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        return frames, dict(container.metadata), kinds


@pytest.mark.usefixtures("av_module")
def test_a_portrait_is_made_beside_its_image_watermarked_on_every_frame(fake_collection: Any) -> None:
    image = fake_collection.catalog.images_of("r01")[0]
    original = Path(image.location)
    before = (original.read_bytes(), original.stat().st_mtime_ns)
    portrait = make_living(fake_collection, "r01", actor="tester", **FAST)
    sha = hashlib.sha256(before[0]).hexdigest()
    folder = fake_collection.root / "living" / sha[:2]
    assert portrait.folder == folder and portrait.stem == f"{sha}-natural-v1"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{sha}-natural-v1.{e}" for e in ("json", "mp4", "webp")]
    assert (original.read_bytes(), original.stat().st_mtime_ns) == before  # only read, never replaced
    meta = json.loads(portrait.path("json").read_text())
    assert meta["identifier"] == "r01" and meta["image_sha256"] == sha and meta["made_by"] == "tester"
    assert meta["template_version"] == 1 and WATERMARK in meta["watermark"]

    shots = webp_frames(portrait.path("webp"))
    assert len(shots) > 10 and all(watermarked(f) for f in shots)
    video, tags, kinds = mp4_frames(portrait.path("mp4"))
    assert len(video) == meta["frames"] and all(watermarked(f) for f in video)
    assert kinds == ["video"]  # speech off: no audio stream
    assert WATERMARK in tags["comment"] and WATERMARK in tags["description"]
    with Image.open(portrait.path("webp")) as image_file:
        assert WATERMARK in image_file.getexif()[0x010E]
    # the check can fail: the drawn image itself has no such band
    assert not watermarked(np.asarray(Image.open(original).convert("RGB").resize(shots[0].shape[1::-1])))

    rows = fake_collection.catalog.audit.entries(action="living.make")
    assert [(r.actor, r.object) for r in rows] == [("tester", "r01")]
    again = make_living(fake_collection, "r01", actor="someone else", **FAST)
    assert again.meta["made_at"] == meta["made_at"]  # same image, same template: kept, not made again


@pytest.mark.usefixtures("av_module")
def test_the_public_sees_only_allowed_works(fake_collection: Any) -> None:
    made = make_living(fake_collection, "r01", actor="tester", **FAST)
    name = made.path("mp4").name
    assert [p.identifier for p in store.portraits(fake_collection, public=False)] == ["r01"]
    assert store.portraits(fake_collection, public=True) == []
    with pytest.raises(Exception, match="no living portrait"):
        store.media(fake_collection, name, public=True)
    store.set_allowed(fake_collection, "r01", True, actor="curator")
    assert [p.identifier for p in store.portraits(fake_collection, public=True)] == ["r01"]
    assert store.media(fake_collection, name, public=True) == (made.path("mp4"), "r01")
    store.set_allowed(fake_collection, "r01", False, actor="curator")
    assert store.portraits(fake_collection, public=True) == []
    store.set_allowed(fake_collection, None, True, actor="curator")
    assert store.allowed(fake_collection, "r05")
    actions = [(r.action, r.object) for r in fake_collection.catalog.audit.entries(action="living.")]
    assert sorted(actions) == sorted([("living.make", "r01"), ("living.allow", "r01"),
                                      ("living.disallow", "r01"), ("living.allow", "*")])
    with pytest.raises(RecordNotFound):
        store.set_allowed(fake_collection, "nope", True, actor="curator")
    with pytest.raises(Exception, match="no living portrait"):
        store.media(fake_collection, "../../catalog.sqlite", public=False)


def test_bad_input_is_refused_and_nothing_is_written(fake_collection: Any) -> None:
    with pytest.raises(RecordNotFound):
        make_living(fake_collection, "nope", actor="t", **FAST)
    with pytest.raises(LivingError, match="size"):
        make_living(fake_collection, "r01", actor="t", landmarker="fake", speech=False, size=5000)
    with pytest.raises(LivingError, match="voice"):
        speak("A portrait", voice="-x")
    assert not (fake_collection.root / "living").exists()


@pytest.mark.usefixtures("dlib_landmarks", "av_module")
def test_no_face_is_a_clear_error(fake_collection: Any) -> None:
    with pytest.raises(NoFaceFound, match=r"no face found in record 'r02'"):
        make_living(fake_collection, "r02", actor="t", speech=False)
    assert not (fake_collection.root / "living").exists()
    assert fake_collection.catalog.audit.entries(action="living.make") == []


def test_the_label_read_aloud_moves_the_mouth(espeak: str) -> None:
    assert label_of("Portrait of a lady", ["Anna Painter"]) == "Portrait of a lady, by Anna Painter"
    assert voice_for("Portrait of a lady", "auto") == "en"
    assert voice_for("Portrait de la duchesse", "auto") == "fr"
    assert voice_for("Bildnis", "de") == "de"
    speech = speak("Portrait of a lady, by Anna Painter")
    assert speech.rate > 8000 and 1.0 < speech.seconds < 6.0
    open_ = speech.openness(12, round(speech.seconds * 12))
    assert open_.max() > 0.8 and open_.min() < 0.2  # speaks and pauses


@pytest.mark.shared
@pytest.mark.usefixtures("dlib_landmarks", "av_module", "espeak")
def test_a_public_art_portrait_comes_to_life_with_its_label_spoken(fake_collection: Any,
                                                                  portrait_file: Path) -> None:
    from vitrine.records import ImageRef, Record

    fake_collection.catalog.upsert(Record(identifier="pa1", title="Portrait de Léon Ohnet", creators=["X"],
                                          images=[ImageRef(location=str(portrait_file))]))
    portrait = make_living(fake_collection, "pa1", actor="t")
    assert portrait.meta["model"]["landmarks"].startswith("dlib 68-point")
    assert (portrait.meta["spoken"], portrait.meta["voice"]) == ("Portrait de Léon Ohnet, par X", "fr")
    video, _, kinds = mp4_frames(portrait.path("mp4"))
    assert kinds == ["video", "audio"] and all(watermarked(f) for f in video)
    first, moved = video[0].astype(int), np.abs(np.stack(video).astype(int) - video[0]).max(axis=0)
    assert moved.max() > 40 and (moved.max(axis=2) > 40).mean() < 0.1  # the face moves, the rest stays
    assert first.shape == (384, 384, 3)


@pytest.mark.usefixtures("dlib_landmarks", "av_module")
def test_a_face_the_faces_agent_proposed_is_used_where_hog_finds_none(fake_collection: Any) -> None:
    from vitrine.suggestions.run import Scope, run_agent

    run_agent(fake_collection, "faces", options={"detector": "fake"}, scope=Scope(identifiers=("r02",)))
    portrait = make_living(fake_collection, "r02", actor="t", speech=False, size=128)
    assert portrait.meta["model"]["face_from"] == "faces agent"
    with pytest.raises(NoFaceFound, match="no face proposed by the faces agent"):
        make_living(fake_collection, "r04", actor="t", speech=False, size=128)
