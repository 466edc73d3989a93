from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from local.conftest import Built
from vitrine.errors import IndexError_
from vitrine.local.index import open_local_index
from vitrine.local.store import FolderStore, MemoryStore


def copy_into(built: Built, store: FolderStore | MemoryStore) -> None:
    assert built.store.vocabulary is not None
    store.save_vocabulary(built.store.vocabulary)
    for segment in built.store.segments:
        store.append(segment)


def test_folder_store_round_trip(built: Built, tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "local")
    copy_into(built, store)
    memory, folder = open_local_index(store=built.store), open_local_index(store=store)
    assert folder.image_ids.tolist() == memory.image_ids.tolist()
    assert np.array_equal(folder.words, memory.words) and np.array_equal(folder.signatures, memory.signatures)
    assert np.allclose(folder.features_of(2).keypoints, memory.features_of(2).keypoints)
    assert not list((tmp_path / "local").glob("*.tmp")) and not list((tmp_path / "local").glob(".*"))
    assert store.nbytes() > 0


def test_vocabulary_cannot_change_under_existing_segments(built: Built, tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "local")
    copy_into(built, store)
    with pytest.raises(IndexError_, match="another vocabulary"):
        store.save_vocabulary(built.store.vocabulary)  # type: ignore[arg-type]


def test_replace_drops_old_files_and_version_changes(built: Built, tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "local")
    copy_into(built, store)
    before = store.version()
    store.replace([open_local_index(store=store).as_segment()])
    assert store.version() != before
    assert len(list((tmp_path / "local").glob("segment-*.npz"))) == 1


def test_corrupt_files_give_clear_errors(built: Built, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    store = FolderStore(folder)
    copy_into(built, store)
    segment = sorted(folder.glob("segment-*.npz"))[0]
    segment.write_bytes(b"not a numpy file")
    with pytest.raises(IndexError_, match="rebuild"):
        store.load()
    (folder / "manifest.json").write_text("{oops")
    with pytest.raises(IndexError_, match="not a valid"):
        store.load()
