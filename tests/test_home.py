"""The home page: its "on today" is read once per data version and minute per process."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import home
from app.assets import search, soonest
from app.core.config import get_settings
from tests.searches import MIDWEEK_NOON
from tests.statements import sent_statements

# What the page sends besides working out "on today": the towns, the data version, savepoints.
OTHERS = ("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT place.", "SELECT coalesce(max(change_seq)")


def _today_search(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(OTHERS)]


def test_on_today_is_worked_out_once_a_minute_and_the_page_is_the_same(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "data_version_ttl_s", 60.0)
    home._ON_TODAY.clear()  # as a fresh process has it
    with sent_statements(session) as first:
        page = client.get("/")
    with sent_statements(session) as again:
        repeat = client.get("/")
    assert _today_search(first) and _today_search(again) == []
    assert repeat.text == page.text and "What’s on today" in repeat.text


def test_on_today_past_the_soonest_first_cap_says_more_than_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past sort=next's cap the total is the planner's estimate (across England, of what is on
    the rest of today, up to twice the truth): the home page says "more than" the cap, which
    the search result carries."""
    monkeypatch.setattr(search, "local_now", lambda: MIDWEEK_NOON)
    counted = home._on_today(session)
    assert counted.more_than is None and counted.total >= 2
    monkeypatch.setattr(soonest, "MAX_COMPUTED_ROWS", 1)
    capped = home._on_today(session)
    assert capped.more_than == 1 and capped.total >= 2
