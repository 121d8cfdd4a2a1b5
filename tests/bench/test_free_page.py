"""The ceiling benchmark's app (bench.free_page): a search's page is read until one comes with
its entries, and that one is given ever after; serving it swaps the search's page reader."""

from typing import Any

import pytest
from sqlmodel import Session

import app.assets.search as search_module
from app.assets.paging import CountedPage
from app.assets.search_query import SearchQuery
from app.main import app as main_app
from bench import free_page


def test_pages_are_read_until_one_comes_with_its_entries_and_that_one_is_kept() -> None:
    counted = [
        CountedPage([(1, 10.0)], 1, True),  # counted, read apart from its entries
        CountedPage([(2, 20.0)], 5000, False, {2: "entry 2"}),
        CountedPage([(3, 30.0)], 6000, False, {3: "entry 3"}),
    ]
    asked: list[int] = []

    def read(session: Session, query: SearchQuery, offset: int, per_page: int) -> CountedPage:
        asked.append(offset)
        return counted[len(asked) - 1]

    page = free_page.first_page_kept(read)
    session: Any = None
    query: Any = None
    given = [page(session, query, n, 20) for n in range(4)]
    assert given == [counted[0], counted[1], counted[1], counted[1]]
    assert asked == [0, 1], "read no more once a page came with its entries"


def test_serving_it_swaps_the_searchs_page_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = search_module.page_counted
    monkeypatch.setattr(search_module, "page_counted", reader)  # put back after the test
    assert free_page.served() is main_app
    assert search_module.page_counted is not reader
    assert search_module.page_counted.__qualname__.startswith("first_page_kept")
