"""What is done to a visitor's photo before its features are taken, and how it is judged.

SIFT's contrast threshold is absolute, so a photo's grey levels decide which of its features are
detected at all: a dim photo's are stretched (`stretch`), a white veil of glare is taken off
(`unveiled`), a blurred photo is sharpened (`sharpened`, when `sharpness` says it is blurred).
On a photo of the uploads' 640 px, each costs a few milliseconds at most, next to about 60 for
one extraction.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

#: a photo whose grey levels span less than this share of the range is stretched (`stretch`)
_DIM = 0.4
SHARPNESS_SIDE = 640  # the long side `sharpness` is measured at (the uploads' decoded side)
#: `unveiled`: the long side the veil is estimated at, the dark channel's window and the veil's
#: smoothing (a Gaussian's sigma), in px at that side (at 640 px: 20 px, both)
_VEIL_SIDE = 160
_DARK_WINDOW = 5
_VEIL_SMOOTH = 5.0


def sharpened(grey: Image.Image, side: int) -> Image.Image:
    """The photo reduced to `side` px on its long side and unsharp-masked (radius 2 px, 150 %):
    a blurred photo's edges get back some of the contrast SIFT needs to detect and describe them."""
    from PIL import ImageFilter

    return reduced(grey, side).filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0))


def fitted(photo: Image.Image, side: int) -> Image.Image:
    """The photo in grey, at most `side` px on its long side, reduced as `decode_gray` reduces an
    upload (bilinear): a photo passed whole is looked at as the same photo uploaded."""
    grey = photo.convert("L")  # a copy: thumbnail shrinks it in place
    if max(grey.size) > side:
        grey.thumbnail((side, side), Image.Resampling.BILINEAR)
    return grey


def sharpness(grey: Image.Image, side: int = SHARPNESS_SIDE) -> float:
    """How sharp the photo is at `side` px on its long side: the variance of its Laplacian over the
    variance of its grey levels (0 for a flat photo). Blurred photos of the development seed gave
    under 0.05 (the median 0.009), sharp ones about 0.05. The photo is reduced as `decode_gray`
    reduces an upload (bilinear), so a photo passed at full size measures as the uploaded one."""
    import cv2

    pixels = np.asarray(fitted(grey, side), np.float32)
    spread = float(pixels.var())
    return float(cv2.Laplacian(pixels, cv2.CV_32F).var()) / spread if spread > 1e-6 else 0.0


def reduced(grey: Image.Image, side: int) -> Image.Image:
    """The photo at most `side` px on its long side, reduced by area (box)."""
    w, h = grey.size
    scale = min(1.0, side / max(w, h, 1))
    if scale < 1.0:
        grey = grey.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
    return grey


def stretch(grey: Image.Image, dim: float = _DIM) -> Image.Image:
    """A dim photo's grey levels, 1st to 99th percentile, spread linearly over 0-255; a photo whose
    levels already span more than `dim` of the range is left alone (stretching it would only
    raise its noise into features that crowd out the work's)."""
    pixels = np.asarray(grey)
    lo, hi = np.percentile(pixels[::4, ::4], (1, 99))
    if hi - lo < 1 or hi - lo > dim * 255:
        return grey
    table = np.clip((np.arange(256) - lo) * 255 / (hi - lo), 0, 255).astype(np.uint8)
    return Image.fromarray(table[pixels])


def unveiled(grey: Image.Image, cap: float) -> Image.Image:
    """The photo with a white veil taken off. Glare on a work's varnish or glass adds white light,
    `photo = (1 - a) * work + 255 * a`, which scales the work's contrast down by `1 - a` where it
    falls and can take its features under SIFT's threshold. The veil `a` is estimated as haze is by
    the dark channel prior (He, Sun & Tang, 2009), with white light: in a window of a painting
    something is dark, and glare lifts it. So `a` is the photo's minimum over windows of
    `_DARK_WINDOW / _VEIL_SIDE` of its long side (1/32), smoothed, and at most `cap`, under 1 (a
    light wall would otherwise be taken for a veil and its noise raised without bound). The veil is
    smooth, so it is estimated on the photo reduced to `_VEIL_SIDE` px (each small pixel the
    darkest of the block it stands for) and applied at full size: under a millisecond at 640 px."""
    import cv2

    if not 0.0 < cap < 1.0:
        raise ValueError(f"the veil's cap must be over 0 and under 1, not {cap}")
    pixels = np.asarray(grey.convert("L"))
    h, w = pixels.shape
    factor = max(h, w, 1) / _VEIL_SIDE
    small = pixels
    if factor > 1:  # each small pixel the darkest of its block (anchored at its top left), not their mean
        block = np.ones((math.ceil(factor),) * 2, np.uint8)
        darkest = cv2.erode(pixels, block, anchor=(0, 0))
        small = cv2.resize(darkest, (max(1, round(w / factor)), max(1, round(h / factor))),
                           interpolation=cv2.INTER_NEAREST)
    dark = cv2.erode(small, np.ones((_DARK_WINDOW, _DARK_WINDOW), np.uint8))
    veil = np.minimum(cv2.GaussianBlur(dark.astype(np.float32), (0, 0), _VEIL_SMOOTH) / 255.0, cap)
    gain = cv2.resize(1.0 / (1.0 - veil), (w, h), interpolation=cv2.INTER_LINEAR)
    lift = cv2.resize(255.0 * veil / (1.0 - veil), (w, h), interpolation=cv2.INTER_LINEAR)
    work = pixels.astype(np.float32) * gain - lift
    return Image.fromarray(np.clip(work + 0.5, 0, 255).astype(np.uint8))
