"""PDF responses: HTML laid out (app.printing.html_to_pdf) on a thread or in a child process,
kept by the HTML it was laid out from (app.printing.laid_out).

WeasyPrint is imported where a layout happens, not with the app: it is 27 MB of every
worker's memory (0.5 s to import) that a worker which never lays out a short document does
not need; the layout children fork from a server that has it loaded."""

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, cast
from weakref import WeakKeyDictionary

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from app.core.config import get_settings
from app.core.time import local_now
from app.feeds.http import not_modified
from app.feeds.kept_pages import page_key
from app.printing.laid_out import LaidOutPdfs, html_etag

# Short documents are laid out in the worker, on threads of their own (at most LAYOUT_THREADS at a
# time: on the handlers' threads a few long ones would hold up every page of the worker). A
# town's listing of the demo's dozen entries is ~15 KB of HTML, laid out in 0.3 s; a layout adds
# ~0.3 MB of memory per KB (+16 MB at 50 KB).
LAYOUT_THREADS = 2
LAYOUT_HERE_UP_TO = 64_000  # characters of HTML, about 60 entries
_LAYOUT: "WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = WeakKeyDictionary()
# Longer ones are laid out in child processes, one each, at most LAYOUT_PROCESSES at a time: at
# 10,000 entries in the borough a town's listing (0.8–2.7 MB of HTML) took 15–35 s and the
# worker laying it out peaked at 607–926 MB, which it kept (Python rarely gives freed memory
# back); through a child, the worker's peak was 196 MB. A new child costs ~0.3 s (0.6 s
# against 0.3 for the demo's Tipton), so short documents stay in the worker. The children
# fork from a server that has WeasyPrint loaded and nothing else running; as with any child
# started so, a script that serves PDFs must start its work under `if __name__ == "__main__"`
# (each child imports the script's main module; uvicorn's, pytest's and `waymark` do).
LAYOUT_PROCESSES = 2
_CHILDREN: "WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter]" = WeakKeyDictionary()


def _limiter(limiters: "WeakKeyDictionary[Any, CapacityLimiter]", total: int) -> CapacityLimiter:
    loop = asyncio.get_running_loop()  # a limiter belongs to one event loop
    if loop not in limiters:
        limiters[loop] = CapacityLimiter(total)
    return limiters[loop]


def _watch_owner(owner: int) -> None:
    """In a layout child: end once the worker it lays out for has ended (a worker killed
    mid-layout left its child waiting for work that would never come)."""

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def layout_child(*, owner: int | None = None) -> ProcessPoolExecutor:
    """A child process for one layout, forked from the server that has WeasyPrint loaded, that
    ends once `owner` (this process) has."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "app.printing.html_to_pdf"])
    return ProcessPoolExecutor(
        1, mp_context=context, initializer=_watch_owner, initargs=(owner or os.getpid(),)
    )


async def lay_out(html: str) -> bytes:
    """`render_pdf` on a layout thread, or for a long document in a child process of its own
    (which ends with it), awaited without holding a handler thread."""
    from app.printing.html_to_pdf import render_pdf  # WeasyPrint, at the first layout

    if len(html) <= LAYOUT_HERE_UP_TO:
        threads = _limiter(_LAYOUT, LAYOUT_THREADS)
        return await anyio.to_thread.run_sync(render_pdf, html, limiter=threads)
    async with _limiter(_CHILDREN, LAYOUT_PROCESSES):
        child = layout_child()
        try:
            return await asyncio.get_running_loop().run_in_executor(child, render_pdf, html)
        finally:
            child.shutdown(wait=False)


def laid_out_pdfs(app: Any) -> LaidOutPdfs:
    """The app's PDFs kept by their HTML (app.printing.laid_out), made with its first PDF."""
    pdfs = getattr(app.state, "laid_out_pdfs", None)
    if pdfs is None:
        pdfs = app.state.laid_out_pdfs = LaidOutPdfs(max_bytes=get_settings().pdf_cache_mb << 20)
    return cast(LaidOutPdfs, pdfs)


async def pdf_response(
    request: Request,
    build_html: Callable[[], str],
    *,
    filename: str | None = None,
    session: Session | None = None,
) -> Response:
    """`build_html` (which reads the database) on a handler thread, then its PDF: one kept for
    the same HTML, or laid out (lay_out). Inline, with the HTML's hash as its ETag: a client
    that has it gets a 304 and no layout. With the request's `session`, a PDF asked for again
    in the same data version and minute is sent without making its HTML again."""
    pdfs = laid_out_pdfs(request.app)
    key = (
        await run_in_threadpool(page_key, request, session, local_now())
        if session is not None
        else None
    )
    made = pdfs.made_for(key) if key is not None else None
    html: str | None = None
    pdf: bytes | None = None
    if made is not None:
        etag, pdf = made
    else:
        html = await run_in_threadpool(build_html)
        etag = html_etag(html)
        if key is not None:
            pdfs.note(key, etag)
    headers = {"ETag": etag}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if not_modified(request.headers, etag, None):
        return Response(status_code=304, headers={"ETag": etag})
    if pdf is None:
        pdf = await pdfs.pdf(cast(str, html), lay_out, etag)
    return Response(pdf, media_type="application/pdf", headers=headers)
