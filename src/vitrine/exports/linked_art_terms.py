"""The vocabulary Linked Art documents use: Getty AAT terms, as the Linked Art model lists them.

Every URI here comes from the model's required and recommended vocabulary
(https://linked.art/model/vocab/), except the two AI terms, which come from its section on the
provenance of statements (https://linked.art/model/assertion/). Local terms that have no AAT
match get an id minted under the web app's address (`local_id`).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

CONTEXT: Final = "https://linked.art/ns/v1/linked-art.json"
MEDIA_TYPE: Final = f'application/ld+json;profile="{CONTEXT}"'
AAT: Final = "http://vocab.getty.edu/aat/"
IIIF_PRESENTATION: Final = "http://iiif.io/api/presentation/"
IIIF_MEDIA_TYPE: Final = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'

# name -> (AAT number, label)
TERMS: Final[dict[str, tuple[str, str]]] = {
    "primary name": ("300404670", "Primary Name"),
    "display name": ("300404669", "Display Name"),
    "accession number": ("300312355", "Accession Number"),
    "system number": ("300435704", "System-Assigned Number"),
    "brief text": ("300418049", "Brief Text"),
    "type of work": ("300435443", "Type of Work"),
    "description": ("300435416", "Description"),
    "note": ("300027200", "Note"),
    "credit line": ("300026687", "Credit Line"),
    "dimensions statement": ("300435430", "Dimensions Statement"),
    "materials statement": ("300435429", "Materials Statement"),
    "inscription statement": ("300435414", "Inscription Statement"),
    "rights statement": ("300435434", "Rights Statement"),
    "digital image": ("300215302", "Digital Image"),
    "web page": ("300264578", "Web Page"),
    "ai generated content": ("300456841", "AI Generated Content"),
    "artificial intelligence": ("300456842", "Artificial Intelligence"),
}
#: statement kinds, each carrying the "brief text" meta-type as the model requires
STATEMENTS: Final = ("description", "note", "credit line", "dimensions statement", "materials statement",
                     "inscription statement", "rights statement")

#: the model's recommended object types, by lower-case name (a trailing plural "s" is dropped first)
OBJECT_TYPES: Final[dict[str, str]] = {
    "architecture": "300263552", "armor": "300036745", "book": "300028051", "clothing": "300266639",
    "coin": "300037222", "decorative arts": "300411641", "drawing": "300033973", "frame": "300404391",
    "furniture": "300037680", "jewelry": "300209286", "lithograph": "300041379",
    "manuscript": "300265483", "map": "300028094", "miniature": "300033936", "mosaic": "300015342",
    "musical instrument": "300041620", "painting": "300033618", "photograph": "300046300",
    "print": "300041273", "sculpture": "300047090", "stained glass": "300263722", "tapestry": "300205002",
}
#: the model's recommended materials, by the words a medium text uses for them
MATERIALS: Final[dict[str, tuple[str, str]]] = {
    "bone": ("300011798", "bone"), "bronze": ("300010957", "bronze"), "canvas": ("300014078", "canvas"),
    "chalk": ("300011727", "chalk"), "clay": ("300010439", "clay"), "copper": ("300011020", "copper"),
    "glass": ("300010797", "glass"), "gold leaf": ("300264831", "gold leaf"),
    "graphite": ("300011098", "graphite"), "ink": ("300015012", "ink"), "marble": ("300011443", "marble"),
    "metal": ("300010900", "metal"), "oak": ("300012264", "oak"), "oil": ("300015050", "oil paint"),
    "oil paint": ("300015050", "oil paint"), "paper": ("300014109", "paper"),
    "plaster": ("300014922", "plaster"), "silver": ("300011029", "silver"), "stone": ("300011176", "stone"),
    "tempera": ("300015062", "tempera"), "terracotta": ("300010669", "terracotta"),
    "watercolor": ("300015045", "watercolors"), "watercolour": ("300015045", "watercolors"),
    "wood": ("300011914", "wood"),
}
UNITS: Final[dict[str, tuple[str, str]]] = {
    "mm": ("300379097", "millimeters"), "cm": ("300379098", "centimeters"), "m": ("300379099", "meters"),
    "in": ("300379100", "inches"), "ft": ("300379101", "feet"), "g": ("300379225", "grams"),
    "kg": ("300379226", "kilograms"), "lb": ("300379254", "pounds"),
}
DIMENSIONS: Final[dict[str, tuple[str, str]]] = {
    "height": ("300055644", "Height"), "width": ("300055647", "Width"), "depth": ("300072633", "Depth"),
    "diameter": ("300055624", "Diameter"), "weight": ("300056240", "Weight"),
    "unknown": ("300055642", "Unknown Physical Dimension"),
}


def term(name: str) -> dict[str, Any]:
    """A reference to one of `TERMS`, as a Type."""
    number, label = TERMS[name]
    return {"id": AAT + number, "type": "Type", "_label": label}


def statement(kind: str, content: str, **extra: Any) -> dict[str, Any]:
    """An embedded statement (LinguisticObject) of one of `STATEMENTS`, classified with its meta-type."""
    number, label = TERMS[kind]
    kind_type = {"id": AAT + number, "type": "Type", "_label": label, "classified_as": [term("brief text")]}
    return {"type": "LinguisticObject", "content": content, "classified_as": [kind_type, *extra.pop(
        "classified_as", [])], **extra}


def name(content: str, kind: str) -> dict[str, Any]:
    return {"type": "Name", "content": content, "classified_as": [term(kind)]}


def local_id(base: str, *parts: str) -> str:
    """An id minted under the app's address for an entity no authority names (a local term, an account,
    an agent version): stable across records and exports of the same server."""
    return f"{base}/linked-art/" + "/".join(quote(p, safe="") for p in parts)


def object_type(base: str, text: str) -> dict[str, Any]:
    """The object's type of work: the model's AAT term when the text names one, else a local term."""
    key = " ".join(text.lower().split())
    number = OBJECT_TYPES.get(key) or OBJECT_TYPES.get(key.removesuffix("s"))
    uri = AAT + number if number else local_id(base, "concept", "object_type", key)
    return {"id": uri, "type": "Type", "_label": text, "classified_as": [term("type of work")]}
