"""Every number a client sends is checked into range before it reaches the catalogue."""

from __future__ import annotations

from typing import Any

import annotated_types as at
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from web.routetable import api_routes, parameters

SQLITE_MAX = 2**63 - 1


def _bounds(param: Any) -> tuple[int | None, int | None]:
    low = high = None
    for meta in param.field_info.metadata:
        if isinstance(meta, (at.Ge, at.Gt)):
            low = meta.ge if isinstance(meta, at.Ge) else meta.gt
        if isinstance(meta, (at.Le, at.Lt)):
            high = meta.le if isinstance(meta, at.Le) else meta.lt
    return low, high


def test_every_integer_parameter_of_every_route_is_bounded(app: FastAPI) -> None:
    routes = api_routes(app)
    assert len(routes) > 40
    unbounded = []
    for route in routes:
        for param in parameters(route):
            if param.field_info.annotation is int:
                low, high = _bounds(param)
                if low is None or high is None or high > SQLITE_MAX:
                    unbounded.append(f"{sorted(route.methods)} {route.path} {param.name}")
    assert unbounded == []


@pytest.mark.parametrize("path", [
    "/images/99999999999999999999999/full", "/images/99999999999999999999999/thumbnail",
    "/images/-1/full", "/images/0/thumbnail", "/api/duplicates?per_page=99999999999999999999999",
    "/regions?image=99999999999999999999999", "/api/map/atlas/99999999999999999999999/0.jpg",
    "/api/search?page=99999999999999999999999",
])
def test_out_of_range_numbers_are_a_clear_422(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"accept": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"
    assert "less than or equal" in answer.json()["error"]["message"] or "greater than" in \
        answer.json()["error"]["message"]


def test_an_id_in_range_that_names_nothing_is_404(client: TestClient) -> None:
    answer = client.get(f"/images/{SQLITE_MAX}/full", headers={"accept": "application/json"})
    assert answer.status_code == 404
