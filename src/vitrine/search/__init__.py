"""Search: by image, by record, by text and browsing; relevance feedback; saved sets.

`core` holds the searches and their rankings, `feedback` re-ranks with works marked relevant and
not relevant, `sets` keeps a session's works under a name. The CLI and the web app call these.
"""

from vitrine.search.core import (
    MAX_PER_PAGE,
    SearchPage,
    TextMode,
    browse,
    facets,
    search_by_image,
    search_by_record,
    search_by_text,
)
from vitrine.search.feedback import DEFAULT_METHOD, METHODS, refine
from vitrine.search.sets import (
    OPERATOR,
    SavedSet,
    SetQuery,
    SetUser,
    delete_set,
    export_set,
    get_set,
    list_sets,
    save_set,
    session_set,
    set_image_ids,
    update_set,
)

__all__ = [
    "DEFAULT_METHOD",
    "MAX_PER_PAGE",
    "METHODS",
    "OPERATOR",
    "SavedSet",
    "SearchPage",
    "SetQuery",
    "SetUser",
    "TextMode",
    "browse",
    "delete_set",
    "export_set",
    "facets",
    "get_set",
    "list_sets",
    "refine",
    "save_set",
    "search_by_image",
    "search_by_record",
    "search_by_text",
    "session_set",
    "set_image_ids",
    "update_set",
]
