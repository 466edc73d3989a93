"""Recognising a work in a synthetic gallery photo: the right record, "no match" for outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from artworks import recognition_collection, textured, under_glare
from vitrine.bench.gallery_photos import family_photo
from vitrine.collection import Collection
from vitrine.errors import RecognitionError
from vitrine.visitor.recognize import BASELINE, NO_LOCAL_INDEX, Pipeline, aim, recognize_photo


def build(root: Path, local: bool) -> Collection:
    collection: Collection = recognition_collection(root, 10, local=local)
    return collection


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    coll = build(tmp_path_factory.mktemp("recognize"), local=True)
    yield coll
    coll.close()


def test_a_gallery_photo_of_an_indexed_work_finds_its_record(collection: Collection) -> None:
    shot = family_photo(textured(3), "perspective", 7)
    result = recognize_photo(collection, shot.image)
    assert result.method == "local" and result.note is None
    assert result.record is not None and result.record.identifier == "r3"
    assert result.inliers >= result.threshold
    assert result.timings.local_ms > 0
    assert result.quad is not None
    # The work's corners in the photo: scaled back from the 300 px original, within a few percent.
    error = np.abs(np.array(result.quad) - shot.quad).max()
    assert error < 0.03 * max(shot.image.size), (result.quad, shot.quad)


def test_a_photo_of_a_work_not_in_the_collection_is_no_match(collection: Collection) -> None:
    result = recognize_photo(collection, family_photo(textured(99), "mild", 1).image)
    assert not result.matched and result.record is None and result.quad is None
    assert result.method == "local"
    assert result.inliers < result.threshold


def test_a_cropped_photo_is_still_recognised(collection: Collection) -> None:
    shot = family_photo(textured(6), "crop", 3)
    assert shot.visible < 0.9
    result = recognize_photo(collection, shot.image)
    assert result.record is not None and result.record.identifier == "r6"


def test_global_method_skips_verification(collection: Collection) -> None:
    result = recognize_photo(collection, textured(2), method="global")
    assert result.method == "global" and result.timings.local_ms == 0
    assert result.record is not None and result.record.identifier == "r2"  # the picture itself


def test_without_a_local_index_it_falls_back_to_the_global_stage(tmp_path: Path) -> None:
    coll = build(tmp_path, local=False)
    try:
        result = recognize_photo(coll, textured(4))
        assert result.method == "global" and result.note == NO_LOCAL_INDEX
        assert result.record is not None and result.record.identifier == "r4"
        assert not recognize_photo(coll, Image.new("RGB", (300, 240), (30, 200, 40))).matched
        with pytest.raises(RecognitionError, match="no local-feature index"):
            recognize_photo(coll, textured(4), method="local")
    finally:
        coll.close()


def test_bad_options_are_refused(collection: Collection) -> None:
    with pytest.raises(RecognitionError):
        recognize_photo(collection, textured(1), candidates=0)
    with pytest.raises(RecognitionError):
        recognize_photo(collection, textured(1), min_inliers=0)
    for unveil in (-0.1, 1.0):
        with pytest.raises(RecognitionError, match="unveil"):
            recognize_photo(collection, textured(1), pipeline=replace(Pipeline(), unveil=unveil))


@pytest.mark.shared
@pytest.mark.slow
def test_a_small_public_art_benchmark(shared_dir: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from vitrine.bench import recognition

    data = shared_dir / "data" / "public-art"
    if not (data / "records.csv").is_file():
        pytest.skip("../shared/data/public-art is absent: this test reads it in place")
    report = recognition.main([
        "--data", str(data), "--limit", "60", "--per-family", "3", "--outsiders", "2", "--calibration", "2",
        "--families", "perspective,phone-small,wall,bare-wall", "--max-words", "512",
        "--variants", "baseline@plain,new", "--workdir", str(tmp_path)])
    rows = {(r.family, r.variant): r for r in report.rows}
    assert rows[("all", "new")].photos == 9 and rows[("all", "new")].outsiders == 6
    assert rows[("all", "new")].recall >= 0.6 and rows[("bare-wall", "new")].no_match == 1.0
    assert set(report.thresholds) == {"baseline@plain", "new"} and report.index_bytes_per_work > 0
    assert "phone photos" in capsys.readouterr().out
    assert (tmp_path / "local-plain" / "manifest.json").is_file()  # the plain index, built beside
    assert "local_index_plain" in report.build_seconds
    from vitrine.local.index import open_local_index, open_store
    from vitrine.local.store import FolderStore

    plain = open_local_index(store=FolderStore(tmp_path / "local-plain")).vocabulary.to_arrays()
    own = open_local_index(store=open_store(tmp_path / "coll")).vocabulary.to_arrays()
    assert all(np.array_equal(plain[k], own[k]) for k in own)  # only the extraction differs
    again = ["--data", str(data), "--limit", "60", "--max-words", "512", "--workdir", str(tmp_path)]
    assert recognition.parse(again).workdir == tmp_path  # the workdir it made is taken back
    with pytest.raises(SystemExit):
        recognition.parse(["--data", str(data), "--variants", "bogus@plain"])


def test_the_cli_names_the_work_or_says_no_match(collection: Collection, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from vitrine.cli import cli

    seen, unseen = tmp_path / "seen.jpg", tmp_path / "unseen.jpg"
    family_photo(textured(5), "mild", 2).image.save(seen)
    family_photo(textured(123), "mild", 2).image.save(unseen)
    runner = CliRunner()
    result = runner.invoke(cli, ["recognize", str(collection.root), str(seen)], catch_exceptions=False)
    assert result.exit_code == 0 and "This is Work 5 by A. Painter (r5)" in result.output
    result = runner.invoke(cli, ["recognize", str(collection.root), str(unseen), "--json"],
                           catch_exceptions=False)
    body = json.loads(result.output)
    assert result.exit_code == 0 and body["matched"] is False and body["method"] == "local"
    assert body["works"] == []
    result = runner.invoke(cli, ["recognize", str(collection.root), str(seen), "--json"],
                           catch_exceptions=False)
    works = json.loads(result.output)["works"]
    assert [w["identifier"] for w in works] == ["r5"] and len(works[0]["quad"]) == 4
    result = runner.invoke(cli, ["recognize", str(collection.root), str(seen), "--candidates", "0"])
    assert result.exit_code == 2


def test_every_work_on_a_wall_is_found_the_aimed_one_first(collection: Collection) -> None:
    from vitrine.bench.gallery_walls import wall_photo

    wall = wall_photo([textured(1), textured(99), textured(4, (240, 300))], np.random.default_rng(2))
    result = recognize_photo(collection, wall.image)
    found = {f.record.identifier: f for f in result.works}
    assert set(found) == {"r1", "r4"}  # textured(99) is not in the collection
    truth = {"r1": wall.quads[0], "r4": wall.quads[2]}
    aimed = max(truth, key=lambda k: aim([tuple(p) for p in truth[k]], wall.image.size))
    assert result.works[0].record.identifier == aimed and result.record is not None
    assert result.record.identifier == aimed and result.quad == result.works[0].quad
    for identifier, f in found.items():
        assert f.inliers >= result.threshold
        assert np.abs(np.array(f.quad) - truth[identifier]).max() < 0.03 * max(wall.image.size)


def test_a_bare_wall_with_a_visitor_is_no_match(collection: Collection) -> None:
    from vitrine.bench.gallery_walls import bare_wall_photo

    result = recognize_photo(collection, bare_wall_photo(np.random.default_rng(5)).image)
    assert not result.matched and result.works == []


def test_the_pruned_search_finds_what_verifying_everything_finds(collection: Collection) -> None:
    for seed, family in enumerate(["perspective", "phone-small", "phone-steep", "phone-lowlight"]):
        shot = family_photo(textured(seed + 2), family, seed)
        new = recognize_photo(collection, shot.image, pipeline=Pipeline(max_works=1))
        old = recognize_photo(collection, shot.image, pipeline=BASELINE)
        assert new.record is not None and old.record is not None
        assert new.record.identifier == old.record.identifier == f"r{seed + 2}"


def test_the_photo_is_not_embedded_for_recognition(
    collection: Collection, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vitrine.visitor import recognize

    def refuse(*_: object) -> None:
        raise AssertionError("embedded")

    monkeypatch.setattr(recognize, "embed_query_image", refuse)
    result = recognize_photo(collection, family_photo(textured(7), "mild", 4).image)
    assert result.record is not None and result.record.identifier == "r7"
    with pytest.raises(AssertionError):
        recognize_photo(collection, textured(7), pipeline=BASELINE)


def test_quads_come_back_in_the_original_photos_pixels(collection: Collection) -> None:
    shot = family_photo(textured(8), "phone", 6)
    half = shot.image.resize((shot.image.width // 2, shot.image.height // 2))
    result = recognize_photo(collection, half, original_size=shot.image.size)
    assert result.photo_size == shot.image.size and result.quad is not None
    assert np.abs(np.array(result.quad) - shot.quad).max() < 0.03 * max(shot.image.size)


def test_a_photo_passed_whole_is_looked_at_as_the_same_photo_uploaded(
    collection: Collection, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vitrine.images import decode_gray
    from vitrine.visitor import recognize

    shot = family_photo(textured(4), "phone", 2)  # 1800 px and up, as the CLI and the bot pass it
    sizes: list[tuple[int, int]] = []
    real = recognize._find

    def spy(collection: Collection, local: object, photo: Image.Image, *args: object) -> object:
        sizes.append(photo.size)
        return real(collection, local, photo, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(recognize, "_find", spy)
    whole = recognize_photo(collection, shot.image)
    small, original = decode_gray(shot.jpeg, "photo", max_side=640)  # as the API decodes an upload
    uploaded = recognize_photo(collection, small, original_size=original)
    assert max(sizes[0]) == 640 and sizes[0] == small.size
    assert whole.record is not None and uploaded.record is not None
    assert whole.record.identifier == uploaded.record.identifier == "r4"
    assert whole.photo_size == uploaded.photo_size == shot.image.size
    assert whole.quad is not None and uploaded.quad is not None
    assert np.abs(np.array(whole.quad) - np.array(uploaded.quad)).max() < 0.01 * max(shot.image.size)


def test_an_imported_work_is_recognised_when_indexing_ends_and_a_deleted_one_no_more(
    tmp_path: Path,
) -> None:
    from vitrine.cli.index import run_indexing
    from vitrine.records import ImageRef, Record
    from vitrine.settings import Settings

    coll = build(tmp_path, local=True)
    try:
        path = tmp_path / "late.png"
        textured(42).save(path)
        coll.catalog.upsert(Record(identifier="late", title="Late", images=[ImageRef(location=str(path))]))
        photo = family_photo(textured(42), "mild", 1).image
        assert not recognize_photo(coll, photo).matched  # not indexed yet
        assert run_indexing(coll, Settings()) == 0  # what every import ends with
        result = recognize_photo(coll, photo)
        assert result.record is not None and result.record.identifier == "late"
        coll.catalog.delete_record("late")
        assert not recognize_photo(coll, photo).matched  # a deleted record is never answered
        run_indexing(coll, Settings())
        assert len(coll.local_index()) == 10  # and its features are gone from the index
    finally:
        coll.close()


def test_a_second_look_at_another_size_runs_only_when_the_first_finds_nothing(collection: Collection) -> None:
    photo = family_photo(textured(3), "mild", 4).image
    small = Pipeline(query_side=64, sharpen_retry=False)
    assert not recognize_photo(collection, photo, pipeline=small).matched
    again = recognize_photo(collection, photo, pipeline=replace(small, retry_side=640))
    assert again.record is not None and again.record.identifier == "r3"


def framed(picture: Image.Image, border: float = 0.08) -> Image.Image:
    """`picture` at 600 x 480 inside an ornamented frame `border` of its side wide, the same frame
    for every picture (a digital image that shows the work's frame)."""
    w, h = 600, 480
    out = textured(999, (w, h))
    bx, by = round(border * w), round(border * h)
    out.paste(picture.resize((w - 2 * bx, h - 2 * by)), (bx, by))
    return out


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record
    from vitrine.regions.search import index_regions

    root = tmp_path_factory.mktemp("frames")
    coll = create_collection(root / "coll", embedder="classic", index="memory", title="Framed")
    for i in range(10):  # r0 in its frame, the others without
        (framed(textured(0)) if i == 0 else textured(i)).save(root / f"work{i}.png")
        coll.catalog.upsert(Record(identifier=f"r{i}", title=f"Work {i}",
                                   images=[ImageRef(location=str(root / f"work{i}.png"))]))
    index_collection(coll, workers=1)
    index_regions(coll, workers=1)
    yield coll
    coll.close()


def test_a_match_on_the_frame_alone_is_refused(frames: Collection) -> None:
    outsider = framed(textured(77))  # another picture in the same frame, photographed straight on
    plain = recognize_photo(frames, outsider, min_inliers=8, pipeline=Pipeline(max_works=1, margin=0.0))
    assert plain.matched and plain.inliers >= 8  # the frame alone makes a wrong match ...
    interior = Pipeline(max_works=1)  # the default counts only inliers inside the matched image
    refused = recognize_photo(frames, outsider, min_inliers=8, pipeline=interior)
    assert not refused.matched, refused.inliers  # ... not once its inliers must lie inside it
    right = recognize_photo(frames, family_photo(framed(textured(0)), "mild", 2).image, min_inliers=8,
                            pipeline=interior)
    assert right.record is not None and right.record.identifier == "r0"  # the picture itself still counts


def test_a_weak_first_look_is_looked_at_again_sharpened(collection: Collection,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.visitor import recognize as module

    looks: list[tuple[int, int]] = []
    real = module.sharpened

    def counted(grey: Image.Image, side: int) -> Image.Image:
        looks.append(grey.size)
        return real(grey, side)

    monkeypatch.setattr(module, "sharpened", counted)
    pipe = Pipeline(sharpen_retry=True, retry_below=1000)  # every work found is "weak"
    sharp = family_photo(textured(3), "mild", 4).image
    assert recognize_photo(collection, sharp, pipeline=pipe).record is not None and len(looks) == 1
    strong = Pipeline()  # the default; a sharp photo's work is strong at once: no second look
    first = recognize_photo(collection, sharp, pipeline=strong)
    assert len(looks) == 1 and first.inliers >= strong.retry_below
    wall = Image.new("RGB", (800, 600), (128, 120, 110))
    assert not recognize_photo(collection, wall, pipeline=strong).matched
    assert len(looks) == 1  # nothing at all in the photo: no second look either
    assert not recognize_photo(collection, wall, pipeline=replace(strong, sparse=1000)).matched
    assert len(looks) == 2  # unless asked: nothing found, but few features (a blurred photo?)
    blurred = family_photo(textured(3), "blur", 5).image.filter(ImageFilter.GaussianBlur(2.5))
    once = recognize_photo(collection, blurred, min_inliers=4, pipeline=Pipeline(sharpen_retry=False))
    twice = recognize_photo(collection, blurred, min_inliers=4, pipeline=strong)
    assert twice.record is not None and twice.record.identifier == "r3"
    assert twice.inliers >= once.inliers


def test_a_weak_right_work_is_accepted_only_when_the_photo_agrees_with_it(collection: Collection) -> None:
    shot = family_photo(textured(3), "blur", 5)
    never = 1000  # every work found is "weak": under the inlier threshold, so only agreement can accept it
    off = recognize_photo(collection, shot.image, min_inliers=never, pipeline=Pipeline(agreement=None))
    assert not off.matched  # without the rule: no match
    on = recognize_photo(collection, shot.image, min_inliers=never, pipeline=Pipeline(agree_from=4))
    assert on.record is not None and on.record.identifier == "r3"
    assert on.works[0].agreement is not None and on.works[0].agreement >= Pipeline().agreement  # type: ignore[operator]
    demanding = recognize_photo(collection, shot.image, min_inliers=never,
                                pipeline=Pipeline(agree_from=4, agreement=0.9999))
    assert not demanding.matched  # the threshold is what decides
    for seed in range(3):  # works not in the collection: never accepted by agreement
        outsider = family_photo(textured(90 + seed), "blur", seed).image
        assert not recognize_photo(collection, outsider, min_inliers=never,
                                   pipeline=Pipeline(agree_from=4)).matched


def test_the_sharpened_look_adds_to_the_first_and_loses_none_of_its_works() -> None:
    from vitrine.local.geometry import Verification
    from vitrine.visitor.recognize import merged_looks

    def hit(image_id: int, inliers: int) -> Verification:
        return Verification(image_id, inliers, np.eye(3), (0.0, 0.0, 1.0, 1.0),
                            ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)))

    first = [hit(1, 10), hit(2, 9)]  # a wall: two works, the strongest weak enough for a second look
    again = [hit(1, 14), hit(3, 5)]
    merged = merged_looks(first, again)
    assert [(h.image_id, h.inliers) for h in merged] == [(1, 14), (2, 9), (3, 5)]
    assert merged_looks([], again) == sorted(again, key=lambda h: -h.inliers)


def dark(seed: int) -> Image.Image:
    """A dark, flat painting: a 200 px thumbnail giving almost no features at SIFT's default threshold."""
    picture = textured(seed).resize((200, 160))
    return Image.fromarray((np.asarray(picture, np.float32) * 0.25 + 15).astype(np.uint8))


def pictures_collection(root: Path, pictures: list[Image.Image]) -> Collection:
    """An indexed collection of these pictures, records r0.. (local features too)."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record
    from vitrine.regions.search import index_regions

    coll = create_collection(root / "coll", embedder="classic", index="memory", title="Works")
    for i, picture in enumerate(pictures):
        path = root / f"work{i}.png"
        picture.save(path)
        coll.catalog.upsert(Record(identifier=f"r{i}", title=f"Work {i}",
                                   images=[ImageRef(location=str(path))]))
    index_collection(coll, workers=1)
    index_regions(coll, workers=1)
    return coll


@pytest.fixture(scope="module")
def dark_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    coll = pictures_collection(tmp_path_factory.mktemp("dark"),
                               [dark(i) if i < 4 else textured(i) for i in range(8)])
    yield coll
    coll.close()


def test_a_blurred_photo_of_a_dark_work_is_found(dark_collection: Collection) -> None:
    from vitrine.local.features import extract
    from vitrine.visitor.enhance import sharpness, stretch
    from vitrine.visitor.recognize import AGREED

    assert all(len(extract(dark(i))) < 30 for i in range(4))  # too few to be found: indexed with more
    photos = [(f"r{i}", family_photo(dark(i), "blur", seed).image) for i in range(4) for seed in (0, 1, 3)]
    assert all(sharpness(stretch(photo.convert("L"))) < Pipeline().blurred for _, photo in photos)
    before = [recognize_photo(dark_collection, photo, min_inliers=8, pipeline=AGREED) for _, photo in photos]
    now = [recognize_photo(dark_collection, photo, min_inliers=8) for _, photo in photos]
    assert sum(r.matched for r in before) == 0  # the first look finds nothing, so no second look
    right = [r.record is not None and r.record.identifier == truth
             for (truth, _), r in zip(photos, now, strict=True)]
    assert sum(right) >= 9 and all(r.record is None or ok for r, ok in zip(now, right, strict=True))
    for seed in range(4):  # dark works not in the collection, as blurred: still no match
        assert not recognize_photo(dark_collection, family_photo(dark(20 + seed), "blur", seed).image,
                                   min_inliers=8).matched


def muted(seed: int) -> Image.Image:
    """A muted painting: its contrast halved about a mid-dark grey."""
    picture = textured(seed).resize((200, 160))
    return Image.fromarray((np.asarray(picture, np.float32) * 0.5 + 40).astype(np.uint8))


def glared(picture: Image.Image, seed: int, strength: float = 0.7) -> Image.Image:
    """A photo of `picture` under a white glare spot over the work, `strength` at its centre."""
    shot = family_photo(picture, "mild", seed)
    quad = np.array(shot.quad)
    (cx, cy), radius = quad.mean(axis=0), 0.6 * float(np.ptp(quad[:, 0]))
    photo, _ = under_glare(shot.image, (float(cx), float(cy)), (radius, radius), strength)
    return photo


@pytest.fixture(scope="module")
def muted_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    coll = pictures_collection(tmp_path_factory.mktemp("muted"), [muted(i) for i in range(8)])
    yield coll
    coll.close()


def test_a_photo_of_a_work_under_strong_glare_is_found(muted_collection: Collection) -> None:
    from vitrine.visitor.recognize import BLURRED

    photos = [(f"r{i}", glared(muted(i), seed)) for i in range(8) for seed in (0, 1)]

    def right(pipeline: Pipeline) -> list[bool]:
        results = [recognize_photo(muted_collection, photo, min_inliers=8, pipeline=pipeline)
                   for _, photo in photos]
        assert all(r.record is None or r.record.identifier == truth
                   for (truth, _), r in zip(photos, results, strict=True))  # never a wrong record
        return [r.record is not None for r in results]

    veiled = sum(right(replace(Pipeline(), unveil=0.0)))  # the default but for the veil
    assert sum(right(BLURRED)) <= veiled < sum(right(Pipeline())) == len(photos)
    for seed in range(6):  # muted works not in the collection, under the same glare: no match
        assert not recognize_photo(muted_collection, glared(muted(20 + seed), seed), min_inliers=8).matched
