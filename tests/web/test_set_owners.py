"""Saved sets belong to their owner (ASVS 4.2.1): another account cannot read a private set by
naming it, and cannot change a shared one; an admin can."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from web.staff import staff_client


def test_a_private_set_is_its_owners_and_a_shared_one_is_read_only_to_others(
    app: FastAPI, client: TestClient,
) -> None:
    owner, other = staff_client(app, "researcher", "set-owner"), staff_client(app, "moderator", "set-other")
    admin = staff_client(app, "admin", "set-admin")
    path = "/api/sets/owned picks"
    assert owner.post("/api/sets", json={"name": "owned picks", "identifiers": ["w04"]}).status_code == 201
    try:
        # private: answered as unknown to others, in the API and the pages alike
        for method, url in (("GET", path), ("PATCH", path), ("DELETE", path),
                            ("GET", "/sets/owned picks"), ("GET", "/sets/owned picks/records.csv")):
            body = {"add": ["w03"]} if method == "PATCH" else None
            assert other.request(method, url, json=body).status_code == 404, (method, url)
        assert "owned picks" not in [s["name"] for s in other.get("/api/sets").json()]
        assert owner.patch(path, json={"shared": True}).status_code == 200
        # shared: others read it, never change it
        assert other.get(path).json()["identifiers"] == ["w04"]
        assert other.patch(path, json={"add": ["w03"]}).status_code == 403
        assert other.delete(path).status_code == 403
        assert other.post("/sets/owned picks/delete", follow_redirects=False).status_code == 403
        taken = other.post("/api/sets", json={"name": "owned picks", "identifiers": ["w03"], "replace": True})
        assert taken.status_code == 403
        assert owner.get(path).json()["identifiers"] == ["w04"]
        assert admin.patch(path, json={"shared": False}).status_code == 200  # an admin may change any set
        assert other.get(path).status_code == 404
    finally:
        owner.delete(path)
    assert owner.get(path).status_code == 404
