"""What leaves vitrine: records, the audit trail and suggestions as CSV or JSON Lines; IIIF Presentation 3
documents with the suggestions as W3C Web Annotations (`annotations`).

Linked Art lands here beside them.
"""

from vitrine.exports.audit import AuditFilter, export_audit
from vitrine.exports.iiif import iiif_collection, manifest_url, record_manifest, record_manifest_of
from vitrine.exports.records import CORE_COLUMNS, csv_row, export_records

__all__ = [
    "CORE_COLUMNS", "AuditFilter", "csv_row", "export_audit", "export_records", "iiif_collection",
    "manifest_url", "record_manifest", "record_manifest_of",
]
