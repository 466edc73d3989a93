"""Living portraits: a short, watermarked animation of a portrait's face, kept beside its image.

- `vitrine.living.landmarks`: the 68 landmarks (dlib's HOG detector and 68-point predictor; a fake).
- `vitrine.living.motion`: the motion template (blink, glance, slight turn, smile, speech).
- `vitrine.living.speech`: the label read aloud by espeak-ng, and the mouth's openness from it.
- `vitrine.living.warp`: the piecewise-affine warp over the landmarks' Delaunay triangles (OpenCV).
- `vitrine.living.render`: frames, the MACHINE-ANIMATED watermark, MP4 (PyAV) and WebP (Pillow).
- `vitrine.living.store`: derivatives under `COLLECTION/living/`, the works allowed publicly.
- `vitrine.living.make`: the use case, `make_living` (and `make_allowed`).

See docs/living.md.
"""
