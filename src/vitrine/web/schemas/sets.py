"""Request and response models of relevance feedback and saved sets (the JSON API)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from vitrine.search.feedback import DEFAULT_METHOD


class RefineRequest(BaseModel):
    """Works marked relevant / not relevant, and the search they refine (at most one query)."""

    positives: list[str] = Field(default_factory=list, max_length=500, description="record identifiers")
    negatives: list[str] = Field(default_factory=list, max_length=2000, description="record identifiers")
    query_record: str | None = Field(None, description="the record the search started from")
    query_text: str | None = Field(None, max_length=500,
                                   description="the words the search started from (text-capable embedders)")
    photo: str | None = Field(None, description="token of a photo held by the search page (POST /search)")
    filters: dict[str, str] = Field(
        default_factory=dict,
        description="as on /api/search: object_type, creator, century, source, year_from, year_to, f.<field>")
    method: Literal["svm", "rocchio"] = DEFAULT_METHOD
    include_positives: bool = Field(False, description="rank the relevant works among the results")
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class SetQueryPublic(BaseModel):
    kind: Literal["record", "text", "image"]
    value: str = ""


class SetWorkPublic(BaseModel):
    """A work of a set, enough to show it."""

    identifier: str
    title: str | None = None
    creators: list[str] = []
    date: str | None = None
    thumbnail_url: str | None = None
    url: str


class SetSummaryPublic(BaseModel):
    name: str
    description: str = ""
    count: int = Field(description="works in the set")
    created_at: float
    updated_at: float
    url: str = Field(description="the set in the API")
    page_url: str = Field(description="the set's web page")
    csv_url: str
    owner: str | None = Field(None, description="the account that saved it (none: made before accounts)")
    shared: bool = Field(False, description="other staff may see it")


class SetPublic(SetSummaryPublic):
    """A saved set with its session and its works (works deleted since are not listed)."""

    query: SetQueryPublic | None = None
    method: str | None = None
    positives: list[str] = []
    negatives: list[str] = []
    identifiers: list[str] = []
    works: list[SetWorkPublic] = []
    map_url: str


class SetCreate(BaseModel):
    """A new set: give `identifiers`, or marks to compute them (relevant works, then the results)."""

    name: str = Field(min_length=1, max_length=80)
    description: str = Field("", max_length=2000)
    identifiers: list[str] | None = Field(None, max_length=5000)
    positives: list[str] = Field(default_factory=list, max_length=500, description="record identifiers")
    negatives: list[str] = Field(default_factory=list, max_length=2000)
    query: SetQueryPublic | None = None
    method: Literal["svm", "rocchio"] = DEFAULT_METHOD
    results: int = Field(20, ge=0, le=200, description="with marks and no identifiers: results kept")
    replace: bool = Field(False, description="replace a set of the same name")
    shared: bool = Field(False, description="let other staff see it (private by default)")


class SetUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=80, description="a new name")
    description: str | None = Field(None, max_length=2000)
    add: list[str] = Field(default_factory=list, max_length=5000)
    remove: list[str] = Field(default_factory=list, max_length=5000)
    shared: bool | None = Field(None, description="let other staff see it, or make it private again")
