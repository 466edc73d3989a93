"""The app's route table, read from FastAPI: every route with its path, methods and parameters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every APIRoute, including those of included routers."""
    return list(_walk(app.routes))


def _walk(items: Iterable[Any]) -> Iterator[APIRoute]:
    for item in items:
        if isinstance(item, APIRoute):
            yield item
        elif hasattr(item, "original_router"):  # FastAPI >= 0.16x keeps included routers whole
            yield from _walk(item.original_router.routes)
        elif hasattr(item, "routes") and not hasattr(item, "app"):
            yield from _walk(item.routes)


def parameters(route: APIRoute) -> list[Any]:
    """The route's path and query parameters, those of its dependencies included."""
    out: list[Any] = []
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        out += [*dep.path_params, *dep.query_params]
        stack += dep.dependencies
    return out


def routes_with_inherited(app: FastAPI) -> list[tuple[APIRoute, list[Any]]]:
    """Every APIRoute with the dependency callables it inherits from the app and the routers that
    include it (FastAPI >= 0.16x applies those at request time, not in the route's own dependant)."""
    return list(_walk_inherited(app.routes, [d.dependency for d in app.router.dependencies]))


def _walk_inherited(items: Iterable[Any], inherited: list[Any]) -> Iterator[tuple[APIRoute, list[Any]]]:
    for item in items:
        if isinstance(item, APIRoute):
            yield item, inherited
        elif hasattr(item, "original_router"):
            declared = (*item.include_context.dependencies, *item.original_router.dependencies)
            more = [d.dependency for d in declared]
            yield from _walk_inherited(item.original_router.routes, [*inherited, *more])
        elif hasattr(item, "routes") and not hasattr(item, "app"):
            yield from _walk_inherited(item.routes, inherited)
