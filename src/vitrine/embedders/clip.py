"""OpenCLIP image and text towers: images and texts in one vector space.

Optional: needs torch and open_clip (`pip install 'vitrine[clip]' -c constraints/torch-cpu.txt`).
Nothing here imports torch until the first embedding. Images are preprocessed with PIL and
numpy, the way open_clip's inference transform does it, so torchvision is never called.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.embedders.base import Embedder, l2_normalise
from vitrine.embedders.calibration import Calibration
from vitrine.errors import EmbedderError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "ViT-B-32"
#: the tag used when a built-in model is named without `pretrained`, `weights` or `random_weights`
DEFAULT_PRETRAINED = {"ViT-B-32": "laion2b_s34b_b79k", "xlm-roberta-base-ViT-B-32": "laion5b_s13b_b90k"}
PRECISIONS = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}
INSTALL_HINT = "pip install 'vitrine[clip]' -c constraints/torch-cpu.txt"
_OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
_OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
_SCHEMAS = ("hf-hub:", "local-dir:")
#: how a collection's embedder options are set after its creation (`collection create` takes the same options)
_REINDEX = "vitrine index NAME --embedder clip"


class ClipEmbedder(Embedder):
    """An OpenCLIP model (any architecture open_clip knows) with its text tower.

    Args:
        model: an open_clip architecture ("ViT-B-32", "xlm-roberta-base-ViT-B-32"...),
            "hf-hub:<org>/<repo>" or "local-dir:<folder>".
        pretrained: open_clip's pretrained tag ("laion2b_s34b_b79k", "openai"...).
        weights: a local checkpoint file for `model`, instead of a tag.
        precision: "fp32", "bf16" (about 5x faster on CPUs with bf16 support) or "fp16" (GPU).
        device: "auto" (CUDA when available), "cpu" or "cuda".
        random_weights: the architecture with seeded random weights, for tests and benchmarks.
        cache_dir: where downloaded weights are cached (default: the Hugging Face hub cache).
    """

    name = "clip"
    has_text = True
    # No relevance cutoff measured yet (visual or text); duplicates: vitrine bench duplicates.
    calibration = Calibration(duplicate=0.92, duplicate_sure=0.97)
    embed_in_workers = False  # the model uses every core itself

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        pretrained: str | None = None,
        weights: str | Path | None = None,
        precision: str = "fp32",
        batch_size: int = 32,
        device: str = "auto",
        random_weights: bool = False,
        cache_dir: str | Path | None = None,
    ) -> None:
        super().__init__()
        _require_installed()
        if precision not in PRECISIONS:
            raise EmbedderError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        if batch_size < 1:
            raise EmbedderError(f"batch_size must be at least 1, not {batch_size}")
        self.model_name = model
        self.precision = precision
        self.batch_size = batch_size
        self.device = device
        self.random_weights = random_weights
        self.cache_dir = str(cache_dir) if cache_dir else None
        cfg = _model_config(model, self.cache_dir)
        if not cfg and not model.startswith(_SCHEMAS):
            raise EmbedderError(f"open_clip has no model {model!r}; its names are listed by"
                                " `python -c \"import open_clip; print(open_clip.list_models())\"`")
        self.weights = _checked_weights(weights)
        self.pretrained = _resolve_tag(model, pretrained, self.weights, random_weights)
        self.version = _version(model, self.pretrained, self.weights, random_weights)
        self.dim = int(cfg.get("embed_dim", 0))
        self.input_size = _side(cfg.get("vision_cfg", {}).get("image_size", 224))
        self._preprocess: dict[str, Any] = {}
        self._model: Any = None
        self._tokenizer: Any = None
        self._torch: Any = None

    def load(self) -> None:
        open_clip = _import_open_clip()
        import torch

        self._torch = torch
        started = time.perf_counter()
        model = self._create(open_clip)
        device = _pick_device(torch, self.device)
        self._model = model.to(device=device, dtype=getattr(torch, PRECISIONS[self.precision])).eval()
        self._tokenizer = _guarded(self.model_name, lambda: open_clip.get_tokenizer(self.model_name))
        self._preprocess = dict(open_clip.get_model_preprocess_cfg(model))
        self.input_size = _side(self._preprocess.get("size", self.input_size))
        if not self.dim:
            probe = np.zeros((1, 3, self.input_size, self.input_size), np.float32)
            self.dim = int(self._forward(probe).shape[1])
        log.info("loaded OpenCLIP %s (%s, %s, %s) in %.1f s", self.model_name, self.version,
                 self.precision, device, time.perf_counter() - started)

    def missing(self) -> str | None:
        """How to get the weights when they are neither a given file nor in the local hub cache
        (a machine with network access may still download them at the first import)."""
        if self.random_weights or self.weights is not None:
            return None
        if self.model_name.startswith("local-dir:"):
            folder = Path(self.model_name.removeprefix("local-dir:")).expanduser()
            found = folder.is_dir() and any(folder.glob("open_clip_*"))
            return None if found else f"no OpenCLIP model files in {folder} (docs/models.md)"
        open_clip = _import_open_clip()
        cfg = open_clip.get_pretrained_cfg(self.model_name, self.pretrained) if self.pretrained else {}
        hub_id = (cfg.get("hf_hub") or "").strip("/") or self.model_name.removeprefix("hf-hub:")
        if not hub_id or _in_hub_cache(hub_id, self.cache_dir):
            return None
        return _missing_weights_message(open_clip, self, "not in the local hub cache")

    def _create(self, open_clip: ModuleType) -> Any:
        if self.random_weights:
            return _guarded(self.model_name,
                            lambda: _random_model(open_clip, self.model_name, self.cache_dir))
        if self.weights is not None:
            return _guarded(self.model_name, lambda: open_clip.create_model(
                self.model_name, pretrained=str(self.weights), cache_dir=self.cache_dir))
        if self.pretrained is not None:
            _check_tag(open_clip, self.model_name, self.pretrained)
        try:
            return open_clip.create_model(self.model_name, pretrained=self.pretrained,
                                          cache_dir=self.cache_dir, require_pretrained=True)
        except (RuntimeError, OSError, ValueError) as exc:
            raise EmbedderError(_missing_weights_message(open_clip, self, exc)) from exc

    def _embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        size = _pair(self._preprocess.get("size", self.input_size))
        mean = self._preprocess.get("mean", _OPENAI_MEAN)
        std = self._preprocess.get("std", _OPENAI_STD)
        mode = self._preprocess.get("resize_mode", "shortest")
        resample = _resample(self._preprocess.get("interpolation", "bicubic"))
        fill = int(self._preprocess.get("fill_color", 0))
        rows = []
        for chunk in _chunks(images, self.batch_size):
            pixels = np.stack([to_pixels(im, size, mean, std, mode, resample, fill) for im in chunk])
            rows.append(self._forward(pixels))
        return np.concatenate(rows)

    def embed_pixels(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        """Unit vectors of already preprocessed (n, 3, h, w) pixels: the bare image tower."""
        self._ensure_loaded()
        return self._forward(pixels)

    def _forward(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        torch = self._torch
        param = next(self._model.parameters())
        batch = torch.from_numpy(pixels).to(device=param.device, dtype=param.dtype)
        with torch.inference_mode():
            out = self._model.encode_image(batch)
        return l2_normalise(out.float().cpu().numpy())

    def _embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        torch = self._torch
        device = next(self._model.parameters()).device
        rows = []
        for chunk in _chunks(texts, self.batch_size):
            tokens = self._tokenizer(list(chunk)).to(device)
            with torch.inference_mode():
                out = self._model.encode_text(tokens)
            rows.append(l2_normalise(out.float().cpu().numpy()))
        return np.concatenate(rows)


def to_pixels(
    image: Image.Image,
    size: tuple[int, int],
    mean: Sequence[float],
    std: Sequence[float],
    resize_mode: str = "shortest",
    resample: Image.Resampling = Image.Resampling.BICUBIC,
    fill: int = 0,
) -> NDArray[np.float32]:
    """One RGB image as a normalised (3, h, w) array, as open_clip's inference transform makes it.

    `size` is (height, width). "shortest" scales the short side to fit and crops the centre;
    "longest" fits the whole image and pads; "squash" stretches to the size.
    """
    image = image.convert("RGB")
    th, tw = size
    if resize_mode == "squash":
        image = image.resize((tw, th), resample)
    else:
        image = image.resize(_scaled(image.size, size, resize_mode == "longest"), resample)
        image = _centre(image, tw, th, fill)
    arr = np.asarray(image, dtype=np.float32) * np.float32(1 / 255)
    arr -= np.asarray(mean, np.float32)
    arr /= np.asarray(std, np.float32)
    return np.ascontiguousarray(arr.transpose(2, 0, 1), dtype=np.float32)


def _scaled(src: tuple[int, int], size: tuple[int, int], longest: bool) -> tuple[int, int]:
    """The (w, h) an image is resized to before the centre crop (torchvision's arithmetic)."""
    w, h = src
    th, tw = size
    if th == tw and not longest:
        short, long_ = (w, h) if w <= h else (h, w)
        new_long = int(th * long_ / short)
        return (th, new_long) if w <= h else (new_long, th)
    scale = min(tw / w, th / h) if longest else max(tw / w, th / h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def _centre(image: Image.Image, tw: int, th: int, fill: int) -> Image.Image:
    """Crop (or pad with `fill`) the centre tw x th region."""
    w, h = image.size
    if (w, h) == (tw, th):
        return image
    left, top = round((w - tw) / 2.0), round((h - th) / 2.0)
    if w >= tw and h >= th:
        return image.crop((left, top, left + tw, top + th))
    canvas = Image.new("RGB", (tw, th), (fill, fill, fill))
    canvas.paste(image, (-left, -top))
    return canvas


def _resample(name: str) -> Image.Resampling:
    return {"bilinear": Image.Resampling.BILINEAR, "nearest": Image.Resampling.NEAREST}.get(
        name, Image.Resampling.BICUBIC)


def _pair(size: int | Sequence[int]) -> tuple[int, int]:
    if isinstance(size, int):
        return size, size
    return int(size[0]), int(size[1])


def _side(size: int | Sequence[int]) -> int:
    return max(_pair(size))


def _chunks(items: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), n):
        yield items[start:start + n]


# --- choosing and loading the model -------------------------------------------------------------

def _require_installed() -> None:
    missing = [m for m in ("torch", "open_clip") if importlib.util.find_spec(m) is None]
    if missing:
        raise EmbedderError(
            f"the clip embedder needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'}"
            f" not installed; install them with: {INSTALL_HINT}")


def _import_open_clip() -> ModuleType:
    try:
        from vitrine.embedders._torchvision_shim import import_open_clip

        return import_open_clip()
    except ImportError as exc:
        raise EmbedderError(f"cannot import open_clip ({exc}); install it with: {INSTALL_HINT}") from exc


def _checked_weights(weights: str | Path | None) -> Path | None:
    if weights is None:
        return None
    path = Path(weights).expanduser()
    if not path.is_file():
        raise EmbedderError(
            f"the clip weights file {str(path)!r} does not exist; give `weights` the path of an OpenCLIP"
            " checkpoint (.bin, .pt or .safetensors, e.g. open_clip_pytorch_model.bin downloaded from"
            " the model's Hugging Face page), or use `pretrained` with a tag in the local hub cache")
    return path


def _resolve_tag(
    model: str, pretrained: str | None, weights: Path | None, random_weights: bool
) -> str | None:
    if weights is not None or random_weights or model.startswith(_SCHEMAS):
        if pretrained:
            raise EmbedderError("give only one of `pretrained`, `weights`, `random_weights` or an hf-hub:/"
                                "local-dir: model")
        return None
    tag = pretrained or DEFAULT_PRETRAINED.get(model)
    if tag is None:
        raise EmbedderError(
            f"no pretrained tag given for the clip model {model!r}; set `pretrained` to one of the tags"
            " that `python -c \"import open_clip;"
            f" print(open_clip.list_pretrained_tags_by_model('{model}'))\"` prints,"
            " or set `weights` to a local checkpoint")
    return tag


def _version(model: str, tag: str | None, weights: Path | None, random_weights: bool) -> str:
    """Names the weights, so that vectors of different models never share a key."""
    if random_weights:
        return f"{model}@random-seed0"
    if weights is not None:
        return f"{model}@file:{weights.name}:{_file_digest(weights)}"
    return f"{model}@{tag}" if tag else model


def _file_digest(path: Path) -> str:
    """Size plus the first MiB: cheap, and distinct for different checkpoints."""
    digest = hashlib.sha256(str(path.stat().st_size).encode())
    with path.open("rb") as f:
        digest.update(f.read(1 << 20))
    return digest.hexdigest()[:12]


def _model_config(model: str, cache_dir: str | None) -> dict[str, Any]:
    """The model's open_clip config read from disk without importing torch ({} where unknown)."""
    path = _config_path(model, cache_dir)
    if path is None or not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("model_cfg", data))


def _config_path(model: str, cache_dir: str | None) -> Path | None:
    if model.startswith("local-dir:"):
        return Path(model.removeprefix("local-dir:")) / "open_clip_config.json"
    if model.startswith("hf-hub:"):
        from huggingface_hub import try_to_load_from_cache

        repo = model.removeprefix("hf-hub:")
        found = try_to_load_from_cache(repo, "open_clip_config.json", cache_dir=cache_dir)
        return Path(found) if isinstance(found, str) else None
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model_configs" / f"{model}.json"


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise EmbedderError("device='cuda' was asked for but torch sees no CUDA device; use device='cpu'")
    return device


def _random_model(open_clip: ModuleType, model: str, cache_dir: str | None) -> Any:
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return open_clip.create_model(model, pretrained=None, load_weights=False, pretrained_text=False,
                                      pretrained_image=False, cache_dir=cache_dir)


def _guarded(model: str, make: Any) -> Any:
    """Run `make()`, turning open_clip's and transformers' failures into a clear EmbedderError."""
    try:
        return make()
    except (RuntimeError, OSError, ValueError, ImportError) as exc:
        raise EmbedderError(f"cannot build the clip model {model!r}: {exc}{_build_hint(exc)}") from exc


def _build_hint(exc: BaseException) -> str:
    text = str(exc).lower()
    if "pip install transformers" in text:
        return ("\nIts text tower is a Hugging Face transformers model; install transformers too (and,"
                " offline, copy that text model's config and tokenizer into the hub cache,"
                " ~/.cache/huggingface/hub).")
    if isinstance(exc, OSError) or "hub" in text or "offline" in text:
        return ("\nIts text tower's config and tokenizer come from the Hugging Face hub: use the model once"
                " on a machine with network access and copy its hub cache (~/.cache/huggingface/hub) here.")
    return ""


def _check_tag(open_clip: ModuleType, model: str, tag: str) -> None:
    if model not in open_clip.list_models():
        raise EmbedderError(f"open_clip has no model {model!r}; see open_clip.list_models()")
    if not open_clip.get_pretrained_cfg(model, tag):
        tags = ", ".join(open_clip.list_pretrained_tags_by_model(model)) or "none"
        raise EmbedderError(
            f"{tag!r} is not a pretrained tag of the clip model {model!r}; known tags: {tags}")


def _missing_weights_message(open_clip: ModuleType, embedder: ClipEmbedder, exc: BaseException | str) -> str:
    model, tag = embedder.model_name, embedder.pretrained
    cfg = open_clip.get_pretrained_cfg(model, tag) if tag else {}
    hub_id = (cfg.get("hf_hub") or "").strip("/") or model.removeprefix("hf-hub:")
    where = embedder.cache_dir or "~/.cache/huggingface/hub (or $HF_HOME/hub)"
    fetch = (f"open_clip.create_model('{model}', pretrained='{tag}')" if tag
             else f"open_clip.create_model('{model}')")
    name = f"the weights of the clip model {model!r}{f' ({tag})' if tag else ''}"
    first = (f"{name} are not on this machine yet ({exc}): with network access they are downloaded at the"
             " first import; without it, get them either:" if isinstance(exc, str) else
             f"{name} are not on this machine and could not be downloaded ({exc}). To get them, either:")
    lines = [
        first,
        f"  1. on a machine with network access run: python -c \"import open_clip; {fetch}\", then copy"
        f" its hub cache folder models--{hub_id.replace('/', '--')} into {where} here"
        " (HF_HUB_OFFLINE=1 makes the lookup purely local); or",
        _manual_download(model, hub_id),
    ]
    if cfg.get("url"):
        lines.append(f"  (the checkpoint is also published at {cfg['url']})")
    lines.append("docs/models.md says at length where each model comes from and how to install it offline.")
    return "\n".join(lines)


def _in_hub_cache(hub_id: str, cache_dir: str | None) -> bool:
    """Whether the hub cache holds this repository's OpenCLIP checkpoint (no network)."""
    from huggingface_hub import try_to_load_from_cache

    names = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")
    return any(isinstance(try_to_load_from_cache(hub_id, name, cache_dir=cache_dir), str) for name in names)


def _manual_download(model: str, hub_id: str) -> str:
    source = f"https://huggingface.co/{hub_id}"
    if model.startswith(_SCHEMAS):
        return (f"  2. download open_clip_config.json and open_clip_pytorch_model.bin from {source}"
                " into one folder, and set the collection's embedder options to"
                ' {"model": "local-dir:/path/to/that/folder"}'
                f" ({_REINDEX} --embedder-option model=local-dir:/path/to/that/folder).")
    return (f"  2. download open_clip_pytorch_model.bin (or open_clip_model.safetensors) from {source},"
            " put it anywhere readable, and set the collection's embedder options to"
            f' {{"model": "{model}", "weights": "/path/to/that/file"}}'
            f" ({_REINDEX} --embedder-option model={model} --embedder-option weights=/path/to/that/file).")
