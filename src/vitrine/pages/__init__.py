"""Illustrations and text blocks in printed pages (docs/pages.md)."""
