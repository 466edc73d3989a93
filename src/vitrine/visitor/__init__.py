"""The visitors' face: recognising a work in a gallery photo, and the opt-in visitor gallery."""

from vitrine.visitor.gallery import Gallery, GalleryEntry
from vitrine.visitor.recognize import Candidate, Recognition, recognize_photo

__all__ = ["Candidate", "Gallery", "GalleryEntry", "Recognition", "recognize_photo"]
