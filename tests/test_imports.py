"""Starting the CLI or the web app loads no heavy library: those load when a command needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("cv2", "sklearn", "umap", "numba", "torch", "open_clip", "faiss", "pymilvus")


def test_cli_and_web_start_without_heavy_libraries() -> None:
    code = ("import sys, vitrine, vitrine.cli, vitrine.web.app; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []
