"""The records agent: records that describe the same work, and records that contradict themselves.

Before the first record (`prepare`) it looks at the whole collection once: candidate pairs from
shared title words and maker surnames and from the images' near-duplicate links (the saved report
and the vector index's neighbours), never all pairs; each scored on title, maker, date,
dimensions and image agreement (`vitrine.recordcheck`). Then for each record it proposes:

- `duplicate` {identifier: the other record, similarity, reason}, from `min_similarity`. A pair
  is proposed once, on the later record (higher id) naming the earlier one. Accepting it records
  the cataloguer's judgement; nothing is merged.
- `inconsistency` {fields, message}: a date text that reads otherwise than the record's years,
  dimensions in mixed units, and a maker name that is a variant spelling of one other records
  use more often ("Rembrandt Harmensz. van Rijn" where most say "Rembrandt van Rijn"): scored 0.8
  for a spelling (initials, order, a slip), 0.4 where one name only adds given names, which is
  as often a relative (Jan Baptist Weenix, father of Jan Weenix).

Where the agent runs without a collection (no `prepare`), only the record's own checks run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from vitrine.collection import Collection
from vitrine.errors import SuggestionError
from vitrine.recordcheck.blocking import MAX_BLOCK, MIN_SHARED, image_candidates
from vitrine.recordcheck.checks import check_record
from vitrine.recordcheck.find import Options, collection_records, maker_variants, same_work_pairs
from vitrine.recordcheck.makers import SPELLING, MakerCluster
from vitrine.recordcheck.score import MIN_SIMILARITY
from vitrine.records import Record
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal

#: bump whenever a rule in `vitrine.recordcheck` changes what is proposed
RULES_VERSION = "1"


class RecordsAgent(Agent):
    """Proposes same-work pairs (`duplicate`) and self-contradictions (`inconsistency`)."""

    name = "records"
    target = "record"
    kinds = ("duplicate", "inconsistency")

    def __init__(self, min_similarity: float = MIN_SIMILARITY, max_block: int = MAX_BLOCK,
                 min_shared: int = MIN_SHARED, images: bool = True, makers: bool = True) -> None:
        if isinstance(min_similarity, bool) or not isinstance(min_similarity, (int, float)) \
                or not 0 <= min_similarity <= 1:
            raise SuggestionError(f"min_similarity is a number from 0 to 1, not {min_similarity!r}")
        for key, value, low in (("max_block", max_block, 2), ("min_shared", min_shared, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10_000:
                raise SuggestionError(f"{key} is a whole number from {low} to 10000, not {value!r}")
        self.options = Options(float(min_similarity), max_block, min_shared)
        self.images = bool(images)
        self.makers = bool(makers)
        self._found: dict[int, list[Proposal]] = defaultdict(list)

    def info(self) -> AgentInfo:
        options = self.options
        return AgentInfo(name=self.name, software="vitrine.suggestions.consistency", model="rules+rapidfuzz",
                         model_version=RULES_VERSION, parameters={
                             "min_similarity": options.min_similarity, "max_block": options.max_block,
                             "min_shared": options.min_shared, "images": self.images, "makers": self.makers})

    def prepare(self, collection: Collection) -> None:
        records = collection_records(collection)
        links = image_candidates(collection) if self.images else {}
        self._found = defaultdict(list)
        for pair in same_work_pairs(records, links, self.options):
            self._found[pair.b].append(Proposal("duplicate", {
                "identifier": records[pair.a].identifier, "similarity": pair.similarity,
                "reason": pair.reason()}, score=pair.similarity))
        if self.makers:
            self._add_maker_variants(records)

    def _add_maker_variants(self, records: dict[int, Record]) -> None:
        variants = {name: cluster for cluster in maker_variants(records) for name in cluster.variants}
        for rid, record in records.items():
            for name in dict.fromkeys(record.creators):
                cluster = variants.get(name)
                if cluster is None:
                    continue
                self._found[rid].append(Proposal("inconsistency", {
                    "fields": ["creators"], "message": _maker_message(name, cluster)},
                    score=cluster.scores[name]))

    def suggest(self, item: Item) -> Iterator[Proposal]:
        yield from self._found.get(item.record_id, ())
        for found in check_record(item.record):
            yield Proposal("inconsistency", {"fields": list(found.fields), "message": found.message},
                           score=found.score)


def _maker_message(name: str, cluster: MakerCluster) -> str:
    others = ", ".join(f"{v!r}" for v in cluster.variants if v != name)
    text = (f"the maker {name!r} is written {cluster.preferred!r} on {cluster.counts[cluster.preferred]} "
            f"other records" + (f" (other spellings: {others})" if others else ""))
    if cluster.scores[name] < SPELLING:
        text += "; one name has given names the other lacks: check it is not a relative"
    return text
