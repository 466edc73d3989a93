"""Local features (RootSIFT) and the visual-word index used for region and instance search.

    from vitrine.local import extract, open_local_index
    index = open_local_index(collection.root)        # <collection>/local/
    hits = index.verify(extract(photo), candidate_image_ids, model="homography")
    result = index.search(extract(photo), box=(x0, y0, x1, y1), k=20)   # .candidates, .hits

Keypoints and every returned region are in source-image pixels.
"""

from vitrine.local.features import LocalFeatures, extract
from vitrine.local.geometry import Verification
from vitrine.local.index import LocalIndex, SearchResult, open_local_index

__all__ = ["LocalFeatures", "LocalIndex", "SearchResult", "Verification", "extract", "open_local_index"]
