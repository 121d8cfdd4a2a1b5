"""The (weekday, time band) slots stored on each entry: computed on save, backfilled by the
migration's SQL to the same values, and a superset of what the exact schedule filter keeps."""

import importlib.util
from datetime import date, time
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload
from sqlmodel import Session

from app.assets.models import Asset
from app.assets.schemas import ScheduleCreate
from app.assets.service import create_asset
from app.assets.slots import schedule_slots, slot_codes
from app.core.time import TimeBand
from tests.assets.test_service import make

MIGRATION = (
    Path(__file__).parents[2] / "alembic" / "versions" / "0014_schedule_slots_on_the_entry.py"
)


def _python_slots(session: Session) -> dict[int, list[int]]:
    assets = session.execute(select(Asset).options(selectinload(Asset.schedules))).scalars()  # type: ignore[arg-type]
    return {a.id: schedule_slots(a.schedules) for a in assets if a.id is not None}


def test_codes_and_kinds_of_schedule() -> None:
    assert slot_codes([0], [TimeBand.morning]) == [0]
    assert slot_codes([6], [TimeBand.night]) == [27]
    schedules = [
        ScheduleCreate(frequency="weekly", weekdays=[1, 3], start_time=time(19, 30)),
        ScheduleCreate(frequency="monthly_day", month_day=15, start_time=time(4, 30)),  # night
        ScheduleCreate(frequency="once", dates=[date(2026, 12, 5)], start_time=time(12)),  # Sat
    ]
    assert schedule_slots(schedules) == sorted(
        {1 * 4 + 2, 3 * 4 + 2, 5 * 4 + 1, *(d * 4 + 3 for d in range(7))}
    )


def test_saved_entries_carry_their_slots(session: Session) -> None:
    asset = create_asset(session, data=make())  # Thursday 18:00
    session.refresh(asset)
    assert asset.slots == [3 * 4 + 2]


def _stored(session: Session) -> dict[int, list[int]]:
    return {int(i): list(s) for i, s in session.execute(text("SELECT id, slots FROM asset")).all()}


def test_the_migration_backfills_what_saving_computes(session: Session) -> None:
    spec = importlib.util.spec_from_file_location("slots_migration", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    create_asset(session, data=make(external_id="saved-now"))  # through the service
    session.execute(text("UPDATE asset SET slots = '{}' WHERE source <> 'test'"))
    session.execute(text(migration.BACKFILL))
    session.expire_all()
    stored, computed = _stored(session), _python_slots(session)
    assert stored == computed
    assert len(stored) >= 90 and all(stored.values()), "every demo entry has a schedule"
