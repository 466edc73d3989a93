"""Local features (RootSIFT) and the visual-word index used for region and instance search."""

from vitrine.local.features import LocalFeatures, extract

__all__ = ["LocalFeatures", "extract"]
