"""The app as bench.ceiling serves it (`uvicorn --factory bench.free_page:served`): every
search's page after the first read with its entries is that first page, given from memory.
Nothing of the database's part is left (no statement, no rows to read into entries) and
everything else is the app's own: parameters, the search's logic, next starts, presenting,
JSON, the answers' cache, middleware and framework. Never served but by the benchmark."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

import app.assets.search as search_module
from app.assets.paging import CountedPage, page_counted
from app.assets.search_query import SearchQuery

PageCounted = Callable[[Session, SearchQuery, int, int], CountedPage]


def first_page_kept(read: PageCounted) -> PageCounted:
    """`read` until it returns a page read with its entries (a plain near search's first page,
    once the shape is known to match many), and that page ever after."""
    kept: list[CountedPage] = []

    def page(session: Session, query: SearchQuery, offset: int, per_page: int) -> CountedPage:
        if kept:
            return kept[0]
        counted = read(session, query, offset, per_page)
        if counted.entries is not None:
            kept.append(counted)
        return counted

    return page


def served() -> FastAPI:
    """The app with its searches' pages kept so (a factory: importing this module changes
    nothing, so the tests can)."""
    from app.main import app

    patched: Any = search_module
    patched.page_counted = first_page_kept(page_counted)
    return app
