"""What leaves vitrine: records, the audit trail and suggestions as CSV or JSON Lines; IIIF Presentation 3
documents.

IIIF annotations and Linked Art land here beside them.
"""

from vitrine.exports.audit import AuditFilter, export_audit
from vitrine.exports.iiif import iiif_collection, manifest_url, record_manifest
from vitrine.exports.records import CORE_COLUMNS, csv_row, export_records

__all__ = [
    "CORE_COLUMNS", "AuditFilter", "csv_row", "export_audit", "export_records", "iiif_collection",
    "manifest_url", "record_manifest",
]
