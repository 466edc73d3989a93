"""One query model for search and refine sessions: what a search starts from, and its marks.

A search starts from words, a record ("more like this"), an image or a vector, or from nothing
(browsing); works marked relevant and not relevant may refine it. The CLI, the web pages and the
JSON API each build a `SearchQuery` from their own inputs and call `run`; `resolve` gives the
starting point in the form relevance feedback takes, and `SearchQuery.remembered` how a saved
set keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.collection import Collection
from vitrine.errors import SearchError
from vitrine.indexing import embed_query_image
from vitrine.records import Filters
from vitrine.search.core import (
    SearchPage,
    TextMode,
    browse,
    search_by_image,
    search_by_record,
    search_by_text,
    search_by_vector,
)
from vitrine.search.feedback import DEFAULT_METHOD, METHODS, Method, Query, refine
from vitrine.search.sets import SetQuery


@dataclass(frozen=True)
class SearchQuery:
    """What a search starts from (at most one of text, record, image, vector) and its marks.

    `refined`: rank with the marks (relevance feedback); otherwise the marked works are only
    left out of the plain search's results, so a page holds works still to judge.
    """

    text: str = ""
    record: str = ""
    image: Image.Image | None = None
    vector: NDArray[np.float32] | None = None
    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    refined: bool = False
    method: Method = DEFAULT_METHOD
    filters: Filters = field(default_factory=Filters)
    mode: TextMode = "hybrid"

    def __post_init__(self) -> None:
        starts = [bool(self.text.strip()), bool(self.record), self.image is not None,
                  self.vector is not None]
        if sum(starts) > 1:
            raise SearchError("a search starts from at most one of text, a record, an image or a vector")

    @property
    def marked(self) -> bool:
        return bool(self.positives or self.negatives)

    def remembered(self) -> SetQuery | None:
        """How a saved set keeps this starting point (an image is not kept, only its kind)."""
        if self.image is not None or self.vector is not None:
            return SetQuery("image")
        if self.record:
            return SetQuery("record", self.record)
        if self.text.strip():
            return SetQuery("text", self.text.strip())
        return None


def from_remembered(
    start: SetQuery | None, *, positives: Sequence[str] = (), negatives: Sequence[str] = (),
    method: str | None = None, filters: Filters | None = None,
) -> SearchQuery:
    """The refine session a saved set remembers (an uploaded image cannot be replayed: its
    session restarts from the marks alone)."""
    if method is not None and method not in METHODS:
        raise SearchError(f"unknown feedback method {method!r}: use {' or '.join(METHODS)}")
    return SearchQuery(
        text=start.value if start is not None and start.kind == "text" else "",
        record=start.value if start is not None and start.kind == "record" else "",
        positives=tuple(positives), negatives=tuple(negatives), refined=True,
        method=method or DEFAULT_METHOD, filters=filters or Filters())


def resolve(collection: Collection, query: SearchQuery) -> Query:
    """The starting point as relevance feedback takes it: a vector, a record, words or None."""
    if query.vector is not None:
        return query.vector
    if query.image is not None:
        return embed_query_image(collection, query.image)
    if query.record:
        return collection.catalog.get(query.record)
    if query.text.strip():
        return query.text
    return None


def run(
    collection: Collection, query: SearchQuery, *, page: int = 1, per_page: int = 20,
    include_positives: bool = False,
) -> SearchPage:
    """One page of results: the refined ranking when `refined`, else the plain search without
    the marked works."""
    if query.refined:
        return refine(
            collection, positives=query.positives, negatives=query.negatives,
            query=resolve(collection, query), filters=query.filters, page=page, per_page=per_page,
            method=query.method, include_positives=include_positives)
    result = _plain(collection, query, page, per_page)
    if not query.marked:
        return result
    marked = {*query.positives, *query.negatives}
    return replace(result, hits=[h for h in result.hits if h.identifier not in marked])


def _plain(collection: Collection, query: SearchQuery, page: int, per_page: int) -> SearchPage:
    """The search the starting point names, with no marks."""
    filters = query.filters
    if query.image is not None:
        return search_by_image(collection, query.image, filters=filters, page=page, per_page=per_page)
    if query.vector is not None:
        return search_by_vector(collection, query.vector, filters=filters, page=page, per_page=per_page)
    if query.record:
        return search_by_record(collection, query.record, filters=filters, page=page, per_page=per_page)
    if query.text.strip():
        return search_by_text(collection, query.text, filters=filters, page=page, per_page=per_page,
                              mode=query.mode)
    return browse(collection, filters=filters, page=page, per_page=per_page)
