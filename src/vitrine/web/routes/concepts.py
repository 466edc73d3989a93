"""Concepts taught from examples, as a JSON API for editors: name one, label works, ask which to
label next, read the held-out estimate, save a version of the "concept" agent.

Every route needs `Permission.CATALOGUE`; changes are audited by the use cases (`vitrine.concepts.teach`)
with the account's name and address. Training runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.catalog import Catalog
from vitrine.catalog.concepts import Concept, SavedModel
from vitrine.concepts import teach
from vitrine.web.auth import Allowed, PrincipalDep, client_address
from vitrine.web.deps import CollectionDep, RateLimited
from vitrine.web.schemas.concepts import (
    AskedPublic,
    AskingPublic,
    ConceptListPublic,
    ConceptPublic,
    ConceptRequest,
    ConceptVersionPublic,
    EstimatePublic,
    LabelRequest,
    SavedPublic,
)
from vitrine.web.schemas.errors import error_responses

router = APIRouter(dependencies=[Allowed(Permission.CATALOGUE), RateLimited])
_ERRORS = error_responses((404, "no such concept"), (409, "a concept of that name exists"),
                          (422, "invalid request"))
api = APIRouter(prefix="/api/concepts", tags=["concepts"], responses=_ERRORS)
NamePath = Annotated[str, Path(min_length=1, max_length=100, description="a concept's name")]


@api.get("", response_model=ConceptListPublic)
def api_concepts(collection: CollectionDep) -> ConceptListPublic:
    """Every concept with its label counts and saved versions."""
    catalog = collection.catalog
    return ConceptListPublic(concepts=[concept_public(catalog, c) for c in catalog.concepts.all()])


@api.post("", response_model=ConceptPublic, status_code=201)
def api_new_concept(request: Request, body: ConceptRequest, collection: CollectionDep,
                    who: PrincipalDep) -> ConceptPublic:
    """Name a new concept."""
    made = teach.create_concept(collection.catalog, body.name, body.description, actor=who.name,
                                address=client_address(request))
    return concept_public(collection.catalog, made)


@api.get("/{name}", response_model=ConceptPublic)
def api_concept(name: NamePath, collection: CollectionDep) -> ConceptPublic:
    return concept_public(collection.catalog, collection.catalog.concepts.get(name))


@api.post("/{name}/labels", response_model=ConceptPublic)
def api_label(request: Request, name: NamePath, body: LabelRequest, collection: CollectionDep,
              who: PrincipalDep) -> ConceptPublic:
    """Mark records as examples (positive) or counter-examples; a record labelled again changes its label."""
    after = teach.label(collection.catalog, name, body.identifiers, positive=body.positive, actor=who.name,
                        address=client_address(request))
    return concept_public(collection.catalog, after)


@api.get("/{name}/ask", response_model=AskingPublic)
async def api_ask(name: NamePath, collection: CollectionDep,
                  n: Annotated[int, Query(ge=1, le=100)] = 10,
                  strategy: Annotated[Literal["uncertainty", "random"], Query()] = "uncertainty",
                  seed: Annotated[int | None, Query(ge=0, le=2**31)] = None) -> AskingPublic:
    """The next works to label: those the model trained on the current labels is least sure of."""
    asked = await run_in_threadpool(teach.ask, collection, name, n, strategy=strategy, seed=seed)
    return AskingPublic(strategy=asked.strategy, note=asked.note, predicted_positive=asked.predicted_positive,
                        seconds=round(asked.seconds, 3),
                        works=[AskedPublic(identifier=w.identifier, title=w.title, probability=w.probability)
                               for w in asked.works])


@api.get("/{name}/estimate", response_model=EstimatePublic)
async def api_estimate(name: NamePath, collection: CollectionDep) -> EstimatePublic:
    """Train on the labels and estimate precision and recall on labels kept aside."""
    trained = await run_in_threadpool(teach.train, collection, name)
    return EstimatePublic(labels=trained.labels, positives=trained.positives, skipped=list(trained.skipped),
                          estimate=trained.estimate.to_dict() if trained.estimate else None)


@api.post("/{name}/versions", response_model=SavedPublic, status_code=201)
async def api_save(request: Request, name: NamePath, collection: CollectionDep,
                   who: PrincipalDep) -> JSONResponse:
    """Save the classifier trained on every label as the next version of the "concept" agent
    (200 and the latest version when the labels give its state again)."""
    saved, created = await run_in_threadpool(
        lambda: teach.save(collection, name, actor=who.name, address=client_address(request)))
    body = SavedPublic(created=created, version=version_public(saved))
    return JSONResponse(body.model_dump(), status_code=201 if created else 200)


def concept_public(catalog: Catalog, concept: Concept) -> ConceptPublic:
    return ConceptPublic(name=concept.name, description=concept.description, created_by=concept.created_by,
                         created_at=concept.created_at, labels=concept.labels, positives=concept.positives,
                         versions=[version_public(m) for m in catalog.concepts.models(concept.id)])


def version_public(saved: SavedModel) -> ConceptVersionPublic:
    return ConceptVersionPublic(version=saved.version, sha256=saved.sha256, embedder=saved.embedder,
                                labels=saved.labels, positives=saved.positives, estimate=saved.estimate,
                                saved_by=saved.saved_by, saved_at=saved.saved_at)


router.include_router(api)
