"""Candidate pairs of records without comparing all pairs (blocking).

Two sources, joined:
- text: an inverted index from blocking keys (the words of the folded title, each maker's
  surname, each surname joined with each title word, the whole title) to records; a pair is a
  candidate when it shares a surname and a title word, the whole title, or at least `min_shared`
  title words.
  Keys held by more than `max_block` records (a common word, a prolific maker) are skipped: they
  would pair nearly everything and tell nothing. The cost is the sum of the kept blocks' squares,
  bounded by n * keys * max_block, never n^2.
- images: the pairs of the saved near-duplicate report, and the k nearest neighbours of every
  indexed image in the collection's vector index (`vitrine.duplicates.knn_pairs`), mapped from
  images to records, with their cosine.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.recordcheck.features import PARTICLES, Features

log = logging.getLogger(__name__)

MAX_BLOCK = 50
MIN_SHARED = 2


def blocking_keys(features: Features) -> set[str]:
    """Title words, the whole title, maker surnames ("m:rijn") and each surname with each title
    word ("c:rijn:nightwatch": small blocks even for a prolific maker): a record's blocking keys."""
    keys = {f"t:{w}" for w in features.tokens}
    if features.tokens:
        keys.add(f"f:{features.title}")
    for maker in features.makers:
        words = [w for w in maker.split() if w not in PARTICLES]
        if words:
            keys.add(f"m:{words[-1]}")
            keys.update(f"c:{words[-1]}:{w}" for w in features.tokens)
    return keys


def text_candidates(records: Sequence[Features], *, max_block: int = MAX_BLOCK,
                    min_shared: int = MIN_SHARED) -> NDArray[np.int64]:
    """(m, 2) record-id pairs (a < b) that share a maker's surname and a title word, the whole
    title, or at least `min_shared` title words."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for f in records:
        for key in blocking_keys(f):
            blocks[key].append(f.record_id)
    top = max((f.record_id for f in records), default=0) + 1
    titles, makers = _pair_codes(blocks, "t:", max_block, top), _pair_codes(blocks, "m:", max_block, top)
    both = np.concatenate([_pair_codes(blocks, kind, max_block, top) for kind in ("c:", "f:")])
    words, counts = np.unique(titles, return_counts=True)
    kept = np.union1d(np.union1d(words[counts >= min_shared], np.unique(both)), np.intersect1d(words, makers))
    return np.stack([kept // top, kept % top], axis=1).astype(np.int64)


def _pair_codes(blocks: Mapping[str, list[int]], kind: str, max_block: int, top: int) -> NDArray[np.int64]:
    """Every pair within each kept block of one kind, coded a * top + b (a < b)."""
    codes = [np.zeros(0, np.int64)]
    for key, members in blocks.items():
        if key.startswith(kind) and 2 <= len(members) <= max_block:
            ids = np.asarray(sorted(members), np.int64)
            rows, cols = np.triu_indices(len(ids), k=1)
            codes.append(ids[rows] * top + ids[cols])
    return np.concatenate(codes)


def image_candidates(collection: Collection, *, k: int = 10,
                     threshold: float | None = None) -> dict[tuple[int, int], float]:
    """Record pairs (a < b) whose images are near-duplicates, with their best cosine: the saved
    report's pairs (checked geometrically) and the vector index's k nearest neighbours."""
    from vitrine.duplicates.find import knn_pairs, thresholds_for
    from vitrine.duplicates.report import load_report

    catalog = collection.catalog
    image_pairs: list[tuple[int, int, float]] = []
    report = load_report(collection)
    if report is not None:
        image_pairs += [(p.a, p.b, p.score) for g in report.groups for p in g.pairs]
    key = collection.vectors_key
    ids = catalog.embedded_image_ids(key) if key else np.zeros(0, np.int64)
    if ids.size:
        cut = thresholds_for(collection).threshold if threshold is None else threshold
        pairs, scores = knn_pairs(collection.index, ids, k=k, threshold=cut)
        image_pairs += [(a, b, float(s)) for (a, b), s in zip(pairs.tolist(), scores.tolist(), strict=True)]
    owners = {i: img.record_id for i, img in
              catalog.images_by_id({i for a, b, _ in image_pairs for i in (a, b)}).items()}
    return record_pairs(image_pairs, owners)


def record_pairs(image_pairs: Iterable[tuple[int, int, float]],
                 owners: Mapping[int, int]) -> dict[tuple[int, int], float]:
    """Image pairs as record pairs (a < b), each with its best score; a record's own images dropped."""
    out: dict[tuple[int, int], float] = {}
    for a, b, score in image_pairs:
        ra, rb = owners.get(a), owners.get(b)
        if ra is None or rb is None or ra == rb:
            continue
        pair = (min(ra, rb), max(ra, rb))
        out[pair] = max(out.get(pair, -1.0), float(score))
    return out
