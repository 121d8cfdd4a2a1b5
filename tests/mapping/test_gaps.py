"""The gap report's numbers against the data, by independent SQL."""

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role


def test_gap_numbers_match_the_data(
    client: TestClient, session: Session, signed_in: Callable[[Role], str]
) -> None:
    report = client.get("/api/v1/gaps").json()
    rows = session.execute(
        text(
            "SELECT p.name, a.kind, count(*) FROM asset a JOIN venue v ON v.id = a.venue_id "
            "JOIN place p ON p.id = v.town_id WHERE a.status = 'published' GROUP BY 1, 2"
        )
    ).all()
    expected: dict[str, dict[str, int]] = {t: {} for t in report["towns"]}
    for town, kind, n in rows:
        expected[town][kind] = n
    for town, kinds in report["kinds"].items():
        assert {k: n for k, n in kinds.items() if n} == expected[town]
    oldbury_na = next(
        n for n in report["nearest_meetings"] if n["town"] == "Oldbury" and n["fellowship"] == "NA"
    )
    assert (
        oldbury_na["in_town"] is False
        and oldbury_na["nearest"]
        and oldbury_na["distance_miles"] > 0
    )
    days = session.execute(
        text(
            "SELECT count(DISTINCT a.id) FROM asset a JOIN venue v ON v.id = a.venue_id "
            "JOIN place p ON p.id = v.town_id JOIN schedule s ON s.asset_id = a.id "
            "WHERE p.name = 'Tipton' AND a.kind = 'meeting' AND a.status = 'published' "
            "AND 3 = ANY(s.weekdays)"
        )
    ).scalar_one()
    assert report["meetings_by_day"]["Tipton"]["Thu"] == days
    signed_in(Role.mapper)
    page = client.get("/mapper/gaps").text
    assert "Nearest meeting of each fellowship" in page
    table = list(csv.reader(io.StringIO(client.get("/mapper/gaps.csv").text)))
    header, first = table[0], table[1]
    assert header[0] == "town" and first[0] == report["towns"][0]
    assert int(first[1]) == report["kinds"][first[0]]["meeting"]
