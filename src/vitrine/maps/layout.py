"""The layout seam: vectors (n, d) in, 2D positions (n, 2) out, normalised to the unit square.

`create_layout(name, ...)` is the one place that picks an implementation: `umap` (PCA to 50
dimensions first, then UMAP; numba compiles UMAP's kernels on first use, about 40 s in a fresh
process) or `pca` (the first two principal axes: instant, the cheap fallback the tests use).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import LayoutError
from vitrine.plugins import Registry

log = logging.getLogger(__name__)

Vectors = NDArray[np.float32]
Coords = NDArray[np.float32]


@dataclass
class Timings:
    """Seconds spent in each stage of one layout (stages that did not run are absent)."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


class Layout(Protocol):
    """Lays out vectors in 2D; `params` is what gets stored with the map."""

    name: str

    @property
    def params(self) -> dict[str, Any]: ...

    def fit(self, vectors: Vectors, timings: Timings | None = None) -> Coords:
        """(n, 2) positions, not yet normalised."""


def pca(vectors: Vectors, dims: int) -> Vectors:
    """Projection on the `dims` first principal axes (eigenvectors of the d x d covariance)."""
    x = np.asarray(vectors, np.float32)
    x = x - x.mean(axis=0, dtype=np.float64).astype(np.float32)
    dims = min(dims, x.shape[1])
    cov = (x.T @ x).astype(np.float64)
    _, vecs = np.linalg.eigh(cov)  # ascending eigenvalues
    axes = vecs[:, ::-1][:, :dims].astype(np.float32)
    for j in range(dims):  # fix the sign so a rebuild does not mirror the map
        if axes[np.argmax(np.abs(axes[:, j])), j] < 0:
            axes[:, j] = -axes[:, j]
    out: Vectors = x @ axes
    return out


@dataclass
class PCALayout:
    """The first two principal axes: instant, keeps global structure, blurs local clusters."""

    name: str = "pca"

    @property
    def params(self) -> dict[str, Any]:
        return {}

    def fit(self, vectors: Vectors, timings: Timings | None = None) -> Coords:
        start = time.perf_counter()
        out = pca(vectors, 2)
        if timings is not None:
            timings.add("pca", time.perf_counter() - start)
        return out


@dataclass
class UMAPLayout:
    """PCA to `pca_dims` (fast at 100k), then UMAP to 2D."""

    neighbors: int = 15
    min_dist: float = 0.1
    pca_dims: int = 50
    seed: int | None = None
    name: str = "umap"

    def __post_init__(self) -> None:
        if not 2 <= self.neighbors <= 200:
            raise LayoutError(f"neighbors must be between 2 and 200, got {self.neighbors}")
        if not 0.0 <= self.min_dist <= 1.0:
            raise LayoutError(f"min_dist must be between 0 and 1, got {self.min_dist}")

    @property
    def params(self) -> dict[str, Any]:
        return {"neighbors": self.neighbors, "min_dist": self.min_dist, "pca_dims": self.pca_dims,
                "seed": self.seed}

    def fit(self, vectors: Vectors, timings: Timings | None = None) -> Coords:
        timings = timings if timings is not None else Timings()
        n = vectors.shape[0]
        if n <= self.neighbors + 2:  # too few points for a neighbour graph
            return PCALayout().fit(vectors, timings)
        start = time.perf_counter()
        reduced = pca(vectors, self.pca_dims) if vectors.shape[1] > self.pca_dims else vectors
        timings.add("pca", time.perf_counter() - start)
        start = time.perf_counter()
        umap = _umap_module()
        timings.add("import", time.perf_counter() - start)
        start = time.perf_counter()
        reducer = umap.UMAP(n_neighbors=self.neighbors, min_dist=self.min_dist, n_components=2,
                            random_state=self.seed, n_jobs=1 if self.seed is not None else -1,
                            low_memory=True, init="spectral", verbose=False)
        coords = reducer.fit_transform(reduced)
        timings.add("umap", time.perf_counter() - start)
        return np.asarray(coords, np.float32)


def _umap_module() -> Any:
    import warnings

    with warnings.catch_warnings():  # umap/numba/sklearn deprecation chatter at import time
        warnings.simplefilter("ignore")
        import umap
    return umap


def warm_up_umap() -> float:
    """Compile UMAP's numba kernels on a tiny input; returns the seconds it took."""
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    UMAPLayout(neighbors=5, pca_dims=8).fit(rng.normal(size=(300, 16)).astype(np.float32))
    return time.perf_counter() - start


def _unknown(name: str, names: list[str]) -> str:
    listed = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"unknown layout method {name!r}: use {listed}"


# Built-ins are defined above (umap imports lazily in `fit`); plugins come by entry point.
LAYOUTS: Registry[Layout] = Registry(
    "map layout", "vitrine.layouts", {"umap": UMAPLayout, "pca": PCALayout}, error=LayoutError,
    unknown=_unknown)


def create_layout(name: str, **params: Any) -> Layout:
    """The layout called `name` (umap, pca or a plugin's) with its parameters; None values take defaults."""
    factory = LAYOUTS.load(name)
    if name == "pca":  # PCA takes no parameters; the CLI passes UMAP's all the same
        return factory()
    return factory(**{k: v for k, v in params.items() if v is not None})


def normalise(coords: Coords) -> Coords:
    """Fit positions into [0, 1]^2 keeping the aspect ratio, centred on the short axis."""
    c = np.asarray(coords, np.float64)
    if c.size == 0:
        return np.zeros((0, 2), np.float32)
    low, high = c.min(axis=0), c.max(axis=0)
    span = float((high - low).max()) or 1.0
    out = (c - low) / span
    out += (1.0 - (high - low) / span) / 2.0
    result: Coords = np.clip(out, 0.0, 1.0).astype(np.float32)
    return result
