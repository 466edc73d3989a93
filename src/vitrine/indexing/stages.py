"""The indexing pipeline as stages: picklable functions of one chunk, which any engine can run.

A stage takes what the stage before it returned (the first one a chunk of `Job`s); here each
returns a `Mapped` (local features use the same interface: `local/pipeline.py`). `num_gpus` says
what one call needs on a cluster (a GPU node for the embed stage). The
local engine (`runner.py`) runs read in its process pool and embeds there or in the parent; the
Ray engine (`onray.py`) runs each stage as a Ray Data map, fused by Ray where the resources agree.
Stages only read images and compute (and write content-addressed thumbnails): the catalogue and
the index are written by the driver alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from vitrine import embedders
from vitrine.embedders.base import Embedder
from vitrine.indexing import mapper
from vitrine.indexing.mapper import MapOptions, Mapped
from vitrine.indexing.reader import Job


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: a picklable function of a chunk, and the resources one call needs."""

    name: str
    run: Callable[[Any], Any]
    num_gpus: float = 0.0


@dataclass(frozen=True)
class ReadChunk:
    """Read, decode, thumbnail and reduce a chunk of images (no embedding)."""

    options: MapOptions

    def __call__(self, jobs: list[Job]) -> Mapped:
        mapper.init_worker(replace(self.options, embedder=None), None)
        return mapper.map_chunk(jobs)


_loaded: dict[str, Embedder] = {}  # per worker process: each embedder's model is loaded once


@dataclass(frozen=True)
class EmbedChunk:
    """Embed the pixels a read stage returned, with the named embedder (loaded once per process)."""

    embedder: str
    embedder_options: dict[str, Any] = field(default_factory=dict)

    def __call__(self, mapped: Mapped) -> Mapped:
        key = repr((self.embedder, sorted(self.embedder_options.items())))
        if key not in _loaded:
            _loaded[key] = embedders.create(self.embedder, **self.embedder_options)
        mapper.embed_rest(mapped, _loaded[key])
        return mapped


def index_stages(options: MapOptions, embedder: str, embedder_options: dict[str, Any],
                 num_gpus: float = 0.0) -> list[Stage]:
    """The pipeline `index_collection` runs: read (CPU), then embed (on a GPU where `num_gpus` > 0)."""
    return [Stage("read", ReadChunk(options)),
            Stage("embed", EmbedChunk(embedder, dict(embedder_options)), num_gpus)]
