"""The OpenCLIP embedder, with seeded random weights (no model hub here) and its offline errors."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from vitrine import embedders
from vitrine.embedders import clip
from vitrine.errors import EmbedderError

HAVE_CLIP = all(importlib.util.find_spec(m) is not None for m in ("torch", "open_clip"))
needs_clip = [
    pytest.mark.clip,
    pytest.mark.skipif(not HAVE_CLIP, reason="torch and open_clip are not installed (the optional `clip`"
                       " extra: pip install 'vitrine[clip]' -c constraints/torch-cpu.txt)"),
]
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)


def picture(seed: int, size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A seeded RGB picture: random background colour and a few random rectangles."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, tuple(int(c) for c in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = int(rng.integers(0, size[0] - 8)), int(rng.integers(0, size[1] - 8))
        draw.rectangle([x0, y0, x0 + 8 + int(rng.integers(0, 40)), y0 + 8 + int(rng.integers(0, 30))],
                       fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    return image


@pytest.fixture(scope="session")
def vit_b32() -> Any:
    """ViT-B-32 with seeded random weights, batch size 2 so that three images make two batches."""
    embedder = embedders.create("clip", model="ViT-B-32", random_weights=True, batch_size=2, device="cpu")
    embedder.embed_images([picture(0)])  # load once for the whole session
    return embedder


@pytest.fixture
def hub_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """HF_HUB_OFFLINE=1 (huggingface_hub reads it at import, so its constant is set too); an empty cache."""
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    yield tmp_path / "hub-cache"


# --- without torch -------------------------------------------------------------------------------

def test_importing_and_creating_does_not_load_torch() -> None:
    code = ("import sys; from vitrine import embedders; import vitrine.embedders.clip\n"
            "try:\n    embedders.create('clip', random_weights=True)\n"
            "except Exception:\n    pass\n"
            "assert 'torch' not in sys.modules and 'open_clip' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_missing_torch_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clip.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EmbedderError, match=r"pip install 'vitrine\[clip\]' -c constraints/torch-cpu.txt"):
        clip.ClipEmbedder(random_weights=True)


@pytest.mark.parametrize(("src", "mode", "size"), [
    ((300, 200), "shortest", (224, 224)), ((200, 300), "shortest", (224, 224)),
    ((50, 40), "shortest", (224, 224)), ((300, 200), "longest", (224, 224)),
    ((300, 200), "squash", (224, 224)), ((300, 200), "shortest", (256, 192)),
])
def test_pixels_have_the_model_input_shape(src: tuple[int, int], mode: str, size: tuple[int, int]) -> None:
    pixels = clip.to_pixels(Image.new("RGB", src, (255, 255, 255)), size, OPENAI_MEAN, OPENAI_STD, mode)
    assert pixels.shape == (3, *size)
    assert pixels.dtype == np.float32
    white = (1 - np.asarray(OPENAI_MEAN)) / np.asarray(OPENAI_STD)
    np.testing.assert_allclose(pixels[:, size[0] // 2, size[1] // 2], white, rtol=1e-5)


# --- with torch and open_clip --------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.usefixtures("vit_b32")  # open_clip imported (and its torchvision shim applied)
@needs_clip[0]
@needs_clip[1]
def test_preprocessing_matches_open_clips_transform(seed: int) -> None:
    import open_clip

    transform = open_clip.image_transform(224, is_train=False)
    image = picture(seed, size=(317, 181))
    ours = clip.to_pixels(image, (224, 224), OPENAI_MEAN, OPENAI_STD)
    np.testing.assert_allclose(ours, transform(image).numpy(), atol=1e-5)


class TestViTB32:
    pytestmark = needs_clip

    def test_shape_dtype_and_unit_norm(self, vit_b32: Any) -> None:
        vectors = vit_b32.embed_images([picture(i, size=(60 + 40 * i, 90)) for i in range(3)])
        assert vit_b32.dim == 512 and vit_b32.input_size == 224
        assert vectors.shape == (3, 512) and vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)

    def test_batch_matches_one_by_one(self, vit_b32: Any) -> None:
        images = [picture(i) for i in range(3)]
        batched = vit_b32.embed_images(images)
        single = np.stack([vit_b32.embed_image(im) for im in images])
        np.testing.assert_allclose(batched, single, atol=1e-5)

    def test_texts_and_images_share_one_space(self, vit_b32: Any) -> None:
        texts = vit_b32.embed_texts(["a storm at sea", "portrait of a lady in a red dress"])
        images = vit_b32.embed_images([picture(5)])
        assert texts.shape == (2, 512) and texts.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)
        cosines = texts @ images.T
        assert np.all(np.isfinite(cosines)) and np.all(np.abs(cosines) <= 1.0 + 1e-5)

    def test_different_texts_give_different_vectors(self, vit_b32: Any) -> None:
        a, b = vit_b32.embed_texts(["a storm at sea", "still life with lemons"])
        assert float(a @ b) < 0.9999

    def test_same_seed_same_vectors(self, vit_b32: Any) -> None:
        again = embedders.create("clip", random_weights=True)
        assert again.key == vit_b32.key
        again._ensure_loaded()
        np.testing.assert_allclose(again.embed_images([picture(7)]), vit_b32.embed_images([picture(7)]),
                                   atol=1e-5)

    @pytest.mark.slow
    def test_bf16_stays_close_to_fp32(self, vit_b32: Any) -> None:
        bf16 = embedders.create("clip", random_weights=True, precision="bf16")
        images = [picture(i) for i in range(2)]
        cosines = np.sum(bf16.embed_images(images) * vit_b32.embed_images(images), axis=1)
        assert bf16.key == vit_b32.key  # same weights, same space
        assert np.all(cosines > 0.99)


class TestOptions:
    pytestmark = needs_clip

    def test_keys_differ_between_models_and_weights(self, tmp_path: Path) -> None:
        first, second = tmp_path / "a.bin", tmp_path / "b.bin"
        first.write_bytes(b"one checkpoint")
        second.write_bytes(b"another checkpoint")
        keys = {
            embedders.create("clip").key,
            embedders.create("clip", pretrained="openai").key,
            embedders.create("clip", model="ViT-B-16", pretrained="openai").key,
            embedders.create("clip", random_weights=True).key,
            embedders.create("clip", weights=first).key,
            embedders.create("clip", weights=second).key,
        }
        assert len(keys) == 6
        assert embedders.create("clip").key == "clip/ViT-B-32@laion2b_s34b_b79k/512"
        assert embedders.create("clip", model="ViT-L-14", pretrained="openai").dim == 768

    def test_bad_options_are_refused(self) -> None:
        with pytest.raises(EmbedderError, match="precision"):
            embedders.create("clip", precision="int3")
        with pytest.raises(EmbedderError, match="no model 'ViT-Q-99'"):
            embedders.create("clip", model="ViT-Q-99")
        with pytest.raises(EmbedderError, match="only one of"):
            embedders.create("clip", pretrained="openai", random_weights=True)

    def test_missing_weights_file(self, tmp_path: Path) -> None:
        with pytest.raises(EmbedderError, match=r"does not exist.*weights"):
            embedders.create("clip", weights=tmp_path / "nowhere" / "open_clip_pytorch_model.bin")

    def test_unknown_tag_lists_the_known_ones(self) -> None:
        embedder = embedders.create("clip", pretrained="no-such-tag")
        with pytest.raises(EmbedderError, match=r"known tags: .*laion2b_s34b_b79k"):
            embedder.embed_images([picture(0)])

    def test_tag_missing_from_an_offline_cache_says_how_to_get_it(self, hub_offline: Path) -> None:
        embedder = embedders.create("clip", pretrained="laion2b_s34b_b79k", cache_dir=hub_offline)
        with pytest.raises(EmbedderError) as caught:
            embedder.embed_texts(["anything"])
        message = str(caught.value)
        assert "not on this machine" in message
        assert "pretrained='laion2b_s34b_b79k'" in message  # the command to run where there is network
        assert "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K" in message  # what to copy, and where
        assert str(hub_offline) in message
        assert "https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K" in message
        assert '"weights": "/path/to/that/file"' in message
        assert "vitrine index NAME --embedder clip --embedder-option model=ViT-B-32" in message
        assert "docs/models.md" in message  # the guide that says the same at length

    def test_missing_weights_are_said_before_anything_loads(self, hub_offline: Path, tmp_path: Path) -> None:
        """`collection create` asks `missing()`: the weights are checked in the cache, nothing downloaded."""
        embedder = embedders.create("clip", pretrained="laion2b_s34b_b79k", cache_dir=hub_offline)
        message = embedder.missing()
        assert message is not None and "not on this machine yet" in message and "docs/models.md" in message
        assert embedder._model is None  # nothing was loaded
        assert embedders.create("clip", random_weights=True).missing() is None
        local = embedders.create("clip", model=f"local-dir:{tmp_path}")
        assert "no OpenCLIP model files" in str(local.missing())
        cached = hub_offline / "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K"
        (cached / "refs").mkdir(parents=True)
        (cached / "refs" / "main").write_text("abc")
        (cached / "snapshots" / "abc").mkdir(parents=True)
        (cached / "snapshots" / "abc" / "open_clip_model.safetensors").write_bytes(b"x")
        assert embedder.missing() is None  # in the cache now: nothing to say

    def test_hf_hub_model_missing_offline(self, hub_offline: Path) -> None:
        embedder = embedders.create("clip", model="hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
                                    cache_dir=hub_offline)
        with pytest.raises(EmbedderError, match=r"local-dir:(.|\n)*docs/models.md"):
            embedder.embed_images([picture(0)])

    def test_multilingual_tower(self, hub_offline: Path) -> None:
        """XLM-RoBERTa text tower: its config and tokenizer come from the hub, absent here.

        So with random weights it either builds (the hub cache has xlm-roberta-base) or fails
        with a message naming what is missing; never a bare traceback.
        """
        embedder = embedders.create("clip", model="xlm-roberta-base-ViT-B-32", random_weights=True,
                                    cache_dir=hub_offline)
        assert embedder.key == "clip/xlm-roberta-base-ViT-B-32@random-seed0/512"
        try:
            vectors = embedder.embed_texts(["une tempête en mer", "a storm at sea"])
        except EmbedderError as exc:
            assert "xlm-roberta-base-ViT-B-32" in str(exc)
            assert "install transformers" in str(exc) or "hub" in str(exc)
        else:
            assert vectors.shape == (2, 512)
