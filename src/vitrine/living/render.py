"""Frames of a living portrait, the watermark on each, and the two files: MP4 (with the speech) and WebP.

MP4: H.264 (libx264, yuv420p) with the speech as AAC, written by PyAV, whose wheels carry FFmpeg's
libraries (no system ffmpeg needed; the `living` extra). Animated WebP: Pillow's own encoder (libwebp).
Every frame carries WATERMARK in a dark band along its bottom edge, drawn before encoding; the files
say it too (MP4 `comment`/`description` tags; WebP EXIF ImageDescription and Software).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vitrine.errors import LivingUnavailable
from vitrine.living import motion, warp
from vitrine.living.speech import Speech

WATERMARK = "MACHINE-ANIMATED"
AV_HINT = "install vitrine's living extra: pip install -e '.[living]' (PyAV)"
BASE_SECONDS = 4.6
MAX_SECONDS = 14.0


@dataclass(frozen=True)
class Clip:
    """What to animate: the working image (RGB array), its 68 landmarks, the speech."""

    image: np.ndarray
    points: np.ndarray
    speech: Speech
    fps: int = 12

    @property
    def seconds(self) -> float:
        return min(MAX_SECONDS, max(BASE_SECONDS, self.speech.seconds + 0.6))

    @property
    def frame_count(self) -> int:
        return round(self.seconds * self.fps)


def band_height(height: int) -> int:
    """The height of the watermark band: a tenth of the frame, at least 14 pixels."""
    return max(14, height // 10)


def watermark(frame: np.ndarray) -> np.ndarray:
    """`frame` with WATERMARK in white on a black band along its bottom edge."""
    image = Image.fromarray(frame)
    height, width = frame.shape[:2]
    band = band_height(height)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - band, width, height), fill=(0, 0, 0))
    font = ImageFont.load_default(size=max(9, int(band * 0.62)))
    left, top, right, bottom = draw.textbbox((0, 0), WATERMARK, font=font)
    draw.text(((width - (right - left)) / 2 - left, height - band + (band - (bottom - top)) / 2 - top),
              WATERMARK, fill=(255, 255, 255), font=font)
    return np.asarray(image)


def frames(clip: Clip) -> Iterator[np.ndarray]:
    """The watermarked frames, in order."""
    height, width = clip.image.shape[:2]
    src = warp.anchors(clip.points, width, height)
    triangles = warp.triangulate(src)
    mouth = clip.speech.openness(clip.fps, clip.frame_count)
    for i in range(clip.frame_count):
        t = i / clip.fps
        moved = motion.pose(clip.points, t, clip.seconds, float(mouth[i]))
        dst = np.vstack([moved, src[68:]])
        frame = warp.warp(clip.image, src, dst, triangles)
        warp.darken_mouth(frame, moved[list(motion.INNER_MOUTH)], float(mouth[i]))
        yield watermark(frame)


def require_av() -> Any:
    try:
        import av
    except ImportError:
        raise LivingUnavailable(f"PyAV is not installed; {AV_HINT}") from None
    return av


def write_mp4(path: Path, shots: list[np.ndarray], fps: int, speech: Speech, tags: dict[str, str]) -> None:
    """H.264 video of `shots`, the speech as AAC when there is any, `tags` as the file's metadata."""
    av = require_av()
    height, width = shots[0].shape[:2]
    with av.open(str(path), "w", format="mp4") as container:
        container.metadata.update(tags)
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"crf": "23", "preset": "veryfast"}
        audio = container.add_stream("aac", rate=speech.rate, layout="mono") if speech.text else None
        for shot in shots:
            for packet in video.encode(av.VideoFrame.from_ndarray(shot, format="rgb24")):
                container.mux(packet)
        container.mux(video.encode())
        if audio is not None:
            _write_audio(av, container, audio, speech)


def _write_audio(av: Any, container: Any, stream: Any, speech: Speech) -> None:
    frame = av.AudioFrame.from_ndarray(speech.samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = speech.rate
    frame.time_base = Fraction(1, speech.rate)
    frame.pts = 0
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=speech.rate)
    for converted in resampler.resample(frame) + resampler.resample(None):
        for packet in stream.encode(converted):
            container.mux(packet)
    container.mux(stream.encode())


def write_webp(path: Path, shots: list[np.ndarray], fps: int, tags: dict[str, str]) -> None:
    """Animated WebP of `shots` (looping), with the tags in its EXIF."""
    images = [Image.fromarray(shot) for shot in shots]
    exif = Image.Exif()
    exif[0x010E] = tags["description"]  # ImageDescription
    exif[0x0131] = tags["software"]  # Software
    images[0].save(path, format="WEBP", save_all=True, append_images=images[1:], duration=round(1000 / fps),
                   loop=0, quality=72, method=4, exif=exif.tobytes())
