"""Open-access museum APIs as sources: the Art Institute of Chicago and the Cleveland Museum of Art.

Both are read page by page; the resume cursor is the offset of the next artwork, so an interrupted
import asks again for the page it stopped in and skips what it already read. `MUSEUMS` maps a short
name to its source class; `MUSEUMS[name](base_url=None, limit=..., query=...)` builds one.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx

from vitrine.errors import FetchError
from vitrine.fetch import DEFAULT_OPTIONS, FetchOptions, fetch_json, new_client
from vitrine.importers.base import Source, SourceItem
from vitrine.records import ImageRef, Record

log = logging.getLogger(__name__)

CC0 = "CC0"


class MuseumSource(Source):
    """A paged JSON API of artworks; subclasses say how to ask for a page and how to map an item."""

    name: str = ""
    default_base_url: str = ""
    max_page_size: int = 100
    max_offset: int | None = None

    def __init__(self, base_url: str | None = None, *, limit: int | None = None, query: str | None = None,
                 page_size: int | None = None, client: httpx.Client | None = None,
                 fetch: FetchOptions = DEFAULT_OPTIONS) -> None:
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.fetch = fetch  # timeout and allowed addresses (`Settings.fetch_options()`)
        self.limit = limit
        self.query = query or None
        self.page_size = max(1, min(page_size or self.max_page_size, self.max_page_size))
        self._client = client

    def key(self) -> str:
        return f"{self.name}:{self.base_url}?{urlencode({'query': self.query or ''})}"

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        offset = int(cursor) if cursor and cursor.isdigit() else 0
        client = self._client or new_client(self.fetch, headers=self.headers())
        try:
            yield from self._read(offset, client)
        finally:
            if self._client is None:
                client.close()

    def headers(self) -> dict[str, str]:
        """Extra request headers the API asks clients to send."""
        return {}

    def _read(self, offset: int, client: httpx.Client) -> Iterator[SourceItem]:
        while self.limit is None or offset < self.limit:
            page_start = offset - offset % self.page_size
            url = self.page_url(page_start)
            try:
                doc = fetch_json(url, options=self.fetch, client=client)
                items, total = self.parse_page(doc)
            except (FetchError, TypeError, KeyError, AttributeError, ValueError) as exc:
                reason = str(exc) if isinstance(exc, FetchError) else f"{url}: unexpected page ({exc!r})"
                yield SourceItem(item=f"{self.name} page at offset {page_start}", error=reason)
                return
            for position, item in enumerate(items[offset - page_start:], start=offset):
                if self.limit is not None and position >= self.limit:
                    return
                yield self._item(item, doc, position)
            offset = page_start + len(items)
            if self._exhausted(offset, total, len(items)):
                return

    def _exhausted(self, offset: int, total: int | None, count: int) -> bool:
        """Whether the page just read was the last one."""
        if count < self.page_size or (total is not None and offset >= total):
            return True
        return self.max_offset is not None and offset >= self.max_offset

    def _item(self, item: Any, doc: Any, position: int) -> SourceItem:
        name = f"{self.name} #{position}"
        try:
            if not isinstance(item, dict) or item.get("id") in (None, ""):
                raise ValueError("the artwork has no id")
            name = f"{self.name}:{item['id']}"
            record = self.to_record(item, doc)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            return SourceItem(item=name, error=f"{name}: {exc}", cursor=str(position + 1))
        return SourceItem(item=name, record=record, cursor=str(position + 1))

    @abstractmethod
    def page_url(self, offset: int) -> str:
        """The URL of the page starting at `offset` (a multiple of `page_size`)."""

    @abstractmethod
    def parse_page(self, doc: Any) -> tuple[list[Any], int | None]:
        """A page's artworks and the total the API reports (None when it does not say)."""

    @abstractmethod
    def to_record(self, item: dict[str, Any], doc: Any) -> Record:
        """The catalogue record of one artwork."""


class ArtInstituteOfChicago(MuseumSource):
    """api.artic.edu: public-domain artworks, images from its IIIF server (843 px wide)."""

    name = kind = "aic"
    max_offset = 10_000  # the search endpoint answers no further than this
    default_base_url = "https://api.artic.edu/api/v1"
    website = "https://www.artic.edu"
    fields = (
        "id,title,artist_display,artist_title,date_display,date_start,date_end,medium_display,dimensions,"
        "artwork_type_title,place_of_origin,credit_line,is_public_domain,image_id,main_reference_number,"
        "department_title,classification_title,style_title,thumbnail")
    extra_fields = ("artist_display", "place_of_origin", "main_reference_number", "department_title",
                    "classification_title", "style_title")

    def headers(self) -> dict[str, str]:
        return {"AIC-User-Agent": "vitrine (open-source collection search)"}

    def page_url(self, offset: int) -> str:
        params: dict[str, Any] = {"query[term][is_public_domain]": "true", "fields": self.fields,
                                  "limit": self.page_size, "page": offset // self.page_size + 1}
        if self.query:
            params["q"] = self.query
        return f"{self.base_url}/artworks/search?{urlencode(params)}"

    def parse_page(self, doc: Any) -> tuple[list[Any], int | None]:
        pagination = doc.get("pagination") or {}
        total = pagination.get("total")
        return list(doc["data"]), int(total) if total is not None else None

    def to_record(self, item: dict[str, Any], doc: Any) -> Record:
        config = doc.get("config") or {}
        iiif = str(config.get("iiif_url") or "https://www.artic.edu/iiif/2").rstrip("/")
        images = []
        if item.get("image_id"):
            alt = (item.get("thumbnail") or {}).get("alt_text")
            images.append(ImageRef(location=f"{iiif}/{item['image_id']}/full/843,/0/default.jpg", label=alt))
        artist = item.get("artist_title") or _first_line(item.get("artist_display"))
        return Record(
            identifier=f"aic:{item['id']}", title=item.get("title"), creators=[artist] if artist else [],
            date_text=item.get("date_display"), year_min=_year(item.get("date_start")),
            year_max=_year(item.get("date_end")), object_type=item.get("artwork_type_title"),
            medium=item.get("medium_display"), dimensions=item.get("dimensions"),
            credit_line=item.get("credit_line"), rights=CC0 if item.get("is_public_domain") else None,
            source_url=f"{self.website}/artworks/{item['id']}", source=self.name,
            extra=_pick(item, self.extra_fields), images=images)


class ClevelandMuseumOfArt(MuseumSource):
    """openaccess-api.clevelandart.org: CC0 artworks that have an image (web-size JPEG)."""

    name = kind = "cma"
    default_base_url = "https://openaccess-api.clevelandart.org/api"
    max_page_size = 1000
    extra_fields = ("accession_number", "culture", "department", "collection", "creditline")

    def page_url(self, offset: int) -> str:
        params: dict[str, Any] = {"cc0": 1, "has_image": 1, "limit": self.page_size, "skip": offset}
        if self.query:
            params["q"] = self.query
        return f"{self.base_url}/artworks/?{urlencode(params)}"

    def parse_page(self, doc: Any) -> tuple[list[Any], int | None]:
        total = (doc.get("info") or {}).get("total")
        return list(doc["data"]), int(total) if total is not None else None

    def to_record(self, item: dict[str, Any], doc: Any) -> Record:
        creators = [c for c in (_creator_name(c) for c in item.get("creators") or []) if c]
        web = (item.get("images") or {}).get("web") or {}
        images = [ImageRef(location=web["url"], width=_int(web.get("width")), height=_int(web.get("height")))
                  ] if web.get("url") else []
        extra = _pick(item, self.extra_fields)
        descriptions = [c.get("description") for c in item.get("creators") or [] if isinstance(c, dict)]
        if any(descriptions):
            extra["creators_display"] = "; ".join(d for d in descriptions if d)
        return Record(
            identifier=f"cma:{item['id']}", title=item.get("title"), creators=creators,
            date_text=item.get("creation_date"), year_min=_year(item.get("creation_date_earliest")),
            year_max=_year(item.get("creation_date_latest")), object_type=item.get("type"),
            medium=item.get("technique"), dimensions=item.get("measurements"),
            credit_line=item.get("credit_line"),
            rights=CC0 if str(item.get("share_license_status", "")).upper() == CC0 else None,
            source_url=item.get("url"), source=self.name, extra=extra, images=images)


MUSEUMS: dict[str, type[MuseumSource]] = {
    ArtInstituteOfChicago.name: ArtInstituteOfChicago,
    ClevelandMuseumOfArt.name: ClevelandMuseumOfArt,
}


def _creator_name(creator: Any) -> str | None:
    """'Claude Monet (French, 1840-1926)' -> 'Claude Monet'."""
    if not isinstance(creator, dict) or not creator.get("description"):
        return None
    return str(creator["description"]).split(" (", 1)[0].strip() or None


def _first_line(value: Any) -> str | None:
    return str(value).splitlines()[0].strip() or None if value else None


def _year(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    year = _year(value)
    return year if year and year > 0 else None


def _pick(item: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: item[name] for name in names if item.get(name) not in (None, "", [], {})}
