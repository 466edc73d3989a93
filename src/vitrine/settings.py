"""One Settings object, read from VITRINE_* environment variables (nested with "__")."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as UnreadableSetting

if TYPE_CHECKING:  # vitrine.fetch loads httpx; the CLI starts without it
    from vitrine.fetch import FetchOptions
    from vitrine.storage.s3 import S3Options

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
    #: uploads decoded and worked on at once (each may hold a full-size image); others wait
    max_concurrent_decodes: int = Field(default=2, ge=1)
    #: seconds an upload waits for a free slot before it is answered 503 (busy)
    decode_wait_s: float = Field(default=30.0, gt=0)
    #: extra record fields (keys of `extra`) offered as search facets
    facet_fields: list[str] = Field(default_factory=list)
    #: what visitors without an account may use: "read" (the visitor pages, search and records:
    #: a public collection), "visitor" (the visitor pages only), or "none"
    anonymous: Literal["read", "visitor", "none"] = "read"
    #: a browser session ends after this long unused, and this long after login whatever happens
    session_idle_s: float = Field(default=30 * 60, gt=0)
    session_absolute_s: float = Field(default=12 * 3600, gt=0)
    #: approve screened, unflagged visitor photos at once (a supervised kiosk); else a moderator does
    gallery_auto_approve: bool = False
    #: what screens consented visitor photos before anyone sees them ("nudenet", "fake" or a plugin's)
    gallery_screener: str = "nudenet"
    #: failed logins allowed per account name, and per client address, within `login_window_s`
    login_attempts: int = Field(default=5, ge=1)
    login_window_s: float = Field(default=15 * 60, gt=0)
    #: tracebacks in error pages; refused in production
    debug: bool = False


class MilvusSettings(BaseModel):
    """How to reach a Milvus server (VITRINE_MILVUS__...); a collection's own milvus:// URI wins."""

    #: the server of collections whose index is plain "milvus" (empty: Milvus Lite in the collection)
    uri: str = ""
    token: str = ""


class FetchSettings(BaseModel):
    """Which non-public hosts outbound requests may reach (VITRINE_FETCH__...); public ones always."""

    #: host names allowed whatever they resolve to, e.g. ["iiif.internal"]
    allow_hosts: list[str] = Field(default_factory=list)
    #: addresses or CIDR blocks allowed, e.g. ["10.0.0.0/8"]
    allow_networks: list[str] = Field(default_factory=list)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, networks: list[str]) -> list[str]:
        # checked here, when settings load, rather than at the first download of a long import
        for text in networks:
            try:
                ipaddress.ip_network(text.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not an address or CIDR block ({exc})") from None
        return networks


class S3Settings(BaseModel):
    """Object storage for s3:// image locations (VITRINE_S3__...); needs the s3 extra.

    Credentials are never settings: boto3's chain finds them (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, an instance or task role).
    """

    #: an S3-compatible service (MinIO, Ceph...), e.g. "http://minio.internal:9000"; empty:
    #: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when set, else AWS S3. Operator-named, so a private
    #: address is allowed (the http guard is for addresses that records name)
    endpoint_url: str = ""
    #: empty: AWS_REGION / AWS_DEFAULT_REGION or the profile's
    region: str = ""
    #: a profile of ~/.aws (empty: AWS_PROFILE, else the default chain)
    profile: str = ""
    #: "path" for MinIO or Ceph without wildcard DNS; "auto" lets boto3 choose
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    #: the only buckets records may name (empty: any the credentials can read); a CSV from elsewhere
    #: then cannot make vitrine copy another bucket's objects into a collection
    buckets: list[str] = Field(default_factory=list)
    #: tries per request (transient errors: throttling, 5xx, timeouts)
    attempts: int = Field(default=5, ge=1)
    #: keys per listing request (1000 is S3's maximum)
    page_size: int = Field(default=1000, ge=1, le=1000)


class FacesSettings(BaseModel):
    """Face detection (VITRINE_FACES__...): where the YuNet model is, and the default detector."""

    #: the YuNet ONNX file (OpenCV zoo, models/face_detection_yunet); empty: look in the usual places
    yunet: Path | None = None
    #: the detector the "faces" agent and `vitrine faces index` use unless told otherwise; "auto":
    #: YuNet where its model file is found, else dlib's HOG detector (installed with the faces extra)
    detector: str = "auto"


class SuggestSettings(BaseModel):
    """Suggestion agents (VITRINE_SUGGEST__...): the folder of files their options may name."""

    #: where authority files, gazetteers and model files for agents' options live; an agent option
    #: naming a file (authority=, altnames=, model=) may point into this folder or the collection's
    #: folder, nowhere else. Empty: `files` under the data folder ($VITRINE_DATA_DIR/files).
    files_dir: Path | None = None
    #: where jobs started from the web (`vitrine suggest work`) look at their items: "local" (the
    #: worker process) or "ray" (the cluster RAY_ADDRESS names, else a local Ray; the ray extra)
    engine: Literal["local", "ray"] = "local"


class AskSettings(BaseModel):
    """Asking the collection (VITRINE_ASK__...): the optional language model, limits, conversations."""

    #: an OpenAI-compatible endpoint's base URL (llama.cpp server, Ollama, vLLM, a hosted service), e.g.
    #: "http://127.0.0.1:8080/v1"; empty: answers are composed offline from the records, with no model.
    #: Its host is allowed even when private (the operator named it), other outbound rules unchanged.
    endpoint: str = ""
    model: str = ""
    #: the endpoint's key, from the environment only (VITRINE_ASK__API_KEY); none by default
    api_key: SecretStr = SecretStr("")
    timeout_s: float = Field(default=60.0, gt=0)
    max_tokens: int = Field(default=600, ge=16)
    #: records retrieved and cited at most per question
    sources: int = Field(default=8, ge=1, le=50)
    #: questions per minute per client address, and for everyone together
    per_client_per_minute: int = Field(default=10, ge=0)
    global_per_minute: int = Field(default=120, ge=0)
    #: conversations kept in memory, the turns each keeps, and how long an idle one lives
    max_conversations: int = Field(default=1000, ge=1)
    max_turns: int = Field(default=6, ge=1)
    conversation_ttl_s: float = Field(default=30 * 60, gt=0)


class BotSettings(BaseModel):
    """The Mastodon bot (VITRINE_BOT__...): its instance and token, limits, where record pages are."""

    instance: str = ""
    #: the bot account's access token, from the environment only (VITRINE_BOT__ACCESS_TOKEN)
    access_token: SecretStr = SecretStr("")
    #: the public address of the web app, for links to record pages, e.g. "https://collection.example"
    public_url: str = ""
    per_account_per_hour: int = Field(default=5, ge=0)
    global_per_hour: int = Field(default=120, ge=0)
    poll_s: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """Where collections live and how vitrine behaves; every field has a VITRINE_ variable."""

    model_config = SettingsConfigDict(env_prefix="VITRINE_", env_nested_delimiter="__")

    data_dir: Path = Field(default_factory=lambda: Path.home() / ".local" / "share" / "vitrine")
    collection: str = "default"
    max_image_pixels: int = 120_000_000
    workers: int = 0  # 0: one per core
    #: seconds a remote host (IIIF, museum API, image server) may take to answer one request
    http_timeout_s: float = Field(default=30.0, gt=0)
    #: how long a writer (import, index, map build...) waits for another one to finish; 0: refuse
    lock_wait_s: float = Field(default=0.0, ge=0)
    web: WebSettings = Field(default_factory=WebSettings)
    milvus: MilvusSettings = Field(default_factory=MilvusSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    s3: S3Settings = Field(default_factory=S3Settings)
    faces: FacesSettings = Field(default_factory=FacesSettings)
    suggest: SuggestSettings = Field(default_factory=SuggestSettings)
    ask: AskSettings = Field(default_factory=AskSettings)
    bot: BotSettings = Field(default_factory=BotSettings)
    #: the former name of VITRINE_MILVUS__TOKEN, still read so existing deployments keep their token
    milvus_token: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _former_milvus_token(self) -> Settings:
        if self.milvus_token and not self.milvus.token:
            self.milvus = self.milvus.model_copy(update={"token": self.milvus_token})
        return self

    def agent_files_dir(self) -> Path:
        """The folder of files agents' options may name besides the collection's (`suggest.files_dir`)."""
        return self.suggest.files_dir or self.data_dir / "files"

    def index_options(self) -> dict[str, dict[str, Any]]:
        """Deployment options per vector index name, for `open_collection(index_options=...)`."""
        return {"milvus": self.milvus.model_dump()}

    def fetch_options(self) -> FetchOptions:
        """How to reach remote hosts: `http_timeout_s`, and the non-public hosts and networks allowed."""
        from vitrine.fetch import FetchOptions
        from vitrine.netguard import NetworkPolicy

        network = NetworkPolicy.from_lists(self.fetch.allow_hosts, self.fetch.allow_networks)
        return FetchOptions(timeout=self.http_timeout_s, network=network)

    def s3_options(self) -> S3Options:
        """How to reach object storage; the endpoint taken from AWS_ENDPOINT_URL(_S3) when vitrine's is
        empty, so that Ray tasks on other machines read from the endpoint the driver was given."""
        from vitrine.storage.s3 import S3Options

        s3 = self.s3
        endpoint = s3.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get(
            "AWS_ENDPOINT_URL", "")
        return S3Options(endpoint_url=endpoint, region=s3.region, profile=s3.profile,
                         addressing_style=s3.addressing_style, buckets=tuple(s3.buckets),
                         timeout=self.http_timeout_s, attempts=s3.attempts, page_size=s3.page_size)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]


def explain(error: ValidationError | UnreadableSetting) -> str:
    """What is wrong with the settings, one line per problem, naming each VITRINE_ variable."""
    if isinstance(error, UnreadableSetting):  # a variable that is not even JSON, where JSON is needed
        return (f"invalid settings: {error}; lists and groups are written in JSON, "
                """e.g. VITRINE_FETCH__ALLOW_NETWORKS='["10.0.0.0/8"]'""")
    lines = []
    for problem in error.errors():
        name = "VITRINE_" + "__".join(str(part) for part in problem["loc"] if isinstance(part, str)).upper()
        lines.append(f"{name}: {problem['msg'].removeprefix('Value error, ')}")
    return "invalid settings:\n  " + "\n  ".join(lines)
