"""Starting the CLI or the web app loads no heavy library: those load when a command needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("cv2", "sklearn", "umap", "numba", "torch", "open_clip", "faiss", "pymilvus", "ray", "boto3",
         "botocore")


def test_cli_and_web_start_without_heavy_libraries() -> None:
    code = ("import sys, vitrine, vitrine.cli, vitrine.web.app, vitrine.indexing.runner; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []


def test_the_public_api_loads_lazily_and_names_real_objects() -> None:
    code = ("import sys, vitrine; light = 'numpy' not in sys.modules; "
            "from vitrine.search.query import run, SearchQuery; "
            "from vitrine.collection import open_collection; "
            "print(light, vitrine.run_search is run, vitrine.SearchQuery is SearchQuery, "
            "vitrine.open_collection is open_collection, sorted(set(vitrine.__all__) - set(dir(vitrine))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().split(maxsplit=4) == ["True", "True", "True", "True", "[]"]
