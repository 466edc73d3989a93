"""GPU stages on a cluster with a GPU node: the embed stage is placed on the node that has a GPU and is
given one, the read stage is not, and indexing with `num_gpus` gives the vectors the local runner gives.

The cluster is two Ray nodes on this machine (`ray.cluster_utils.Cluster`); the second declares one
GPU, a logical resource Ray schedules by, so placement is tested on a machine without a GPU. What
runs on that GPU here is the classic embedder, on the CPU: the point is where Ray puts the work.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from imagegen import make_images
from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.indexing import index_collection
from vitrine.indexing.onray import ray_map
from vitrine.indexing.stages import Stage

pytestmark = [pytest.mark.slow, pytest.mark.ray,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # Ray 2.60's own


@pytest.fixture(scope="module")
def gpu_cluster() -> Iterator[tuple[Any, str]]:
    """A head node with one CPU and no GPU, and a node with one CPU and one (logical) GPU."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'vitrine[ray]'")
    from ray.cluster_utils import Cluster

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # `where` travels by value
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "num_gpus": 0,
                                                            "include_dashboard": False})
    gpu_node = cluster.add_node(num_cpus=1, num_gpus=1)
    ray.init(address=cluster.address, log_to_driver=False)
    cluster.wait_for_nodes()
    yield ray, gpu_node.node_id
    ray.shutdown()
    cluster.shutdown()


def where(chunk: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stage that adds the node it ran on and the GPUs Ray gave it."""
    import ray

    return (*chunk, (ray.get_runtime_context().get_node_id(), list(ray.get_gpu_ids())))


def test_the_gpu_stage_runs_on_the_gpu_node_and_the_read_stage_gets_no_gpu(gpu_cluster: Any) -> None:
    _, gpu_node = gpu_cluster
    stages = [Stage("read", where), Stage("embed", where, num_gpus=1)]
    placed = list(ray_map(stages, [()] * 6, workers=None))
    assert len(placed) == 6
    for (_, read_gpus), (embed_node, embed_gpus) in placed:
        assert read_gpus == []
        assert embed_node == gpu_node and len(embed_gpus) == 1


def test_indexing_with_gpus_on_the_cluster_gives_the_local_vectors(
    gpu_cluster: Any, tmp_path: Path,
) -> None:
    make_images(tmp_path / "pictures", 12, seed=21)
    vectors = []
    for engine, gpus in (("local", 0.0), ("ray", 1.0)):
        collection = create_collection(tmp_path / engine, index="faiss")
        run_import(collection, FolderSource(tmp_path / "pictures"))
        report = index_collection(collection, engine=engine, num_gpus=gpus)
        assert (report.embedded, report.failed) == (12, 0)
        ids = np.sort(collection.index.ids())
        vectors.append(collection.index.get(ids))
        collection.close()
    np.testing.assert_array_equal(vectors[0], vectors[1])
