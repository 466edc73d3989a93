"""Named entities and dates in text: rules and gazetteers from the collection's own authority data,
spaCy pipelines, their combination, and HIPE-2022 files to measure them on (docs/entities.md).

Nothing heavy is imported here; spaCy loads when a pipeline is first used."""

from vitrine.entities.mentions import TYPES, Mention, combine

__all__ = ["TYPES", "Mention", "combine"]
