"""The same sitter across a collection: dlib's 128-d face descriptors, and the nearest faces to one.

`index_faces` detects the faces of every image of a collection, describes each with dlib's ResNet
descriptor (`dlib_face_recognition_resnet_model_v1.dat`, aligned with the 5-point landmarks, both
from `face-recognition-models`) and keeps them in `faces/descriptors.npz` under the collection
folder, keyed by image SHA-256 and box (image pixels), written atomically. It resumes: images
already described by the same detector and models are not looked at again; another detector or
model starts the file afresh. `similar_faces` answers "other portraits of this sitter": for each
face of an image, the nearest faces of other images by Euclidean distance; dlib's own threshold
for "the same person" is 0.6 (99.38% on LFW, photographs: painted faces are harder).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vitrine.errors import FaceSearchError, ImageError
from vitrine.faces import models
from vitrine.faces.detectors import Detector, Face, create_detector, prepare
from vitrine.fsutil import atomic_path
from vitrine.images import read_image
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.lazy import LazyLoaded
from vitrine.locking import writes

if TYPE_CHECKING:
    from vitrine.collection import Collection

DESCRIPTORS = Path("faces") / "descriptors.npz"
SAME_SITTER = 0.6
LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
DESCRIPTOR_FILE = "dlib_face_recognition_resnet_model_v1.dat"
_SAVE_EVERY = 200


class Describer(LazyLoaded):
    """dlib's face descriptor: 5 landmarks align the face, a ResNet maps it to 128 numbers."""

    def __init__(self) -> None:
        super().__init__()
        self._shape: Any = None
        self._net: Any = None

    def key(self) -> str:
        """The digests of both model files (an AgentError naming them when they are not installed)."""
        from vitrine.suggestions.agents import file_sha256

        return ":".join(
            file_sha256(models.dlib_model(name), what=f"dlib model {name}", hint=models.DLIB_HINT)[:16]
            for name in (LANDMARKS_FILE, DESCRIPTOR_FILE))

    def load(self) -> None:
        dlib: Any = models.require_dlib()
        self._shape = dlib.shape_predictor(str(models.dlib_model(LANDMARKS_FILE)))
        self._net = dlib.face_recognition_model_v1(str(models.dlib_model(DESCRIPTOR_FILE)))

    def describe(self, rgb: np.ndarray, faces: list[Face]) -> np.ndarray:
        """One 128-d descriptor per face (boxes in `rgb`'s pixels), float32, n x 128."""
        self._ensure_loaded()
        dlib: Any = models.require_dlib()
        out = np.zeros((len(faces), 128), np.float32)
        for row, face in enumerate(faces):
            x, y, w, h = face.box
            shape = self._shape(rgb, dlib.rectangle(x, y, x + w, y + h))
            out[row] = np.asarray(self._net.compute_face_descriptor(rgb, shape), np.float32)
        return out


@dataclass
class FaceIndex:
    """Every face described so far: image SHA-256, box (image pixels), score and descriptor per face."""

    key: str
    seen: set[str] = field(default_factory=set)
    shas: list[str] = field(default_factory=list)
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    _stacked: tuple[np.ndarray, np.ndarray] | None = field(
        default=None, init=False, repr=False, compare=False)

    def add(self, sha: str, faces: list[Face], vectors: np.ndarray) -> None:
        self._stacked = None
        self.seen.add(sha)
        for face, vector in zip(faces, vectors, strict=True):
            self.shas.append(sha)
            self.boxes.append(face.box)
            self.scores.append(face.score)
            self.vectors.append(vector)

    def matrix(self) -> np.ndarray:
        return self._arrays()[0]

    def rows_of(self, sha: str) -> np.ndarray:
        """The rows (faces) of the image whose SHA-256 is `sha`."""
        return np.flatnonzero(self._arrays()[1] == sha)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The descriptors stacked and the face's image checksums, made once until a face is added."""
        if self._stacked is None:
            matrix = np.stack(self.vectors) if self.vectors else np.zeros((0, 128), np.float32)
            self._stacked = (matrix, np.asarray(self.shas, dtype="U64"))
        return self._stacked

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = json.dumps({"key": self.key, "seen": sorted(self.seen)})
        with atomic_path(path) as tmp, tmp.open("wb") as handle:
            np.savez(handle, meta=np.array(meta), shas=np.array(self.shas, dtype="U64"),
                     boxes=np.array(self.boxes, np.int32).reshape(-1, 4),
                     scores=np.array(self.scores, np.float32), vectors=self.matrix())

    @classmethod
    def load(cls, path: Path) -> FaceIndex | None:
        """The saved index, or None when there is none (an unreadable file: FaceSearchError)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
                return cls(meta["key"], set(meta["seen"]), [str(s) for s in npz["shas"]],
                           [(int(a), int(b), int(c), int(d)) for a, b, c, d in npz["boxes"]],
                           [float(s) for s in npz["scores"]], list(npz["vectors"]))
        except (ValueError, KeyError, OSError) as exc:
            raise FaceSearchError(
                f"the face index {path} is unreadable ({exc}); delete it and index again") from None


@dataclass(frozen=True)
class IndexReport:
    detector: str
    images: int
    described: int
    failed: int
    faces: int
    seconds: float


def index_key(detector: Detector, describer: Describer) -> str:
    described = detector.describe()
    text = json.dumps([described.name, described.model_version, described.sha256, described.parameters,
                       describer.key()], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def describe_image(path: Path, detector: Detector, describer: Describer) -> tuple[list[Face], np.ndarray]:
    """The faces of the image file at `path` (boxes in its pixels) and their descriptors."""
    image, _ = read_image(path)
    rgb, back = prepare(image, detector.size)
    found = detector.detect(rgb)
    vectors = describer.describe(rgb, found)
    return [face.scaled(back, *image.size) for face in found], vectors


@writes("face index")
def index_faces(collection: Collection, /, *, detector: str | None = None,
                progress: ProgressCallback | None = None, **options: Any) -> IndexReport:
    """Describe the faces of every image of `collection` not yet described; save as it goes."""
    started = time.perf_counter()
    found, describer = create_detector(detector, **options), Describer()
    key = index_key(found, describer)
    path = collection.root / DESCRIPTORS
    index = FaceIndex.load(path)
    if index is None or index.key != key:
        index = FaceIndex(key)
    catalog = collection.catalog
    reporter = Reporter(progress, "faces", catalog.count_read_images())
    described = failed = after = 0
    while page := catalog.images_page(after, 500):
        after = page[-1].id
        for image in page:
            reporter.advance()
            file = collection.image_path(image)
            if not image.sha256 or image.sha256 in index.seen or file is None:
                continue
            try:
                faces, vectors = describe_image(file, found, describer)
            except ImageError:
                failed += 1
                continue
            index.add(image.sha256, faces, vectors)
            described += 1
            if described % _SAVE_EVERY == 0:
                index.save(path)
    index.save(path)
    return IndexReport(found.name, reporter.done, described, failed, len(index.shas),
                       time.perf_counter() - started)


@dataclass(frozen=True)
class FaceMatch:
    """A face of another image: its record and image, box, distance (below `SAME_SITTER`: same person)."""

    identifier: str
    image_id: int
    box: tuple[int, int, int, int]
    distance: float
    title: str | None = None

    @property
    def same_sitter(self) -> bool:
        return self.distance < SAME_SITTER


@dataclass(frozen=True)
class SitterQuery:
    """One face of the asked image and the nearest faces of other images, nearest first."""

    box: tuple[int, int, int, int]
    score: float
    matches: list[FaceMatch]


def similar_faces(collection: Collection, image_id: int, *, k: int = 10) -> list[SitterQuery]:
    """For each face of image `image_id`, the nearest faces of `k` other images (one face an image)."""
    _check_k(k)
    image = collection.catalog.image(image_id)
    index = _index_of(collection)
    if index is None or not image.sha256 or image.sha256 not in index.seen:
        raise FaceSearchError(
            f"image {image_id} has no faces described yet; run 'vitrine faces index {collection.root.name}'")
    found = _nearest(collection, index, image.sha256, k)
    if not found:
        raise FaceSearchError(f"no face was found in image {image_id} ({image.identifier})")
    return found


@dataclass(frozen=True)
class ImageSitters:
    """One image of a record, and the nearest faces to each of its faces."""

    image_id: int
    faces: list[SitterQuery]


def record_sitters(collection: Collection, identifier: str, *, k: int = 10) -> list[ImageSitters]:
    """Other portraits of the sitters of record `identifier`: for each of its images where a face was
    found, each face's `k` nearest faces in other images (what the record's staff page shows)."""
    _check_k(k)
    collection.catalog.record_id(identifier)  # RecordNotFound
    images = [img for img in collection.catalog.images_of(identifier) if img.sha256]
    index = _index_of(collection)
    if index is None or not any(img.sha256 in index.seen for img in images):
        raise FaceSearchError(f"the faces of {identifier!r} have not been described yet;"
                              f" run 'vitrine faces index {collection.root.name}'")
    out = [ImageSitters(img.id, found) for img in images
           if img.sha256 and (found := _nearest(collection, index, img.sha256, k))]
    if not out:
        raise FaceSearchError(f"no face was found in the images of {identifier!r}")
    return out


def has_faces(collection: Collection, identifier: str) -> bool:
    """Whether a face was found in an image of record `identifier` (False when nothing is indexed)."""
    try:
        index = _index_of(collection)
    except FaceSearchError:
        return False
    return index is not None and any(
        img.sha256 and index.rows_of(img.sha256).size for img in collection.catalog.images_of(identifier))


def _check_k(k: int) -> None:
    if not 1 <= k <= 100:
        raise FaceSearchError(f"k is how many faces to show, at least 1 and at most 100, not {k}")


def _nearest(collection: Collection, index: FaceIndex, sha: str, k: int) -> list[SitterQuery]:
    mine = [int(row) for row in index.rows_of(sha)]
    if not mine:
        return []
    matrix = index.matrix()
    others = np.ones(len(index.shas), bool)
    others[mine] = False
    nearest_rows: list[list[int]] = []
    distances = []
    for row in mine:
        d = np.linalg.norm(matrix - matrix[row], axis=1)
        d[~others] = np.inf
        nearest_rows.append(_one_per_image(index.shas, np.argsort(d, kind="stable"), k, int(others.sum())))
        distances.append(d)
    owners = collection.catalog.images_with_sha({index.shas[i] for rows in nearest_rows for i in rows})
    records = collection.catalog.get_many({imgs[0].record_id for imgs in owners.values()})
    out = []
    for row, rows, d in zip(mine, nearest_rows, distances, strict=True):
        matches = []
        for i in rows:
            for owner in owners.get(index.shas[i], [])[:1]:
                record = records.get(owner.record_id)
                matches.append(FaceMatch(owner.identifier, owner.id, index.boxes[i], round(float(d[i]), 4),
                                         record.title if record else None))
        out.append(SitterQuery(index.boxes[row], index.scores[row], matches))
    return out


def _one_per_image(shas: list[str], order: np.ndarray, k: int, candidates: int) -> list[int]:
    """The first `k` rows of `order` (among its first `candidates`) whose images differ: an image
    with several faces near the query (a group portrait) is listed once, at its nearest face."""
    out: list[int] = []
    seen: set[str] = set()
    for row in order[:candidates].tolist():
        if shas[row] not in seen:
            seen.add(shas[row])
            out.append(int(row))
            if len(out) == k:
                break
    return out


_CACHE: dict[Path, tuple[tuple[int, int], FaceIndex]] = {}
_CACHE_LOCK = threading.Lock()


def _index_of(collection: Collection) -> FaceIndex | None:
    """The collection's face index, read again only when its file changed (the web app asks often)."""
    path = collection.root / DESCRIPTORS
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        known = _CACHE.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
    index = FaceIndex.load(path)
    if index is not None:
        with _CACHE_LOCK:
            _CACHE[path] = (stamp, index)
    return index
