"""The one shape of every JSON error, and the OpenAPI `responses` that document it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(description="a stable machine-readable code, e.g. not_found, too_large")
    message: str = Field(description="what went wrong and what to do, for people")


class ErrorPublic(BaseModel):
    """Every API error has this shape."""

    error: ErrorBody


def error_responses(*described: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these (status, description) pairs, each with the ErrorPublic body."""
    return {code: {"model": ErrorPublic, "description": text} for code, text in described}


# What any JSON endpoint may answer, for routers that do not list their own.
API_ERRORS = error_responses(
    (404, "not found"), (413, "upload too large"), (415, "not an image"), (422, "invalid request"),
    (429, "rate limited"), (500, "server error"))
