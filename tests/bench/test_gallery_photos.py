"""Synthetic gallery photos: reproducible, phone-sized, the work where the quad says, damage as asked."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from artworks import textured
from vitrine.bench import gallery_photos
from vitrine.bench.gallery_photos import FAMILIES, Distortions, family_photo, gallery_photo


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, np.float32)


def test_same_seed_same_photo_other_seed_other_photo() -> None:
    art = textured(1)
    a, b = family_photo(art, "combined", 5), family_photo(art, "combined", 5)
    assert np.array_equal(_pixels(a.image), _pixels(b.image)) and np.array_equal(a.quad, b.quad)
    c = family_photo(art, "combined", 6)
    assert c.image.size != a.image.size or not np.array_equal(_pixels(a.image), _pixels(c.image))


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_gives_a_phone_sized_photo_with_the_work_inside(family: str) -> None:
    shot = family_photo(textured(2), family, 3)
    w, h = shot.image.size
    d = FAMILIES[family]
    assert shot.image.mode == "RGB" and d.long_side[0] - 1 <= max(w, h) <= d.long_side[1] + 1
    assert abs(max(w, h) / min(w, h) - 4 / 3) < 0.01
    assert d.min_visible - 1e-9 <= shot.visible <= d.max_visible + 1e-9
    assert shot.quad.shape == (4, 2)
    inside = (shot.quad[:, 0] >= 0) & (shot.quad[:, 0] <= w) & (shot.quad[:, 1] >= 0) & (shot.quad[:, 1] <= h)
    assert inside.all() == (shot.visible > 0.999)


def test_the_quad_shows_the_work() -> None:
    """Warp the photo back through the quad: the result looks like the artwork, not the wall."""
    import cv2

    art = textured(4)
    shot = family_photo(art, "mild", 1)
    target = np.array([[0, 0], [300, 0], [300, 240], [0, 240]], np.float32)
    h = cv2.getPerspectiveTransform(shot.quad.astype(np.float32), target)
    back = cv2.warpPerspective(_pixels(shot.image), h, (300, 240))
    original = _pixels(art)
    assert np.abs(back - original).mean() < 30
    other = _pixels(textured(5))
    assert np.abs(back - original).mean() < np.abs(back - other).mean() / 2


def test_perspective_family_tilts_the_work() -> None:
    shots = [family_photo(textured(6), "perspective", i) for i in range(4)]
    for shot in shots:
        assert 22 <= abs(shot.yaw) <= 40
        left, right = np.linalg.norm(shot.quad[3] - shot.quad[0]), np.linalg.norm(shot.quad[2] - shot.quad[1])
        assert max(left, right) / min(left, right) > 1.08  # the far side looks shorter


def test_crop_family_cuts_the_work() -> None:
    shot = family_photo(textured(7), "crop", 2)
    assert 0.5 <= shot.visible <= 0.85
    w, h = shot.image.size
    outside = (shot.quad[:, 0] < 0) | (shot.quad[:, 0] > w) | (shot.quad[:, 1] < 0) | (shot.quad[:, 1] > h)
    assert outside.any()


def test_blur_and_noise_do_what_they_say() -> None:
    art = textured(8)
    calm = Distortions()
    sharp = gallery_photo(art, np.random.default_rng(0), calm)
    blurred = gallery_photo(art, np.random.default_rng(0), FAMILIES["blur"])

    def detail(image: Image.Image) -> float:
        grey = _pixels(image.convert("L"))
        return float(np.abs(np.diff(grey, axis=1)).mean())

    assert detail(blurred.image) < detail(sharp.image)
    assert sharp.params["jpeg_quality"] >= 80
    assert family_photo(art, "noise", 0).params["jpeg_quality"] <= 60


def test_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown distortion family"):
        family_photo(textured(1), "fisheye", 0)


def test_write_examples_for_eyeballing(tmp_path: Path) -> None:
    art = tmp_path / "art.png"
    textured(9).save(art)
    written = gallery_photos.write_examples([art], tmp_path / "out", 1, families=("mild", "crop"))
    assert [p.name for p in written] == ["mild-00.jpg", "crop-00.jpg"]
    for path in written:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.format == "JPEG" and max(image.size) >= 800


def test_phone_families_are_phone_sized_and_carry_the_uploaded_bytes() -> None:
    shot = family_photo(textured(2), "phone", 1)
    assert max(shot.image.size) >= 1800
    with Image.open(io.BytesIO(shot.jpeg)) as decoded:
        assert decoded.format == "JPEG" and decoded.size == shot.image.size
    small = family_photo(textured(2), "phone-small", 1)
    span = small.quad.max(axis=0) - small.quad.min(axis=0)
    assert 0.1 <= min(span[0] / small.image.width, span[1] / small.image.height) <= 0.35


def test_a_visitor_in_front_hides_part_of_the_work_and_low_light_darkens() -> None:
    art = textured(4)
    plain = family_photo(art, "phone", 9)
    hidden = gallery_photo(art, np.random.default_rng(9), gallery_photos.FAMILIES["phone-occluded"])
    x0, y0 = hidden.quad.min(axis=0).astype(int)
    x1, y1 = hidden.quad.max(axis=0).astype(int)
    work = _pixels(hidden.image)[y0:y1, x0:x1].mean(axis=2)
    assert (work < 80).mean() > 0.08  # a dark silhouette covers a good part of the work
    dark = family_photo(art, "phone-lowlight", 9)
    assert _pixels(dark.image).mean() < 0.6 * _pixels(plain.image).mean()


def test_a_wall_photo_holds_every_work_where_its_quad_says() -> None:
    from vitrine.bench.gallery_walls import bare_wall_photo, wall_photo

    works = [textured(1), textured(2, (200, 300)), textured(3)]
    wall = wall_photo(works, np.random.default_rng(4))
    assert len(wall.quads) == 3 and min(wall.visible) >= 0.9 and max(wall.image.size) >= 1800
    areas = [np.ptp(q[:, 0]) * np.ptp(q[:, 1]) for q in wall.quads]
    assert max(areas) > 1.3 * min(areas)  # works of different sizes
    lefts = [q[:, 0].min() for q in wall.quads]
    assert lefts == sorted(lefts)  # side by side, in the order given
    bare = bare_wall_photo(np.random.default_rng(4))
    assert bare.quads == [] and bare.jpeg[:2] == b"\xff\xd8"
