"""Week spans (migration 0027) are kept by the database from the schedules and the entry's
point, whoever writes them: saving, editing, a venue's move, deleting; the migration's
backfill stores what the triggers store."""

from datetime import date, time

from sqlalchemy import delete, func, select, text, update
from sqlmodel import Session, col

from app.assets.models import Asset, Schedule, WeekSpan
from app.assets.schemas import ScheduleCreate
from app.assets.service import create_asset, update_asset
from app.venues.models import Venue
from tests.assets.test_service import make

TUESDAY = 1 * 1440


def _spans(session: Session, asset_id: int) -> list[tuple[int, int, float, float]]:
    at = col(WeekSpan.at)
    rows = session.execute(
        select(col(WeekSpan.starts), col(WeekSpan.ends), func.ST_X(at), func.ST_Y(at))
        .where(col(WeekSpan.asset_id) == asset_id)
        .order_by(col(WeekSpan.starts), col(WeekSpan.ends))
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _grid(session: Session, asset_id: int) -> tuple[float, float]:
    x, y = session.execute(
        text("SELECT ST_X(grid), ST_Y(grid) FROM asset WHERE id = :id"), {"id": asset_id}
    ).one()
    return x, y


def test_saving_stores_a_span_per_weekday_with_its_end_and_point(session: Session) -> None:
    weekly = ScheduleCreate(frequency="weekly", weekdays=[1, 3], start_time=time(19),
                            end_time=time(20, 30))  # fmt: skip
    late = ScheduleCreate(frequency="weekly", weekdays=[6], start_time=time(23), end_time=time(1))
    asset = create_asset(session, data=make(schedules=[weekly, late]))
    session.flush()
    assert asset.id is not None
    x, y = _grid(session, asset.id)
    sunday = 6 * 1440
    assert _spans(session, asset.id) == [
        (TUESDAY + 1140, TUESDAY + 1230, x, y),
        (3 * 1440 + 1140, 3 * 1440 + 1230, x, y),
        # Sunday 23:00 to Monday 01:00: past the week's end.
        (sunday + 1380, sunday + 1440 + 60, x, y),
    ]


def test_monthly_and_one_off_schedules_span_every_weekday_they_can_fall_on(
    session: Session,
) -> None:
    monthly = ScheduleCreate(frequency="monthly_day", month_day=3, start_time=time(10))
    once = ScheduleCreate(frequency="once", dates=[date(2026, 12, 1)], start_time=time(12))
    asset = create_asset(session, data=make(schedules=[monthly, once]))
    session.flush()
    assert asset.id is not None
    starts = [s for s, *_ in _spans(session, asset.id)]
    # Ten o'clock on every weekday (an hour by default); noon on the 1st's Tuesday.
    assert sorted(starts) == sorted([d * 1440 + 600 for d in range(7)] + [TUESDAY + 720])


def test_editing_moving_and_deleting_keep_the_spans(session: Session) -> None:
    asset = create_asset(session, data=make())  # Thursdays at 18:00
    session.flush()
    assert asset.id is not None
    thursday = 3 * 1440 + 1080
    assert [s[:2] for s in _spans(session, asset.id)] == [(thursday, thursday + 60)]

    saturday = ScheduleCreate(frequency="weekly", weekdays=[5], start_time=time(9, 30))
    update_asset(session, asset=asset, data=make(schedules=[saturday]))
    session.flush()
    assert [s[:2] for s in _spans(session, asset.id)] == [(5 * 1440 + 570, 5 * 1440 + 630)]

    # The venue moves: the entry's point follows (migration 0009), and its spans with it.
    session.execute(
        update(Venue)
        .where(col(Venue.id) == asset.venue_id)
        .values(location=text("ST_GeogFromText('POINT(-1.9 52.48)')"))
    )
    moved = _grid(session, asset.id)
    assert _spans(session, asset.id)[0][2:] == moved

    session.execute(delete(Schedule).where(col(Schedule.asset_id) == asset.id))
    assert _spans(session, asset.id) == []
    update_asset(session, asset=asset, data=make())
    session.flush()
    session.execute(delete(Asset).where(col(Asset.id) == asset.id))
    assert _spans(session, asset.id) == []


def test_the_migration_backfills_what_the_triggers_store(session: Session) -> None:
    stored = session.execute(text("SELECT asset_id, starts, ends, at::text FROM week_span")).all()
    assert len({r[0] for r in stored}) >= 80, "every demo entry with a place has spans"
    session.execute(text("DELETE FROM week_span"))
    session.execute(text("SELECT refresh_week_spans(ARRAY(SELECT id FROM asset))"))
    again = session.execute(text("SELECT asset_id, starts, ends, at::text FROM week_span")).all()
    assert sorted(again) == sorted(stored)
