"""Request and response models of agent versions, their reviewed precision, decision windows and
reviewers' batches (the JSON API under /api/suggestions/agents and /api/suggestions/batches)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

#: a score bound: a finite number
Score = Annotated[float | None, Field(allow_inf_nan=False)]
#: an id as SQLite stores it
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class AgentPublic(BaseModel):
    """One version of an agent: software, model, trained state and parameters, with its suggestions
    counted by status."""

    id: int
    key: str = Field(description="digest of everything below: any change is a new version")
    name: str
    software: str
    software_version: str = ""
    model: str = ""
    model_version: str = ""
    state_sha256: str = Field("", description="SHA-256 of the model's weights or trained state")
    parameters: dict[str, Any] = {}
    calibrated: bool = False
    created_at: float
    counts: dict[str, int] = Field(default_factory=dict, description="suggestions by status")
    url: str
    page_url: str


class BandPublic(BaseModel):
    """Suggestions scoring in [low, high): how many wait, how people decided the rest, and the share
    kept (accepted or edited) of those decided."""

    low: float
    high: float
    proposed: int
    accepted: int
    edited: int
    rejected: int
    decided: int
    precision: float | None = None


class WeekPublic(BaseModel):
    start: str = Field(description="the week's first day (ISO date)")
    decided: int
    kept: int
    precision: float | None = None


class SuggestedWindowPublic(BaseModel):
    accept_from: float | None = None
    reject_below: float | None = None
    target_precision: float
    min_decided: int = Field(description="decisions a bound needs behind it")


class AgentReportPublic(BaseModel):
    agent: AgentPublic
    bands: list[BandPublic]
    weeks: list[WeekPublic]
    suggested_window: SuggestedWindowPublic


class SampleSuggestionPublic(BaseModel):
    id: int
    identifier: str | None = None
    kind: str
    label: str
    score: float | None = None
    record_url: str | None = None


class WindowPreviewPublic(BaseModel):
    """What a window would decide: counts (`accept`, `reject`) and a random sample of each."""

    agent_id: int
    accept_from: float | None = None
    reject_below: float | None = None
    counts: dict[str, int]
    samples: dict[str, list[SampleSuggestionPublic]]


class WindowRequest(BaseModel):
    """Accept every proposed suggestion scoring from `accept_from`, reject every one below
    `reject_below`; `expected` is the preview's counts, so nothing beyond what was seen is decided."""

    accept_from: Score = None
    reject_below: Score = None
    expected: dict[str, int] = Field(description="the counts of the preview, e.g. {\"accept\": 12}")


class WindowAppliedPublic(BaseModel):
    decided: dict[str, int]


class ReviewerPublic(BaseModel):
    """One cataloguer's batch; agreement is the share accepted as proposed of those reviewed."""

    assignee: str
    assigned: int
    reviewed: int
    remaining: int
    accepted: int
    edited: int
    rejected: int
    agreement: float | None = None


class BatchesPublic(BaseModel):
    reviewers: list[ReviewerPublic]
    unassigned: int = Field(description="proposed suggestions, still valid, that nobody has been given")


class AssignRequest(BaseModel):
    """Give up to `limit` unassigned proposed suggestions matching the filters to `assignee`."""

    assignee: str = Field(min_length=1, max_length=64)
    limit: int = Field(ge=1, le=100_000)
    kinds: list[str] = Field(default_factory=list, max_length=20)
    agent_ids: list[Id] = Field(default_factory=list, max_length=100)


class AssignedPublic(BaseModel):
    assignee: str
    assigned: int
