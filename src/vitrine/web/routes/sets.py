"""Web pages and API for sets (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
