"""HTML → PDF with WeasyPrint, fetching nothing from the network or outside our static files."""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.core.config import PROJECT_ROOT

STATIC_DIR = (PROJECT_ROOT / "app" / "static").resolve()


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """data: URIs and files under app/static; anything else is refused."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, timeout=1)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise ValueError(f"refusing to read {url} (outside the static files)")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    pdf: bytes = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
    return pdf


# PDFs are laid out on threads of their own, at most this many at a time per worker: a town's
# listing at 10,000 entries takes 16–30 s, and on the handlers' four threads (SYNC_THREADS) a
# few of them would hold up every page of that worker.
LAYOUT_THREADS = 2
_LAYOUT: "WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = WeakKeyDictionary()


def _layout_threads() -> CapacityLimiter:
    loop = asyncio.get_running_loop()  # a limiter belongs to one event loop
    if loop not in _LAYOUT:
        _LAYOUT[loop] = CapacityLimiter(LAYOUT_THREADS)
    return _LAYOUT[loop]


async def pdf_response(build_html: Callable[[], str], *, filename: str | None = None) -> Response:
    """`build_html` (which reads the database) on a handler thread, the layout on a layout
    thread, as an inline PDF."""
    html = await run_in_threadpool(build_html)
    pdf = await anyio.to_thread.run_sync(render_pdf, html, limiter=_layout_threads())
    headers = {"Content-Disposition": f'inline; filename="{filename}"'} if filename else None
    return Response(pdf, media_type="application/pdf", headers=headers)
