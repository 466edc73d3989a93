"""Does the photo, seen through a weak match's homography, look like the matched image?

A blurred photo of a collection work is often found with too few verified inliers to pass the
threshold, while its homography is right. Warped through that homography into the matched
image's frame, the photo then looks like the image (both blurred alike: a correlation of 0.9 or
more on the development photos), while a chance homography of a work not in the collection warps
something unrelated (around 0). `agreement` measures it: the normalised cross-correlation of the
two, blurred, on the image's interior (docs/recognition.md, "a second opinion for weak matches").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.visitor.enhance import reduced

#: both are compared at this long side (the public-art thumbnails' own), blurred by `_SIGMA` px
_SIDE = 200
_SIGMA = 1.5
_MARGIN = 0.1  # the image's border (frames) is left out, as for the inliers
_COVERED = 0.2  # the photo must cover this share of the image, or there is nothing to compare


def agreement(photo: Image.Image, picture: Image.Image, transform: NDArray[np.float64],
              image_size: tuple[int, int]) -> float:
    """Correlation (-1 to 1) of grey `photo` warped by `transform` (photo pixels -> pixels of the
    stored image of `image_size`) with `picture`, the stored image's pixels; -1 when the photo
    covers too little of the image to say."""
    import cv2

    w, h = image_size
    down = _SIDE / max(w, h, 1)
    size = (max(8, round(w * down)), max(8, round(h * down)))
    small = reduced(photo.convert("L"), 2 * _SIDE)
    up = photo.width / small.width  # back to the photo's own pixels
    to_small = np.diag([size[0] / w, size[1] / h, 1.0]) @ transform @ np.diag([up, up, 1.0])
    flat = np.asarray(small, np.float32)
    warped = cv2.warpPerspective(flat, to_small, size, flags=cv2.INTER_LINEAR)
    valid = cv2.warpPerspective(np.ones_like(flat), to_small, size, flags=cv2.INTER_NEAREST) > 0.5
    mx, my = int(_MARGIN * size[0]), int(_MARGIN * size[1])
    inside = np.zeros_like(valid)
    inside[my:size[1] - my, mx:size[0] - mx] = True
    keep = valid & inside
    if keep.sum() < _COVERED * size[0] * size[1]:
        return -1.0
    ref = np.asarray(picture.convert("L").resize(size, Image.Resampling.BOX), np.float32)
    a = cv2.GaussianBlur(np.where(valid, warped, 0), (0, 0), _SIGMA)[keep]
    b = cv2.GaussianBlur(ref, (0, 0), _SIGMA)[keep]
    a, b = a - a.mean(), b - b.mean()
    return round(float((a * b).sum() / (np.sqrt(float((a * a).sum()) * float((b * b).sum())) + 1e-9)), 4)
