import re
from datetime import date

from fastapi.testclient import TestClient

from tests.pages import text_of


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
