"""Linked Art documents checked against the model's JSON Schemas (../shared/data/linked-art-schema).

The schemas `$ref` each other by URL (`core.json#/$defs/...` under https://linked.art/api/1.0/schema/);
a `referencing` registry holds them all, so nothing is fetched. Formats are checked too: `uri`, and
`date-time` as the model defines it, xsd:dateTime (https://linked.art/model/base/#time-span-details),
whose years may be negative or longer than four digits, which RFC 3339 cannot say.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

_XSD_DATETIME = re.compile(
    r"-?(?:[1-9]\d{4,}|\d{4})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?")

Validate = Callable[[dict[str, Any]], None]


def _xsd_datetime(value: object) -> bool:
    return not isinstance(value, str) or _XSD_DATETIME.fullmatch(value) is not None


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme == "urn") and " " not in value


def schema_validators(schema_dir: Path) -> dict[str, Validate]:
    """validate(doc) for each Linked Art schema by type ("HumanMadeObject", "VisualItem"); each raises
    AssertionError listing every error, with where in the document it is."""
    jsonschema = pytest.importorskip("jsonschema", reason="needs jsonschema (the dev extra)")
    from referencing import Registry, Resource

    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir.glob("*.json")}
    registry: Any = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_xsd_datetime)
    checker.checks("uri")(_uri)

    def validator(stem: str) -> Validate:
        schema_validator = jsonschema.Draft202012Validator(schemas[stem], registry=registry,
                                                           format_checker=checker)

        def validate(doc: dict[str, Any]) -> None:
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
                      for e in schema_validator.iter_errors(doc)]
            assert not errors, "\n".join(errors)

        return validate

    return {"HumanMadeObject": validator("object"), "VisualItem": validator("image")}


def linked_art_schemas(shared_dir: Path) -> dict[str, Validate]:
    folder = shared_dir / "data" / "linked-art-schema"
    if not (folder / "core.json").is_file():
        pytest.skip(f"the Linked Art JSON Schemas are absent ({folder}): the shared data has no copy")
    return schema_validators(folder)


def validate_any(validators: dict[str, Validate], doc: dict[str, Any]) -> None:
    validators[doc["type"]](doc)
