"""Entries as plain read-only rows for whole-feed builds and public search results.

A feed of 10,000 meetings spent most of its 2.8 s making 30,000 ORM objects (entries, venues,
schedules) it only reads; a page of 20 API results spent 40% of its time loading them. These
rows carry the same attribute names, so the feed writers (Meeting Guide, iCalendar), the
presenters and the schedule functions read them alike; they are never saved."""

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ARRAY, Integer, any_, bindparam, select
from sqlmodel import Session, col

from app.assets.models import Asset, AssetInterest, Attendance, Interest, Schedule
from app.core.time import Frequency
from app.organisations.models import Organisation
from app.venues.models import Venue

SKIPPED = {"search_vector", "grid", "location", "private_contact", "source_snapshot"}


def _any_of(ids: Sequence[int]) -> Any:
    return any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))


def _rows(session: Session, model: Any, column: Any, ids: Sequence[int]) -> list[SimpleNamespace]:
    """Rows whose `column` is one of `ids`, as plain objects: one array parameter (an IN list
    of 10,000 parameters cost more to send than the rows), without the columns no feed reads,
    and the column names read once rather than per row."""
    table = model.__table__
    if not ids:
        return []
    wanted = [c for c in table.columns if not (model is Asset and c.name in SKIPPED)]
    result = session.execute(select(*wanted).where(column == _any_of(ids)))
    names = list(result.keys())
    return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in result]


def light_schedules(session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
    """Entry id → its schedules as plain rows (what next dates are worked out from)."""
    schedules: dict[int, list[Any]] = defaultdict(list)
    for s in _rows(session, Schedule, col(Schedule.asset_id), ids):
        s.frequency = Frequency(s.frequency)
        schedules[s.asset_id].append(s)
    return schedules


def light_interests(session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
    """Entry id → its interests as plain rows."""
    rows = session.execute(
        select(col(AssetInterest.asset_id), *Interest.__table__.columns)  # type: ignore[attr-defined]
        .join(Interest, col(Interest.id) == col(AssetInterest.interest_id))
        .where(
            col(AssetInterest.asset_id) == any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))
        )
        .order_by(col(Interest.id))
    )
    names = list(rows.keys())[1:]
    interests: dict[int, list[Any]] = defaultdict(list)
    for asset_id, *values in rows:
        interests[asset_id].append(SimpleNamespace(**dict(zip(names, values, strict=True))))
    return interests


def load_light(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """id → a read-only entry with `venue`, `organisation`, `schedules` and `interests`."""
    assets = _rows(session, Asset, col(Asset.id), ids)
    venue_ids = sorted({a.venue_id for a in assets if a.venue_id})
    org_ids = sorted({a.organisation_id for a in assets if a.organisation_id})
    venues = {v.id: v for v in _rows(session, Venue, col(Venue.id), venue_ids)}
    orgs = {o.id: o for o in _rows(session, Organisation, col(Organisation.id), org_ids)}
    schedules = light_schedules(session, ids)
    interests = light_interests(session, ids)
    light = {}
    for a in assets:
        a.interests = interests.get(a.id, [])
        a.attendance = Attendance(a.attendance)
        a.venue = venues.get(a.venue_id)
        a.organisation = orgs.get(a.organisation_id)
        a.schedules = sorted(schedules[a.id], key=lambda s: s.id)
        light[a.id] = a
    return light
