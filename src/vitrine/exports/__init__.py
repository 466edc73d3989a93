"""What leaves vitrine: records as CSV or JSON Lines, and IIIF Presentation 3 documents.

IIIF annotations and Linked Art land here beside them.
"""

from vitrine.exports.iiif import iiif_collection, manifest_url, record_manifest
from vitrine.exports.records import CORE_COLUMNS, csv_row, export_records

__all__ = ["CORE_COLUMNS", "csv_row", "export_records", "iiif_collection", "manifest_url", "record_manifest"]
