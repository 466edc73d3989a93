"""The Ray engine: the indexing stages as a Ray Data pipeline, on a cluster or a local Ray.

`vitrine index NAME --engine ray` connects to the cluster `RAY_ADDRESS` names, or starts a local
Ray (one CPU per worker). Each chunk of jobs is one row; each stage is a `Dataset.map`, whose task
Ray Data runs again when the worker running it dies (its default: `max_retries=-1` with system
errors retried; exceptions raised by our code are not). The driver iterates the results as they
stream in: it alone writes the index and the catalogue, so a task that ran twice is written once.
Ray is an extra (`pip install 'vitrine[ray]'`), imported only when this engine runs; `check_engine`
refuses an unknown engine, or Ray where it is missing, before any work.
"""

from __future__ import annotations

import logging
import os
import pickle
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vitrine.errors import EngineError
from vitrine.indexing.stages import Stage

INSTALL_HINT = "pip install 'vitrine[ray]'"
_MAX_BLOCKS = 2000  # rows (chunks) are spread over at most this many blocks
ENGINES = ("local", "ray")


def check_engine(engine: str, num_gpus: float = 0.0) -> None:
    """Refuse an unknown engine, GPUs without Ray, or Ray where it is not installed, before any work."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if num_gpus and engine != "ray":
        raise EngineError("GPUs per embed task (num_gpus, --gpus) need the ray engine (--engine ray)")
    if num_gpus < 0:
        raise EngineError(f"num_gpus must not be negative, not {num_gpus}")
    if engine == "ray":
        require_ray()


def require_ray() -> Any:
    """The `ray` module, or an EngineError saying how to install it."""
    try:
        import ray
        import ray.data  # the extra is ray[data]: pandas and pyarrow come with it
    except ImportError as exc:
        raise EngineError(f"the ray engine needs Ray Data: {INSTALL_HINT} ({exc})") from None
    return ray


def connect(workers: int | None) -> None:
    """Join the cluster `RAY_ADDRESS` names, or start a local Ray with `workers` CPUs (2 by default)."""
    ray = require_ray()
    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS")
    quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            # "local": a new Ray of our own, never a cluster some `ray start` left on the machine
            ray.init(address="local", num_cpus=workers or 2, include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise EngineError(f"cannot start or join {where}: {exc}") from None


def _check_gpus(ray: Any, wanted: float) -> None:
    """Refuse GPU stages on a cluster without a GPU: Ray would wait for one for ever."""
    have = ray.cluster_resources().get("GPU", 0)
    if wanted and have < min(wanted, 1):
        raise EngineError(f"the embed stage asks for {wanted:g} GPU per task, and the Ray cluster has "
                          f"{have:g} GPU; run on a cluster with GPU nodes, or without --gpus")


def _quiet(ray: Any) -> None:
    """No progress bars nor INFO lines from Ray Data: the caller reports progress."""
    with warnings.catch_warnings():  # Ray 2.60's own DataContext warns of its deprecated fields
        warnings.simplefilter("ignore", DeprecationWarning)
        ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def ray_map(stages: list[Stage], chunks: Sequence[object], workers: int | None) -> Iterator[Any]:
    """Each chunk (any picklable value) through every stage on Ray; results in the order they finish."""
    if not chunks:
        return
    connect(workers)
    ray = require_ray()
    _quiet(ray)
    _check_gpus(ray, max(stage.num_gpus for stage in stages))
    rows = [{"chunk": pickle.dumps(chunk)} for chunk in chunks]
    blocks = min(len(rows), _MAX_BLOCKS)
    dataset = ray.data.from_items(rows, override_num_blocks=blocks)
    compute = ray.data.TaskPoolStrategy(size=min(workers, blocks)) if workers else None
    for stage in stages:
        dataset = dataset.map(_Row(stage.run), compute=compute, num_gpus=stage.num_gpus or None)
    for row in dataset.iter_rows():
        yield pickle.loads(row["chunk"])


class _Row:
    """A stage as a Ray Data row function: the chunk travels pickled, so Arrow sees plain bytes."""

    def __init__(self, run: Callable[[Any], Any]) -> None:
        self.run = run

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"chunk": pickle.dumps(self.run(pickle.loads(row["chunk"])), protocol=5)}
