"""The collection-wide checks as use cases: same-work pairs and maker spelling variants.

`same_work_pairs` scores the candidate pairs (blocking, never all pairs) and keeps those from
`min_similarity`; `maker_variants` clusters the maker names the collection uses. Both take plain
records (id -> Record), so a benchmark can run them on a CSV without a catalogue;
`collection_records` reads them from a collection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from vitrine.collection import Collection
from vitrine.recordcheck.blocking import MAX_BLOCK, MIN_SHARED, text_candidates
from vitrine.recordcheck.features import Features, features_of, maker_name
from vitrine.recordcheck.makers import MakerCluster, cluster_makers
from vitrine.recordcheck.score import MIN_SIMILARITY, PairScore, score_pair
from vitrine.records import Record


@dataclass(frozen=True)
class Options:
    """How candidates are found and kept."""

    min_similarity: float = MIN_SIMILARITY
    max_block: int = MAX_BLOCK
    min_shared: int = MIN_SHARED


def collection_records(collection: Collection, batch: int = 1000) -> dict[int, Record]:
    """Every record of the collection by internal id."""
    catalog = collection.catalog
    out: dict[int, Record] = {}
    after = 0
    while page := catalog.record_hashes(after, batch):
        out.update(catalog.get_many(rid for rid, _ in page))
        after = page[-1][0]
    return out


def candidates(features: Mapping[int, Features], image_links: Mapping[tuple[int, int], float],
               options: Options = Options()) -> set[tuple[int, int]]:
    """Record pairs (a < b) worth scoring: text blocking joined with the image links."""
    pairs = text_candidates(list(features.values()), max_block=options.max_block,
                            min_shared=options.min_shared)
    found = {(int(a), int(b)) for a, b in pairs.tolist()}
    return found | {p for p in image_links if p[0] in features and p[1] in features}


def same_work_pairs(records: Mapping[int, Record], image_links: Mapping[tuple[int, int], float] | None = None,
                    options: Options = Options()) -> list[PairScore]:
    """Scored candidate pairs at or above `options.min_similarity`, most alike first."""
    links = dict(image_links or {})
    features = {rid: features_of(rid, r) for rid, r in records.items()}
    scored = (score_pair(features[a], features[b], links.get((a, b)))
              for a, b in candidates(features, links, options))
    kept = [s for s in scored if s.similarity >= options.min_similarity]
    return sorted(kept, key=lambda s: (-s.similarity, s.a, s.b))


def maker_variants(records: Mapping[int, Record]) -> list[MakerCluster]:
    """Maker names used on the records that are one maker spelt several ways."""
    counts: Counter[str] = Counter()
    spans: dict[str, tuple[int, int]] = {}
    for record in records.values():
        for name in dict.fromkeys(c.strip() for c in record.creators if c and c.strip()):
            counts[name] += 1
            years = [y for y in (record.year_min, record.year_max) if y is not None]
            if years:
                low, high = spans.get(name, (min(years), max(years)))
                spans[name] = (min(low, *years), max(high, *years))
    fold = {name: maker_name(name) for name in counts}
    known = {name: n for name, n in counts.items() if fold[name]}
    return cluster_makers(known, spans, fold)
