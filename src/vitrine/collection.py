"""A collection is one folder: settings (collection.json), catalogue, vector index, thumbnails."""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from vitrine import embedders
from vitrine.catalog import Catalog
from vitrine.embedders.base import Embedder
from vitrine.errors import CollectionError, EmbedderMismatch, IndexError_, NoLocalIndex
from vitrine.fsutil import write_atomic
from vitrine.index import VectorIndex, check_params, open_index
from vitrine.local.index import LocalIndex, open_local_index, open_store
from vitrine.locking import WriteLock
from vitrine.records import StoredImage

log = logging.getLogger(__name__)

CONFIG_FILE = "collection.json"
#: catalogue meta key naming the last saved state of the vector index
INDEX_VERSION = "index_version"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class CollectionConfig:
    """What collection.json holds."""

    name: str
    embedder: str = "classic"
    embedder_options: dict[str, Any] = field(default_factory=dict)
    index: str = "faiss"
    #: the index's own parameters (faiss: m, ef_construction, ef_search; ivfpq: nlist, pq_m, nprobe,
    #: rerank, train_after; milvus: index_type and its build and search parameters)
    index_params: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    created_at: float = field(default_factory=time.time)
    #: the visual relevance cutoff of this collection's searches; None: the embedder's calibration
    match_threshold: float | None = None
    #: show machine suggestions nobody has reviewed yet on public pages, marked "machine-made, not
    #: reviewed" (off: only staff see them)
    proposed_public: bool = False
    #: agents run after every import, each {"agent": name, "options": {...}}: a saved classifier
    #: (or any agent) then suggests on the new works too (`vitrine suggest follow`)
    follow: list[dict[str, Any]] = field(default_factory=list)


class Collection:
    """An open collection. The embedder and the index are built on first use."""

    def __init__(
        self, root: Path, config: CollectionConfig,
        index_options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.root = root
        self.config = config
        #: deployment options per index name (a Milvus token), kept out of collection.json
        self.index_options = dict(index_options or {})
        self.catalog = Catalog(root / "catalog.sqlite")
        self._write_lock = WriteLock(root)
        #: how long a writer waits for another one to finish before giving up (CollectionBusy)
        self.lock_wait_s = 0.0

    def writing(self, what: str) -> AbstractContextManager[None]:
        """Hold the collection's write lock for `what` (one writer at a time; readers never wait)."""
        return self._write_lock.hold(what, wait=self.lock_wait_s, on_wait=self._waiting)

    def _waiting(self, holder: str) -> None:
        log.warning("collection %s is being changed (%s); waiting up to %.0f s for it to finish",
                    self.name, holder, self.lock_wait_s)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def title(self) -> str:
        return self.config.title or self.config.name

    @property
    def thumbnails_dir(self) -> Path:
        return self.root / "thumbnails"

    @property
    def cache_dir(self) -> Path:
        """Local copies of images fetched from remote sources."""
        return self.root / "cache"

    def thumbnail_path(self, sha256: str) -> Path:
        """Where the thumbnail of the image with this checksum lives (made by indexing)."""
        return self.thumbnails_dir / sha256[:2] / f"{sha256}.jpg"

    def image_path(self, image: StoredImage) -> Path | None:
        """The local file holding an image's full pixels: the source file or the fetched copy."""
        if image.local_path:
            return Path(image.local_path)
        if "://" not in image.location:
            return Path(image.location)
        return None

    @cached_property
    def embedder(self) -> Embedder:
        return embedders.create(self.config.embedder, **self.config.embedder_options)

    @cached_property
    def index(self) -> VectorIndex:
        folder = self.root / "index"
        folder.mkdir(exist_ok=True)
        self._index_version = self.catalog.get_meta(INDEX_VERSION)
        return open_index(self.config.index, folder, self.embedder.dim, options=self.index_options,
                          params=self.config.index_params)

    _index_version: str | None = None

    def save_index(self) -> None:
        """Save the vector index and note a new version, so other processes reading the
        collection (a running web app) load it again (`refresh`)."""
        self.index.save()
        self._index_version = uuid.uuid4().hex
        self.catalog.set_meta(INDEX_VERSION, self._index_version)

    def refresh(self) -> None:
        """Let go of a vector index loaded from disk when another process saved a newer one.

        Searches in flight keep the object they hold; the next one loads the new files. Indexes
        that live on a server (Milvus) are always current and are kept.
        """
        index = self.__dict__.get("index")
        if index is None or not index.reloads:
            return
        if self.catalog.get_meta(INDEX_VERSION) != self._index_version:
            self.__dict__.pop("index", None)

    # The loaded local-feature index and the manifest version it was read at. One lock serves
    # every collection: a load is rare, and the lock keeps two threads from loading one twice.
    _local: tuple[str, LocalIndex] | None = None
    _local_lock = threading.Lock()

    def local_index(self) -> LocalIndex:
        """The local-feature index (regions, recognition), loaded once and reloaded when its files change."""
        store = open_store(self.root)
        with self._local_lock:
            version = store.version()
            if self._local is not None and self._local[0] == version:
                return self._local[1]
            try:
                index = open_local_index(store=store)
            except IndexError_ as exc:
                raise NoLocalIndex(
                    f"collection {self.root.name!r} has no region index yet; build it with "
                    f"'vitrine regions index {self.root.name}'") from exc
            self._local = (version, index)
            return index

    @property
    def vectors_key(self) -> str | None:
        """Key of the embedder that built the stored vectors, None before indexing."""
        return self.catalog.get_meta("vectors_embedder")

    def check_embedder(self, embedder: Embedder) -> None:
        """Refuse to compare `embedder`'s vectors with vectors another embedder built."""
        built = self.vectors_key
        if built is not None and built != embedder.key:
            raise EmbedderMismatch(
                f"collection {self.name!r} was indexed with {built!r}, not {embedder.key!r}; "
                f"search with that embedder, or re-embed with "
                f"'vitrine index {self.name} --embedder {embedder.name} --rebuild'")

    def set_embedder(self, name: str, options: dict[str, Any] | None = None) -> None:
        """Switch to another embedder and drop every vector; `index_collection(rebuild=True)` refills.

        Until then the stored key still names the old embedder, so searches are refused with a
        message that says how to re-embed, rather than quietly returning nothing.
        """
        options = dict(options or {})
        embedders.create(name, **options)  # refuse an unknown name before dropping anything
        with self.writing("embedder change"):
            self._drop_vectors(name, options)

    def _drop_vectors(self, name: str, options: dict[str, Any]) -> None:
        """Empty the index and forget every vector, under the write lock."""
        self.index.drop()
        self.index.close()
        del self.__dict__["index"]
        self.__dict__.pop("embedder", None)
        shutil.rmtree(self.root / "index", ignore_errors=True)  # the next index may differ in dimension
        self.catalog.clear_embedded()
        self.catalog.set_meta(INDEX_VERSION, uuid.uuid4().hex)  # readers let the old index go
        self.config.embedder = name
        self.config.embedder_options = options
        save_config(self.root, self.config)

    def set_match_threshold(self, value: float | None) -> None:
        """Set this collection's visual relevance cutoff (a cosine), or None for the embedder's."""
        if value is not None and not -1.0 <= value <= 1.0:  # also refuses NaN
            raise CollectionError(f"match_threshold is a cosine between -1 and 1, got {value}")
        self.config.match_threshold = value
        save_config(self.root, self.config)

    def set_follow(self, follow: list[dict[str, Any]]) -> None:
        """The agents to run after every import (see `vitrine.suggestions.follow`)."""
        self.config.follow = [dict(f) for f in follow]
        save_config(self.root, self.config)

    def set_index_params(self, params: Mapping[str, Any]) -> None:
        """Change index parameters (merged into the present ones; a value of None removes one).
        Search settings apply at once; build settings (nlist, pq_m, M...) to what is built next."""
        merged = {k: v for k, v in {**self.config.index_params, **params}.items() if v is not None}
        check_params(self.config.index, merged)
        self.config.index_params = merged
        save_config(self.root, self.config)
        self.__dict__.pop("index", None)

    def set_proposed_public(self, value: bool) -> None:
        """Show (True) or hide (False) unreviewed machine suggestions on public pages."""
        self.config.proposed_public = bool(value)
        save_config(self.root, self.config)

    def close(self) -> None:
        index = self.__dict__.get("index")
        if index is not None:
            index.save()
            index.close()
        self.catalog.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def resolve(name_or_path: str, data_dir: Path) -> Path:
    """A collection's folder: a path when it contains a separator, else a name under `data_dir`."""
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.startswith("."):
        return Path(name_or_path).expanduser()
    if not _NAME.match(name_or_path):
        raise CollectionError(
            f"collection name {name_or_path!r} may hold letters, digits, '_', '.' and '-' only")
    return data_dir / name_or_path


def create_collection(
    root: Path, *, embedder: str = "classic", index: str = "faiss", title: str | None = None,
    embedder_options: dict[str, Any] | None = None,
    index_options: Mapping[str, Mapping[str, Any]] | None = None,
    index_params: Mapping[str, Any] | None = None,
) -> Collection:
    """Create a collection folder; refuses to overwrite an existing one."""
    if (root / CONFIG_FILE).exists():
        raise CollectionError(f"a collection already exists at {root}")
    embedders.create(embedder, **(embedder_options or {}))  # fail early on an unknown name
    check_params(index, index_params or {})
    root.mkdir(parents=True, exist_ok=True)
    config = CollectionConfig(
        name=root.name, embedder=embedder, embedder_options=dict(embedder_options or {}),
        index=index, title=title, index_params=dict(index_params or {}))
    save_config(root, config)
    return Collection(root, config, index_options)


def open_collection(root: Path, index_options: Mapping[str, Mapping[str, Any]] | None = None) -> Collection:
    """Open an existing collection folder; `index_options` come from settings (`Settings.index_options`)."""
    path = root / CONFIG_FILE
    if not path.exists():
        raise CollectionError(
            f"no collection at {root}; create one with 'vitrine collection create {root.name}'")
    try:
        config = CollectionConfig(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise CollectionError(f"{path} is not a valid collection file: {exc}") from exc
    return Collection(root, config, index_options)


def list_collections(data_dir: Path) -> list[Path]:
    """Collection folders directly under `data_dir`."""
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.iterdir() if (p / CONFIG_FILE).is_file())


def save_config(root: Path, config: CollectionConfig) -> None:
    write_atomic(root / CONFIG_FILE, json.dumps(asdict(config), indent=2))
