"""Synthetic visitors' photos of an artwork: framed, hung on a wall, shot with a phone.

    python -m vitrine.bench.gallery_photos --data ../shared/data/public-art --out /tmp/photos -n 12

`gallery_photo(artwork, rng, distortions)` renders one photo, seeded by `rng`:

1. frame: a moulding 4-13% of the work's side (gilt with a bevel and worn ornament, dark wood,
   black, silver/white, or none), sometimes with a cream mat between frame and work;
2. wall: a painted colour with blotchy low-frequency texture, a drop shadow under the frame,
   sometimes neighbouring framed works (procedural, never real works) and a label card;
3. perspective: a pinhole camera (phone-like 65 degree field of view) looking at the wall from
   `yaw`/`pitch` degrees off the wall's normal, with a roll; the work fills `fill` of the frame;
   a fill above 1 or a target offset cuts parts of the work off (`visible` says how much stays);
4. light: a brightness gradient across the photo, a white-balance cast, a glare spot (an
   elongated specular highlight inside the work);
5. camera: motion or defocus blur, signal-dependent sensor noise, JPEG at `jpeg_quality`;
   output 800-1200 px on the long side, 4:3 landscape or portrait.

Every range lives in a `Distortions` (numbers are drawn uniformly in [low, high]);
`FAMILIES` holds the presets the recognition benchmark reports separately: each pushes one
kind of damage hard and keeps the rest mild, and `combined` pushes all of them at once.
"""

from __future__ import annotations

import argparse
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

Range = tuple[float, float]
Quad = NDArray[np.float64]
"""(4, 2) corners of the work in photo pixels: top-left, top-right, bottom-right, bottom-left."""

_WORK_SIDE = 512  # the work's long side on the wall, in wall pixels
_FOV_DEG = 65.0
_WALLS = ((236, 232, 222), (214, 214, 210), (128, 38, 42), (46, 72, 62), (38, 52, 86),
          (170, 160, 140), (90, 90, 94), (196, 186, 160))
_FRAMES = ("gilt", "gilt", "gilt", "wood", "black", "silver", "none")


@dataclass(frozen=True)
class Distortions:
    """Ranges the photo's parameters are drawn from (angles in degrees, sizes as fractions)."""

    yaw: Range = (0.0, 10.0)  # degrees off the wall normal, left or right
    pitch: Range = (0.0, 6.0)  # up or down
    roll: Range = (0.0, 3.0)
    fill: Range = (0.45, 0.75)  # the work's size over the photo's (min over both axes)
    offset: Range = (0.0, 0.06)  # look-at point off the work's centre, in work sides
    min_visible: float = 0.97  # fraction of the work's area that stays in the photo
    max_visible: float = 1.0
    frame_width: Range = (0.04, 0.13)
    light_gradient: Range = (0.0, 0.2)  # brightness swing across the photo
    cast: Range = (0.0, 0.04)  # per-channel white-balance gain swing
    glare: Range = (0.0, 0.25)  # strength of the specular spot (0 none, 1 burnt out)
    glare_size: Range = (0.04, 0.10)  # its radius over the photo's long side
    motion_blur: Range = (0.0, 2.0)  # kernel length, px
    defocus: Range = (0.0, 0.8)  # disc radius, px
    noise: Range = (1.0, 3.0)  # sensor noise sigma at mid-grey, in 0-255 units
    jpeg_quality: Range = (80.0, 92.0)
    long_side: Range = (800.0, 1200.0)
    neighbours: float = 0.5  # probability of each neighbouring work
    label: float = 0.6  # probability of a label card
    occluder: Range = (0.0, 0.0)  # share of the work's width a visitor's head and shoulders hide
    exposure: Range = (1.0, 1.0)  # overall brightness (low light: well under 1, before the noise)


_MILD = Distortions()
#: a phone's own resolution (1800x1350 and up), where the visitor's photos really come from
_PHONE = replace(_MILD, long_side=(1800.0, 2000.0))
FAMILIES: dict[str, Distortions] = {
    "mild": _MILD,
    "perspective": replace(_MILD, yaw=(22.0, 40.0), pitch=(0.0, 15.0), roll=(0.0, 8.0)),
    "lighting": replace(_MILD, light_gradient=(0.3, 0.6), cast=(0.06, 0.15), glare=(0.5, 0.95),
                        glare_size=(0.06, 0.16)),
    "blur": replace(_MILD, motion_blur=(5.0, 14.0), defocus=(1.5, 4.0)),
    "noise": replace(_MILD, noise=(6.0, 14.0), jpeg_quality=(35.0, 60.0)),
    "crop": replace(_MILD, fill=(0.85, 1.35), offset=(0.1, 0.35), min_visible=0.5, max_visible=0.85),
    "small": replace(_MILD, fill=(0.25, 0.4), long_side=(800.0, 900.0)),
    "combined": Distortions(
        yaw=(15.0, 35.0), pitch=(0.0, 12.0), roll=(0.0, 6.0), fill=(0.6, 1.1), offset=(0.0, 0.2),
        min_visible=0.65, max_visible=0.95, light_gradient=(0.2, 0.45), cast=(0.03, 0.1),
        glare=(0.3, 0.8), glare_size=(0.04, 0.12), motion_blur=(2.0, 8.0), defocus=(0.5, 2.5),
        noise=(3.0, 9.0), jpeg_quality=(50.0, 80.0)),
    # what visitors' phones really take (issue 15): full resolution, and each one hard thing
    "phone": _PHONE,
    "phone-small": replace(_PHONE, fill=(0.15, 0.3)),
    "phone-steep": replace(_PHONE, yaw=(30.0, 45.0), pitch=(0.0, 15.0), roll=(0.0, 8.0)),
    "phone-occluded": replace(_PHONE, occluder=(0.25, 0.45), fill=(0.45, 0.7)),
    "phone-lowlight": replace(_PHONE, exposure=(0.2, 0.4), motion_blur=(4.0, 10.0), noise=(4.0, 8.0),
                              jpeg_quality=(70.0, 85.0)),
}
#: the families of photos taken at a phone's resolution
PHONE_FAMILIES = tuple(name for name in FAMILIES if name.startswith("phone"))


@dataclass(frozen=True)
class GalleryPhoto:
    """A rendered photo, where the work is in it, and what was drawn to make it."""

    image: Image.Image
    quad: Quad
    visible: float  # fraction of the work's area inside the photo
    yaw: float
    pitch: float
    frame: str
    params: dict[str, float] = field(default_factory=dict)
    jpeg: bytes = b""  # the photo as the phone uploads it (`image` is its decoded pixels)


def gallery_photo(
    artwork: Image.Image, rng: np.random.Generator, distortions: Distortions = _MILD,
) -> GalleryPhoto:
    """A phone photo of `artwork` hung in a gallery; see the module docstring."""
    d = distortions
    work = _fit(artwork.convert("RGB"), _WORK_SIDE)
    frame = str(rng.choice(_FRAMES))
    framed, inset = _framed(work, frame, _draw(rng, d.frame_width), rng)
    layer, alpha, work_box = _hang(framed, inset, work.size, rng, d)
    size = _photo_size(rng, d)
    homography, angles, visible = _camera(layer.size, work_box, size, rng, d)
    photo = _render(layer, alpha, homography, size, rng)
    quad = _project(homography, _corners(work_box))
    photo = _occlude(photo, quad, _draw(rng, d.occluder), rng)
    image, jpeg, quality = finish(photo, quad, rng, d)
    return GalleryPhoto(image, quad, visible, angles[0], angles[1], frame, {"jpeg_quality": quality}, jpeg)


def finish(photo: NDArray[np.float32], quad: Quad, rng: np.random.Generator,
           d: Distortions) -> tuple[Image.Image, bytes, int]:
    """Light, camera blur and noise, JPEG: the decoded photo, its bytes and the quality."""
    photo = _light(photo, quad, rng, d) * _draw(rng, d.exposure)
    photo = _blur(photo, rng, d)
    photo = _noise(photo, rng, d)
    quality = round(_draw(rng, d.jpeg_quality))
    image, jpeg = _jpeg(photo, quality)
    return image, jpeg, quality


def family_photo(artwork: Image.Image, family: str, seed: int | Sequence[int]) -> GalleryPhoto:
    """A photo of `artwork` with the `family` preset, reproducible from `seed`."""
    if family not in FAMILIES:
        raise ValueError(f"unknown distortion family {family!r}; choose from {', '.join(FAMILIES)}")
    return gallery_photo(artwork, np.random.default_rng(seed), FAMILIES[family])


# -- the framed work and the wall ------------------------------------------------------------


def _fit(image: Image.Image, side: int) -> Image.Image:
    w, h = image.size
    scale = side / max(w, h)
    return image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BICUBIC)


def _framed(work: Image.Image, style: str, width: float, rng: np.random.Generator) -> tuple[Image.Image, int]:
    """The work inside its frame (and mat); returns the image and the work's inset in it."""
    w, h = work.size
    side = max(w, h)
    mat = round(side * rng.uniform(0.04, 0.1)) if style != "none" and rng.random() < 0.25 else 0
    border = 0 if style == "none" else max(4, round(side * width))
    inset = border + mat
    canvas = np.zeros((h + 2 * inset, w + 2 * inset, 3), np.float32)
    if border:
        canvas[:] = _moulding(canvas.shape[1], canvas.shape[0], border, style, rng)
    if mat:
        cream = np.array([238, 232, 215], np.float32) * rng.uniform(0.92, 1.02)
        canvas[border:-border, border:-border] = cream
    canvas[inset:inset + h, inset:inset + w] = np.asarray(work, np.float32)
    return Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)), inset


def _moulding(width: int, height: int, border: int, style: str,
              rng: np.random.Generator) -> NDArray[np.float32]:
    """A frame's pixels: a profile across the moulding, mitred sides lit from above, ornament."""
    base = {"gilt": (196, 154, 72), "wood": (92, 58, 34), "black": (28, 26, 26),
            "silver": (200, 200, 196)}[style]
    colour = np.array(base, np.float32) * rng.uniform(0.85, 1.1, 3).astype(np.float32)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    dist = np.stack([y, width - 1 - x, height - 1 - y, x])  # top, right, bottom, left
    side = dist.argmin(axis=0)
    t = np.clip(dist.min(axis=0) / border, 0, 1)  # 0 at the outer edge, 1 at the inner edge
    ridges = rng.uniform(2, 5)
    profile = 0.75 + 0.25 * np.sin(t * math.pi * ridges) + 0.25 * t  # beads and a bevel
    profile = profile - 0.35 * (np.abs(t - rng.uniform(0.5, 0.85)) < 0.04)  # a dark groove
    shade = np.array([1.15, 0.95, 0.7, 1.0], np.float32)[side]
    ornament = np.ones((height, width), np.float32)
    if style in ("gilt", "wood"):
        ornament += 0.18 * _smooth_noise(rng, (height, width), max(2, border // 6))
    pixels = colour[None, None, :] * (profile * shade * ornament)[..., None]
    return np.asarray(pixels, np.float32)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> NDArray[np.float32]:
    """Blotchy noise in about [-1, 1] with features `cell` pixels wide."""
    h, w = shape
    small = rng.standard_normal((max(2, h // cell + 2), max(2, w // cell + 2))).astype(np.float32)
    up = Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(up, np.float32) / 2, -1, 1)


def _hang(framed: Image.Image, inset: int, work_size: tuple[int, int], rng: np.random.Generator,
          d: Distortions) -> tuple[Image.Image, NDArray[np.float32], tuple[float, float, float, float]]:
    """Everything on the wall but the paint: the framed work, neighbours, a label; with alpha."""
    fw, fh = framed.size
    gap = round(fw * rng.uniform(0.25, 0.6))
    side = round(fw * rng.uniform(0.8, 1.3))
    width, height = fw + 2 * (gap + side), round(fh * 1.6)
    layer = Image.new("RGB", (width, height))
    alpha = Image.new("L", (width, height), 0)
    x0, y0 = gap + side, (height - fh) // 2
    _paste(layer, alpha, framed, x0, y0)
    for left in (True, False):
        if rng.random() < d.neighbours:
            other, _ = _framed(_abstract(rng, (side, round(fh * rng.uniform(0.6, 1.1)))), "black", 0.06, rng)
            ox = 0 if left else width - other.width
            _paste(layer, alpha, other, ox, (height - other.height) // 2)
    if rng.random() < d.label:
        _label(layer, alpha, x0 + fw + gap // 4, y0 + fh - fh // 5, max(40, fw // 6), rng)
    box = (x0 + inset, y0 + inset, x0 + inset + work_size[0], y0 + inset + work_size[1])
    opacity = (np.asarray(alpha, np.float32) / 255).astype(np.float32)
    return layer, opacity, (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _paste(layer: Image.Image, alpha: Image.Image, item: Image.Image, x: int, y: int) -> None:
    layer.paste(item, (x, y))
    alpha.paste(255, (x, y, x + item.width, y + item.height))


def _abstract(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A made-up neighbouring picture: a tinted ground with a few soft shapes."""
    w, h = size
    ground = tuple(int(c) for c in rng.integers(40, 220, 3))
    image = Image.new("RGB", (w, h), ground)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 8))):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        draw.ellipse([x0, y0, x1 + 2, y1 + 2], fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    return image


def _label(layer: Image.Image, alpha: Image.Image, x: int, y: int, w: int, rng: np.random.Generator) -> None:
    """A white label card with lines of grey 'text'."""
    h = round(w * 0.6)
    card = Image.new("RGB", (w, h), (246, 244, 238))
    draw = ImageDraw.Draw(card)
    line = max(3, h // 9)
    for row in range(4):
        length = int(w * rng.uniform(0.4, 0.85))
        top = line + row * 2 * line
        draw.rectangle([line, top, line + length, top + line // 2 + 1], fill=(70, 70, 70))
    x = min(x, layer.width - w)
    _paste(layer, alpha, card, x, min(y, layer.height - h))


# -- the camera ------------------------------------------------------------------------------


def _photo_size(rng: np.random.Generator, d: Distortions) -> tuple[int, int]:
    long = round(_draw(rng, d.long_side))
    short = round(long * 0.75)
    return (long, short) if rng.random() < 0.5 else (short, long)


def _camera(layer_size: tuple[int, int], work_box: tuple[float, float, float, float],
            size: tuple[int, int], rng: np.random.Generator, d: Distortions,
            ) -> tuple[NDArray[np.float64], tuple[float, float], float]:
    """The wall-to-photo homography of a camera meeting `d` (retried until `visible` fits)."""
    for _ in range(50):
        yaw = _draw(rng, d.yaw) * _sign(rng)
        pitch = _draw(rng, d.pitch) * _sign(rng)
        roll = _draw(rng, d.roll) * _sign(rng)
        fill = _draw(rng, d.fill)
        offset = _draw(rng, d.offset)
        heading = rng.uniform(0, 2 * math.pi)
        h = _homography(work_box, size, yaw, pitch, roll, fill, (offset * math.cos(heading),
                                                                 offset * math.sin(heading)))
        visible = _visible(h, work_box, size)
        if d.min_visible <= visible <= d.max_visible:
            return h, (yaw, pitch), visible
    return h, (yaw, pitch), visible


def _homography(work_box: tuple[float, float, float, float], size: tuple[int, int], yaw: float,
                pitch: float, roll: float, fill: float, offset: tuple[float, float]) -> NDArray[np.float64]:
    """Pinhole projection of the wall plane (z=0, wall pixels) into a photo of `size`."""
    x0, y0, x1, y1 = work_box
    side = max(x1 - x0, y1 - y0)
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    target = np.array([centre[0] + offset[0] * side, centre[1] + offset[1] * side, 0.0])
    # Far enough for the work to fill about `fill` of a 65 degree field of view, as a phone would.
    distance = side / fill / (2 * math.tan(math.radians(_FOV_DEG) / 2)) * 1.3
    a, b = math.radians(yaw), math.radians(pitch)
    towards_camera = np.array([math.sin(a) * math.cos(b), math.sin(b), -math.cos(a) * math.cos(b)])
    eye = target + distance * towards_camera
    forward = -towards_camera
    right = np.cross([0.0, 1.0, 0.0], forward)
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    c, s = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    rotation = np.stack([c * right + s * down, -s * right + c * down, forward])
    plane = np.column_stack([rotation[:, 0], rotation[:, 1], -rotation @ eye])  # (X, Y, 1) -> camera
    corners = _project(plane, _corners(work_box))
    spread = corners.max(axis=0) - corners.min(axis=0)
    focal = fill * min(size[0] / spread[0], size[1] / spread[1])
    k = np.array([[focal, 0, size[0] / 2], [0, focal, size[1] / 2], [0, 0, 1.0]])
    # Look-at point at the photo's centre: shift so the projected target lands there.
    h = k @ plane
    aim = _project(h, target[None, :2])[0]
    shift = np.array([[1, 0, size[0] / 2 - aim[0]], [0, 1, size[1] / 2 - aim[1]], [0, 0, 1.0]])
    out: NDArray[np.float64] = shift @ h
    return out


def _corners(box: tuple[float, float, float, float]) -> NDArray[np.float64]:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def _project(h: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.float64]:
    ones = np.ones((points.shape[0], 1))
    mapped = np.hstack([points, ones]) @ h.T
    out: NDArray[np.float64] = mapped[:, :2] / mapped[:, 2:3]
    return out


def _visible(h: NDArray[np.float64], box: tuple[float, float, float, float], size: tuple[int, int]) -> float:
    """Fraction of the work's area inside the photo (a 40x40 grid of wall points, projected)."""
    x0, y0, x1, y1 = box
    gx, gy = np.meshgrid(np.linspace(x0, x1, 40), np.linspace(y0, y1, 40))
    points = _project(h, np.column_stack([gx.ravel(), gy.ravel()]))
    inside = ((points[:, 0] >= 0) & (points[:, 0] < size[0]) & (points[:, 1] >= 0) & (points[:, 1] < size[1]))
    return float(inside.mean())


def _render(layer: Image.Image, alpha: NDArray[np.float32], h: NDArray[np.float64], size: tuple[int, int],
            rng: np.random.Generator) -> NDArray[np.float32]:
    """The wall (painted in photo space) with the hung layer warped over it and its shadow."""
    import cv2

    w, hh = size
    rgb = cv2.warpPerspective(np.asarray(layer), h, size, flags=cv2.INTER_LINEAR).astype(np.float32)
    a = cv2.warpPerspective(alpha, h, size, flags=cv2.INTER_LINEAR)
    wall_colour = np.array(_WALLS[int(rng.integers(len(_WALLS)))], np.float32)
    texture = 1 + 0.05 * _smooth_noise(rng, (hh, w), 48) + 0.02 * _smooth_noise(rng, (hh, w), 4)
    wall = wall_colour[None, None, :] * texture[..., None]
    shift = max(3, w // 120)
    shadow = cv2.GaussianBlur(np.roll(a, (shift, shift // 2), axis=(0, 1)), (0, 0), shift * 1.5)
    wall *= (1 - 0.45 * shadow)[..., None]
    out: NDArray[np.float32] = wall * (1 - a[..., None]) + rgb * a[..., None]
    return out


# -- light and camera ------------------------------------------------------------------------


def _light(photo: NDArray[np.float32], quad: Quad, rng: np.random.Generator,
           d: Distortions) -> NDArray[np.float32]:
    """A brightness gradient, a white-balance cast and a glare spot on the work."""
    h, w, _ = photo.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = ((x / w - 0.5) * math.cos(angle) + (y / h - 0.5) * math.sin(angle))
    gain = 1 + _draw(rng, d.light_gradient) * 2 * ramp
    cast = 1 + _draw(rng, d.cast) * rng.uniform(-1, 1, 3).astype(np.float32)
    photo = photo * gain[..., None] * cast[None, None, :]
    strength = _draw(rng, d.glare)
    if strength > 0.01:
        photo = _glare(photo, quad, strength, _draw(rng, d.glare_size) * max(w, h), rng, (x, y))
    return photo


def _glare(photo: NDArray[np.float32], quad: Quad, strength: float, radius: float, rng: np.random.Generator,
           grid: tuple[NDArray[np.float32], NDArray[np.float32]]) -> NDArray[np.float32]:
    """An elongated specular highlight centred inside the work's (visible) quad."""
    h, w, _ = photo.shape
    weights = rng.dirichlet(np.ones(4))
    cx, cy = np.clip(weights @ quad, [0, 0], [w - 1, h - 1])
    angle = rng.uniform(0, math.pi)
    stretch = rng.uniform(1.0, 3.0)
    x, y = grid[0] - cx, grid[1] - cy
    u = x * math.cos(angle) + y * math.sin(angle)
    v = -x * math.sin(angle) + y * math.cos(angle)
    spot = np.exp(-((u / (radius * stretch)) ** 2 + (v / radius) ** 2))
    a = (strength * spot)[..., None]
    out: NDArray[np.float32] = photo * (1 - a) + 255 * a
    return out


def _blur(photo: NDArray[np.float32], rng: np.random.Generator, d: Distortions) -> NDArray[np.float32]:
    """Camera shake (a line kernel at a random angle) and defocus (a disc kernel)."""
    import cv2

    length = _draw(rng, d.motion_blur)
    if length >= 1.5:
        size = math.ceil(length) | 1
        kernel = np.zeros((size, size), np.float32)
        c = size // 2
        angle = rng.uniform(0, math.pi)
        dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
        photo = np.asarray(cv2.filter2D(photo, -1, kernel / max(kernel.sum(), 1e-6)), np.float32)
    radius = _draw(rng, d.defocus)
    if radius >= 0.5:
        size = math.ceil(radius) * 2 + 1
        disc = np.zeros((size, size), np.float32)
        cv2.circle(disc, (size // 2, size // 2), max(1, round(radius)), 1.0, -1)
        photo = np.asarray(cv2.filter2D(photo, -1, disc / disc.sum()), np.float32)
    return photo


def _noise(photo: NDArray[np.float32], rng: np.random.Generator, d: Distortions) -> NDArray[np.float32]:
    """Shot-like noise: sigma grows with the square root of brightness, plus some chroma noise."""
    sigma = _draw(rng, d.noise)
    level = np.sqrt(np.clip(photo.mean(axis=2, keepdims=True), 1, 255) / 128)
    grey = rng.standard_normal((*photo.shape[:2], 1)).astype(np.float32)
    chroma = rng.standard_normal(photo.shape).astype(np.float32) * 0.4
    out: NDArray[np.float32] = photo + sigma * level * (grey + chroma)
    return out


def _jpeg(photo: NDArray[np.float32], quality: int) -> tuple[Image.Image, bytes]:
    image = Image.fromarray(np.clip(photo, 0, 255).round().astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB"), buffer.getvalue()


def _occlude(photo: NDArray[np.float32], quad: Quad, share: float,
             rng: np.random.Generator) -> NDArray[np.float32]:
    """A visitor's head and shoulders, dark and out of focus, rising from the bottom of the
    photo in front of the work, `share` of the work's width wide (0: nobody in the way)."""
    import cv2

    if share <= 0.01:
        return photo
    h, w, _ = photo.shape
    x0, x1 = float(quad[:, 0].min()), float(quad[:, 0].max())
    y0, y1 = float(quad[:, 1].min()), float(quad[:, 1].max())
    head = share * (x1 - x0) / 2.6  # the shoulders are about 2.6 heads wide
    cx = rng.uniform(x0 + head, x1 - head) if x1 - x0 > 2 * head else (x0 + x1) / 2
    top = y0 + (y1 - y0) * rng.uniform(0.35, 0.65)  # the top of the head
    mask: NDArray[np.float32] = np.zeros((h, w), np.float32)
    centre = (round(cx), round(top + head * 1.2))
    cv2.ellipse(mask, centre, (round(head * 0.8), round(head * 1.2)), 0, 0, 360, 1.0, -1)
    neck = top + head * 2.2
    shoulders = neck + head * 1.6
    axes = (round(head * 1.3), round(head * 1.6))
    cv2.ellipse(mask, (round(cx), round(shoulders)), axes, 0, 180, 360, 1.0, -1)
    cv2.rectangle(mask, (round(cx - head * 1.3), round(shoulders)), (round(cx + head * 1.3), h), 1.0, -1)
    soft = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(1.0, head * 0.05)), np.float32)[..., None]
    tone = np.array(rng.uniform(15, 70, 3), np.float32)  # hair and a dark coat, lit from behind
    texture = (1 + 0.15 * _smooth_noise(rng, (h, w), 24)[..., None]).astype(np.float32)
    out: NDArray[np.float32] = photo * (1 - soft) + tone * texture * soft
    return out


def _draw(rng: np.random.Generator, bounds: Range) -> float:
    return float(rng.uniform(bounds[0], bounds[1])) if bounds[1] > bounds[0] else float(bounds[0])


def _sign(rng: np.random.Generator) -> float:
    return 1.0 if rng.random() < 0.5 else -1.0


# -- eyeballing ------------------------------------------------------------------------------


def write_examples(artworks: Sequence[Path], folder: Path, n: int, seed: int = 0,
                   families: Sequence[str] = tuple(FAMILIES)) -> list[Path]:
    """Write `n` photos per family (round-robin over `artworks`) as folder/<family>-<i>.jpg."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for f, family in enumerate(families):
        for i in range(n):
            with Image.open(artworks[(f * n + i) % len(artworks)]) as artwork:
                photo = family_photo(artwork, family, (seed, f, i))
            path = folder / f"{family}-{i:02d}.jpg"
            photo.image.save(path, quality=92)
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write example photos of the first artworks of a records.csv folder (or any image files)."""
    parser = argparse.ArgumentParser(prog="python -m vitrine.bench.gallery_photos",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/public-art"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("-n", type=int, default=4, help="photos per family")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    artworks = sorted((args.data / "images").glob("*.jpg"))[:200] or sorted(args.data.glob("*.jpg"))
    if not artworks:
        parser.error(f"no .jpg images under {args.data}")
    written = write_examples(artworks, args.out, args.n, args.seed)
    print(f"wrote {len(written)} photos to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
