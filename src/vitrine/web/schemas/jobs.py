"""Request and response models of agent jobs (the JSON API under /api/jobs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class JobErrorPublic(BaseModel):
    item: str = Field(description="the record (and image) the agent failed on")
    message: str


class JobPublic(BaseModel):
    """A job with its state and counts; `progress` runs from 0 to 1 (null before its size is known)."""

    id: int
    kind: str
    agent: str
    options: dict[str, Any] = {}
    scope: dict[str, Any] = Field(default_factory=dict, description="identifiers and saved set (none: all)")
    state: str = Field(description="queued, running, done, failed, cancelled or interrupted")
    finished: bool
    started_by: str
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    total: int | None = None
    done: int = 0
    failed: int = 0
    made: int = Field(0, description="new suggestions stored")
    progress: float | None = None
    cancel_requested: bool = False
    message: str = ""
    errors: list[JobErrorPublic] = Field(default_factory=list, description="items the agent failed on")
    url: str = Field(description="the job in the API")
    page_url: str = Field(description="the jobs page")


class JobListPublic(BaseModel):
    jobs: list[JobPublic]
    agents: list[str] = Field(description="the agents a job may run")


class JobRequest(BaseModel):
    """An agent to run, its options, and which records: all, some identifiers, or a saved set's."""

    agent: str = Field(min_length=1, max_length=100)
    options: dict[str, Any] = Field(default_factory=dict, description="the agent's options by name")
    identifiers: list[str] = Field(default_factory=list, max_length=100_000)
    saved_set: str | None = Field(None, max_length=200, description="a saved set's name")
