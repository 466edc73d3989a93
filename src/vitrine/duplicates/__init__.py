"""Near-duplicate images: candidates from the vector index, checked geometrically, grouped, and
saved as a report.

`find` finds and groups pairs, `check` verifies a pair on thumbnails, `report` stores the result.
"""

from vitrine.duplicates.find import (
    DuplicateMatch,
    duplicates_of,
    find_duplicates,
)
from vitrine.duplicates.report import DuplicateReport, Group, Member, Pair, load_report, stale_reason

__all__ = [
    "DuplicateMatch",
    "DuplicateReport",
    "Group",
    "Member",
    "Pair",
    "duplicates_of",
    "find_duplicates",
    "load_report",
    "stale_reason",
]
