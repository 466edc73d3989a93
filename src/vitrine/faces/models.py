"""Where the face models are: YuNet's ONNX file, and the dlib models of `face-recognition-models`.

YuNet (OpenCV's `FaceDetectorYN`) is looked for, in this order:

1. the path given to the detector (`vitrine suggest run NAME faces -o model=...`);
2. the `faces.yunet` setting, that is `$VITRINE_FACES__YUNET`;
3. `models/` under vitrine's data folder (`$VITRINE_DATA_DIR/models`);
4. `../shared/models` beside the repository (the project's shared folder).

In a folder the first of `YUNET_FILES` present is taken. The model comes from the OpenCV zoo,
https://github.com/opencv/opencv_zoo/tree/main/models/face_detection_yunet
(`face_detection_yunet_2023mar.onnx`, Apache-2.0). Exports with a dynamic input shape
(`yunet_n_dynamic.onnx`) do not load in OpenCV 4's ONNX importer and are not looked for.

dlib's HOG detector is built into dlib (`dlib-bin`); its MMOD CNN detector, the 5-point landmarks
and the 128-d face descriptor come with the `face-recognition-models` package (both in the `faces`
extra: `pip install -e '.[faces]'`). That package imports `pkg_resources` when imported, so its
folder is found without importing it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from vitrine.errors import AgentError

YUNET_FILES = ("face_detection_yunet_2023mar.onnx", "yunet_s_640_640.onnx", "yunet_n_640_640.onnx")
YUNET_URL = "https://github.com/opencv/opencv_zoo/tree/main/models/face_detection_yunet"
YUNET_HINT = (f"download face_detection_yunet_2023mar.onnx from the OpenCV zoo ({YUNET_URL}) and set "
              "VITRINE_FACES__YUNET to its path, or use the 'hog' detector "
              "(installed with vitrine's faces extra)")
SHARED_MODELS = Path(__file__).resolve().parents[3].parent / "shared" / "models"
DLIB_HINT = "install vitrine's faces extra: pip install -e '.[faces]' (dlib-bin and face-recognition-models)"


def yunet_folders() -> list[Path]:
    """The folders searched for a YuNet file after the setting, in order."""
    from vitrine.settings import load_settings

    return [load_settings().data_dir / "models", SHARED_MODELS]


def find_yunet(explicit: str | Path | None = None) -> Path:
    """The YuNet model file to use; an `AgentError` saying where vitrine looked when there is none."""
    from vitrine.settings import load_settings

    given = Path(explicit) if explicit else load_settings().faces.yunet
    if given is not None:
        if given.is_file():
            return given
        raise AgentError(f"the YuNet face model is not at {given} (given by "
                         f"{'the model option' if explicit else 'VITRINE_FACES__YUNET'}); {YUNET_HINT}")
    looked: list[str] = []
    for folder in yunet_folders():
        for name in YUNET_FILES:
            path = folder / name
            if path.is_file():
                return path
        looked.append(str(folder))
    raise AgentError(f"no YuNet face model ({' or '.join(YUNET_FILES)}) in {', '.join(looked)}, and "
                     f"VITRINE_FACES__YUNET is not set; {YUNET_HINT}")


def yunet_available() -> bool:
    try:
        find_yunet()
    except AgentError:
        return False
    return True


def dlib_model(name: str) -> Path:
    """A model file of the `face-recognition-models` package (MMOD detector, landmarks, descriptor)."""
    spec = importlib.util.find_spec("face_recognition_models")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "models" / name
        if path.is_file():
            return path
    where = f"in {folders[0]}/models" if folders else "(the face_recognition_models package is not installed)"
    raise AgentError(f"the dlib model {name} is not installed {where}; {DLIB_HINT}")


def require_dlib() -> object:
    """The dlib module, or an `AgentError` saying how to install it."""
    try:
        import dlib
    except ImportError:
        raise AgentError(f"dlib is not installed; {DLIB_HINT}") from None
    return dlib
