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
    assert shot.image.mode == "RGB" and 800 <= max(w, h) <= 1200 and abs(max(w, h) / min(w, h) - 4 / 3) < 0.01
    d = FAMILIES[family]
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
