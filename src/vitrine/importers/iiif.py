"""IIIF Presentation 2 and 3 manifests and collections, from a file, a folder or an http(s) URL.

Each manifest becomes one record; each painted image on its canvases becomes an ImageRef whose
location asks the image's IIIF Image API service for a derivative of `size` pixels on the longest
side (a level-0 service's listed static sizes, or the image's own URL when it has no service).
Sound, video and text bodies are skipped: an audio-visual manifest is still a catalogue record, with
no images. Collections are followed recursively. The resume cursor counts the manifests read.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from vitrine.errors import ImportError_
from vitrine.fetch import DEFAULT_OPTIONS, FetchOptions, fetch_json, is_remote, new_client
from vitrine.importers.base import Source, SourceItem
from vitrine.records import ImageRef, Record

log = logging.getLogger(__name__)

MAX_MANIFEST_BYTES = 20_000_000
MAX_DEPTH = 8
_TAG = re.compile(r"<[^>]+>")
_TEMPLATE = re.compile(r"\{\{\s*id\.(path|url)\s*\}\}")
# metadata labels (lower case) that map onto Record fields; anything else goes to `extra`
_FIELDS = {
    "creator": "creators", "creators": "creators", "artist": "creators", "artists": "creators",
    "author": "creators", "authors": "creators", "maker": "creators", "painter": "creators",
    "photographer": "creators", "engraver": "creators", "contributor": "creators",
    "date": "date_text", "dates": "date_text", "date created": "date_text", "created": "date_text",
    "creation date": "date_text", "date of creation": "date_text", "publication date": "date_text",
    "medium": "medium", "materials": "medium", "material": "medium", "technique": "medium",
    "media": "medium", "dimensions": "dimensions", "measurements": "dimensions", "size": "dimensions",
    "type": "object_type", "object type": "object_type", "genre": "object_type",
    "classification": "object_type", "object name": "object_type",
}


@dataclass(frozen=True)
class _Ref:
    """A manifest to read: where it lives, and its document when a collection embedded it."""

    location: str
    doc: Any = None


class IIIFSource(Source):
    """Manifests and collections at `location`: a .json file, a folder of them, or an http(s) URL."""

    kind = "iiif"

    def __init__(self, location: str | Path, *, size: int | None = 1024,
                 client: httpx.Client | None = None, fetch: FetchOptions = DEFAULT_OPTIONS) -> None:
        self.location = str(location)
        self.size = size
        self.fetch = fetch  # timeout and allowed addresses (`Settings.fetch_options()`)
        self._client = client
        self._remote = is_remote(self.location)
        self._root = self._local_root()

    def key(self) -> str:
        return self.location if self._remote else str(Path(self.location).resolve())

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        start = int(cursor) if cursor and cursor.isdigit() else 0
        client = self._client or new_client(self.fetch)
        try:
            yield from self._read(start, client)
        finally:
            if self._client is None:
                client.close()

    def _read(self, start: int, client: httpx.Client) -> Iterator[SourceItem]:
        position = 0
        for entry in self._refs(client):
            if isinstance(entry, SourceItem):
                yield entry
                continue
            position += 1
            if position <= start:
                continue
            yield self._read_manifest(entry, client, str(position))

    def _read_manifest(self, ref: _Ref, client: httpx.Client, cursor: str) -> SourceItem:
        name = self._name(ref.location)
        try:
            doc = ref.doc if ref.doc is not None else self._load(ref.location, client)
            if _kind(doc) != "manifest":
                raise ImportError_(f"{ref.location}: not a IIIF manifest (type {_type(doc)!r})")
            record = manifest_record(doc, self._identifier(doc, ref.location), size=self.size)
        except (ImportError_, ValueError, TypeError, AttributeError, KeyError) as exc:
            return SourceItem(item=name, error=_reason(exc, ref.location), cursor=cursor)
        record.extra.setdefault("iiif_manifest", ref.location if is_remote(ref.location) else name)
        return SourceItem(item=name, record=record, cursor=cursor)

    # -- finding manifests ---------------------------------------------------------------------

    def _refs(self, client: httpx.Client) -> Iterator[_Ref | SourceItem]:
        """Every manifest to read, in a stable order; unreadable collections as error items."""
        seen: set[str] = set()
        root = Path(self.location).resolve()
        if not self._remote and root.is_dir():
            for path in sorted(root.rglob("*.json")):
                yield from self._expand(str(path), client, seen, 0, quiet=True)
        else:
            yield from self._expand(self.location if self._remote else str(root), client, seen, 0)

    def _expand(self, location: str, client: httpx.Client, seen: set[str], depth: int,
                kind: str | None = None, doc: Any = None, quiet: bool = False) -> Iterator[_Ref | SourceItem]:
        """`location` as manifests: itself, or its members when it is a collection.

        A member a collection calls a manifest is loaded only when read, so resuming skips it cheaply.
        In a folder (`quiet`), documents that are neither manifests nor collections are left out.
        """
        if location in seen:
            return
        seen.add(location)
        if kind == "manifest":
            yield _Ref(location, doc)
            return
        if doc is None:
            try:
                doc = self._load(location, client)
            except ImportError_ as exc:
                yield SourceItem(item=self._name(location), error=_reason(exc, location))
                return
        if _kind(doc) == "collection":
            if depth >= MAX_DEPTH:
                yield SourceItem(item=self._name(location), error=f"{location}: collections nest too deep")
                return
            for member, member_kind, member_doc in _members(doc, location):
                yield from self._expand(member, client, seen, depth + 1, member_kind, member_doc)
        elif _kind(doc) == "manifest" or not quiet:
            yield _Ref(location, doc)

    def _load(self, location: str, client: httpx.Client) -> Any:
        if is_remote(location):
            return fetch_json(location, options=self.fetch, client=client, max_bytes=MAX_MANIFEST_BYTES)
        path = Path(location)
        try:
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                raise ImportError_(f"{location}: larger than {MAX_MANIFEST_BYTES:,} bytes")
            return json.loads(path.read_bytes())
        except OSError as exc:
            raise ImportError_(f"{location}: cannot be read ({exc.strerror or exc})") from exc
        except ValueError as exc:
            raise ImportError_(f"{location}: not valid JSON ({exc})") from exc

    # -- naming --------------------------------------------------------------------------------

    def _local_root(self) -> Path | None:
        path = Path(self.location).resolve()
        return path if not self._remote and path.is_dir() else None

    def _name(self, location: str) -> str:
        """A location as reports and identifiers show it: a URL, a path relative to the source folder,
        or an absolute path when the source is one file."""
        if is_remote(location) or self._root is None:
            return location
        path = Path(location)
        return path.relative_to(self._root).as_posix() if path.is_relative_to(self._root) else location

    def _identifier(self, doc: dict[str, Any], location: str) -> str:
        """The manifest's own id when it is a real URL; else where it was read from."""
        own = doc.get("id") or doc.get("@id")
        if isinstance(own, str) and is_remote(own) and not _TEMPLATE.search(own):
            return own
        return self._name(location)


# -- documents ---------------------------------------------------------------------------------


def _type(doc: Any) -> str:
    if not isinstance(doc, dict):
        return type(doc).__name__
    value = doc.get("type") or doc.get("@type") or ""
    return str(value)


def _kind(doc: Any) -> str | None:
    """'manifest', 'collection' or None for anything else (annotation pages, ranges...)."""
    kind = _type(doc).split(":")[-1].lower()
    return kind if kind in ("manifest", "collection") else None


def _members(doc: dict[str, Any], location: str) -> Iterator[tuple[str, str | None, Any]]:
    """A collection's members: (location, 'manifest' / 'collection', embedded document or None)."""
    members = doc.get("items") or doc.get("members") or []
    if not doc.get("items"):  # Presentation 2 lists sub-collections and manifests separately
        members = list(members) + list(doc.get("collections") or []) + list(doc.get("manifests") or [])
    for i, member in enumerate(members):
        if isinstance(member, str):
            member = {"@id": member, "@type": "sc:Manifest"}
        kind = _kind(member)
        if kind is None:
            continue
        ref = member.get("id") or member.get("@id")
        embedded = member if ("sequences" in member or _has_canvases(member)) else None
        target = resolve_ref(ref, location) if isinstance(ref, str) else None
        if target is None and embedded is None:
            log.warning("%s: skipping a member with an unusable id %r", location, ref)
            continue
        yield target or f"{location}#members/{i}", kind, embedded


def _has_canvases(member: dict[str, Any]) -> bool:
    items = member.get("items")
    return isinstance(items, list) and any(isinstance(i, dict) and i.get("type") == "Canvas" for i in items)


def resolve_ref(ref: str, parent: str) -> str | None:
    """Where a member id points, seen from its collection; None when it must not be followed.

    The IIIF Cookbook's sources keep Jekyll placeholders (`{{ id.path }}/manifest-01.json`); they
    are resolved against the collection's own location. A remote collection can only point to
    http(s) URLs, never to local files.
    """
    parent_dir = parent.rsplit("/", 1)[0] if is_remote(parent) else str(Path(parent).parent)
    ref = _TEMPLATE.sub(lambda m: parent_dir if m.group(1) == "path" else parent, ref)
    if is_remote(ref):
        return ref
    if "://" in ref or ref.startswith(("file:", "data:")):
        return None
    if is_remote(parent):
        return urljoin(parent, ref)
    return None if Path(ref).is_absolute() and not ref.startswith(parent_dir) else str(
        (Path(parent_dir) / ref).resolve())


# -- manifest -> record ------------------------------------------------------------------------


def manifest_record(doc: dict[str, Any], identifier: str, *, size: int | None = 1024) -> Record:
    """The catalogue record of one Presentation 2 or 3 manifest."""
    fields, extra = _metadata(doc.get("metadata") or [])
    summary = text(doc.get("summary") or doc.get("description"))
    if summary:
        extra["summary"] = summary
    provider = [text(p.get("label")) for p in _as_list(doc.get("provider")) if isinstance(p, dict)]
    if any(provider):
        extra["provider"] = "; ".join(p for p in provider if p)
    nav_date = doc.get("navDate")
    if isinstance(nav_date, str):
        extra["navDate"] = nav_date
        fields.setdefault("date_text", nav_date[:10])
    return Record(
        identifier=identifier, title=text(doc.get("label")) or None,
        creators=fields.pop("creators", []), **{k: v for k, v in fields.items() if k != "creators"},
        rights=_rights(doc), credit_line=_credit(doc), source_url=_homepage(doc), source="iiif",
        extra=extra, images=list(manifest_images(doc, size)))


def _metadata(pairs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for pair in _as_list(pairs):
        if not isinstance(pair, dict):
            continue
        label = text(pair.get("label"))
        values = texts(pair.get("value"))
        if not label or not values:
            continue
        target = _FIELDS.get(label.strip().lower().rstrip(":"))
        if target == "creators":
            fields.setdefault("creators", []).extend(v for v in values if v not in fields.get("creators", []))
        elif target and target not in fields:
            fields[target] = "; ".join(values)
        else:
            extra[label] = "; ".join(values) if label not in extra else f"{extra[label]}; {'; '.join(values)}"
    return fields, extra


def _rights(doc: dict[str, Any]) -> str | None:
    value = doc.get("rights") or doc.get("license")
    first = _as_list(value)[0] if value else None
    if isinstance(first, dict):
        first = first.get("id") or first.get("@id")
    return str(first) if first else None


def _credit(doc: dict[str, Any]) -> str | None:
    statement = doc.get("requiredStatement")
    if isinstance(statement, dict):
        return text(statement.get("value")) or None
    return text(doc.get("attribution")) or None


def _homepage(doc: dict[str, Any]) -> str | None:
    for page in _as_list(doc.get("homepage") or doc.get("related")):
        url = page.get("id") or page.get("@id") if isinstance(page, dict) else page
        if isinstance(url, str) and is_remote(url):
            return url
    return None


# -- language maps and strings -----------------------------------------------------------------


def texts(value: Any) -> list[str]:
    """Every string of a label or value: v3 language map (en, then none, then the first language),
    v2 string / {"@value", "@language"} / list of them; HTML tags are removed."""
    if value is None:
        return []
    if isinstance(value, str):
        return [_plain(value)] if value.strip() else []
    if isinstance(value, dict):
        if "@value" in value:
            return texts(value["@value"])
        for lang in ("en", "none", *value.keys()):
            if value.get(lang):
                return [t for v in _as_list(value[lang]) for t in texts(v)]
        return []
    if isinstance(value, list):
        english = [v for v in value if isinstance(v, dict) and str(v.get("@language", "")).startswith("en")]
        return [t for v in (english or value) for t in texts(v)]
    return [str(value)]


def text(value: Any) -> str:
    """`texts` joined with '; '."""
    return "; ".join(texts(value))


def _plain(value: str) -> str:
    return html.unescape(_TAG.sub("", value)).strip() if "<" in value else value.strip()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# -- images --------------------------------------------------------------------------------------


def manifest_images(doc: dict[str, Any], size: int | None = 1024) -> Iterator[ImageRef]:
    """An ImageRef for each image painted on the manifest's canvases, in canvas order."""
    for canvas, body in _painted_bodies(doc):
        image = image_ref(body, size, label=text(canvas.get("label")) or None)
        if image is not None:
            yield image


def _painted_bodies(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    if "sequences" in doc:
        for sequence in _as_list(doc.get("sequences"))[:1]:
            for canvas in _dicts(sequence.get("canvases")):
                for annotation in _dicts(canvas.get("images")):
                    for body in _image_bodies(annotation.get("resource")):
                        yield canvas, body
        return
    for canvas in _dicts(doc.get("items")):
        for page in _dicts(canvas.get("items")):
            for annotation in _dicts(page.get("items")):
                motivation = _as_list(annotation.get("motivation") or "painting")
                if "painting" in motivation or "sc:painting" in motivation:
                    for body in _dicts(annotation.get("body")):
                        for image in _image_bodies(body):
                            yield canvas, image


def _image_bodies(body: Any) -> list[dict[str, Any]]:
    """The image(s) a body shows: itself, a Choice's first image, a SpecificResource's source."""
    if not isinstance(body, dict):
        return []
    kind = _type(body).split(":")[-1]
    if kind == "Image":
        return [body]
    if kind == "Choice":
        options = [body.get("default"), *_as_list(body.get("items") or body.get("item"))]
        return next((found for o in options if (found := _image_bodies(o))), [])
    if kind == "SpecificResource":
        return _image_bodies(body.get("source") or body.get("full"))
    return []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in _as_list(value) if isinstance(v, dict)]


def image_ref(body: dict[str, Any], size: int | None, label: str | None = None) -> ImageRef | None:
    """Where to download one image body, as an ImageRef; None when it has no usable http(s) URL."""
    service = _image_service(body)
    if service is not None:
        found = _service_url(service, body, size)
        if found is not None:
            url, width, height = found
            return ImageRef(location=url, width=width, height=height, label=label)
    own = body.get("id") or body.get("@id")
    if isinstance(own, str) and is_remote(own) and not _TEMPLATE.search(own):
        return ImageRef(location=own, width=_int(body.get("width")), height=_int(body.get("height")),
                        label=label)
    log.warning("skipping an image with no usable URL: %r", own)
    return None


def _image_service(body: dict[str, Any]) -> dict[str, Any] | None:
    for service in _dicts(body.get("service")):
        marker = " ".join(str(service.get(k, "")) for k in ("type", "@type", "@context", "profile"))
        if "ImageService" in marker or "iiif.io/api/image" in marker or re.search(r"\blevel[012]\b", marker):
            return service
    return None


def _service_url(service: dict[str, Any], body: dict[str, Any], size: int | None
                 ) -> tuple[str, int | None, int | None] | None:
    base = service.get("id") or service.get("@id")
    if not isinstance(base, str) or not is_remote(base):
        return None
    base = base.rstrip("/")
    version = _service_version(service)
    quality = "native" if version == 1 else "default"
    full = "max" if version == 3 else "full"
    if _service_level(service) == 0:
        chosen = _static_size(service, size)
        if chosen is None:
            return None  # a level-0 service may only offer its listed sizes: use the body's own URL
        w, h = chosen
        return f"{base}/full/{w},{h if version == 3 else ''}/0/{quality}.jpg", w, h
    width = _int(service.get("width")) or _int(body.get("width"))
    height = _int(service.get("height")) or _int(body.get("height"))
    if size is None or (width and height and max(width, height) <= size):
        return f"{base}/full/{full}/0/{quality}.jpg", width, height
    return f"{base}/full/!{size},{size}/0/{quality}.jpg", None, None


def _service_version(service: dict[str, Any]) -> int:
    marker = " ".join(str(service.get(k, "")) for k in ("type", "@type", "@context", "profile"))
    if "ImageService3" in marker or "image/3" in marker:
        return 3
    if "ImageService1" in marker or "image/1" in marker:
        return 1
    if "ImageService2" in marker or "image/2" in marker:
        return 2
    return 3 if re.fullmatch(r"level[012]", str(service.get("profile", ""))) else 2


def _service_level(service: dict[str, Any]) -> int:
    profile = " ".join(str(p) for p in _as_list(service.get("profile")))
    found = re.search(r"level([012])", profile)
    return int(found.group(1)) if found else 1


def _static_size(service: dict[str, Any], size: int | None) -> tuple[int, int] | None:
    """A level-0 service's listed size: the smallest covering `size`, else the largest."""
    sizes = sorted((w, h) for s in _dicts(service.get("sizes"))
                   if (w := _int(s.get("width"))) and (h := _int(s.get("height"))))
    if not sizes:
        return None
    if size is None:
        return sizes[-1]
    return next(((w, h) for w, h in sizes if max(w, h) >= size), sizes[-1])


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _reason(exc: Exception, location: str) -> str:
    message = str(exc)
    return message if location in message else f"{location}: {message or type(exc).__name__}"
