"""CLIP towers on whatever device torch sees: images/s and texts/s per architecture and precision.

    python -m vitrine.bench.clip_devices [--models ViT-B-32,ViT-L-14] [--precisions bf16,fp32]
        [--batch 256] [--seconds 8] [--device auto]

The figures for docs/scale.md and docs/models.md: how fast each image and text tower runs on a GPU
(or the CPU), with seeded random weights of the real architecture (same cost as the released
weights; nothing is downloaded). Each rate is the model's real entry point (`embed_pixels`,
`embed_texts`: host pixels in, unit vectors back on the host), timed over `--seconds` after one
warm-up batch. It also times the CPU side that feeds a GPU: decoding a 2000 px JPEG and preparing
the tower's pixels, on one core, so the cores needed per GPU can be read off.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Callable

import numpy as np
from PIL import Image

from vitrine.embedders.clip import ClipEmbedder, to_pixels

_WORDS = ("portrait of a woman with a fan", "still life with lemons", "ship in a storm",
          "landscape with cattle", "the annunciation", "map of the coast", "woodcut of a gallows")


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    print(f"device {args.device}: {_device_name(args.device)}; batch {args.batch}; "
          f"{os.cpu_count()} CPUs")
    print(f"{'model':<12} {'precision':<9} {'images/s':>10} {'texts/s':>10}")
    for model in args.models.split(","):
        for precision in args.precisions.split(","):
            images, texts = tower_rates(model, precision, args.batch, args.device, args.seconds)
            print(f"{model:<12} {precision:<9} {images:>10.0f} {texts:>10.0f}", flush=True)
    feed = feed_rate(args.seconds)
    print(f"one core, 2000 px JPEG -> decode (draft) -> 224 px pixels: {feed:.0f} images/s")


def tower_rates(model: str, precision: str, batch: int, device: str, seconds: float) -> tuple[float, float]:
    """(images/s, texts/s) of one architecture at one precision, random weights."""
    embedder = ClipEmbedder(model=model, precision=precision, batch_size=batch, device=device,
                            random_weights=True)
    embedder.load()
    side = embedder.input_size
    pixels = np.random.default_rng(0).standard_normal((batch, 3, side, side)).astype(np.float32)
    texts = [_WORDS[i % len(_WORDS)] + f" {i}" for i in range(batch)]
    images = batch * _per_second(lambda: embedder.embed_pixels(pixels), seconds)
    words = batch * _per_second(lambda: embedder.embed_texts(texts), seconds)
    return images, words


def feed_rate(seconds: float) -> float:
    """Images/s on one core: decode a 2000x1500 JPEG in draft mode and make CLIP's 224 px tensor."""
    data = _museum_jpeg()
    mean, std = (0.481, 0.458, 0.408), (0.269, 0.261, 0.276)

    def one() -> None:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (448, 448))
            to_pixels(image.convert("RGB"), (224, 224), mean, std)

    return _per_second(one, seconds)


def _per_second(call: Callable[[], object], seconds: float) -> float:
    call()  # warm-up: kernels chosen, caches filled
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - started)


def _museum_jpeg() -> bytes:
    """A 2000x1500 JPEG with a painting's smooth gradients and fine texture (not pure noise)."""
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:1500, 0:2000].astype(np.float32)
    base = np.stack([128 + 100 * np.sin(x / 300 + c) * np.cos(y / 200 - c) for c in (0.0, 1.0, 2.0)], -1)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    return out.getvalue()


def _device_name(device: str) -> str:
    import torch

    if device in ("auto", "cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}"
    return f"CPU, torch {torch.__version__} ({torch.get_num_threads()} threads)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="ViT-B-32,ViT-B-16,ViT-L-14")
    parser.add_argument("--precisions", default="fp32,bf16")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    return parser


if __name__ == "__main__":
    main()
