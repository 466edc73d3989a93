"""Images of the records: where each lives, what decoding found, which embedder has its vector."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog.base import Connected, chunks, id_array, placeholders
from vitrine.errors import ImageNotFound
from vitrine.records import ImageRef, StoredImage

# The one definition of an image pending indexing: not failed, and without an up-to-date vector
# from the given embedder (never processed, changed since, or embedded by another embedder).
_NEEDING = ("i.error IS NULL AND (i.sha256 IS NULL OR i.embedded_sha256 IS NULL"
            " OR i.embedded_sha256 != i.sha256 OR i.embedder IS NOT ?)")
_IMAGE_SELECT = (
    "SELECT i.id, i.record_id, r.identifier, i.location, i.local_path, i.width, i.height, i.sha256"
    " FROM images i JOIN records r ON r.id = i.record_id"
)


class Images(Connected):
    """Image rows: fetch and decode results, errors, and the embedded marks."""

    def image(self, image_id: int) -> StoredImage:
        # An id outside SQLite's INTEGER range names no image (and would overflow the driver).
        row = None
        if 0 < image_id < 2**63:
            row = self._db.execute(_IMAGE_SELECT + " WHERE i.id = ?", (image_id,)).fetchone()
        if row is None:
            raise ImageNotFound(f"no image with id {image_id}")
        return _to_image(row)

    def images_of(self, identifier: str) -> list[StoredImage]:
        rows = self._db.execute(
            _IMAGE_SELECT + " WHERE r.identifier = ? ORDER BY i.position", (identifier,))
        return [_to_image(r) for r in rows]

    def images_by_id(self, image_ids: Iterable[int]) -> dict[int, StoredImage]:
        out: dict[int, StoredImage] = {}
        for chunk in chunks(list(image_ids), 900):
            rows = self._db.execute(_IMAGE_SELECT + f" WHERE i.id IN ({placeholders(len(chunk))})", chunk)
            out.update((int(r["id"]), _to_image(r)) for r in rows)
        return out

    def images_with_sha(self, shas: Iterable[str]) -> dict[str, list[StoredImage]]:
        """The images of each checksum among `shas`, in id order (a checksum may be in several records)."""
        out: dict[str, list[StoredImage]] = {}
        for chunk in chunks(sorted(set(shas)), 900):
            rows = self._db.execute(
                _IMAGE_SELECT + f" WHERE i.sha256 IN ({placeholders(len(chunk))}) ORDER BY i.id", chunk)
            for row in rows:
                out.setdefault(str(row["sha256"]), []).append(_to_image(row))
        return out

    def images_page(self, after: int, limit: int, among: Sequence[int] | None = None) -> list[StoredImage]:
        """Up to `limit` images read successfully (they have a checksum) with ids above `after`, in
        id order; only those of the records `among` when given."""
        scope = "" if among is None else " AND i.record_id IN (SELECT value FROM json_each(?))"
        params: tuple[Any, ...] = (after,) if among is None else (after, json.dumps(list(among)))
        rows = self._db.execute(
            _IMAGE_SELECT + f" WHERE i.id > ? AND i.sha256 IS NOT NULL{scope} ORDER BY i.id LIMIT ?",
            (*params, limit))
        return [_to_image(r) for r in rows]

    def count_read_images(self, among: Sequence[int] | None = None) -> int:
        """How many images `images_page` pages through."""
        scope = "" if among is None else " AND record_id IN (SELECT value FROM json_each(?))"
        params = () if among is None else (json.dumps(list(among)),)
        return int(self._db.execute(
            f"SELECT count(*) FROM images WHERE sha256 IS NOT NULL{scope}", params).fetchone()[0])

    def images_needing_vectors(self, embedder_key: str) -> list[StoredImage]:
        """Images not yet processed, or whose vector is missing, stale, or from another embedder."""
        rows = self._db.execute(_IMAGE_SELECT + f" WHERE {_NEEDING} ORDER BY i.id", (embedder_key,))
        return [_to_image(r) for r in rows]

    def count_needing_vectors(self, embedder_key: str) -> int:
        """How many images `images_needing_vectors` holds: what "pending" means everywhere."""
        row = self._db.execute(f"SELECT count(*) FROM images i WHERE {_NEEDING}", (embedder_key,)).fetchone()
        return int(row[0])

    def set_image_file(
        self, image_id: int, *, local_path: str | None, width: int, height: int, sha256: str,
        source_stamp: str | None = None,
    ) -> None:
        """Record a successful fetch/decode of an image."""
        with self._lock:
            self._db.execute(
                "UPDATE images SET local_path = ?, width = ?, height = ?, sha256 = ?,"
                " source_stamp = ?, error = NULL WHERE id = ?",
                (local_path, width, height, sha256, source_stamp, image_id))

    def local_image_stamps(self) -> list[tuple[int, str, str | None]]:
        """(id, path, size:mtime stamp) of processed images that are local files."""
        rows = self._db.execute(
            "SELECT id, location, source_stamp FROM images"
            " WHERE sha256 IS NOT NULL AND location NOT LIKE '%://%'")
        return [(int(r[0]), str(r[1]), r[2]) for r in rows]

    def invalidate_images(self, image_ids: Iterable[int]) -> None:
        """Forget what is known of these images' content: they will be read and hashed again."""
        with self.transaction():
            self._db.executemany(
                "UPDATE images SET sha256 = NULL, error = NULL WHERE id = ?",
                [(int(i),) for i in image_ids])

    def clear_image_errors(self) -> None:
        """Give failed images another chance at the next indexing run."""
        with self._lock:
            self._db.execute("UPDATE images SET error = NULL WHERE error IS NOT NULL")

    def set_image_error(self, image_id: int, reason: str) -> None:
        with self._lock:
            self._db.execute("UPDATE images SET error = ? WHERE id = ?", (reason, image_id))

    def mark_embedded(self, image_ids: Iterable[int], embedder_key: str) -> None:
        """Note that these images' current content now has a vector from `embedder_key`."""
        with self.transaction():
            self._db.executemany(
                "UPDATE images SET embedded_sha256 = sha256, embedder = ? WHERE id = ?",
                [(embedder_key, int(i)) for i in image_ids])

    def clear_embedded(self, image_ids: Iterable[int] | None = None) -> None:
        """Forget vectors, for all images or some (they will be embedded again)."""
        with self._lock:
            if image_ids is None:
                self._db.execute("UPDATE images SET embedded_sha256 = NULL, embedder = NULL")
            else:
                self._db.executemany(
                    "UPDATE images SET embedded_sha256 = NULL, embedder = NULL WHERE id = ?",
                    [(int(i),) for i in image_ids])

    def embedded_image_ids(self, embedder_key: str) -> NDArray[np.int64]:
        """Ids of images whose current content has a vector from `embedder_key`."""
        return id_array(self._db.execute(
            "SELECT id FROM images WHERE embedder = ? AND embedded_sha256 = sha256 ORDER BY id",
            (embedder_key,)))

    def all_image_ids(self) -> NDArray[np.int64]:
        return id_array(self._db.execute("SELECT id FROM images ORDER BY id"))


def write_images(db: sqlite3.Connection, record_id: int, images: list[ImageRef]) -> tuple[int, ...]:
    """Make a record's image rows match `images`, keeping what is known of images that stay;
    returns the ids of the images removed. Call inside the record's write transaction."""
    existing = {r["location"]: int(r["id"]) for r in db.execute(
        "SELECT id, location FROM images WHERE record_id = ?", (record_id,))}
    wanted = {img.location for img in images}
    removed = tuple(i for loc, i in existing.items() if loc not in wanted)
    db.executemany("DELETE FROM images WHERE id = ?", [(i,) for i in removed])
    for position, img in enumerate(images):
        if img.location in existing:
            db.execute(
                "UPDATE images SET position = ?, label = ? WHERE id = ?",
                (position, img.label, existing[img.location]))
        else:
            db.execute(
                "INSERT INTO images (record_id, position, location, label, width, height)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (record_id, position, img.location, img.label, img.width, img.height))
    return removed


def image_refs(db: sqlite3.Connection, record_id: int) -> list[ImageRef]:
    """A record's images, in order, as they appear in its `Record`."""
    return [
        ImageRef(location=r["location"], width=r["width"], height=r["height"],
                 sha256=r["sha256"], label=r["label"])
        for r in db.execute(
            "SELECT location, width, height, sha256, label FROM images WHERE record_id = ?"
            " ORDER BY position", (record_id,))
    ]


def _to_image(row: sqlite3.Row) -> StoredImage:
    return StoredImage(
        id=int(row["id"]), record_id=int(row["record_id"]), identifier=row["identifier"],
        location=row["location"], local_path=row["local_path"], width=row["width"],
        height=row["height"], sha256=row["sha256"])
