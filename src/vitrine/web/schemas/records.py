"""What the API shows of a catalogue record and its images."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ImagePublic(BaseModel):
    id: int
    width: int | None = None
    height: int | None = None
    thumbnail_url: str
    url: str


class AgentBrief(BaseModel):
    """The software that made a suggestion: enough to tell one version from another."""

    id: int
    name: str
    software: str = ""
    software_version: str = ""
    model: str = ""
    model_version: str = ""


class AcceptedPublic(BaseModel):
    """A value a person accepted into the record, with where it came from."""

    kind: str
    label: str
    value: dict[str, Any]
    image_id: int | None = None
    region: dict[str, Any] | None = Field(None, description='{"box": [x, y, w, h]} or {"polygon": [...]}')
    edited: bool = Field(description="accepted with the editor's changes")
    accepted_by: str
    accepted_at: float
    agent: AgentBrief | None = Field(None, description="the agent that suggested it")
    score: float | None = None
    provenance: str = Field(description="the same, in words")


class ProposedPublic(BaseModel):
    """A machine suggestion nobody has reviewed yet: not part of the catalogue."""

    id: int
    kind: str
    label: str
    value: dict[str, Any]
    image_id: int | None = None
    region: dict[str, Any] | None = None
    score: float | None = None
    probability: float | None = None
    agent: AgentBrief | None = None
    created_at: float
    reviewed: bool = Field(False, description="always false: machine-made, not reviewed")


class RecordPublic(BaseModel):
    """A catalogue record with every field, its images and a link to the museum's own page."""

    identifier: str
    title: str | None = None
    creators: list[str] = []
    date_text: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    object_type: str | None = None
    medium: str | None = None
    dimensions: str | None = None
    credit_line: str | None = None
    rights: str | None = None
    source_url: str | None = None
    source: str | None = None
    extra: dict[str, Any] = {}
    images: list[ImagePublic] = []
    url: str
    accepted: list[AcceptedPublic] = Field(
        default_factory=list, description="values people accepted from machine suggestions, with provenance")
    proposed: list[ProposedPublic] = Field(
        default_factory=list, description="unreviewed machine suggestions: to staff who review them, or to "
        "everyone where the collection shows them publicly")

