"""Search filters as they travel in URLs and forms, and their conversion to `Filters`.

Besides the record's own fields, a filter may name a value cataloguers accepted from machine
suggestions: `tag=ship`, `class=...`, `entity=...`, `link=...` (`Filters.curated`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from vitrine.records import Filters
from vitrine.web.security import WebError

BASE_FACETS = ("object_type", "creator", "century", "source")
#: kinds of accepted suggestion the search page offers as facets and filters, by their parameter name
CURATED_FACETS = ("tag", "class", "entity", "link")
_LABELS = {
    "object_type": "Object type", "creator": "Creator", "century": "Century", "source": "Museum / source",
    "tag": "Tags (catalogued)", "class": "Classes (catalogued)", "entity": "Named entities (catalogued)",
    "link": "Authority links (catalogued)",
}
_OWN_NAMES = (*BASE_FACETS, *CURATED_FACETS, "year_from", "year_to")
_EXTRA_PREFIX = "f."


def active_filters(values: Mapping[str, str], extra_fields: Sequence[str]) -> dict[str, str]:
    """The filter parameters present in a query string or form, by facet name."""
    names = (*_OWN_NAMES, *(f for f in extra_fields if f not in _OWN_NAMES))
    out: dict[str, str] = {}
    for name in names:
        value = values.get(param(name), "").strip()
        if value:
            out[name] = value[:200]
    return out


def to_filters(active: Mapping[str, str]) -> Filters:
    """`Filters` for the library; a century becomes a year range."""
    year_from = _int(active, "year_from")
    year_to = _int(active, "year_to")
    century = _int(active, "century")
    if century is not None:
        first, last = century_years(century)
        year_from = max(year_from if year_from is not None else -10**6, first)
        year_to = min(year_to if year_to is not None else 10**6, last)
    extra = {k: v for k, v in active.items() if k not in _OWN_NAMES}
    curated = {k: v for k, v in active.items() if k in CURATED_FACETS}
    return Filters(
        year_from=year_from, year_to=year_to, object_type=active.get("object_type"),
        creator=active.get("creator"), source=active.get("source"), fields=extra, curated=curated)


def century_years(century: int) -> tuple[int, int]:
    """The years of a century facet value, as the catalogue counts them (`catalog.facetcounts`): n > 0
    is the n-th century (years (n-1)*100+1 .. n*100), -n the n-th century BCE, years -n*100 ..
    -(n-1)*100-1 (-150 is in -2, the 2nd century BCE); the 1st BCE also holds a year 0."""
    if century > 0:
        return (century - 1) * 100 + 1, century * 100
    if century < 0:
        return century * 100, 0 if century == -1 else (century + 1) * 100 - 1
    raise WebError(422, "bad_filter", "Century 0 does not exist: 1 is the 1st century, -1 the 1st BCE")


def query_string(active: Mapping[str, str], **more: str | int | None) -> str:
    """URL parameters for these filters plus `more` (None values are dropped)."""
    params = [(param(k), v) for k, v in active.items()]
    params += [(k, str(v)) for k, v in more.items() if v is not None and v != ""]
    return urlencode(params)


def toggled(active: Mapping[str, str], name: str, value: str) -> dict[str, str]:
    """The filters with `name` set to `value`, or unset when it already was."""
    out = dict(active)
    if out.get(name) == value:
        out.pop(name)
    else:
        out[name] = value
    return out


def label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def value_label(name: str, value: str) -> str:
    if name == "century" and value.lstrip("-").isdigit():
        n = int(value)
        if n < 0:
            return f"{-n}{_suffix(-n)} century BCE"
        if n > 0:
            return f"{n}{_suffix(n)} century"
    return value


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def param(name: str) -> str:
    """The URL parameter of filter `name`: its own name, or f.<field> for a configured extra field."""
    return name if name in _OWN_NAMES else _EXTRA_PREFIX + name


def _int(active: Mapping[str, str], name: str) -> int | None:
    value = active.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise WebError(422, "bad_filter", f"{label(name)} must be a whole number, got {value!r}") from None
