"""The upload gate: a bounded number of decodes at once, the others wait, a long wait is a 503."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest

from vitrine.settings import WebSettings
from vitrine.web.security import WebError
from vitrine.web.uploads import UploadGate


async def _crowd(gate: UploadGate, n: int, hold_s: float) -> tuple[int, list[int]]:
    """`n` uploads at once, each holding its slot `hold_s`; the most inside together, and refusals."""
    inside, most, refused = 0, 0, []

    async def upload() -> None:
        nonlocal inside, most
        try:
            async with gate.slot():
                inside += 1
                most = max(most, inside)
                await anyio.sleep(hold_s)
                inside -= 1
        except WebError as exc:
            refused.append(exc.status)

    async with anyio.create_task_group() as tasks:
        for _ in range(n):
            tasks.start_soon(upload)
    return most, refused


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_no_more_uploads_than_the_limit_are_worked_on_at_once_and_the_others_wait(limit: int) -> None:
    gate = _run(_gate, WebSettings(max_concurrent_decodes=limit))
    most, refused = _run(_crowd, gate, 7, 0.02)
    assert most == limit and refused == []


def test_an_upload_that_waits_too_long_for_a_slot_is_told_the_server_is_busy() -> None:
    gate = _run(_gate, WebSettings(max_concurrent_decodes=1, decode_wait_s=0.05))
    most, refused = _run(_crowd, gate, 2, 0.5)
    assert most == 1 and refused == [503]


async def _gate(web: WebSettings) -> UploadGate:
    return UploadGate(web)


def _run(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    # in a thread of its own: browser tests leave an event loop running in the main thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, function, *args).result()
