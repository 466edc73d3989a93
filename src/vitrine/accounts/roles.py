"""Roles and what each may do: one table, read by the web layer's permission dependencies.

| role | may |
|---|---|
| admin | everything: accounts, settings, the audit trail, and what every other role may do |
| editor | cataloguing: review suggestions, edit records, run imports and jobs; read everything |
| moderator | the visitor gallery: approve and reject photos; read everything |
| researcher | saved sets of their own (private by default, shareable); read everything |
| anonymous | the visitor pages; read-only search and records when the collection is public |
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff account's role (one per account)."""

    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"
    RESEARCHER = "researcher"


class Permission(StrEnum):
    """What a route may require."""

    VISIT = "visit"  # the visitor pages: share a photo, the public gallery
    READ = "read"  # search, records, map, duplicates, regions
    KEEP_SETS = "keep_sets"  # saved sets of one's own
    MODERATE = "moderate"  # the visitor gallery's queue
    CATALOGUE = "catalogue"  # review suggestions, edit records, run imports and jobs
    ADMINISTER = "administer"  # accounts, settings, the audit trail


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset({Permission.VISIT, Permission.READ, Permission.KEEP_SETS, Permission.CATALOGUE}),
    Role.MODERATOR: frozenset({Permission.VISIT, Permission.READ, Permission.KEEP_SETS, Permission.MODERATE}),
    Role.RESEARCHER: frozenset({Permission.VISIT, Permission.READ, Permission.KEEP_SETS}),
}

#: what anonymous users get for each `Settings.web.anonymous` value
ANONYMOUS: dict[str, frozenset[Permission]] = {
    "read": frozenset({Permission.VISIT, Permission.READ}),
    "visitor": frozenset({Permission.VISIT}),
    "none": frozenset(),
}

#: API token scopes, and what a token of each scope may do (never more than its owner's role)
SCOPES: dict[str, frozenset[Permission]] = {
    "read": frozenset({Permission.VISIT, Permission.READ}),
    "edit": frozenset({Permission.VISIT, Permission.READ, Permission.KEEP_SETS, Permission.MODERATE,
                       Permission.CATALOGUE}),
    "admin": frozenset(Permission),
}


def parse_role(text: str) -> Role:
    """The role named `text`; a clear error listing the roles otherwise."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise ValueError(f"unknown role {text!r}: use {', '.join(r.value for r in Role)}") from None
