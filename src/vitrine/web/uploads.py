"""Uploaded photos: decoded at the size their route works at, a bounded number at a time.

Decoding a hostile-but-valid upload (a 40 Mpx PNG that compresses to 115 KB) holds one full-size
buffer however it is done; `UploadGate` bounds how many such decodes, with the work that follows,
run at once, so simultaneous uploads cannot multiply that peak. Requests beyond the bound wait
for a slot; one that waits longer than `decode_wait_s` is answered 503.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio
from PIL import Image
from starlette.concurrency import run_in_threadpool

from vitrine.local.features import DEFAULT_MAX_SIDE
from vitrine.settings import WebSettings
from vitrine.visitor.recognize import DEFAULT_QUERY_SIDE
from vitrine.web.security import WebError, clean_jpeg, decode_upload

#: search by image: the search page holds a 1280 px JPEG of the photo (`clean_jpeg`), and embedders
#: work far below that
SEARCH_SIDE = 1280
#: recognition extracts local features at this long side
RECOGNITION_SIDE = DEFAULT_QUERY_SIDE
#: region search by an uploaded image extracts local features at this long side
REGION_SIDE = DEFAULT_MAX_SIDE


class UploadGate:
    """At most `web.max_concurrent_decodes` uploads decoded and worked on at once."""

    def __init__(self, web: WebSettings) -> None:
        self.max_pixels = web.max_upload_pixels
        self.wait_s = web.decode_wait_s
        # made in the app's lifespan, inside the event loop that will use it
        self._slots = anyio.Semaphore(max(1, web.max_concurrent_decodes))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block; 503 when none frees within `wait_s`."""
        try:
            with anyio.fail_after(self.wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise WebError(
                503, "busy", "the server is busy with other photos; try again in a moment") from None
        try:
            yield
        finally:
            self._slots.release()

    async def decode(self, data: bytes | None, max_side: int) -> Image.Image:
        """The photo as upright RGB within `max_side`, decoded off the event loop."""
        return await run_in_threadpool(
            partial(decode_upload, data, max_pixels=self.max_pixels, max_side=max_side))


async def clean_photo(uploads: UploadGate, data: bytes | None) -> tuple[Image.Image, bytes]:
    """Decode an uploaded photo at the search size, and its clean JPEG (no metadata); call it
    inside `uploads.slot()`. The JPEG is at most SEARCH_SIDE, like the image, so whatever is
    computed on the returned image (a recognised outline) is in the kept photo's own pixels."""
    image = await uploads.decode(data, SEARCH_SIDE)
    return image, await run_in_threadpool(clean_jpeg, image)
