"""Linking names to authorities (docs/reconcile.md).

Local authority files (`load_authority`, `Columns`), candidates with the features that explain
their calibrated score (`candidates`, `Query`, `Candidate`, `calibration.DEFAULT`), a client of W3C
reconciliation services (`RemoteService`), the collection served through the same API
(`service`); the `authority` agent is `vitrine.reconcile.agent.AuthorityAgent`.
"""

from vitrine.reconcile.authority import Authority, Columns, Entity, load_authority
from vitrine.reconcile.calibration import DEFAULT, Model, fit
from vitrine.reconcile.candidates import Candidate, Query, candidates
from vitrine.reconcile.remote import Manifest, RemoteCandidate, RemoteService

__all__ = [
    "DEFAULT",
    "Authority",
    "Candidate",
    "Columns",
    "Entity",
    "Manifest",
    "Model",
    "Query",
    "RemoteCandidate",
    "RemoteService",
    "candidates",
    "fit",
    "load_authority",
]
