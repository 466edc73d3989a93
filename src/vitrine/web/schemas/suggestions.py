"""What the review queue's JSON API takes and shows: suggestions with their provenance and record."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vitrine.catalog.suggestions import Order

#: SQLite's largest INTEGER
MAX_ID = 2**63 - 1


class QueueParams(BaseModel):
    """The queue's filters, as query parameters (the page /review and GET /api/suggestions)."""

    model_config = ConfigDict(extra="ignore")

    kind: list[str] = Field(default_factory=list, max_length=20,
                            description="suggestion kinds (tag, class, date...); any if none")
    agent: list[str] = Field(default_factory=list, max_length=20,
                             description="agents by name (all their versions) or by version id")
    status: list[str] = Field(default_factory=lambda: ["proposed"], max_length=4,
                              description="proposed, accepted, edited, rejected, or any (default: proposed)")
    score_min: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False,
                                    description="lowest score shown (inclusive)")
    score_max: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False,
                                    description="scores below this shown (exclusive)")
    set: str = Field(default="", max_length=80, description="only the works of this saved set")
    record: str = Field(default="", max_length=500, description="only the suggestions about this record")
    assignee: str = Field(default="", max_length=64,
                          description="'mine' (the signed-in account), 'unassigned', or an account name")
    stale: Literal["", "yes", "no"] = Field(default="",
                                            description="only stale suggestions (yes) or none (no)")
    order: Order = Field(default="score", description="score (highest first), score_asc, uncertainty "
                         "(closest to a coin toss first), newest, id")
    page: int = Field(default=1, ge=1, le=10_000, description="page number, from 1")
    per_page: int = Field(default=25, ge=1, le=100, description="suggestions per page")


class AgentPublic(BaseModel):
    """The agent version that made a suggestion: its provenance."""

    id: int
    name: str
    software: str
    software_version: str
    model: str
    model_version: str
    state_sha256: str
    parameters: dict[str, Any]
    calibrated: bool


class RecordSummaryPublic(BaseModel):
    """The fields a reviewer sees beside a suggestion."""

    identifier: str
    title: str | None = None
    creators: list[str] = []
    date_text: str | None = None
    object_type: str | None = None
    medium: str | None = None
    url: str


class SuggestionImagePublic(BaseModel):
    """The image a suggestion is about (or its record's first image), with its size in pixels, the
    space a region's coordinates are in."""

    id: int
    width: int | None = None
    height: int | None = None
    thumbnail_url: str
    url: str


class SuggestionPublic(BaseModel):
    """A suggestion with its provenance, review state and record."""

    id: int
    kind: str
    label: str
    value: dict[str, Any]
    region: dict[str, Any] | None = Field(default=None, description='{"box": [x, y, w, h]} or {"polygon": '
                                          "[[x, y], ...]}, in the image's pixels")
    fragment: str | None = Field(default=None, description="the region as a Media Fragment (xywh=...)")
    score: float | None = None
    probability: float | None = Field(default=None, description="the calibrated probability, where the agent "
                                      "is calibrated")
    status: str
    revision: int = Field(description="send it back with a decision: a decision on an older revision "
                          "is refused (409)")
    stale: bool = Field(description="the record or image changed or went since it was made: it can be "
                        "rejected, not applied")
    stale_reason: str = ""
    decided_by: str | None = None
    decided_at: float | None = None
    final_value: dict[str, Any] | None = Field(default=None, description="the editor's value, when edited")
    final_label: str | None = Field(default=None, description="the short text of the editor's value")
    note: str = ""
    assignee: str | None = None
    created_at: float
    job_id: int | None = None
    agent: AgentPublic
    record: RecordSummaryPublic | None = Field(default=None, description="None when the record was deleted")
    image: SuggestionImagePublic | None = None


class SuggestionPagePublic(BaseModel):
    """A page of the queue. Counting stops past 1,000 suggestions (or the end of the page asked
    for): then `total_exact` is false and more than `total` match."""

    total: int
    total_exact: bool
    page: int
    per_page: int
    pages: int = Field(description="pages known to hold suggestions (more follow when not total_exact)")
    items: list[SuggestionPublic]


class DecisionRequest(BaseModel):
    """One person's decision on a suggestion."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "edit", "reject"]
    revision: int = Field(ge=0, le=MAX_ID, description="the revision you saw (from the suggestion)")
    value: dict[str, Any] | None = Field(default=None, description="the corrected value (only with 'edit'); "
                                         "its keys depend on the kind")
    region: dict[str, Any] | None = Field(
        default=None, description="the corrected region (only with 'edit'): "
        '{"box": [x, y, w, h]} or {"polygon": [[x, y], ...]} in image pixels')
    note: str = Field(default="", max_length=2000, description="why, for the record")


class UndoRequest(BaseModel):
    """Put a decided suggestion back to proposed (its value leaves the record)."""

    model_config = ConfigDict(extra="forbid")

    revision: int = Field(ge=0, le=MAX_ID, description="the revision you saw (after the decision)")
