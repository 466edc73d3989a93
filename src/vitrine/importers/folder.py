"""Import a folder of image files: one record per file name (without its extension).

The identifier is the path relative to the folder, without the extension (``prints/a/0001``),
so it stays the same across runs and machines. Files that differ only by extension
(``0001.jpg``, ``0001.tif``) become one record with several images. Hidden files and folders
are skipped. Images are not decoded here: the indexing pipeline does that later.

Sidecar metadata (optional): a JSON object in ``<name>.json`` or ``<name>.<ext>.json`` next to
the image, whose keys are Record fields (``title``, ``creators``, ``date_text`` or ``date``,
``medium``...; ``identifier`` overrides the path-based one). Other keys go into Record.extra.
XMP sidecars are not read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vitrine.errors import ImportError_
from vitrine.importers.base import Source, SourceItem
from vitrine.importers.mapping import FIELDS, ColumnMapping, record_from_row
from vitrine.records import ImageRef, Record

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".webp", ".bmp", ".jp2"})
_SIDECAR_FIELDS = {*FIELDS, "date"} - {"image"}


class FolderSource(Source):
    """Every image file under a folder, in a stable order; resumes after the last identifier."""

    kind = "folder"

    def __init__(
        self, path: Path | str, *, recursive: bool = True, sidecars: bool = True,
        source_name: str | None = None,
    ) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_dir():
            raise ImportError_(f"no such folder: {path}")
        self.recursive = recursive
        self.sidecars = sidecars
        self.source_name = source_name

    def key(self) -> str:
        return str(self.path)

    def total(self) -> int | None:
        return len(self._groups())

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        for stem, files in self._groups():
            if cursor is not None and stem <= cursor:
                continue
            yield self._item(stem, files)

    def _groups(self) -> list[tuple[str, list[Path]]]:
        """(relative stem, its image files) sorted by stem, files sorted by name."""
        groups: dict[str, list[Path]] = {}
        for file in self._files():
            rel = file.relative_to(self.path)
            groups.setdefault(rel.with_suffix("").as_posix(), []).append(file)
        return sorted((stem, sorted(files)) for stem, files in groups.items())

    def _files(self) -> Iterator[Path]:
        for root, dirs, names in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if self.recursive else []
            for name in names:
                if not name.startswith(".") and Path(name).suffix.lower() in IMAGE_EXTENSIONS:
                    yield Path(root) / name

    def _item(self, stem: str, files: list[Path]) -> SourceItem:
        name = files[0].relative_to(self.path).as_posix()
        empty = [f.name for f in files if _size(f) == 0]
        if empty:
            return SourceItem(item=name, error=f"empty file ({', '.join(empty)})", cursor=stem)
        images = [ImageRef(location=str(f)) for f in files]
        try:
            meta = self._sidecar(files) if self.sidecars else {}
            record = self._record(stem, files[0], meta, images)
        except (ImportError_, ValueError) as exc:
            return SourceItem(item=name, error=str(exc), cursor=stem)
        return SourceItem(item=name, record=record, cursor=stem)

    def _record(self, stem: str, first: Path, meta: dict[str, Any], images: list[ImageRef]) -> Record:
        return file_record(stem, title_from_name(first.stem), meta, images, self.source_name)

    def _sidecar(self, files: list[Path]) -> dict[str, Any]:
        for image in files:
            for candidate in (image.with_name(image.name + ".json"), image.with_suffix(".json")):
                if candidate.is_file():
                    return _read_sidecar(candidate)
        return {}


def file_record(
    stem: str, title: str, meta: dict[str, Any], images: list[ImageRef], source_name: str | None,
) -> Record:
    """The record of one image file (or files sharing a stem), with its sidecar's fields on top."""
    if not meta:
        return Record(identifier=stem, title=title, source=source_name, images=images)
    row = {"identifier": stem, "title": title, **meta}
    if "date" in row and "date_text" not in row:
        row["date_text"] = row.pop("date")
    mapping = ColumnMapping(
        columns={f: f for f in _SIDECAR_FIELDS if f in row and f != "date"},
        source_name=source_name, auto_detect=False)
    record = record_from_row(row, mapping, Path())  # a sidecar's fields name no image
    record.images = images
    return record


def title_from_name(stem: str) -> str:
    """A readable title from a file name: separators become spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[_]+|(?<=\D)-|-(?=\D)", " ", stem)).strip() or stem


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read the sidecar {path.name}: {exc.strerror or exc}") from None
    return parse_sidecar(path.name, raw)


def parse_sidecar(name: str, raw: bytes) -> dict[str, Any]:
    """A sidecar's JSON object; ImportError_ naming the sidecar when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportError_(f"the sidecar {name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ImportError_(f"the sidecar {name} holds a JSON {type(data).__name__}, not an object")
    return data


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

