"""Local features of one image: RootSIFT keypoints and descriptors in the source image's pixels.

`extract` is the one entry point; everything downstream (the visual-word index, geometric
verification, photo recognition) takes a `LocalFeatures`. Keypoints are always expressed in the
pixel coordinates of the image that was passed in, whatever size the detector worked at, so a
box drawn on the full-size image selects features without any rescaling by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

DEFAULT_MAX_SIDE = 1024
DEFAULT_MAX_FEATURES = 2000
#: OpenCV's (and Lowe's) SIFT contrast threshold: weaker extrema are not features
DEFAULT_CONTRAST = 0.04
#: the features a collection image should give (`extract_enough`): the contrast threshold is absolute,
#: and a dark, flat painting's 200 px thumbnail gave 10 where the median gave 306; 5% of the
#: development collection's thumbnails gave under 100 (docs/recognition.md)
DEFAULT_MIN_FEATURES = 100
#: the lowest contrast threshold `extract_enough` goes down to (halving from `DEFAULT_CONTRAST`)
FLOOR_CONTRAST = 0.005

Box = tuple[float, float, float, float]
"""x0, y0, x1, y1 in source-image pixels (x1 > x0, y1 > y0)."""


@dataclass(frozen=True)
class LocalFeatures:
    """Keypoints and descriptors of one image.

    keypoints: float32 (n, 4) rows of [x, y, size, angle] in source-image pixels (angle in
        degrees, OpenCV's convention). descriptors: float32 (n, 128) RootSIFT, each row of unit
        L2 norm. image_size: (width, height) of the source image.
    """

    keypoints: NDArray[np.float32]
    descriptors: NDArray[np.float32]
    image_size: tuple[int, int]

    def __len__(self) -> int:
        return int(self.keypoints.shape[0])

    def inside(self, box: Box) -> NDArray[np.bool_]:
        """Mask of the keypoints whose centre lies in `box`."""
        x, y = self.keypoints[:, 0], self.keypoints[:, 1]
        x0, y0, x1, y1 = box
        return np.asarray((x >= x0) & (x < x1) & (y >= y0) & (y < y1))

    def crop(self, box: Box) -> LocalFeatures:
        """The features inside `box` (coordinates stay in the source image's pixels)."""
        keep = self.inside(box)
        return LocalFeatures(self.keypoints[keep], self.descriptors[keep], self.image_size)

    @staticmethod
    def empty(image_size: tuple[int, int]) -> LocalFeatures:
        """An image without any feature (blank, tiny)."""
        return LocalFeatures(
            np.zeros((0, 4), np.float32), np.zeros((0, 128), np.float32), image_size)


def extract(
    image: Image.Image, *, max_side: int = DEFAULT_MAX_SIDE,
    max_features: int = DEFAULT_MAX_FEATURES, contrast: float = DEFAULT_CONTRAST,
) -> LocalFeatures:
    """RootSIFT features of `image`, detected at most `max_side` px, the strongest `max_features`.

    Keypoints come back in `image`'s own pixel coordinates. `contrast` is SIFT's contrast
    threshold (lower: more, weaker features, e.g. on a blurred photo).
    """
    import cv2

    width, height = image.size
    gray = np.asarray(image.convert("L"))
    scale = min(1.0, max_side / max(width, height, 1))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    sift = cv2.SIFT.create(nfeatures=max_features, contrastThreshold=contrast)
    points, descriptors = sift.detectAndCompute(gray, None)
    if descriptors is None or not points:
        return LocalFeatures.empty((width, height))
    points, descriptors = points[:max_features], descriptors[:max_features]
    keypoints = np.array([(p.pt[0], p.pt[1], p.size, p.angle) for p in points], np.float32)
    keypoints[:, :3] /= scale
    # cv2 puts pixel centres at integer coordinates; a resize by `scale` maps them with a half-pixel shift.
    keypoints[:, :2] += 0.5 / scale - 0.5
    return LocalFeatures(keypoints, root_sift(np.asarray(descriptors, np.float32)), (width, height))


def extract_enough(
    image: Image.Image, *, max_side: int = DEFAULT_MAX_SIDE, max_features: int = DEFAULT_MAX_FEATURES,
    min_features: int = DEFAULT_MIN_FEATURES, floor: float = FLOOR_CONTRAST,
) -> LocalFeatures:
    """`extract` at SIFT's default contrast threshold, and again with the threshold halved, down to
    `floor`, while the image gives fewer than `min_features`: features of a collection image.

    SIFT's contrast threshold is absolute, so a dark or flat image gives few features (a dark
    night scene's thumbnail gave 10) and no photo of it can be matched; its threshold is lowered
    until it gives as many as most images do. An image with enough features is extracted once,
    exactly as `extract` does.
    """
    contrast, wanted = DEFAULT_CONTRAST, min(min_features, max_features)
    features = extract(image, max_side=max_side, max_features=max_features, contrast=contrast)
    while len(features) < wanted and contrast / 2 >= floor:
        contrast /= 2
        features = extract(image, max_side=max_side, max_features=max_features, contrast=contrast)
    return features


def root_sift(descriptors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Hellinger-mapped SIFT (Arandjelovic & Zisserman 2012): L1-normalise, square root."""
    d = np.asarray(descriptors, np.float32)
    d = d / np.maximum(d.sum(axis=1, keepdims=True), np.float32(1e-7))
    out: NDArray[np.float32] = np.sqrt(d).astype(np.float32)
    return out


def rescale(features: LocalFeatures, size: tuple[int, int]) -> LocalFeatures:
    """The same features with keypoints expressed in an image of `size` (the source, when
    `features` were extracted from a reduced copy of it)."""
    if tuple(size) == tuple(features.image_size):
        return features
    sx = size[0] / max(features.image_size[0], 1)
    sy = size[1] / max(features.image_size[1], 1)
    keypoints = features.keypoints.copy()
    keypoints[:, 0] = (keypoints[:, 0] + 0.5) * sx - 0.5
    keypoints[:, 1] = (keypoints[:, 1] + 0.5) * sy - 0.5
    keypoints[:, 2] *= np.float32((sx + sy) / 2)
    return LocalFeatures(keypoints, features.descriptors, (int(size[0]), int(size[1])))
