"""The entry's every-week flag (app.assets.slots.meets_every_week): set on save, backfilled by
migration 0026 to the same values, and when=week keeps the same entries with it as without."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.assets.schemas import ScheduleCreate
from app.assets.search import search_assets
from app.assets.search_params import SearchParams
from app.assets.service import create_asset
from app.assets.slots import meets_every_week
from app.core.time import zone
from tests.assets.test_service import make
from tests.migration_module import migration

WEEKLY = {"frequency": "weekly", "weekdays": [0], "start_time": time(19)}


@pytest.mark.parametrize(
    ("schedules", "every_week"),
    [([WEEKLY], True),
     ([WEEKLY, {**WEEKLY, "weekdays": [2, 4], "start_time": time(10)}], True),
     ([], False),  # no schedules: never on
     ([{**WEEKLY, "interval": 2}], False),  # fortnightly: not in every week
     ([{**WEEKLY, "valid_from": date(2026, 1, 5)}], False),  # a start date: not before it
     ([{**WEEKLY, "valid_until": date(2027, 1, 4)}], False),  # an end date: not after it
     ([{**WEEKLY, "cancelled_dates": [date(2026, 12, 28)]}], False),  # a week off
     ([WEEKLY, {"frequency": "monthly_nth", "weekdays": [1], "nth_week": 1,
                "start_time": time(19)}], False),
     ([{"frequency": "once", "dates": [date(2026, 12, 1)], "start_time": time(19)}], False)],
)  # fmt: skip
def test_what_meets_every_week(schedules: list[dict[str, object]], every_week: bool) -> None:
    assert meets_every_week([ScheduleCreate.model_validate(s) for s in schedules]) is every_week


def test_the_flag_is_set_on_save_and_backfilled_alike(session: Session) -> None:
    fortnightly = make(external_id="fortnightly", schedules=[
        ScheduleCreate(frequency="weekly", interval=2, weekdays=[0], start_time=time(19),
                       valid_from=date(2026, 1, 5))
    ])  # fmt: skip
    saved = [create_asset(session, data=d) for d in (make(external_id="plain"), fortnightly)]
    assert [a.every_week for a in saved] == [True, False]
    before = dict(session.execute(text("SELECT id, every_week FROM asset")).all())
    session.execute(text("UPDATE asset SET every_week = false"))
    session.execute(text(migration("0026_every_week.py").BACKFILL))
    assert dict(session.execute(text("SELECT id, every_week FROM asset")).all()) == before
    assert any(before.values()) and not all(before.values())


@pytest.mark.parametrize("near", [None, "B69 3DE"])
def test_this_week_keeps_the_same_entries_with_the_flag_as_without(
    session: Session, near: str | None
) -> None:
    """At each hour of a day (every minute of the hour in turn), with the demo data, an
    entry with a week off, one that has ended and one that starts next year: the entries
    flagged are kept by the schedules' own test too."""
    for external_id, change in (("week-off", {"cancelled_dates": [date(2026, 11, 26)]}),
                                ("ended", {"valid_until": date(2026, 11, 1)}),
                                ("not-yet", {"valid_from": date(2027, 1, 4)})):  # fmt: skip
        schedule = ScheduleCreate(frequency="weekly", weekdays=[3], start_time=time(9), **change)
        create_asset(session, data=make(external_id=external_id, schedules=[schedule]))
    params = SearchParams.model_validate(
        {"when": "week", "sort": "next", "per_page": 100, **({"near": near} if near else {})}
    )
    monday = datetime(2026, 11, 23, tzinfo=zone())
    seen = 0
    for hour in range(0, 24 * 7, 7):
        now = monday + timedelta(hours=hour, minutes=hour * 29 % 60)
        fast = [h.asset.id for h in search_assets(session, params=params, now=now).hits]
        session.execute(text("SAVEPOINT every_week"))
        session.execute(text("UPDATE asset SET every_week = false"))  # every schedule probed
        exact = [h.asset.id for h in search_assets(session, params=params, now=now).hits]
        session.execute(text("ROLLBACK TO SAVEPOINT every_week"))
        assert fast == exact, now
        seen += len(exact)
    assert seen > 0
