"""The vitrine web app (FastAPI): share your view, research search, JSON API."""

from vitrine.web.app import create_app

__all__ = ["create_app"]
