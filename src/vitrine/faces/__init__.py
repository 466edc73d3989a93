"""Faces: detectors behind one seam (YuNet, dlib HOG, dlib MMOD), and the same sitter across a collection.

- `vitrine.faces.detectors`: `Detector`, `Face`, the `DETECTORS` registry, `create_detector`, `detect_image`.
- `vitrine.faces.models`: where the model files are looked for, and how to get them.
- `vitrine.faces.sitters`: 128-d descriptors kept under the collection, `index_faces`, `similar_faces`.

The "faces" suggestion agent (`vitrine.suggestions.faces`) proposes each detected face as a `face`
suggestion with its box; `vitrine faces index|similar` and `vitrine bench faces` use the rest.
"""
