"""The default embedder: a hand-made global descriptor, no weights, fully offline, fast.

Finds the same artwork again after rescaling, JPEG recompression, a crop to 80% of the area,
a slight rotation and a colour shift. It does not know what is *in* a picture: two different
portraits are not nearer to each other than a portrait and a landscape of the same layout.

The vector joins three blocks, each L2-normalised, then weighted:

- luminance layout: the 8x8 lowest 2-D DCT frequencies (DC dropped) of the grey image after
  per-image mean/std normalisation, so brightness and contrast changes cancel out;
- colour layout: the two opponent-colour channels, centred and divided by the image's own chroma
  spread, averaged on an 8x8 grid, so saturation changes and colour casts cancel out;
- texture: gradient-orientation histograms (8 orientations, 4x4 grid, sharpened soft binning)
  with square-root normalisation, centred so that unrelated images score near zero.

Every step is vectorised over the batch; on 32x32 inputs it costs about 0.1-0.2 ms per image.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.embedders.base import Embedder, l2_normalise
from vitrine.embedders.calibration import Calibration

Array = NDArray[np.float32]

_SIZE = 32
_DCT_K = 8
_COLOUR_GRID = 8
_GRAD_GRID = 4
_ORIENTATIONS = 8
_WEIGHTS = (1.0, 1.2, 0.7)  # luminance, colour, texture; tuned on public-art (docs/quality.md)
_STD_FLOOR = 5.0  # in 0-255 units: keeps flat images from amplifying JPEG noise
_CHROMA_FLOOR = 3.0


class ClassicEmbedder(Embedder):
    """Layout, colour and texture of the image in 319 numbers; see the module docstring."""

    name = "classic"
    version = "1"
    dim = _DCT_K * _DCT_K - 1 + 2 * _COLOUR_GRID**2 + _GRAD_GRID**2 * _ORIENTATIONS
    has_text = False
    input_size = _SIZE
    calibration = Calibration(
        # public-art (docs/quality.md): about 2% of transformed true matches fall below 0.57
        match=0.57,
        # vitrine bench duplicates on public-art with planted copies: P 0.99, R 0.76
        duplicate=0.60, duplicate_sure=0.95,
    )

    def _embed_images(self, images: Sequence[Image.Image]) -> Array:
        return describe(np.stack([pixels(image, self.input_size) for image in images]))


def pixels(image: Image.Image, size: int = _SIZE) -> Array:
    """The image as a (size, size, 3) float32 RGB array, squashed to a square."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    small = image.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(small, dtype=np.float32)


def describe(batch: Array) -> Array:
    """Descriptors of an (n, s, s, 3) float32 RGB batch (0-255), as (n, dim) unit vectors."""
    grey, red_green, yellow_blue = _opponent(batch)
    blocks = (_luminance_layout(grey), _colour_layout(red_green, yellow_blue), _texture(grey))
    return l2_normalise(np.concatenate([w * b for w, b in zip(_WEIGHTS, blocks, strict=True)], axis=1))


def _opponent(batch: Array) -> tuple[Array, Array, Array]:
    r, g, b = batch[..., 0], batch[..., 1], batch[..., 2]
    grey: Array = (r + g + b) / np.float32(3)
    red_green: Array = (r - g) / np.float32(np.sqrt(2))
    yellow_blue: Array = (r + g - 2 * b) / np.float32(np.sqrt(6))
    return grey, red_green, yellow_blue


def _luminance_layout(grey: Array) -> Array:
    mean = grey.mean(axis=(1, 2), keepdims=True)
    std = grey.std(axis=(1, 2), keepdims=True)
    basis = _dct_basis(grey.shape[1], _DCT_K)
    coefficients = basis @ ((grey - mean) / (std + _STD_FLOOR)) @ basis.T
    flat = coefficients.reshape(len(grey), -1)[:, 1:]
    return l2_normalise(np.sign(flat) * np.sqrt(np.abs(flat)))


def _colour_layout(red_green: Array, yellow_blue: Array) -> Array:
    rg = red_green - red_green.mean(axis=(1, 2), keepdims=True)
    yb = yellow_blue - yellow_blue.mean(axis=(1, 2), keepdims=True)
    spread = np.sqrt((rg**2 + yb**2).mean(axis=(1, 2), keepdims=True)) + _CHROMA_FLOOR
    pooled = [_pool(channel / spread, _COLOUR_GRID) for channel in (rg, yb)]
    return l2_normalise(np.concatenate(pooled, axis=1))


def _texture(grey: Array) -> Array:
    gy, gx = np.gradient(grey, axis=(1, 2))
    magnitude = np.sqrt(gx**2 + gy**2) + np.float32(1e-6)
    # Double-angle vector: orientation without sign, so a dark-on-light edge matches light-on-dark.
    doubled = np.stack([(gx**2 - gy**2) / magnitude, 2 * gx * gy / magnitude], axis=-1)
    response = np.maximum(doubled @ _orientation_axes(_ORIENTATIONS), 0)
    response = response**2 / magnitude[..., None]  # sharper bins, still soft, still linear in magnitude
    n, size = grey.shape[0], grey.shape[1]
    cell = size // _GRAD_GRID
    cut = cell * _GRAD_GRID
    cells = response[:, :cut, :cut].reshape(n, _GRAD_GRID, cell, _GRAD_GRID, cell, _ORIENTATIONS)
    hist = cells.sum(axis=(2, 4))
    hist = np.sqrt(hist / (hist.sum(axis=(1, 2, 3), keepdims=True) + 1e-6)).reshape(n, -1)
    return l2_normalise(hist - hist.mean(axis=1, keepdims=True))


def _pool(maps: Array, grid: int) -> Array:
    """Means over a grid x grid partition of each (n, s, s) map."""
    n, size = maps.shape[0], maps.shape[1]
    cell = size // grid
    cut = cell * grid
    pooled: Array = maps[:, :cut, :cut].reshape(n, grid, cell, grid, cell).mean(axis=(2, 4))
    return pooled.reshape(n, -1)


_bases: dict[tuple[int, int], Array] = {}


def _dct_basis(size: int, k: int) -> Array:
    """The first k rows of the orthonormal DCT-II matrix of order `size`."""
    key = (size, k)
    if key not in _bases:
        x = np.arange(size)
        rows = np.cos(np.pi * (2 * x[None, :] + 1) * np.arange(k)[:, None] / (2 * size)) * np.sqrt(2 / size)
        rows[0] /= np.sqrt(2)
        _bases[key] = rows.astype(np.float32)
    return _bases[key]


def _orientation_axes(count: int) -> Array:
    angles = np.arange(count) * 2 * np.pi / count
    return np.stack([np.cos(angles), np.sin(angles)]).astype(np.float32)
