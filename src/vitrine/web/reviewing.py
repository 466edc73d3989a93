"""The review queue's web side: query parameters to filters and back, suggestions to their public
shape, an edit form's fields to a typed value, and a region to the SVG drawn over its image."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from pydantic import ValidationError

from vitrine.accounts import Principal
from vitrine.errors import SuggestionError
from vitrine.suggestions.queue import QueueFilters, QueueItem, QueuePage, stale_reason
from vitrine.suggestions.values import bounding_box, fragment, label_of
from vitrine.web.present import image_url, record_url, thumbnail_url
from vitrine.web.schemas.suggestions import (
    AgentPublic,
    QueueParams,
    RecordSummaryPublic,
    SuggestionImagePublic,
    SuggestionPagePublic,
    SuggestionPublic,
)

#: the fields an edit form shows for a kind (key, label); other kinds are edited as JSON
EDIT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "tag": (("label", "Label"), ("uri", "Vocabulary URI")),
    "class": (("label", "Label"), ("concept", "Concept URI")),
    "face": (("label", "Name or label"), ("person", "Person URI")),
    "date": (("text", "Date as written"), ("edtf", "EDTF"), ("earliest", "Earliest year"),
             ("latest", "Latest year")),
}
#: keys an edit form sends as whole numbers (when they read as one; else as typed, to be refused by name)
INT_KEYS = frozenset({"earliest", "latest", "start", "end"})
_INTEGER = re.compile(r"-?\d{1,9}")
_LISTS = frozenset(name for name, f in QueueParams.model_fields.items() if f.annotation == list[str])


def queue_filters(params: QueueParams, principal: Principal) -> QueueFilters:
    """The library's filters of the queue's query parameters ("mine" is the signed-in account)."""
    assignee: str | None = {"": None, "mine": principal.name, "unassigned": ""}.get(
        params.assignee, params.assignee)
    statuses = () if "any" in params.status else tuple(params.status)
    return QueueFilters(
        kinds=tuple(params.kind), agents=tuple(params.agent), statuses=statuses, score_min=params.score_min,
        score_max=params.score_max, set_name=params.set or None, record=params.record or None,
        assignee=assignee,
        stale={"": None, "yes": True, "no": False}[params.stale], order=params.order)


def params_of(query: str) -> QueueParams:
    """The queue parameters carried in a form's `back` field (a query string); the defaults when
    it is not a valid one, so a form never leads anywhere but the queue."""
    raw = parse_qs(query[:4000], max_num_fields=100)
    data = {k: (v if k in _LISTS else v[-1]) for k, v in raw.items() if k in QueueParams.model_fields}
    try:
        return QueueParams.model_validate(data)
    except ValidationError:
        return QueueParams()


def query_string(params: QueueParams, **extra: str | int) -> str:
    """`params` as a query string, defaults left out; `extra` pairs appended."""
    defaults = QueueParams()
    pairs: list[tuple[str, Any]] = []
    for name in QueueParams.model_fields:
        value = getattr(params, name)
        if value != getattr(defaults, name) and value is not None:
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return urlencode([*pairs, *extra.items()])


def form_region(current: Mapping[str, Any] | None, fields: Mapping[str, str]) -> Any:
    """The corrected box an edit form sends (`region_box`: "x, y, w, h"), or None when it is the
    suggestion's own or absent. Checked by the library after."""
    text = fields.get("region_box", "").strip()
    if not text:
        return None
    try:
        box = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise SuggestionError(f"a box is four numbers x, y, width, height, not {text!r}") from None
    if current is not None and current.get("box") == box:
        return None
    return {"box": box}


def form_value(current: Mapping[str, Any], fields: Mapping[str, str]) -> Any:
    """The value an edit form sends: its JSON text (`value_json`), or the current value with each
    `value.KEY` field put in (an empty field takes the key out). Checked by the library after."""
    if "value_json" in fields:
        try:
            return json.loads(fields["value_json"])
        except json.JSONDecodeError as exc:
            raise SuggestionError(f"the value is not valid JSON: {exc}") from None
    value = dict(current)
    for name, typed in fields.items():
        if not name.startswith("value."):
            continue
        key, text = name.removeprefix("value."), typed.strip()
        if not text:
            value.pop(key, None)
        else:
            value[key] = int(text) if key in INT_KEYS and _INTEGER.fullmatch(text) else text
    return value


def suggestion_public(item: QueueItem) -> SuggestionPublic:
    s, agent, record, image = item.suggestion, item.agent, item.record, item.image
    return SuggestionPublic(
        id=s.id, kind=s.kind, label=s.label, value=s.value, region=s.region,
        fragment=fragment(s.region) if s.region else None, score=s.score, probability=s.probability,
        status=s.status, revision=s.revision, stale=s.stale, stale_reason=stale_reason(item),
        decided_by=s.decided_by, decided_at=s.decided_at, final_value=s.final_value,
        final_label=label_of(s.kind, s.final_value) if s.final_value else None, note=s.note or "",
        assignee=s.assignee, created_at=s.created_at, job_id=s.job_id,
        agent=AgentPublic(
            id=agent.id, name=agent.name, software=agent.software, software_version=agent.software_version,
            model=agent.model, model_version=agent.model_version, state_sha256=agent.state_sha256,
            parameters=agent.parameters, calibrated=agent.calibrated),
        record=None if record is None else RecordSummaryPublic(
            identifier=record.identifier, title=record.title, creators=list(record.creators),
            date_text=record.date_text, object_type=record.object_type, medium=record.medium,
            url=record_url(record.identifier)),
        image=None if image is None else SuggestionImagePublic(
            id=image.id, width=image.width, height=image.height, thumbnail_url=thumbnail_url(image.id),
            url=image_url(image.id)))


def page_public(page: QueuePage) -> SuggestionPagePublic:
    return SuggestionPagePublic(total=page.total, total_exact=page.exact, page=page.page,
                                per_page=page.per_page, pages=page.pages,
                                items=[suggestion_public(i) for i in page.items])


def overlay(item: SuggestionPublic) -> dict[str, Any] | None:
    """How to draw a suggestion's region over its image: an SVG `viewBox` in the image's pixels and a
    rectangle or polygon in them (None without a region, or an image of unknown size)."""
    image, region = item.image, item.region
    if region is None or image is None or not image.width or not image.height:
        return None
    out: dict[str, Any] = {"view_box": f"0 0 {image.width} {image.height}"}
    if "polygon" in region:
        out["points"] = " ".join(f"{x:g},{y:g}" for x, y in region["polygon"])
    else:
        x, y, w, h = bounding_box(region)
        out["box"] = {"x": f"{x:g}", "y": f"{y:g}", "width": f"{w:g}", "height": f"{h:g}"}
    return out
