"""`visitor.agreement`: the photo seen through a homography against the matched image."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from artworks import textured
from vitrine.visitor.agreement import agreement


def photo_of(picture: Image.Image, shift: tuple[int, int], scale: float) -> tuple[Image.Image, np.ndarray]:
    """`picture` pasted, scaled, on a grey 640 x 480 photo and blurred; the photo -> picture homography."""
    w, h = picture.size
    photo = Image.new("L", (640, 480), 120)
    photo.paste(picture.convert("L").resize((round(w * scale), round(h * scale))), shift)
    to_picture = np.array([[1 / scale, 0, -shift[0] / scale], [0, 1 / scale, -shift[1] / scale], [0, 0, 1]])
    return photo.filter(ImageFilter.GaussianBlur(2)), to_picture


def test_the_right_image_through_the_right_homography_agrees() -> None:
    picture = textured(3, (200, 160))
    photo, h = photo_of(picture, (100, 80), 2.0)
    assert agreement(photo, picture, h, picture.size) > 0.9


def test_another_image_or_a_wrong_homography_does_not() -> None:
    picture = textured(3, (200, 160))
    photo, h = photo_of(picture, (100, 80), 2.0)
    assert abs(agreement(photo, textured(4, (200, 160)), h, (200, 160))) < 0.4
    shifted = h @ np.array([[1, 0, 60], [0, 1, 40], [0, 0, 1]], np.float64)
    assert agreement(photo, picture, shifted, picture.size) < 0.4


def test_too_little_of_the_image_in_the_photo_says_nothing() -> None:
    picture = textured(3, (200, 160))
    photo, h = photo_of(picture, (100, 80), 2.0)
    away = h @ np.array([[1, 0, 2000], [0, 1, 0], [0, 0, 1]], np.float64)
    assert agreement(photo, picture, away, picture.size) == -1.0


def test_the_stored_images_own_size_is_what_the_homography_maps_into() -> None:
    picture = textured(3, (200, 160))
    photo, h = photo_of(picture, (100, 80), 2.0)
    big = picture.resize((800, 640))  # the same image stored larger: the homography maps 4x further
    assert agreement(photo, big, np.diag([4.0, 4.0, 1.0]) @ h, big.size) > 0.9
