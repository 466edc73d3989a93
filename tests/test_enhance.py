"""What is done to a visitor's photo before its features are taken: sharpness, and the veil of glare."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from artworks import textured, under_glare
from vitrine.bench.gallery_photos import family_photo
from vitrine.visitor.enhance import sharpness, unveiled
from vitrine.visitor.recognize import Pipeline


def test_sharpness_tells_a_blurred_photo_from_a_sharp_one() -> None:
    sharp = family_photo(textured(3), "mild", 4).image.convert("L")
    blurred = family_photo(textured(3), "blur", 5).image.convert("L")
    assert sharpness(blurred) < Pipeline().blurred < sharpness(sharp)
    assert sharpness(sharp.filter(ImageFilter.GaussianBlur(3))) < Pipeline().blurred
    assert sharpness(Image.new("L", (300, 200), 90)) == 0.0


def test_sharpness_is_the_same_for_a_photo_passed_whole_or_decoded_small() -> None:
    from vitrine.images import decode_gray

    for seed in range(3):
        shot = family_photo(textured(seed), "phone-lowlight", seed)  # 1800 px and up, camera shake
        small, _ = decode_gray(shot.jpeg, "photo", max_side=640)  # as the bench and the API decode it
        with Image.open(io.BytesIO(shot.jpeg)) as whole:  # as the CLI and the bot pass it
            assert max(whole.size) >= 1800
            assert sharpness(whole) == pytest.approx(sharpness(small), rel=0.15)


def veiled(picture: Image.Image, strength: float, centre: tuple[float, float] = (0.5, 0.5),
           radius: float = 0.5) -> tuple[Image.Image, np.ndarray]:
    """`picture` in grey under a white veil (glare), `strength` at its centre (a share of its width
    and height), falling to 1/e at `radius` of them; and the veil."""
    w, h = picture.size
    return under_glare(picture.convert("L"), (centre[0] * w, centre[1] * h), (radius * w, radius * h),
                       strength)


def spread(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return float(np.asarray(image.crop(box), np.float32).std())


def test_a_veil_of_glare_is_taken_off_and_the_works_contrast_comes_back() -> None:
    from vitrine.local.features import extract

    work = textured(5, (640, 480)).convert("L")
    photo, veil = veiled(work, 0.85)
    centre = (220, 140, 420, 340)  # where the veil is over 0.6
    assert veil[140:340, 220:420].min() > 0.6
    assert spread(photo, centre) < 0.3 * spread(work, centre)
    again = unveiled(photo, 0.9)
    assert spread(again, centre) > 0.6 * spread(work, centre)
    lifted = np.asarray(again, np.float32)[140:340, 220:420]
    truth = np.asarray(work, np.float32)[140:340, 220:420]
    assert np.corrcoef(lifted.ravel(), truth.ravel())[0, 1] > 0.8
    inside = [len(extract(image.crop(centre))) for image in (work, photo, again)]
    assert inside[1] < 0.5 * inside[0] and inside[2] > 2 * inside[1]


def test_a_photo_with_black_in_every_part_is_left_as_it_is_and_a_lifted_black_is_lowered() -> None:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (480, 640)).astype(np.uint8)  # black somewhere in every window
    again = np.asarray(unveiled(Image.fromarray(pixels), 0.9), np.int16)
    assert np.abs(again - pixels).max() <= 1
    lifted = (pixels * 0.6 + 0.4 * 255).astype(np.uint8)  # the same under a uniform veil of 0.4
    again = np.asarray(unveiled(Image.fromarray(lifted), 0.9), np.int16)
    assert np.abs(again - pixels).mean() < 3


def test_a_light_wall_is_not_raised_beyond_the_cap() -> None:
    rng = np.random.default_rng(0)
    wall = np.clip(230 + rng.normal(0, 2, (300, 400)), 0, 255).astype(np.uint8)  # bright, faint noise
    for cap in (0.5, 0.9):
        again = np.asarray(unveiled(Image.fromarray(wall), cap), np.float32)
        assert again.std() <= wall.std() / (1 - cap) * 1.1
    assert np.asarray(unveiled(Image.new("L", (200, 100), 0), 0.9)).max() == 0  # black stays black


def test_the_veil_is_the_same_for_a_photo_of_any_size() -> None:
    photo, _ = veiled(textured(7, (1600, 1200)), 0.8, centre=(0.4, 0.6))
    small = photo.resize((640, 480), Image.Resampling.BOX)
    whole = unveiled(photo, 0.9).resize((640, 480), Image.Resampling.BOX)
    assert np.abs(np.asarray(whole, np.float32) - np.asarray(unveiled(small, 0.9), np.float32)).mean() < 4


def test_a_cap_that_could_divide_by_zero_is_refused() -> None:
    for cap in (0.0, 1.0, 1.5, -0.2):
        with pytest.raises(ValueError, match="cap"):
            unveiled(Image.new("L", (64, 48), 255), cap)
