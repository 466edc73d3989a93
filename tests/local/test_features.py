from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from motifs import scene
from vitrine.local.features import LocalFeatures, extract, extract_enough, rescale, root_sift


def test_keypoints_are_in_source_pixels_whatever_the_detection_size() -> None:
    image, _ = scene(11, (40, 30, 1.0))
    big = image.resize((image.width * 3, image.height * 3), Image.Resampling.BICUBIC)
    full = extract(image)
    reduced = extract(big, max_side=image.width)  # detected at the small size, reported in big's pixels
    assert reduced.image_size == big.size
    assert reduced.keypoints[:, 0].max() > image.width  # not left in the reduced frame
    assert (reduced.keypoints[:, 0] < big.width).all() and (reduced.keypoints[:, 1] < big.height).all()
    # the same corners are found: each reduced keypoint / 3 lies near a full-size keypoint
    small = reduced.keypoints[:, :2] / 3
    nearest = np.min(np.linalg.norm(small[:, None, :] - full.keypoints[None, :, :2], axis=2), axis=1)
    assert np.median(nearest) < 1.5


def test_descriptors_are_rootsift_with_unit_norm_and_capped_in_number() -> None:
    image, _ = scene(12, None)
    features = extract(image, max_features=100)
    assert len(features) == 100
    assert features.descriptors.shape == (100, 128) and features.descriptors.dtype == np.float32
    assert np.allclose(np.linalg.norm(features.descriptors, axis=1), 1.0, atol=1e-4)
    assert (features.descriptors >= 0).all()


def test_root_sift_is_the_hellinger_map() -> None:
    sift = np.array([[4.0, 0.0, 12.0, 0.0]], np.float32)
    assert np.allclose(root_sift(sift), [[0.5, 0.0, np.sqrt(0.75), 0.0]])


def test_blank_image_has_no_features() -> None:
    features = extract(Image.new("RGB", (200, 100), "white"))
    assert len(features) == 0 and features.descriptors.shape == (0, 128)
    assert features.image_size == (200, 100)


def test_crop_keeps_the_features_inside_the_box() -> None:
    image, _ = scene(13, None)
    features = extract(image)
    inside = features.crop((100, 50, 300, 200))
    assert 0 < len(inside) < len(features)
    assert (inside.keypoints[:, 0] >= 100).all() and (inside.keypoints[:, 1] < 200).all()


def test_rescale_maps_keypoints_to_the_source_size() -> None:
    keypoints = np.array([[9.5, 4.5, 2.0, 30.0]], np.float32)
    features = LocalFeatures(keypoints, np.zeros((1, 128), np.float32), (20, 10))
    scaled = rescale(features, (40, 20))
    assert scaled.image_size == (40, 20)
    assert np.allclose(scaled.keypoints[0], [19.5, 9.5, 4.0, 30.0])


def test_a_dark_flat_image_is_extracted_again_with_a_lower_contrast_threshold() -> None:
    image, _ = scene(14, None)
    dark = Image.fromarray((np.asarray(image.convert("L"), np.float32) * 0.2 + 20).astype(np.uint8))
    few = extract(dark)
    enough = extract_enough(dark, min_features=200)
    assert 0 < len(few) < 200 <= len(enough)  # a thumbnail this dark gives too few to be found at 0.04
    assert set(map(tuple, few.keypoints[:, :2].round(2).tolist())) <= set(
        map(tuple, enough.keypoints[:, :2].round(2).tolist()))  # the strong features are kept
    bright = extract(image)
    assert len(bright) >= 200
    assert np.array_equal(extract_enough(image, min_features=200).keypoints, bright.keypoints)  # once


def test_an_image_is_never_asked_for_more_features_than_it_may_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.local import features as module

    calls: list[float] = []
    real = module.extract

    def counted(image: Image.Image, **kwargs: Any) -> LocalFeatures:
        calls.append(kwargs["contrast"])
        return real(image, **kwargs)

    monkeypatch.setattr(module, "extract", counted)
    image, _ = scene(14, None)
    assert len(extract_enough(image, max_features=64, min_features=100)) == 64
    assert calls == [0.04]  # 64 is all it may keep: no lower threshold tried


def test_the_contrast_threshold_stops_at_its_floor() -> None:
    image, _ = scene(14, None)
    dark = Image.fromarray((np.asarray(image.convert("L"), np.float32) * 0.12 + 20).astype(np.uint8))
    at_default = extract(dark)
    assert len(extract_enough(dark, min_features=200, floor=0.04)) == len(at_default)  # never lowered
    assert len(at_default) < len(extract_enough(dark, min_features=200, floor=0.02)) <= len(
        extract(dark, contrast=0.02))  # lowered once, to the floor, even if still short
