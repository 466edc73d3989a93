"""Import open_clip where torchvision's compiled ops cannot load.

The only torchvision wheel that matches the CPU build of torch used here is a CUDA build; its
`_C` extension fails to load, and torchvision's start-up then dies registering fake kernels for
`torchvision::nms` and `torchvision::qnms`, operators that were never defined. open_clip imports
torchvision (transforms, FrozenBatchNorm2d) at import time, so it dies too. Defining the two
schemas, and nothing else, lets torchvision finish importing; its pure-Python parts work, and
vitrine never calls the missing ops (nor any torchvision transform: it preprocesses with PIL).
Where torchvision's ops do load, nothing is changed.
"""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_keep: list[object] = []  # torch.library.Library objects must stay alive for their definitions to last


def import_open_clip() -> ModuleType:
    """`import open_clip`, defining torchvision's missing op schemas first if it needs them."""
    try:
        return importlib.import_module("open_clip")
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            raise
        log.info("torchvision's compiled ops did not load (%s); defining their schemas", exc)
    _forget("open_clip")
    _forget("torchvision")
    define_torchvision_schemas()
    return importlib.import_module("open_clip")


def define_torchvision_schemas() -> None:
    """Define `torchvision::nms` and `torchvision::qnms` unless they exist already."""
    import torch

    missing = [s for s in _SCHEMAS if not _has_op(torch, s.split("(", 1)[0])]
    if not missing:
        return
    lib = torch.library.Library("torchvision", "DEF")  # type: ignore[no-untyped-call]
    for schema in missing:
        lib.define(schema)  # type: ignore[no-untyped-call]
    _keep.append(lib)


def _has_op(torch: ModuleType, name: str) -> bool:
    try:
        torch._C._dispatch_find_schema_or_throw(f"torchvision::{name}", "")
    except RuntimeError:
        return False
    return True


def _forget(package: str) -> None:
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
