"""The gallery store: states, removal in every state, auto-approval, audited decisions, old galleries kept."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.catalog import Catalog
from vitrine.errors import AlreadyInGallery, Conflict, NotFound
from vitrine.visitor.gallery import Gallery, open_gallery
from vitrine.visitor.screening import Screening

CLEAN = Screening(flagged=False, labels={"FACE_FEMALE": 0.6})
FLAGGED = Screening(flagged=True, labels={"BUTTOCKS_EXPOSED": 0.9})
OFF = Screening.off("screening is off")


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    opened = Catalog(tmp_path / "catalog.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def gallery(tmp_path: Path, catalog: Catalog) -> Gallery:
    return Gallery(tmp_path / "gallery", catalog)


def test_a_consented_photo_is_pending_and_not_public(gallery: Gallery) -> None:
    entry, _token = gallery.add(b"photo", "w01", 3, "Title", screening=CLEAN)
    assert entry.state == "pending" and gallery.entries() == [] and gallery.count() == 0
    assert [e.id for e in gallery.entries(state="pending")] == [entry.id] and gallery.count("pending") == 1
    assert gallery.photo_path(entry.id) is not None  # the file is there for the moderator


def test_approval_makes_it_public_and_is_audited(gallery: Gallery, catalog: Catalog) -> None:
    entry, _ = gallery.add(b"photo", "w01", 3, "Title", screening=CLEAN)
    gallery.approve(entry.id, actor="mo", address="10.0.0.1")
    assert [e.id for e in gallery.entries()] == [entry.id] and gallery.count("pending") == 0
    (row,) = catalog.audit.entries(action="gallery.")
    assert (row.actor, row.action, row.object, row.address) == ("mo", "gallery.approve", entry.id, "10.0.0.1")
    assert row.before["state"] == "pending" and row.after["state"] == "approved"
    with pytest.raises(Conflict):
        gallery.approve(entry.id, actor="mo")


def test_rejection_deletes_file_and_row_and_is_audited(gallery: Gallery, catalog: Catalog) -> None:
    entry, token = gallery.add(b"photo", "w01", 3, "Title", screening=CLEAN)
    path = gallery.photo_path(entry.id)
    assert path is not None
    gallery.reject(entry.id, actor="mo")
    assert not path.exists() and gallery.get(entry.id) is None and not gallery.remove(entry.id, token)
    (row,) = catalog.audit.entries(action="gallery.reject")
    assert row.object == entry.id and row.before["state"] == "pending" and row.after == {"state": "deleted"}
    with pytest.raises(NotFound):
        gallery.reject(entry.id, actor="mo")


@pytest.mark.parametrize("state", ["pending", "approved"])
def test_the_private_removal_link_works_in_every_state(gallery: Gallery, state: str) -> None:
    entry, token = gallery.add(b"photo", "w01", 3, "Title", screening=CLEAN)
    if state == "approved":
        gallery.approve(entry.id, actor="mo")
    path = gallery.photo_path(entry.id)
    assert path is not None
    assert not gallery.remove(entry.id, "wrong") and not gallery.remove(entry.id, "")
    assert gallery.remove(entry.id, token)
    assert gallery.get(entry.id) is None and not path.exists()


@pytest.mark.parametrize(("screening", "auto", "state"), [
    (CLEAN, False, "pending"), (CLEAN, True, "approved"), (FLAGGED, True, "pending"),
    (OFF, True, "pending"), (FLAGGED, False, "pending"),
])
def test_auto_approval_takes_only_screened_unflagged_photos(
    gallery: Gallery, screening: Screening, auto: bool, state: str,
) -> None:
    entry, _ = gallery.add(b"photo", "w01", 3, "T", screening=screening, auto_approve=auto)
    assert entry.state == state == gallery.get(entry.id).state  # type: ignore[union-attr]
    assert entry.flagged == screening.flagged and entry.screened == screening.screened


def test_the_same_photo_with_the_same_work_is_refused_in_any_state(gallery: Gallery) -> None:
    entry, _ = gallery.add(b"photo", "w01", 3, "T", screening=CLEAN)
    with pytest.raises(AlreadyInGallery):
        gallery.add(b"photo", "w01", 3, "T", screening=CLEAN)
    gallery.approve(entry.id, actor="mo")
    with pytest.raises(AlreadyInGallery):
        gallery.add(b"photo", "w01", 3, "T", screening=CLEAN)
    assert len(list(gallery.folder.glob("*.jpg"))) == 1  # the refused copy left no file behind


def test_an_approval_whose_audit_row_fails_does_not_happen(gallery: Gallery, catalog: Catalog) -> None:
    entry, _ = gallery.add(b"photo", "w01", 3, "T", screening=CLEAN)
    other, _ = gallery.add(b"other", "w02", 4, "T", screening=CLEAN)
    with catalog.transaction():
        catalog._db.execute(  # the audit insert fails, as a full disk or a broken trigger would
            "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no audit'); END")
    with pytest.raises(sqlite3.IntegrityError, match="no audit"):
        gallery.approve(entry.id, actor="mo")
    with pytest.raises(sqlite3.IntegrityError, match="no audit"):
        gallery.reject(other.id, actor="mo")
    assert gallery.get(entry.id).state == "pending"  # type: ignore[union-attr]
    assert gallery.get(other.id) is not None and gallery.photo_path(other.id) is not None
    assert gallery.entries() == [] and catalog.audit.entries(action="gallery.") == []


def _legacy_entry(folder: Path, entry_id: str, token: str, photo: bytes) -> None:
    """An entry as the gallery wrote it before moderation: <id>.json beside <id>.jpg."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{entry_id}.jpg").write_bytes(photo)
    (folder / f"{entry_id}.json").write_text(json.dumps({
        "id": entry_id, "identifier": "w03", "image_id": 7, "title": "Old", "created_at": 1700000000.0,
        "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
        "photo_sha256": hashlib.sha256(photo).hexdigest()}))


def test_an_old_gallery_is_imported_approved_and_its_links_still_work(tmp_path: Path,
                                                                     catalog: Catalog) -> None:
    folder = tmp_path / "gallery"
    _legacy_entry(folder, "0123456789abcdef", "old-token", b"old photo")
    _legacy_entry(folder, "fedcba9876543210", "other-token", b"other photo")
    (folder / "not-an-entry.json").write_text("{}")
    (folder / "aaaaaaaaaaaaaaaa.json").write_text("not json")
    gallery = open_gallery(folder, catalog)
    shown = {e.id: e for e in gallery.entries()}
    assert set(shown) == {"0123456789abcdef", "fedcba9876543210"}
    assert shown["0123456789abcdef"].title == "Old" and shown["0123456789abcdef"].image_id == 7
    assert not (folder / "0123456789abcdef.json").exists()  # moved, so a removal cannot be undone
    assert (folder / "aaaaaaaaaaaaaaaa.json").exists()  # unreadable: left for a person to look at
    assert open_gallery(folder, catalog).count() == 2  # opening again imports nothing twice
    with pytest.raises(AlreadyInGallery):
        gallery.add(b"old photo", "w03", 7, "Old", screening=CLEAN)
    assert gallery.remove("0123456789abcdef", "old-token")
    assert not (folder / "0123456789abcdef.jpg").exists() and gallery.count() == 1
