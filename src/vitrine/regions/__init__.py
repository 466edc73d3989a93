"""Region and instance search: local features of every image, a box or an image as the query,
and groups of images that share a region (reused woodcut blocks, copies of a detail).

`search` builds the local-feature index and answers queries; `groups` finds regions shared across
images. The index itself lives in `vitrine.local`.
"""

from vitrine.regions.groups import GroupMember, find_region_groups, write_contact_sheets
from vitrine.regions.search import (
    RegionHit,
    RegionIndexReport,
    RegionResults,
    has_local_index,
    index_regions,
    search_regions_by_box,
    search_regions_by_image,
)

__all__ = [
    "GroupMember",
    "RegionHit",
    "RegionIndexReport",
    "RegionResults",
    "find_region_groups",
    "has_local_index",
    "index_regions",
    "search_regions_by_box",
    "search_regions_by_image",
    "write_contact_sheets",
]
