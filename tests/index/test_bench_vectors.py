"""The vector benchmark runs end to end on a tiny case and caches what it built."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitrine.bench.vectors import clustered, main


def test_generator_gives_clustered_unit_vectors() -> None:
    x = clustered(500, 32, clusters=5, noise=0.5, seed=1)
    assert np.allclose(np.linalg.norm(x, axis=1), 1, atol=1e-5)
    assert np.mean(x @ x.T > 0.5) > 0.1  # far above what unclustered 32-d vectors give


def test_tiny_run_prints_every_backend_and_reuses_its_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sizes", "300", "--dim", "16", "--queries", "5", "--clusters", "10", "--no-milvus",
            "--cache", str(tmp_path)]
    main(argv)
    out = capsys.readouterr().out
    assert "brute force" in out and "FaissIndex" in out and out.count("\n") == 7
    main(argv)
    assert "cached" in capsys.readouterr().out
