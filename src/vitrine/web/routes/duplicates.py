"""Web pages and API for duplicates (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
