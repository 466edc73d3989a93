"""Fixtures of the page tests: a collection of drawn printed pages (`pagedraw`)."""

from pagedraw import page_collection

__all__ = ["page_collection"]
