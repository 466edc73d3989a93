"""The similarity map: a 2D layout of every indexed image, stored with the collection.

build_map lays the vectors out (PCA then UMAP, or PCA alone) and writes thumbnail atlases;
update_map places images indexed since without moving the others; map_colors and the selection
functions serve the web page, the API and the CLI alike.
"""

from vitrine.errors import LayoutError, MapNotBuilt, MapQueryError, MapStale
from vitrine.maps.build import BuildReport, MapStatus, UpdateReport, build_map, map_status, update_map
from vitrine.maps.colors import Coloring, FieldInfo, map_colors, map_fields, point_records
from vitrine.maps.layout import LAYOUTS, Layout, create_layout
from vitrine.maps.selection import FORMATS, SelectedWork, export_selection, parse_ids, selected_works
from vitrine.maps.store import MapData, MapMeta, has_map, load_map

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "BuildReport",
    "Coloring",
    "FieldInfo",
    "Layout",
    "LayoutError",
    "MapData",
    "MapMeta",
    "MapNotBuilt",
    "MapQueryError",
    "MapStale",
    "MapStatus",
    "SelectedWork",
    "UpdateReport",
    "build_map",
    "create_layout",
    "export_selection",
    "has_map",
    "load_map",
    "map_colors",
    "map_fields",
    "map_status",
    "parse_ids",
    "point_records",
    "selected_works",
    "update_map",
]
