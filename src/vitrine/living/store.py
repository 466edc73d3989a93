"""Living portraits kept beside the collection's images, and which works may be shown publicly.

    COLLECTION/living/ab/<image sha256>-natural-v1.mp4   the clip, with the speech
    COLLECTION/living/ab/<image sha256>-natural-v1.webp  the same frames, silent, looping
    COLLECTION/living/ab/<image sha256>-natural-v1.json  what was made, from what, by whom, how
    COLLECTION/living/allowed.json                       {"all": false, "records": [...]}

A derivative is keyed by its image's checksum and the motion template's version: the image never
changes (it is only read), a new image or a new template gives a new file. Whether a work's portrait
may be shown to the public (and made without a staff request, `make_allowed`) is a setting of the
whole collection (`all`) or of single records, changed with `set_allowed`, audited.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vitrine.collection import Collection
from vitrine.errors import LivingError, NotFound
from vitrine.fsutil import write_atomic
from vitrine.living.motion import TEMPLATE, TEMPLATE_VERSION

FOLDER = "living"
_FILE = re.compile(r"^([0-9a-f]{64})-([a-z]+)-v(\d+)\.(mp4|webp)$")


@dataclass(frozen=True)
class Portrait:
    """A living portrait made: its metadata (see `make.make_living`) and where its files are."""

    meta: dict[str, Any]
    folder: Path

    @property
    def identifier(self) -> str:
        return str(self.meta["identifier"])

    @property
    def stem(self) -> str:
        return str(self.meta["stem"])

    def path(self, ext: str) -> Path:
        return self.folder / f"{self.stem}.{ext}"


def root(collection: Collection) -> Path:
    return collection.root / FOLDER


def stem(sha256: str) -> str:
    return f"{sha256}-{TEMPLATE}-v{TEMPLATE_VERSION}"


def folder_of(collection: Collection, sha256: str) -> Path:
    return root(collection) / sha256[:2]


def save(collection: Collection, meta: dict[str, Any]) -> Portrait:
    folder = folder_of(collection, meta["image_sha256"])
    write_atomic(folder / f"{meta['stem']}.json", json.dumps(meta, indent=1, ensure_ascii=False))
    return Portrait(meta, folder)


def portraits(collection: Collection, public: bool) -> list[Portrait]:
    """Portraits made in the collection, newest first; with `public`, only those of allowed works."""
    found = []
    for path in sorted(root(collection).glob("??/*.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        portrait = Portrait(meta, path.parent)
        if not public or allowed(collection, portrait.identifier):
            found.append(portrait)
    return sorted(found, key=lambda p: -float(p.meta.get("made_at", 0)))


def portrait_of(collection: Collection, identifier: str, public: bool) -> Portrait | None:
    """The newest portrait of a record that the caller may see, or None."""
    return next((p for p in portraits(collection, public) if p.identifier == identifier), None)


def media(collection: Collection, name: str, public: bool) -> tuple[Path, str]:
    """The file `name` (`<sha256>-natural-v1.mp4|webp`) and its record's identifier; NotFound when
    absent or not shown to the caller."""
    match = _FILE.match(name)
    if match is None:
        raise NotFound(f"no living portrait file is named {name!r}")
    folder = folder_of(collection, match.group(1))
    meta_path = folder / f"{name.rsplit('.', 1)[0]}.json"
    path = folder / name
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFound(f"no living portrait file is named {name!r}") from None
    if not path.is_file() or (public and not allowed(collection, str(meta["identifier"]))):
        raise NotFound(f"no living portrait file is named {name!r}")
    return path, str(meta["identifier"])


def _settings(collection: Collection) -> dict[str, Any]:
    try:
        data = json.loads((root(collection) / "allowed.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"all": False, "records": []}
    except (OSError, ValueError) as exc:
        raise LivingError(f"{root(collection) / 'allowed.json'} is unreadable: {exc}") from None
    return {"all": bool(data.get("all")), "records": sorted(set(map(str, data.get("records", []))))}


def allowed(collection: Collection, identifier: str) -> bool:
    """Whether the collection marks this work's living portrait as allowed (shown publicly)."""
    settings = _settings(collection)
    return settings["all"] or identifier in settings["records"]


def allowed_settings(collection: Collection) -> dict[str, Any]:
    return _settings(collection)


def set_allowed(collection: Collection, identifier: str | None, on: bool, *, actor: str,
                address: str = "") -> dict[str, Any]:
    """Allow (or stop allowing) one record's living portrait, or (`identifier` None) the whole
    collection's; audited as `living.allow` / `living.disallow`. Raises RecordNotFound."""
    if identifier is not None:
        collection.catalog.get(identifier)
    with collection.writing("living portraits: allowed works"), collection.catalog.transaction():
        before = _settings(collection)
        after = dict(before)
        if identifier is None:
            after["all"] = bool(on)
        else:
            records = set(before["records"])
            (records.add if on else records.discard)(identifier)
            after["records"] = sorted(records)
        collection.catalog.audit.record(actor, "living.allow" if on else "living.disallow",
                                        identifier or "*", before=before, after=after, address=address)
        write_atomic(root(collection) / "allowed.json", json.dumps(after | {"changed_at": time.time()}))
    return after
