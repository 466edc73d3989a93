"""Concepts taught from examples, the editors' pages: the concepts, one concept's labels, its
estimate from labels kept aside, the works it is least sure of (to mark), saving a version.

Every page needs `Permission.CATALOGUE`. Marks are made with one fetch each to `/api/concepts`
(static/concepts.js, also on the search results, a saved set's page and the map's selection);
without JavaScript every mark is a form posted to `/review/concepts/label`, which comes back to
the page it was made on. Changes are the use cases of `vitrine.concepts.teach`, audited there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.catalog import Catalog
from vitrine.collection import Collection
from vitrine.concepts import teach
from vitrine.errors import ConceptError
from vitrine.web.auth import Allowed, PrincipalDep, client_address, local_target
from vitrine.web.deps import CollectionDep, RateLimited, TemplatesDep
from vitrine.web.present import record_url, thumbnail_url
from vitrine.web.provenance import moment
from vitrine.web.security import WebError, read_form

router = APIRouter(tags=["review"], include_in_schema=False,
                   dependencies=[Allowed(Permission.CATALOGUE), RateLimited])
NamePath = Annotated[str, Path(min_length=1, max_length=100, description="a concept's name")]
DoneQuery = Annotated[str, Query(max_length=20, description="which change was just made")]
AskQuery = Annotated[int, Query(ge=1, le=100, description="how many works to ask about")]
_MAX_FORM_BYTES = 64 * 1024
LABELS_SHOWN = 200  # the newest labels on a concept's page
#: what a page says after a change, by the code in its `done=` (never text from the URL itself)
NOTICES = {
    "created": "The concept was named: mark works as its examples and counter-examples.",
    "labelled": "The mark was saved.",
    "saved": "The classifier was saved as a new version of the concept agent.",
    "same": "These labels give the latest version again: no new version was saved.",
}


@dataclass(frozen=True)
class Work:
    """A work as the concept pages show it: identifier, title, link, thumbnail (None: no image)."""

    identifier: str
    title: str
    url: str
    thumbnail_url: str | None


@router.get("/review/concepts", response_class=HTMLResponse)
def concepts_page(request: Request, templates: TemplatesDep, collection: CollectionDep,
                  done: DoneQuery = "") -> Response:
    """The concepts, with their labels and latest version, and the form to name one."""
    return _list(request, templates, collection, notice=NOTICES.get(done, ""))


@router.post("/review/concepts", response_class=HTMLResponse)
async def create_from_form(request: Request, templates: TemplatesDep, collection: CollectionDep,
                           who: PrincipalDep) -> Response:
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    typed = {"name": form.get("name"), "description": form.get("description")}
    try:
        made = teach.create_concept(collection.catalog, typed["name"], typed["description"], actor=who.name,
                                    address=client_address(request))
    except ConceptError as exc:
        return _list(request, templates, collection, error=str(exc), typed=typed, status=422)
    return RedirectResponse(f"{concept_url(made.name)}?done=created", status_code=303)


@router.post("/review/concepts/label", response_class=HTMLResponse)
async def label_from_form(request: Request, collection: CollectionDep, who: PrincipalDep) -> Response:
    """A mark made without JavaScript: `concept`, `mark` ("pos:ID" or "neg:ID"), and `back`, the page
    to return to."""
    form = await read_form(request, _MAX_FORM_BYTES, photo=False)
    kind, _, identifier = form.get("mark").partition(":")
    if kind not in ("pos", "neg") or not identifier:
        raise WebError(422, "invalid_request", "a mark is pos:IDENTIFIER or neg:IDENTIFIER")
    teach.label(collection.catalog, form.get("concept"), [identifier], positive=kind == "pos", actor=who.name,
                address=client_address(request))
    return RedirectResponse(_back(form.get("back")), status_code=303)


@router.get("/review/concepts/{name}", response_class=HTMLResponse)
async def concept_page(request: Request, name: NamePath, templates: TemplatesDep, collection: CollectionDep,
                       done: DoneQuery = "", n: AskQuery = 10) -> Response:
    """A concept: its labels, the estimate from labels kept aside, the works it is least sure of."""
    context = await run_in_threadpool(concept_context, collection, name, n)
    context["notice"] = NOTICES.get(done, "")
    return templates.TemplateResponse(request, "review_concept.html", context)


@router.post("/review/concepts/{name}/versions", response_class=HTMLResponse)
async def save_from_form(request: Request, name: NamePath, collection: CollectionDep,
                         who: PrincipalDep) -> Response:
    _saved, created = await run_in_threadpool(
        lambda: teach.save(collection, name, actor=who.name, address=client_address(request)))
    done = "saved" if created else "same"
    return RedirectResponse(f"{concept_url(name)}?done={done}#versions", status_code=303)


# -- presenting -----------------------------------------------------------------------------------


def concept_url(name: str) -> str:
    return f"/review/concepts/{quote(name, safe='')}"


def _back(value: str) -> str:
    """Where a form's mark returns: a page of this site, else the concepts page."""
    target = local_target(value)
    return "/review/concepts" if target == "/" else target


def _list(request: Request, templates: TemplatesDep, collection: Collection, *, notice: str = "",
          error: str = "", typed: dict[str, str] | None = None, status: int = 200) -> Response:
    catalog = collection.catalog
    concepts = [(c, catalog.concepts.model(c.id)) for c in catalog.concepts.all()]
    context: dict[str, Any] = {
        "collection": collection, "concepts": concepts, "notice": notice, "error": error,
        "typed": typed or {}, "when": moment, "concept_url": concept_url}
    return templates.TemplateResponse(request, "review_concepts.html", context, status_code=status)


def concept_context(collection: Collection, name: str, n: int) -> dict[str, Any]:
    """What a concept's page shows; training and asking run here, in the thread pool."""
    catalog = collection.catalog
    concept = catalog.concepts.get(name)
    labels = list(reversed(catalog.concepts.labels(concept.id)))[:LABELS_SHOWN]
    problem = ""
    try:
        trained: teach.Trained | None = teach.train(collection, concept.name)
    except ConceptError as exc:
        trained, problem = None, str(exc)
    asking = teach.ask(collection, concept.name, n, trained=trained)  # the model trained once
    works = _works(catalog, [lab.identifier for lab in labels] + [w.identifier for w in asking.works])
    return {"collection": collection, "concept": concept, "labels": labels, "trained": trained,
            "problem": problem, "asking": asking, "works": works, "n": n, "when": moment,
            "versions": list(reversed(catalog.concepts.models(concept.id))), "concept_url": concept_url}


def _works(catalog: Catalog, identifiers: list[str]) -> dict[str, Work]:
    """Each identifier's title and first image, for thumbnails."""
    shown: dict[str, Work] = {}
    for identifier in dict.fromkeys(identifiers):
        images = catalog.images_of(identifier)
        title = catalog.get(identifier).title or "Untitled"
        shown[identifier] = Work(identifier, title, record_url(identifier),
                                 thumbnail_url(images[0].id) if images else None)
    return shown
