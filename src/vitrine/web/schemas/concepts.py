"""Request and response models of concepts taught from examples (the JSON API under /api/concepts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ConceptVersionPublic(BaseModel):
    """A saved classifier: version n of the "concept" agent for this concept."""

    version: int
    sha256: str = Field(description="SHA-256 of the saved state: the agent version's state digest")
    embedder: str
    labels: int
    positives: int
    estimate: dict[str, Any] = Field(description="precision, recall, average precision on labels kept aside")
    saved_by: str
    saved_at: float


class ConceptPublic(BaseModel):
    name: str
    description: str
    created_by: str
    created_at: float
    labels: int
    positives: int
    versions: list[ConceptVersionPublic] = Field(default_factory=list)


class ConceptListPublic(BaseModel):
    concepts: list[ConceptPublic]


class ConceptRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)


class LabelRequest(BaseModel):
    """Records marked as examples (positive) or counter-examples of the concept."""

    identifiers: list[str] = Field(min_length=1, max_length=10_000)
    positive: bool


class AskedPublic(BaseModel):
    identifier: str
    title: str
    probability: float | None = Field(description="the current model's probability (null before a model)")


class AskingPublic(BaseModel):
    strategy: str = Field(description="uncertainty or random")
    note: str = ""
    predicted_positive: int | None = Field(description="works the current model calls positive")
    seconds: float
    works: list[AskedPublic]


class EstimatePublic(BaseModel):
    labels: int
    positives: int
    skipped: list[str] = Field(description="labelled records with no indexed image yet")
    estimate: dict[str, Any] | None = Field(description="null with fewer than 2 labels of a kind")


class SavedPublic(BaseModel):
    created: bool = Field(description="false when the labels gave the latest version's state again")
    version: ConceptVersionPublic
