"""The web app: built by `create_app`, which opens the collection in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from vitrine.accounts import Permission, Principal
from vitrine.ask import Asker, Limits
from vitrine.collection import Collection, open_collection, resolve
from vitrine.errors import CollectionError, UnsafeSettings
from vitrine.settings import DEFAULT_SECRET, Settings
from vitrine.visitor.gallery import open_gallery
from vitrine.visitor.screening import create_screener
from vitrine.web import handlers
from vitrine.web.auth import CSRF_FIELD, CsrfChecked, csrf_token
from vitrine.web.headers import SecurityHeaders
from vitrine.web.mapcache import MapCache
from vitrine.web.photos import PhotoSeal, SearchSeal
from vitrine.web.routes import (
    account,
    agents,
    ask,
    audit,
    batches,
    concept_pages,
    concepts,
    duplicates,
    gallery,
    images,
    jobs,
    linked_art,
    living,
    maps,
    moderation,
    reconcile,
    records,
    regions,
    review,
    search,
    sets,
    sitters,
    text,
    users,
    visitor,
)
from vitrine.web.security import RateLimiter, SharedFailureLimiter
from vitrine.web.strength import match_words
from vitrine.web.uploads import UploadGate

log = logging.getLogger(__name__)
_HERE = Path(__file__).parent


def create_app(settings: Settings, collection_path: Path | None = None) -> FastAPI:
    """The vitrine web app serving one collection (`collection_path`, else `settings.collection`)."""
    check_settings(settings)
    path = collection_path or resolve(settings.collection, settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        collection = open_collection(path, settings.index_options())
        try:
            check_collection(settings, collection)
        except UnsafeSettings:
            collection.close()
            raise
        app.state.collection = collection
        # failed logins counted in the catalogue: one limit for every worker serving it
        app.state.logins = SharedFailureLimiter(
            collection.catalog.accounts.failures, settings.web.login_attempts, settings.web.login_window_s)
        app.state.gallery = open_gallery(collection.root / "gallery", collection.catalog)
        app.state.screener = create_screener(settings.web.gallery_screener)  # loads on first photo
        app.state.maps = MapCache()  # the map data read for this collection, shared by requests
        app.state.uploads = UploadGate(settings.web)
        log.info("serving collection %s from %s", collection.name, collection.root)
        try:
            yield
        finally:
            collection.close()

    app = FastAPI(
        title="vitrine", version="0.1.0", lifespan=lifespan,
        description="Search a heritage image collection by image, text and metadata.",
        docs_url="/api/docs", redoc_url=None, debug=settings.web.debug,
        # every state-changing request of a browser session carries its CSRF token: checked here, once
        dependencies=[CsrfChecked])
    app.state.settings = settings
    app.state.templates = _templates()
    app.state.photos = SearchSeal(settings.web.secret_key)  # the research page's searched images
    app.state.seal = PhotoSeal(settings.web.secret_key)
    app.state.limiter = RateLimiter(settings.web.rate_limit_per_minute)
    app.state.asker = Asker.from_settings(settings)  # the language model, if any, and conversations
    app.state.ask_limits = Limits(settings.ask.per_client_per_minute, settings.ask.global_per_minute)
    app.add_middleware(SecurityHeaders, secure_cookies=settings.web.production)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    # duplicates before records: its /api/records/{id}/duplicates would else match /api/records/{id};
    # agents and batches before the review queue: /api/suggestions/agents is no suggestion id.
    for module in (visitor, search, duplicates, records, gallery, moderation, images, regions, sets, maps,
                   account, audit, users, jobs, agents, batches, concept_pages, review, linked_art, concepts,
                   reconcile, ask, text, living, sitters):
        app.include_router(module.router)
    handlers.install(app)
    return app


def check_settings(settings: Settings) -> None:
    """Refuse to serve in production mode with the default secret key, or with debug on."""
    web = settings.web
    if web.production and (web.secret_key == DEFAULT_SECRET or len(web.secret_key) < 16):
        raise UnsafeSettings(
            "production mode needs a secret key of your own: set VITRINE_WEB__SECRET_KEY to a long "
            "random string (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if web.production and web.debug:
        raise UnsafeSettings("debug mode shows tracebacks to anyone: unset VITRINE_WEB__DEBUG in production")


def check_collection(settings: Settings, collection: Collection) -> None:
    """Refuse to serve a collection in production mode while no enabled admin account exists."""
    if settings.web.production and collection.catalog.accounts.count_admins() == 0:
        raise UnsafeSettings(
            f"collection {collection.name!r} has no enabled admin account, so nobody could manage it: "
            f"create one with 'vitrine user add {cli_argument(settings, collection)} ACCOUNT --role admin "
            "--password-stdin'")


def cli_argument(settings: Settings, collection: Collection) -> str:
    """How the CLI names this collection: its name when it lives in the data folder, else its path
    (a name would resolve to another folder), so a command quoted in a message works as pasted."""
    import shlex

    root = collection.root.resolve()
    try:
        if resolve(root.name, settings.data_dir).expanduser().resolve() == root:
            return root.name
    except CollectionError:  # a folder name the CLI would not take as a name
        pass
    return shlex.quote(str(root))


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=_HERE / "templates")
    env = templates.env
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals["match_words"] = match_words
    env.globals["csrf_token"] = csrf_token
    env.globals["csrf_input"] = _csrf_input
    env.globals["signed_in"] = _signed_in
    env.globals["may"] = _may
    env.globals["concept_names"] = _concept_names
    return templates


def _csrf_input(request: Request) -> Markup:
    """The hidden field every form carries (empty for anonymous visitors, who have no session)."""
    token = csrf_token(request)
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">') if token else Markup()


def _signed_in(request: Request) -> Principal | None:
    """The account of this browser session (None for anonymous visitors)."""
    session = getattr(request.state, "session", None)
    return session.principal if session is not None else None


def _may(request: Request, permission: str) -> bool:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal is not None and principal.may(Permission(permission))


def _concept_names(request: Request) -> list[str]:
    """The concepts an editor may mark works for, on pages that show works (none for other roles)."""
    if not _may(request, "catalogue"):
        return []
    collection: Collection = request.app.state.collection
    return [c.name for c in collection.catalog.concepts.all()]
