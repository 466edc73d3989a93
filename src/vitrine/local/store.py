"""Where the vocabulary and the segments live: the store seam.

`SegmentStore` is the protocol; `FolderStore` keeps atomic files in `<collection>/local/`
(each file written to a temporary name then renamed, the manifest last, so a crash leaves the
previous state readable); `MemoryStore` is the in-package fake the tests use.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from vitrine.errors import IndexError_
from vitrine.fsutil import atomic_path, write_atomic
from vitrine.local.segments import Segment
from vitrine.local.vocabulary import Vocabulary

MANIFEST = "manifest.json"
_FORMAT = 1


class SegmentStore(Protocol):
    """Holds one vocabulary and an append-only list of segments."""

    def load(self) -> tuple[Vocabulary | None, list[Segment]]:
        """The vocabulary (None before training) and every segment, oldest first."""
        ...

    def save_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Store the vocabulary; refused once segments quantised with another one exist."""
        ...

    def append(self, segment: Segment) -> None:
        """Add a segment durably."""
        ...

    def replace(self, segments: list[Segment]) -> None:
        """Swap every segment for `segments` at once (compaction)."""
        ...

    def version(self) -> str:
        """Changes whenever the stored content changes (a cache key)."""
        ...

    def nbytes(self) -> int:
        """Bytes the store occupies."""
        ...


class MemoryStore:
    """A store in memory: the fake for tests and the scratch store of benchmarks."""

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.segments: list[Segment] = []
        self._version = 0

    def load(self) -> tuple[Vocabulary | None, list[Segment]]:
        return self.vocabulary, list(self.segments)

    def save_vocabulary(self, vocabulary: Vocabulary) -> None:
        _refuse_new_vocabulary(self.segments)
        self.vocabulary = vocabulary
        self._version += 1

    def append(self, segment: Segment) -> None:
        self.segments.append(segment)
        self._version += 1

    def replace(self, segments: list[Segment]) -> None:
        self.segments = list(segments)
        self._version += 1

    def version(self) -> str:
        return str(self._version)

    def nbytes(self) -> int:
        vocab = sum(int(a.nbytes) for a in self.vocabulary.to_arrays().values()) if self.vocabulary else 0
        return vocab + sum(s.nbytes for s in self.segments)


class FolderStore:
    """Atomic .npz files and a JSON manifest in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def load(self) -> tuple[Vocabulary | None, list[Segment]]:
        manifest = self._manifest()
        vocabulary = None
        if manifest["vocabulary"]:
            vocabulary = Vocabulary.from_arrays(self._read(manifest["vocabulary"]))
        return vocabulary, [Segment.from_arrays(self._read(name)) for name in manifest["segments"]]

    def save_vocabulary(self, vocabulary: Vocabulary) -> None:
        with self._lock:
            manifest = self._manifest()
            if manifest["segments"]:
                raise IndexError_(
                    f"{self.folder} already holds features quantised with another vocabulary; "
                    "rebuild the local index to train a new one")
            name = self._write(manifest, "vocabulary", vocabulary.to_arrays())
            manifest["vocabulary"] = name
            self._save_manifest(manifest)

    def append(self, segment: Segment) -> None:
        with self._lock:
            manifest = self._manifest()
            manifest["segments"].append(self._write(manifest, "segment", segment.to_arrays()))
            self._save_manifest(manifest)

    def replace(self, segments: list[Segment]) -> None:
        with self._lock:
            manifest = self._manifest()
            old = list(manifest["segments"])
            manifest["segments"] = [self._write(manifest, "segment", s.to_arrays()) for s in segments]
            self._save_manifest(manifest)
            for name in old:
                (self.folder / name).unlink(missing_ok=True)

    def version(self) -> str:
        try:
            st = (self.folder / MANIFEST).stat()
        except OSError:
            return "none"
        return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"

    def nbytes(self) -> int:
        manifest = self._manifest()
        names = [n for n in [manifest["vocabulary"], *manifest["segments"]] if n]
        return sum((self.folder / n).stat().st_size for n in names)

    def _manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        if not path.exists():
            return {"format": _FORMAT, "vocabulary": None, "segments": [], "next": 1}
        try:
            manifest: dict[str, Any] = json.loads(path.read_text())
        except ValueError as exc:
            raise IndexError_(f"{path} is not a valid local-feature manifest: {exc}") from exc
        if manifest.get("format") != _FORMAT:
            raise IndexError_(f"{path} has format {manifest.get('format')!r}, expected {_FORMAT}")
        return manifest

    def _save_manifest(self, manifest: dict[str, Any]) -> None:
        write_atomic(self.folder / MANIFEST, json.dumps(manifest, indent=1))

    def _write(self, manifest: dict[str, Any], kind: str, arrays: dict[str, Any]) -> str:
        """Write arrays to a new numbered file (not yet listed in the manifest); its name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{kind}-{manifest['next']:06d}.npz"
        manifest["next"] += 1
        with atomic_path(self.folder / name) as tmp, tmp.open("wb") as fh:
            np.savez(fh, **arrays)
        return name

    def _read(self, name: str) -> dict[str, Any]:
        path = self.folder / name
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except (OSError, ValueError, KeyError) as exc:
            raise IndexError_(f"{path} is unreadable ({exc}); rebuild the local index") from exc


def _refuse_new_vocabulary(segments: list[Segment]) -> None:
    if segments:
        raise IndexError_("features quantised with another vocabulary exist; rebuild to retrain")
