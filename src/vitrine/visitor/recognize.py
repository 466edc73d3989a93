"""Recognise every collection work in a visitor's photo, verified with local features.

A phone photo shows the work in perspective, in its frame, on a wall, with glare and blur,
sometimes small, dim, behind another visitor, or beside other works. With a local index (the
default `Pipeline`, docs/recognition.md):

1. the photo's RootSIFT features (640 px, grey levels stretched when dim, a white veil of glare
   taken off), quantised;
2. `LocalIndex.find_works`: a bag-of-words shortlist, verified in order of an upper bound on the
   inliers (stopping when no candidate can win), each after a rotation-and-scale vote, with a
   RANSAC homography whose inliers count only inside the matched image (not on its frame); the
   best work's outline is cut out of the photo and the search runs again; a weak first look is
   looked at again with the photo sharpened (blur);
3. every work with at least `min_inliers` verified inliers, the one the visitor aimed at (largest
   and most central, `aim`) first; none is "no match", a normal result rather than an error.

`BASELINE` is the pipeline before issue 15 (global and bag-of-words shortlists, every candidate
verified, one work). A collection without a local index still gets an answer from the global
stage alone, accepted when its cosine reaches the embedder's `match_threshold`, and the result
says so (`method`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.collection import Collection
from vitrine.errors import RecognitionError
from vitrine.indexing import embed_query_image
from vitrine.records import Record, unit_score
from vitrine.visitor.enhance import fitted, sharpened, sharpness, stretch, unveiled

if TYPE_CHECKING:
    from vitrine.local.geometry import Verification
    from vitrine.local.index import LocalIndex

log = logging.getLogger(__name__)

Method = Literal["local", "global"]
Point = tuple[float, float]
#: verified inliers a match needs: above every threshold the recognition bench calibrated
#: (6-8 on public-art photos, 8 with the fitted-tail margin), for a margin (docs/recognition.md)
DEFAULT_MIN_INLIERS = 12
DEFAULT_CANDIDATES = 30
#: the photo's long side for feature extraction: phone photos are far bigger than needed (SIFT
#: doubles it for its first octave); 640 px recognised as much as 800 and 1024 px on photos of the
#: calibration seed, 2.4 times faster than 1024 (docs/recognition.md)
DEFAULT_QUERY_SIDE = 640
#: the most works reported in one photo (a wall seen whole)
DEFAULT_MAX_WORKS = 5
#: inliers this share of the matched image's side from its edges do not count: on the development
#: seed it took the photos of works not in the collection reaching 4 inliers from 36 of 145 to 8,
#: most of them matches on frames and borders (docs/recognition.md)
DEFAULT_MARGIN = 0.1
#: a first work with fewer inliers than the threshold (but `DEFAULT_AGREE_FROM` or more) is accepted
#: when the photo seen through its homography correlates with its image at least this much
#: (`visitor.agreement`); the recognition bench calibrates it on photos of works not in the collection
DEFAULT_AGREEMENT = 0.8
DEFAULT_AGREE_FROM = 5
#: a photo less sharp than this (`sharpness`) whose first look is weak or finds nothing gets the blurred
#: look (`Pipeline.blurred`): 93% of the development seed's blurred photos were under it, 0-7% of its
#: phone photos, 40% of its bare walls (docs/recognition.md)
DEFAULT_BLURRED = 0.02
#: the blurred look: the photo at this long side, sharpened, its strongest `DEFAULT_BLUR_FEATURES`
#: at SIFT's contrast threshold `_FAINT` (a blur's detail is gone at this size anyway, and one
#: extraction here costs a third of one at 640 px)
DEFAULT_BLUR_SIDE = 480
DEFAULT_BLUR_FEATURES = 500
_FAINT = 0.01
#: the most of a white veil (glare) `enhance.unveiled` takes off a photo before it is looked at
DEFAULT_UNVEIL = 0.7
#: the photo's features: the strongest this many, down to SIFT's contrast threshold at this (half its
#: default: with the number bounded, a photo rich in features keeps its strongest, and a faint one,
#: under glare or of a small work, gets more; docs/recognition.md)
DEFAULT_QUERY_FEATURES = 1000
DEFAULT_QUERY_CONTRAST = 0.02


@dataclass(frozen=True)
class Pipeline:
    """How the local stage works (docs/recognition.md has what each choice bought).

    query_side: the photo's long side for SIFT. global_candidates: images the global embedder
    shortlists (0: none; the bag-of-words shortlist finds the work, and the photo need not be
    embedded). shortlist: images the bag-of-words search shortlists. prune: verify in order of an
    upper bound on inliers and stop when no candidate left can win (`LocalIndex.find_works`);
    False: verify every shortlisted image (the pipeline before issue 15). max_works: works
    reported in one photo, found one after another. vote: before RANSAC, keep the tentative
    matches that agree on rotation and scale (`local.index.consistent`). stretch: spread the
    photo's grey levels over the whole range first (a dim photo has too little contrast for SIFT's
    fixed detection threshold). max_postings: inverted-file entries read at most, the rarest
    words' first (None: all); it only bites on large collections (docs/recognition.md).
    retry_side: when nothing is found, look again with the photo at this long side (a blurred
    photo's blur is smaller there); None: no second look. contrast: SIFT's contrast threshold
    (lower keeps the weaker features a blurred photo still has). margin: only inliers at least
    this share of the matched image's width and height from its edges count (an image that shows
    its frame, or a photo's frame matched to it, cannot make a match by its border alone).
    sharpen_retry: when the strongest work of the first look has at least 4 inliers but fewer than
    `retry_below`, look again at the photo unsharp-masked (`sharpened`) and keep the stronger look
    (a blurred photo's right work is found, but weakly; a photo with nothing like a collection work
    in it pays no second look).
    agreement: a first work with `agree_from` inliers or more but fewer than the threshold is
    accepted when the photo, warped through its homography, correlates with its image at least
    this much (`visitor.agreement`; a blurred photo's right work is found with a right homography
    but few inliers); None: never. sparse: with `sharpen_retry`, a first look that finds nothing
    at all is also looked at again sharpened when the photo gave fewer features than this (a
    blurred photo gives a few hundred); 0: never (the default: most photos of bare walls and of
    works not in the collection give under 1,000 too, and would pay a second look; these counts
    are at contrast 0.04, up to 2,000, as before session 8).
    blurred: with `sharpen_retry`, a photo whose `sharpness` is under this and whose first look is
    weak or finds nothing (in a photo with some feature: a flat one has nothing to sharpen) gets
    the blurred look instead of the sharpened one: the photo at
    `blur_side`, sharpened, its strongest `blur_features` features at a low contrast threshold
    (SIFT's is absolute, and a blurred photo of a dark work leaves few features above it, sometimes
    too few for any candidate); 0: never.
    unveil: before any look, the photo's white veil is taken off (`enhance.unveiled`), a veil of at
    most this: glare lifts a work's black and scales its contrast down, under SIFT's threshold
    where it is strong; 0: never.
    """

    query_side: int = DEFAULT_QUERY_SIDE
    global_candidates: int = 0
    shortlist: int = DEFAULT_CANDIDATES
    prune: bool = True
    max_works: int = DEFAULT_MAX_WORKS
    max_features: int = DEFAULT_QUERY_FEATURES
    vote: bool = True
    stretch: bool = True
    max_postings: int | None = 2_000_000
    retry_side: int | None = None
    contrast: float = DEFAULT_QUERY_CONTRAST
    margin: float = DEFAULT_MARGIN
    sharpen_retry: bool = True
    retry_below: int = DEFAULT_MIN_INLIERS
    agreement: float | None = DEFAULT_AGREEMENT
    agree_from: int = DEFAULT_AGREE_FROM
    sparse: int = 0
    blurred: float = DEFAULT_BLURRED
    blur_side: int = DEFAULT_BLUR_SIDE
    blur_features: int = DEFAULT_BLUR_FEATURES
    unveil: float = DEFAULT_UNVEIL


#: the default before the veil of glare was taken off and the threshold lowered (session 7's)
BLURRED = Pipeline(unveil=0.0, contrast=0.04, max_features=2000)
#: the default before the blurred photos' second look (session 6's)
AGREED = replace(BLURRED, blurred=0.0)
#: the default before the agreement rule (session 6's first part)
SHARPENED = replace(AGREED, agreement=None)
#: the default before the interior rule and the sharpened second look (session 5's)
PREVIOUS = replace(SHARPENED, margin=0.0, sharpen_retry=False)
#: the pipeline before issue 15: global and bag-of-words shortlists, every candidate verified
BASELINE = replace(PREVIOUS, query_side=1024, global_candidates=DEFAULT_CANDIDATES, prune=False, max_works=1,
                   vote=False, stretch=False, max_postings=None)
_REPORTED = 4  # verifications with fewer inliers are not worth reporting (a homography needs 4)
NO_LOCAL_INDEX = ("this collection has no local-feature index, so the photo was matched with the "
                  "global embedder only (less tolerant of perspective, frames and crops); build one "
                  "with 'vitrine regions index NAME'")


@dataclass(frozen=True)
class Timings:
    """Milliseconds spent in each stage (local is 0 when it did not run)."""

    global_ms: float
    local_ms: float

    @property
    def total_ms(self) -> float:
        return self.global_ms + self.local_ms


@dataclass(frozen=True)
class Candidate:
    """A shortlisted image and what each stage thought of it."""

    image_id: int
    similarity: float  # global cosine, 0 when only the bag-of-words search found it
    inliers: int = 0
    transform: NDArray[np.float64] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Found:
    """One work recognised in the photo: its image, the verified evidence and where it is.

    quad: the image's corners (top-left, top-right, bottom-right, bottom-left) in the photo's
    pixels (they may reach outside the photo). aim: how much the visitor aimed at it (its share
    of the photo, less for works off-centre); the list of works is sorted by it.
    """

    record: Record
    image_id: int
    inliers: int
    quad: tuple[Point, ...]
    aim: float
    coverage: float = 0.0  # share of a 4x4 grid over the photo holding its inliers
    agreement: float | None = None  # a weak first work's `visitor.agreement` (None: not computed)


@dataclass(frozen=True)
class Recognition:
    """The answer for one photo: a record, or `record is None` for "no match".

    quad: where the work is in the photo, its image's corners (top-left, top-right,
    bottom-right, bottom-left) in the photo's pixels; None when unknown (global method). It may
    reach outside the photo when part of the work was cut off.
    """

    record: Record | None
    image_id: int | None
    method: Method
    inliers: int
    similarity: float
    threshold: float
    quad: tuple[Point, ...] | None
    timings: Timings
    photo_size: tuple[int, int]
    candidates: list[Candidate] = field(default_factory=list)
    note: str | None = None
    works: list[Found] = field(default_factory=list)  # every work found, the aimed one first

    @property
    def matched(self) -> bool:
        return self.record is not None


# -- the use-case ----------------------------------------------------------------------------


def recognize_photo(
    collection: Collection, image: Image.Image, *, candidates: int = DEFAULT_CANDIDATES,
    min_inliers: int = DEFAULT_MIN_INLIERS, method: Method | None = None, bow: int | None = None,
    query_side: int | None = None, local: LocalIndex | None = None, pipeline: Pipeline | None = None,
    original_size: tuple[int, int] | None = None,
) -> Recognition:
    """Which records' images are in `image`, verified with local features when the collection has them.

    Args:
        candidates: images the global stage shortlists when it runs (method "global", or a
            pipeline with `global_candidates`).
        min_inliers: verified inliers needed to call it a match.
        method: "global" forces the global stage alone; None picks "local" when there is a
            local index, else "global".
        bow: images the bag-of-words search shortlists (default: the pipeline's).
        query_side: the photo's long side for feature extraction (default: the pipeline's).
        local: the local index to use instead of the collection's own (tests, benchmarks).
        pipeline: how the local stage works (`Pipeline`; `BASELINE` is the pipeline before issue 15).
        original_size: the size of the photo `image` was reduced from when decoding; quads come
            back in its pixels.
    """
    pipe = pipeline or Pipeline()
    pipe = replace(pipe, query_side=query_side or pipe.query_side,
                   shortlist=pipe.shortlist if bow is None else bow)
    if candidates < 1 or min_inliers < 1 or pipe.query_side < 64 or not 0 <= pipe.unveil < 1:
        raise RecognitionError("candidates and min_inliers must be 1 or more, query_side 64 or more, "
                               "unveil from 0 to under 1")
    if method != "global" and local is None:
        local = open_local(collection)
    if method == "local" and local is None:
        raise RecognitionError(NO_LOCAL_INDEX)
    started = time.perf_counter()
    wanted = candidates if method == "global" or local is None else pipe.global_candidates
    shortlist = _global_shortlist(collection, image.convert("RGB"), wanted) if wanted else []
    global_ms = (time.perf_counter() - started) * 1000
    if method == "global" or local is None:
        note = None if method == "global" else NO_LOCAL_INDEX
        return _global_decision(collection, image, shortlist, Timings(global_ms, 0.0), note)
    started = time.perf_counter()
    if pipe.prune:
        photo, side = image, max(pipe.query_side, pipe.retry_side or 0, pipe.blur_side)
        if max(image.size) > side:  # passed whole (CLI, bot): reduced as an upload is, to the largest look
            photo, original_size = fitted(image, side), original_size or image.size
        works = _find(collection, local, photo, pipe, min_inliers)
        timings = Timings(global_ms, (time.perf_counter() - started) * 1000)
        return _scaled(_works_answer(collection, photo, works, min_inliers, timings), original_size)
    verified = _verify(local, image, shortlist, pipe.shortlist, pipe.query_side)
    timings = Timings(global_ms, (time.perf_counter() - started) * 1000)
    return _scaled(_local_decision(collection, local, image, verified, min_inliers, timings), original_size)


def open_local(collection: Collection) -> LocalIndex | None:
    """The collection's local-feature index (loaded once, reloaded on change), or None without one."""
    from vitrine.errors import NoLocalIndex
    from vitrine.regions.search import has_local_index

    if not has_local_index(collection):
        return None
    try:
        return collection.local_index()
    except NoLocalIndex:  # started but not trained yet (too few images)
        return None


# -- stages ----------------------------------------------------------------------------------


def _global_shortlist(collection: Collection, photo: Image.Image, k: int) -> list[Candidate]:
    """The `k` images whose vectors are nearest the photo's, best first."""
    query = embed_query_image(collection, photo)
    scores, ids = collection.index.search(query[None, :], k)
    return [Candidate(int(i), unit_score(float(s))) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]


def _verify(local: LocalIndex, photo: Image.Image, shortlist: list[Candidate], bow: int,
            query_side: int) -> list[Candidate]:
    """The global shortlist plus the bag-of-words one, verified; most inliers first."""
    from vitrine.local.features import extract
    from vitrine.local.segments import quantise

    query = quantise(extract(photo.convert("RGB"), max_side=query_side), local.vocabulary)
    hits = []
    if bow > 0:
        hits = local.search(query, k=bow, shortlist=bow, model="homography", min_inliers=_REPORTED).hits
    similarity = {c.image_id: c.similarity for c in shortlist}
    rest = [i for i in similarity if i not in {h.image_id for h in hits}]
    hits += local.verify(query, rest, model="homography", min_inliers=_REPORTED)
    found = {h.image_id: h for h in hits}
    ids = list(dict.fromkeys([*similarity, *found]))
    out = [Candidate(i, similarity.get(i, 0.0), found[i].inliers if i in found else 0,
                     found[i].transform if i in found else None) for i in ids]
    out.sort(key=lambda c: (-c.inliers, -c.similarity))
    return out


def _find(collection: Collection, local: LocalIndex, photo: Image.Image, pipe: Pipeline,
          min_inliers: int) -> list[Found]:
    """Every work verified in the photo (`LocalIndex.find_works`), the aimed one first."""
    grey = stretch(photo.convert("L")) if pipe.stretch else photo
    looked = unveiled(grey, pipe.unveil) if pipe.unveil > 0 else grey
    hits = _looks(local, looked, pipe, min_inliers, grey)
    agreed = _agreement(collection, local, looked, hits[0], pipe) if _weak(hits, pipe, min_inliers) else None
    chosen = _strong(hits, min_inliers)
    if not chosen and agreed is not None and pipe.agreement is not None and agreed >= pipe.agreement:
        chosen = hits[:1]
    found = []
    for hit in chosen:
        record = _record_of(collection, hit.image_id)
        if record is not None:
            found.append(Found(record, hit.image_id, hit.inliers, hit.quad, aim(hit.quad, photo.size),
                               round(hit.coverage, 3), agreed if hit is hits[0] else None))
    found.sort(key=lambda f: -f.aim)
    return found


def _looks(local: LocalIndex, grey: Image.Image, pipe: Pipeline, min_inliers: int,
           measured: Image.Image) -> list[Verification]:
    """The works of the first look, and of a second one when it was weak: sharpened, or for a blurred
    photo the blurred look (`Pipeline.blurred`), which also looks again when the first found nothing.
    `measured`: the photo before its veil was taken off, which the blurred look gates on and looks at,
    as it was chosen: a veil taken off raises a blurred photo's `sharpness`, and its lifted light
    parts (walls) crowd the work's faint features out of the strongest `blur_features`."""
    hits, features = _look(local, grey, pipe, min_inliers, pipe.query_side)
    if pipe.retry_side is not None and not _strong(hits, min_inliers):
        hits, features = _look(local, grey, pipe, min_inliers, pipe.retry_side)
    if not pipe.sharpen_retry or (hits and hits[0].inliers >= pipe.retry_below):
        return hits
    if pipe.blurred > 0 and features > 0 and sharpness(measured) < pipe.blurred:
        again, _ = _look(local, sharpened(measured, pipe.blur_side), pipe, min_inliers, pipe.blur_side,
                         grey.size, faint=pipe.blur_features)
    elif hits or features < pipe.sparse:
        again, _ = _look(local, sharpened(grey, pipe.query_side), pipe, min_inliers, pipe.query_side,
                         grey.size)
    else:  # nothing like a work in a sharp photo: no second look
        return hits
    return merged_looks(hits, again)


def merged_looks(first: list[Verification], again: list[Verification]) -> list[Verification]:
    """Both looks' works, each with its stronger verification, strongest first: a wall whose first
    look found several works keeps them all when the sharpened look finds one of them stronger."""
    best = {hit.image_id: hit for hit in first}
    for hit in again:
        if hit.image_id not in best or hit.inliers > best[hit.image_id].inliers:
            best[hit.image_id] = hit
    return sorted(best.values(), key=lambda hit: -hit.inliers)


def _weak(hits: list[Verification], pipe: Pipeline, min_inliers: int) -> bool:
    """The first work is one the agreement rule looks at: too few inliers for a sure answer (under
    the threshold, or under `retry_below` when the threshold is lower: calibration sees it)."""
    return (pipe.agreement is not None and bool(hits)
            and pipe.agree_from <= hits[0].inliers < max(min_inliers, pipe.retry_below))


def _agreement(collection: Collection, local: LocalIndex, grey: Image.Image, hit: Verification,
               pipe: Pipeline) -> float | None:
    """`visitor.agreement` of the photo with the hit's image; None when its pixels cannot be read."""
    from vitrine.errors import VitrineError
    from vitrine.regions.groups import load_image
    from vitrine.visitor.agreement import agreement

    try:
        picture = load_image(collection, hit.image_id)
    except VitrineError as exc:
        log.warning("no agreement for image %s: %s", hit.image_id, exc)
        return None
    return agreement(grey, picture, hit.transform, local.image_size(hit.image_id))


def _look(local: LocalIndex, grey: Image.Image, pipe: Pipeline, min_inliers: int, side: int,
          size: tuple[int, int] | None = None, faint: int = 0) -> tuple[list[Verification], int]:
    """`find_works` on the photo's features at `side` px; keypoints in pixels of `size` (default:
    `grey`'s own). With `sharpen_retry`, a weak first work (4 inliers or more) is returned too.
    `faint`: the strongest this many features at the contrast threshold `_FAINT` instead of the
    pipeline's. Also the number of features the photo gave."""
    from vitrine.local.features import extract, rescale

    if faint:
        features = extract(grey, max_side=side, max_features=faint, contrast=_FAINT)
    else:
        features = extract(grey, max_side=side, max_features=pipe.max_features, contrast=pipe.contrast)
    if size is not None:
        features = rescale(features, size)
    return local.find_works(features, min_inliers=min_inliers, max_works=pipe.max_works,
                            shortlist=pipe.shortlist, prune=True, vote=pipe.vote,
                            max_postings=pipe.max_postings, margin=pipe.margin,
                            weak=_REPORTED if pipe.sharpen_retry else None), len(features)


def _strong(hits: list[Verification], min_inliers: int) -> list[Verification]:
    return [h for h in hits if h.inliers >= min_inliers]


def aim(quad: Sequence[Point], size: tuple[int, int]) -> float:
    """How much a visitor aimed at the work at `quad`: the share of the photo it fills (clipped to
    the photo), halved as its centre moves from the photo's centre to a corner."""
    w, h = size
    xy = np.array(quad, np.float64)
    clipped = np.clip(xy, [0, 0], [w, h])
    x, y = clipped[:, 0], clipped[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
    centre = xy.mean(axis=0)
    off = float(np.hypot(centre[0] - w / 2, centre[1] - h / 2) / max(np.hypot(w / 2, h / 2), 1e-9))
    return round(area / max(w * h, 1) * (1 - 0.5 * min(off, 1.0)), 4)


def _works_answer(collection: Collection, photo: Image.Image, works: list[Found], min_inliers: int,
                  timings: Timings) -> Recognition:
    first = works[0] if works else None
    return Recognition(
        record=first.record if first else None, image_id=first.image_id if first else None,
        method="local", inliers=first.inliers if first else 0, similarity=0.0,
        threshold=float(min_inliers), quad=first.quad if first else None, timings=timings,
        photo_size=photo.size, works=works)


def _scaled(result: Recognition, original: tuple[int, int] | None) -> Recognition:
    """The result with its quads in the pixels of the photo the image was reduced from."""
    if original is None or tuple(original) == tuple(result.photo_size):
        return result
    sx, sy = original[0] / result.photo_size[0], original[1] / result.photo_size[1]

    def grow(quad: tuple[Point, ...] | None) -> tuple[Point, ...] | None:
        return None if quad is None else tuple((round(x * sx, 1), round(y * sy, 1)) for x, y in quad)

    works = [replace(f, quad=grow(f.quad) or f.quad) for f in result.works]
    return replace(result, quad=grow(result.quad), photo_size=tuple(original), works=works)  # type: ignore[arg-type]


def _local_decision(collection: Collection, local: LocalIndex, photo: Image.Image,
                    verified: list[Candidate], min_inliers: int, timings: Timings) -> Recognition:
    best = verified[0] if verified else None
    if best is None or best.inliers < min_inliers:
        return _answer(collection, photo, None, "local", best, float(min_inliers), None, timings, verified)
    quad = _quad(local.image_size(best.image_id), best.transform)
    result = _answer(collection, photo, best.image_id, "local", best, float(min_inliers), quad, timings,
                     verified)
    if result.record is None or result.image_id is None or quad is None:
        return result
    return replace(result, works=[Found(result.record, result.image_id, result.inliers, quad,
                                        aim(quad, photo.size))])


def _global_decision(collection: Collection, photo: Image.Image, shortlist: list[Candidate],
                     timings: Timings, note: str | None) -> Recognition:
    from vitrine.search.core import match_threshold

    threshold = match_threshold(collection)
    best = shortlist[0] if shortlist else None
    threshold = 0.0 if threshold is None else threshold
    image_id = best.image_id if best is not None and best.similarity >= threshold else None
    return _answer(collection, photo, image_id, "global", best, threshold, None, timings, shortlist, note)


def _answer(collection: Collection, photo: Image.Image, image_id: int | None, method: Method,
            best: Candidate | None, threshold: float, quad: tuple[Point, ...] | None, timings: Timings,
            candidates: list[Candidate], note: str | None = None) -> Recognition:
    record = _record_of(collection, image_id) if image_id is not None else None
    if record is None:
        image_id, quad = None, None
    return Recognition(
        record=record, image_id=image_id, method=method, inliers=best.inliers if best else 0,
        similarity=best.similarity if best else 0.0, threshold=threshold, quad=quad, timings=timings,
        photo_size=photo.size, candidates=candidates, note=note)


def _record_of(collection: Collection, image_id: int) -> Record | None:
    """The record holding this image (None when it was deleted since indexing)."""
    stored = collection.catalog.images_by_id([image_id]).get(image_id)
    if stored is None:
        return None
    return collection.catalog.get_many([stored.record_id]).get(stored.record_id)


def _quad(size: tuple[int, int], transform: NDArray[np.float64] | None) -> tuple[Point, ...] | None:
    """The matched image's corners mapped into the photo (the inverse of photo -> image)."""
    from vitrine.local.index import photo_quad

    return None if transform is None else photo_quad(size, transform)
