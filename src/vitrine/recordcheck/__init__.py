"""Records that describe the same work, and records that contradict themselves.

| module | what |
|---|---|
| `features` | a record as compared: folded title and makers, years, dimensions in cm |
| `blocking` | candidate pairs without all pairs: shared title words and surnames, image neighbours |
| `score` | how alike two records are: title, maker, date, dimensions, image (rapidfuzz) |
| `makers` | one maker spelt several ways across the collection |
| `checks` | a date text that disagrees with the years; dimensions in mixed units |
| `find` | the collection-wide use cases: same-work pairs, maker variants |

The `records` agent (`vitrine.suggestions.consistency`) turns these into `duplicate` and
`inconsistency` suggestions; nothing here changes a record.
"""

from vitrine.recordcheck.checks import Inconsistency, check_record
from vitrine.recordcheck.find import Options, maker_variants, same_work_pairs
from vitrine.recordcheck.makers import MakerCluster, same_maker
from vitrine.recordcheck.score import PairScore, score_pair

__all__ = ["Inconsistency", "MakerCluster", "Options", "PairScore", "check_record", "maker_variants",
           "same_maker", "same_work_pairs", "score_pair"]
