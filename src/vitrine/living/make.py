"""The use case: bring a portrait to life, shared by `vitrine living make`, the record page's button
and `vitrine bench living`.

    portrait = make_living(collection, "w07", actor="ada")

The record's first image is read (never written), brought to `size` pixels on its long side, its 68
landmarks found, the frames drawn by the motion template with the mouth following the label (title,
then maker) read by espeak-ng, watermarked, and written as MP4 and WebP under `living/` (see
`store`). An existing derivative of the same image and template is made again only with `again`.
Staff ask for it (the CLI, the `catalogue` permission on the web); `make_allowed` makes those of the
works the collection allows. Each make is audited (`living.make`).
"""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np

from vitrine.collection import Collection
from vitrine.errors import LivingError
from vitrine.images import read_image
from vitrine.living import render, store
from vitrine.living.landmarks import LANDMARKERS, Box, Landmarker, working_image
from vitrine.living.motion import TEMPLATE, TEMPLATE_VERSION
from vitrine.living.speech import silence, speak
from vitrine.records import StoredImage
from vitrine.version import __version__


def label_of(title: str | None, creators: list[str] | tuple[str, ...], language: str = "en") -> str:
    """What is read aloud: the title, then "by" (in French "par") the first maker."""
    text = (title or "").strip()
    return f"{text}, {'par' if language == 'fr' else 'by'} {creators[0]}" if text and creators else text


def voice_for(title: str | None, voice: str) -> str:
    """The espeak-ng voice: `voice`, or with "auto" French or English as the title reads
    (`vitrine.ask.language.detect`, English when it cannot tell)."""
    if voice != "auto":
        return voice
    from vitrine.ask.language import detect

    return detect(title or "")


@functools.lru_cache(maxsize=4)
def shared_landmarker(name: str) -> Landmarker:
    """One landmarker per name for the process: dlib's predictor (about 100 MB) loads once, under a lock."""
    return LANDMARKERS.create(name)


def face_boxes(collection: Collection, image: StoredImage, factor: float) -> list[Box]:
    """The face boxes the faces agent proposed for `image` (not rejected ones), times `factor`."""
    suggestions = collection.catalog.suggestions.for_record(image.record_id,
                                                            ("proposed", "accepted", "edited"))
    boxes = [s.region["box"] for s in suggestions
             if s.kind == "face" and s.image_id == image.id and s.region and "box" in s.region]
    return [(round(x * factor), round(y * factor), round(w * factor), round(h * factor))
            for x, y, w, h in boxes]


def make_living(collection: Collection, identifier: str, *, actor: str, landmarker: str | Landmarker = "dlib",
                speech: bool = True, voice: str = "auto", size: int = 384, fps: int = 12, again: bool = False,
                address: str = "") -> store.Portrait:
    """Make (or find) the living portrait of a record's first image. Raises RecordNotFound, NoFaceFound,
    LivingUnavailable (dlib, espeak-ng or PyAV missing), LivingError (no local image, bad option)."""
    if not 128 <= int(size) <= 1024 or not 6 <= int(fps) <= 30:
        raise LivingError(f"size is 128 to 1024 pixels and fps 6 to 30, not {size!r} and {fps!r}")
    record = collection.catalog.get(identifier)
    images = collection.catalog.images_of(identifier)
    path = collection.image_path(images[0]) if images else None
    if path is None:
        raise LivingError(f"record {identifier!r} has no local image file to animate")
    image, sha256 = read_image(path)
    existing = store.portrait_of(collection, identifier, public=False)
    if existing is not None and existing.stem == store.stem(sha256) and not again:
        return existing
    started = time.perf_counter()
    finder = shared_landmarker(landmarker) if isinstance(landmarker, str) else landmarker
    work = working_image(image, size)
    found = finder.find(work, f"record {identifier!r} ({path.name})",
                        face_boxes(collection, images[0], work.size[0] / image.size[0]))
    voice = voice_for(record.title, voice)
    label = label_of(record.title, record.creators, voice)
    said = speak(label, voice) if speech else silence(render.BASE_SECONDS)
    clip = render.Clip(np.asarray(work), found.points, said, fps)
    shots = list(render.frames(clip))
    model = finder.describe() | {"face_from": found.face_from}
    meta = _meta(identifier, images[0].id, sha256, actor, clip, model)
    folder = store.folder_of(collection, sha256)
    folder.mkdir(parents=True, exist_ok=True)
    tags = {"comment": meta["watermark"], "description": meta["watermark"], "software": meta["software"],
            "title": record.title or identifier}
    render.write_mp4(folder / f"{meta['stem']}.mp4", shots, fps, said, tags)
    render.write_webp(folder / f"{meta['stem']}.webp", shots, fps, tags)
    meta["render_s"] = round(time.perf_counter() - started, 3)
    with collection.catalog.transaction():
        collection.catalog.audit.record(actor, "living.make", identifier, after=meta, address=address)
        portrait = store.save(collection, meta)
    return portrait


def _meta(identifier: str, image_id: int, sha256: str, actor: str, clip: render.Clip,
          model: dict[str, Any]) -> dict[str, Any]:
    height, width = clip.image.shape[:2]
    return {
        "identifier": identifier, "image_id": image_id, "image_sha256": sha256, "stem": store.stem(sha256),
        "template": TEMPLATE, "template_version": TEMPLATE_VERSION, "made_by": actor, "made_at": time.time(),
        "seconds": round(clip.seconds, 2), "fps": clip.fps, "frames": clip.frame_count,
        "size": [width, height],
        "spoken": clip.speech.text, "voice": clip.speech.voice, "model": model,
        "software": f"vitrine {__version__} (living portraits)",
        "watermark": f"{render.WATERMARK}: machine-made animation of a still portrait, not a recording",
    }


def make_allowed(collection: Collection, *, actor: str, **options: Any) -> tuple[list[store.Portrait],
                                                                                dict[str, str]]:
    """The portraits of every work the collection allows (by record; `all` is refused: too many to make
    unasked). Returns those made and, per record, why one could not be."""
    made, failed = [], {}
    for identifier in store.allowed_settings(collection)["records"]:
        try:
            made.append(make_living(collection, identifier, actor=actor, **options))
        except LivingError as exc:
            failed[identifier] = str(exc)
    return made, failed
