"""What a suggestion may say: its kind, its typed value, and the image region it points at.

Each kind has a small schema: the keys a value may hold, which are required, and their types.
`check_value` turns a mapping from an agent, an editor's form or the JSON API into the stored,
normalised form, or raises `SuggestionError` naming the key that is wrong; `label_of` is the
short text shown in lists, sorted on, and searched. Regions are in the image's pixel space: a box
``{"box": [x, y, w, h]}`` or a polygon ``{"polygon": [[x, y], ...]}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from vitrine.errors import SuggestionError

KINDS: Final = ("tag", "class", "face", "text", "entity", "date", "link", "duplicate", "description",
                "inconsistency")
#: kinds whose accepted values join the record's full text (`curated`) and facets
SEARCHABLE: Final = ("tag", "class", "face", "entity", "link", "text", "description")
STATUSES: Final = ("proposed", "accepted", "edited", "rejected")

_Check = Callable[[str, Any], Any]


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SuggestionError(f"{key!r} must be non-empty text, not {value!r}")
    if len(value) > 100_000:
        raise SuggestionError(f"{key!r} is longer than 100,000 characters")
    return value.strip()


def _uri(key: str, value: Any) -> str:
    text = _text(key, value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SuggestionError(f"{key!r} must be an http(s) URI, not {text!r}")
    return text


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SuggestionError(f"{key!r} must be true or false, not {value!r}")
    return value


def _features(key: str, value: Any) -> list[dict[str, Any]]:
    """Matching features (the W3C reconciliation API's): each an `id` and a number or boolean."""
    out = []
    for i, feature in enumerate(_json_list(key, value)):
        if not isinstance(feature, Mapping):
            raise SuggestionError(f"{key}[{i}] must be an object with an id and a value")
        given = feature.get("value")
        if not isinstance(given, bool):
            given = _number(f"{key}[{i}].value", given)
        out.append({"id": _text(f"{key}[{i}].id", feature.get("id")), "value": given})
    return out


def _uris(key: str, value: Any) -> list[str]:
    return [_uri(f"{key}[{i}]", v) for i, v in enumerate(_json_list(key, value))]


def _year(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 100_000:
        raise SuggestionError(f"{key!r} must be a year (a whole number), not {value!r}")
    return value


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SuggestionError(f"{key!r} must be a finite number, not {value!r}")
    return float(value)


def _count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SuggestionError(f"{key!r} must be a whole number >= 0, not {value!r}")
    return value


def _texts(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise SuggestionError(f"{key!r} must be a non-empty list of texts")
    return [_text(f"{key}[{i}]", v) for i, v in enumerate(value)]


def _json_list(key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SuggestionError(f"{key!r} must be a list")
    return value


def _events(key: str, value: Any) -> list[dict[str, Any]]:
    """Production events of a date ("1950, cast 1984"): each a role and a date of its own."""
    events = _json_list(key, value)
    out = []
    for i, event in enumerate(events):
        if not isinstance(event, Mapping):
            raise SuggestionError(f"{key}[{i}] must be an object")
        out.append(_checked(_EVENT, event, f"{key}[{i}]."))
    return out


# kind -> key -> (required, check)
_EVENT: dict[str, tuple[bool, _Check]] = {
    "role": (True, _text), "text": (False, _text), "edtf": (True, _text),
    "earliest": (True, _year), "latest": (True, _year)}
_SCHEMAS: Final[dict[str, dict[str, tuple[bool, _Check]]]] = {
    "tag": {"label": (True, _text), "uri": (False, _uri), "vocabulary": (False, _text)},
    "class": {"label": (True, _text), "concept": (False, _uri), "classifier": (False, _text)},
    "face": {"label": (False, _text), "person": (False, _uri), "landmarks": (False, _json_list)},
    "text": {"text": (True, _text), "language": (False, _text), "confidence": (False, _number),
             "words": (False, _json_list)},
    "entity": {"text": (True, _text), "type": (True, _text), "field": (False, _text),
               "start": (False, _count), "end": (False, _count), "uri": (False, _uri),
               "text_sha256": (False, _text)},
    "date": {"text": (True, _text), "edtf": (True, _text), "earliest": (True, _year),
             "latest": (True, _year), "events": (False, _events), "field": (False, _text)},
    "link": {"uri": (True, _uri), "label": (True, _text), "authority": (False, _text),
             "field": (False, _text), "text": (False, _text), "description": (False, _text),
             "same_as": (False, _uris), "features": (False, _features), "match": (False, _flag)},
    "duplicate": {"identifier": (True, _text), "similarity": (False, _number), "reason": (False, _text)},
    "description": {"text": (True, _text), "language": (False, _text)},
    "inconsistency": {"fields": (True, _texts), "message": (True, _text)},
}


def check_kind(kind: str) -> str:
    if kind not in _SCHEMAS:
        raise SuggestionError(f"unknown suggestion kind {kind!r}; kinds: {', '.join(KINDS)}")
    return kind


def check_value(kind: str, value: Any) -> dict[str, Any]:
    """The stored form of a `kind` value: known keys only, each checked; raises on the first wrong key."""
    check_kind(kind)
    if not isinstance(value, Mapping):
        raise SuggestionError(f"a {kind} value must be an object, not {type(value).__name__}")
    out = _checked(_SCHEMAS[kind], value, "")
    if kind == "date" and out["earliest"] > out["latest"]:
        raise SuggestionError(f"'earliest' ({out['earliest']}) is after 'latest' ({out['latest']})")
    return out


def _checked(schema: Mapping[str, tuple[bool, _Check]], value: Mapping[str, Any],
             prefix: str) -> dict[str, Any]:
    unknown = sorted(set(value) - set(schema))
    if unknown:
        raise SuggestionError(f"unknown key {prefix}{unknown[0]!r}; keys: {', '.join(schema)}")
    out: dict[str, Any] = {}
    for key, (required, check) in schema.items():
        if value.get(key) is None:
            if required:
                raise SuggestionError(f"{prefix}{key!r} is required")
            continue
        out[key] = check(prefix + key, value[key])
    return out


def label_of(kind: str, value: Mapping[str, Any]) -> str:
    """The short text of a checked value: what lists show and full text finds."""
    if kind == "face":
        text = str(value.get("label") or "face")
    elif kind == "date":
        text = str(value["edtf"])
    elif kind == "duplicate":
        text = str(value["identifier"])
    elif kind == "inconsistency":
        text = str(value["message"])
    else:
        text = str(value.get("label") or value.get("text") or "")
    return text if len(text) <= 200 else text[:199] + "…"


def check_region(region: Any) -> dict[str, Any] | None:
    """A checked region (box or polygon, pixel space), or None for a suggestion about the whole."""
    if region is None or region == {}:
        return None
    if not isinstance(region, Mapping) or len(region) != 1 or not ({"box", "polygon"} & set(region)):
        raise SuggestionError('a region is {"box": [x, y, w, h]} or {"polygon": [[x, y], ...]}')
    if "box" in region:
        box = region["box"]
        if (not isinstance(box, list) or len(box) != 4
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)):
            raise SuggestionError(f"a box is four numbers [x, y, w, h], not {box!r}")
        x, y, w, h = (round(float(v), 2) for v in box)
        if x < 0 or y < 0 or w <= 0 or h <= 0 or not all(map(math.isfinite, (x, y, w, h))):
            raise SuggestionError(f"a box needs x, y >= 0 and w, h > 0, not {box!r}")
        return {"box": [x, y, w, h]}
    points = region["polygon"]
    if not isinstance(points, list) or len(points) < 3:
        raise SuggestionError("a polygon needs at least three [x, y] points")
    out = []
    for point in points:
        if (not isinstance(point, list) or len(point) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           and v >= 0 for v in point)):
            raise SuggestionError(f"a polygon point is [x, y] with x, y >= 0, not {point!r}")
        out.append([round(float(point[0]), 2), round(float(point[1]), 2)])
    return {"polygon": out}


def bounding_box(region: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(x, y, w, h) of a checked region."""
    if "box" in region:
        x, y, w, h = region["box"]
        return float(x), float(y), float(w), float(h)
    xs = [p[0] for p in region["polygon"]]
    ys = [p[1] for p in region["polygon"]]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def fragment(region: Mapping[str, Any]) -> str:
    """The Media Fragments `xywh=` of a region (a polygon's bounding box), as IIIF selectors use it."""
    x, y, w, h = (round(v) for v in bounding_box(region))
    return f"xywh={x},{y},{max(w, 1)},{max(h, 1)}"
