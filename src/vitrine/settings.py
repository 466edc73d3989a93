"""One Settings object, read from VITRINE_* environment variables (nested with "__")."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me"


class WebSettings(BaseModel):
    """The web app's settings (VITRINE_WEB__...)."""

    host: str = "127.0.0.1"
    port: int = 8000
    production: bool = False
    secret_key: str = DEFAULT_SECRET
    max_upload_bytes: int = 15 * 1024 * 1024
    rate_limit_per_minute: int = 120
    max_upload_pixels: int = 40_000_000
    #: extra record fields (keys of `extra`) offered as search facets
    facet_fields: list[str] = Field(default_factory=list)


class Settings(BaseSettings):
    """Where collections live and how vitrine behaves; every field has a VITRINE_ variable."""

    model_config = SettingsConfigDict(env_prefix="VITRINE_", env_nested_delimiter="__")

    data_dir: Path = Field(default_factory=lambda: Path.home() / ".local" / "share" / "vitrine")
    collection: str = "default"
    max_image_pixels: int = 120_000_000
    workers: int = 0  # 0: one per core
    http_timeout_s: float = 30.0
    web: WebSettings = Field(default_factory=WebSettings)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
