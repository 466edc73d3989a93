"""The visitors' face: recognising a work in a gallery photo, and the opt-in, moderated visitor gallery."""

from vitrine.visitor.gallery import Gallery, GalleryEntry, open_gallery
from vitrine.visitor.recognize import Candidate, Recognition, recognize_photo
from vitrine.visitor.screening import Screener, Screening, create_screener

__all__ = [
    "Candidate", "Gallery", "GalleryEntry", "Recognition", "Screener", "Screening", "create_screener",
    "open_gallery", "recognize_photo",
]
