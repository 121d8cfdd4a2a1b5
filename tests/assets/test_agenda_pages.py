import re
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient

from app.assets import agenda_pages, soonest
from tests.pages import text_of

STARTS = r'<time class="time" datetime="([^"]+)"'
LINKS = r'<a href="/assets/(\d+)">'


def test_whats_on_lists_the_next_14_days_by_day_in_order(client: TestClient) -> None:
    html = client.get("/whats-on").text
    days = [
        date.fromisoformat(d)
        for d in re.findall(r'<section class="agenda-day" aria-labelledby="d-([\d-]+)"', html)
    ]
    assert days == sorted(days) and len(days) >= 13
    assert (days[-1] - days[0]).days <= 14
    first_day = html.split('class="agenda-day"')[1]
    starts = re.findall(r'<time class="time" datetime="([^"]+)"', first_day)
    assert starts == sorted(starts)


def test_whats_on_takes_the_search_filters(client: TestClient) -> None:
    html = client.get("/whats-on", params={"town": "tipton", "kind": "meeting"}).text
    text = text_of(html)
    assert "Tipton Canal Side AA" in text
    assert "Quinton Hope NA" not in text
    kinds = re.findall(r"</a> · ([^·<]+) · ", html)
    assert kinds
    assert {k.strip() for k in kinds} == {"Mutual-aid meeting"}


def test_an_agenda_of_more_matches_than_it_reads_stops_at_the_last_ones_next_start(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    soonest = client.get("/api/v1/assets", params={"sort": "next", "per_page": 30}).json()
    nexts = [datetime.fromisoformat(i["next_occurrence"]["start"]) for i in soonest["items"]]
    # The agenda reads the soonest entries up to the first that starts later than the
    # soonest: late in the evening the next few all start at the same hour tomorrow, and an
    # agenda stopped there shows nothing (rightly: unread entries may start then too).
    read = next(n for n, start in enumerate(nexts) if start > nexts[0]) + 1
    monkeypatch.setattr(agenda_pages, "AGENDA_ENTRIES", read)
    html = client.get("/whats-on").text
    starts = [
        datetime.fromisoformat(s)
        for s in re.findall(r'<time class="time" datetime="([^"]+)"', html)
    ]
    until = nexts[read - 1]
    assert starts and all(s < until for s in starts), "nothing at or after the last's next start"
    assert nexts[0] in starts
    shown = {
        int(i) for i in re.findall(r'<a href="/assets/(\d+)">', html.split("agenda-day", 1)[1])
    }
    assert shown <= {i["id"] for i in soonest["items"][:read]}
    assert 'id="agenda-end"' in html and "More listings match" in text_of(html)


def test_an_agenda_of_more_matches_than_can_be_ordered_asks_for_a_place(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soonest, "MAX_COMPUTED_ROWS", 10)  # as 5,000 of a million entries
    html = client.get("/whats-on").text
    assert 'class="agenda-day"' not in html and "Nothing found" not in html
    assert "too many to lay out day by day" in text_of(html)
    narrowed = client.get("/whats-on", params={"town": "tipton", "kind": "meeting"}).text
    assert 'class="agenda-day"' in narrowed
