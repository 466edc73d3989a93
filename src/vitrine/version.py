"""vitrine's version, in a leaf module so any part may name it (an agent's provenance, an export)
without importing the package's public API."""

__version__ = "0.1.0"
