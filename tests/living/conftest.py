"""Fixtures of the living portraits' tests: what they need, or a skip saying what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

#: a public-art portrait on which dlib finds a face and its 68 landmarks at 384 px
PORTRAIT = "images/wikidata-Q97119876.jpg"


@pytest.fixture
def av_module() -> object:
    return pytest.importorskip("av", reason="PyAV is not installed (vitrine's living extra)")


@pytest.fixture
def espeak() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        pytest.skip("espeak-ng is not installed (Debian's espeak-ng; scripts/setup.sh installs it)")
    return found


@pytest.fixture
def dlib_landmarks() -> None:
    from vitrine.errors import LivingUnavailable
    from vitrine.living.landmarks import DlibLandmarker

    try:
        DlibLandmarker().describe()
    except LivingUnavailable as exc:
        pytest.skip(f"dlib's 68-point landmark model is not installed (the faces extra): {exc}")


@pytest.fixture
def portrait_file(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "public-art" / PORTRAIT
    if not path.is_file():
        pytest.skip(f"public-art portrait absent: {path}")
    return path
