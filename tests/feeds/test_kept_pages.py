"""Town, search, what's-on and print pages are kept for their URL, data version and minute: a
repeat reads no entries and gets the same bytes and ETag (304 when the browser has it); an
edit, a new minute or a search that found nothing (recorded each time) is built again."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session, col

from app import home
from app.assets.models import Asset, AssetStatus
from app.core.config import get_settings
from app.core.time import local_now
from app.feeds import cache, kept_pages
from app.feeds.cache import FeedCache, minute_key
from app.mapping.models import EmptySearch
from app.places.models import Place
from app.venues.models import Venue
from tests.statements import sent_statements

TOWN = "/towns/tipton"
SEARCH = "/search?near=DY4%207ZU&radius=5"
NOTHING = "/search?near=DY4%207ZU&radius=1&fellowship=NA&kind=meeting"


def _reading_entries(statements: list[str]) -> list[str]:
    """The statements that read entries (not the planner's estimates: a shape keeps those,
    app.assets.estimates)."""
    return [s for s in statements if "FROM asset" in s and not s.startswith("EXPLAIN")]


@pytest.fixture
def statements(session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Pages kept as in production (a version read at most once a minute here), none yet."""
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    monkeypatch.setattr(cache._LAST_VERSION, "read_at", float("-inf"))
    monkeypatch.setattr(kept_pages, "PAGES", FeedCache(max_entries=8))
    home._ON_TODAY.clear()  # (kept by an earlier test for the same version and minute)
    with sent_statements(session) as seen:
        yield seen


@pytest.mark.parametrize("url", ["/", TOWN, SEARCH, "/whats-on?town=tipton", "/towns/tipton/print"])
def test_a_repeat_is_sent_from_memory_with_its_etag(
    client: TestClient, statements: list[str], url: str
) -> None:
    first = client.get(url)
    assert first.status_code == 200 and _reading_entries(statements), "searched"
    statements.clear()
    again = client.get(url)
    assert again.status_code == 200 and _reading_entries(statements) == []
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == "text/html; charset=utf-8"
    cached = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == first.headers["etag"]


def test_an_edit_is_on_the_page_once_the_version_is_read_again(
    client: TestClient, session: Session, statements: list[str]
) -> None:
    client.get(TOWN)
    entry = session.exec(
        select(Asset)
        .join(Venue, col(Venue.id) == col(Asset.venue_id))
        .join(Place, col(Place.id) == col(Venue.town_id))
        .where(Place.slug == "tipton", Asset.status == AssetStatus.published)
        .order_by(col(Asset.id))
        .limit(1)
    ).one()[0]
    entry.name = "Tipton Tuesday Allotment Club"
    session.add(entry)
    session.flush()
    assert "Tipton Tuesday Allotment Club" not in client.get(TOWN).text, "within the minute"
    cache._LAST_VERSION.read_at = float("-inf")  # a minute later: the version is read again
    assert "Tipton Tuesday Allotment Club" in client.get(TOWN).text


def test_the_next_minute_is_built_again(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(SEARCH)
    later = local_now() + timedelta(minutes=1)

    def next_minute() -> datetime:
        return later

    monkeypatch.setattr(kept_pages, "local_now", next_minute)
    statements.clear()
    assert client.get(SEARCH).status_code == 200 and _reading_entries(statements)


def test_while_this_minutes_page_is_built_the_others_have_last_minutes(
    client: TestClient, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get(TOWN)
    later = local_now() + timedelta(minutes=1)
    monkeypatch.setattr(kept_pages, "local_now", lambda: later)
    url = str(client.base_url.join(TOWN))
    this_minute = minute_key(url, cache._LAST_VERSION.version, later.replace(second=0))
    assert kept_pages.PAGES.claim(this_minute), "another request is building it"
    statements.clear()
    meanwhile = client.get(TOWN)
    assert meanwhile.content == first.content and _reading_entries(statements) == []
    kept_pages.PAGES.clear()  # (the claim with it)
    assert client.get(TOWN).status_code == 200 and _reading_entries(statements), "built"


def test_a_search_that_found_nothing_is_recorded_each_time_and_not_kept(
    client: TestClient, session: Session, statements: list[str]
) -> None:
    before = session.scalar(select(func.count()).select_from(EmptySearch)) or 0
    pages = [client.get(NOTHING) for _ in range(2)]
    assert all(p.status_code == 200 and "Nothing found" in p.text for p in pages)
    assert "etag" not in pages[1].headers
    assert session.scalar(select(func.count()).select_from(EmptySearch)) == before + 2


def test_with_the_tests_setting_nothing_is_kept(client: TestClient, session: Session) -> None:
    assert get_settings().data_version_ttl_s == 0
    with sent_statements(session) as statements:
        client.get(TOWN)
        first = len(_reading_entries(statements))
        client.get(TOWN)
        assert first and len(_reading_entries(statements)) == 2 * first


def test_a_kept_page_is_compressed_once_each_encoding_with_its_own_etag(
    client: TestClient, statements: list[str]
) -> None:
    client.get(TOWN)
    plain = client.get(TOWN, headers={"Accept-Encoding": "identity"})
    gzipped = client.get(TOWN, headers={"Accept-Encoding": "gzip"})  # decoded by httpx
    assert "content-encoding" not in plain.headers
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.content == plain.content and "Tipton" in plain.text
    assert all(r.headers["vary"].count("Accept-Encoding") == 1 for r in (plain, gzipped))
    assert plain.headers["etag"] != gzipped.headers["etag"]
    stale = client.get(
        TOWN, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
    )
    assert stale.status_code == 200, "the other encoding's ETag is not this one's"
