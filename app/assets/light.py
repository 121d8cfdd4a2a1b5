"""Entries as plain read-only rows for whole-feed builds.

A feed of 10,000 meetings spent most of its 2.8 s making 30,000 ORM objects (entries, venues,
schedules) it only reads. These rows carry the same attribute names, so the feed writers
(Meeting Guide, iCalendar) and the schedule functions read them alike; they are never saved."""

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ARRAY, Integer, any_, bindparam, select
from sqlmodel import Session, col

from app.assets.models import Asset, Attendance, Schedule
from app.core.time import Frequency
from app.organisations.models import Organisation
from app.venues.models import Venue

SKIPPED = {"search_vector", "grid", "location", "private_contact", "source_snapshot"}


def _rows(session: Session, model: Any, column: Any, ids: Sequence[int]) -> list[Any]:
    """Rows whose `column` is one of `ids`: one array parameter (an IN list of 10,000
    parameters cost more to send than the rows), without the columns no feed reads."""
    table = model.__table__
    if not ids:
        return []
    wanted = [c for c in table.columns if not (model is Asset and c.name in SKIPPED)]
    return list(
        session.execute(
            select(*wanted).where(column == any_(bindparam("ids", list(ids), type_=ARRAY(Integer))))
        ).all()
    )


def _plain(row: Any, **changes: Any) -> SimpleNamespace:
    return SimpleNamespace(**{**row._mapping, **changes})


def load_light(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """id → a read-only entry with `venue`, `organisation` and `schedules` filled in."""
    assets = _rows(session, Asset, col(Asset.id), ids)
    venue_ids = sorted({a.venue_id for a in assets if a.venue_id})
    org_ids = sorted({a.organisation_id for a in assets if a.organisation_id})
    venues = {v.id: _plain(v) for v in _rows(session, Venue, col(Venue.id), venue_ids)}
    orgs = {o.id: _plain(o) for o in _rows(session, Organisation, col(Organisation.id), org_ids)}
    schedules: dict[int, list[Any]] = defaultdict(list)
    for s in _rows(session, Schedule, col(Schedule.asset_id), ids):
        schedules[s.asset_id].append(_plain(s, frequency=Frequency(s.frequency)))
    light = {}
    for a in assets:
        row = _plain(a)
        row.attendance = Attendance(a.attendance)
        row.venue = venues.get(a.venue_id)
        row.organisation = orgs.get(a.organisation_id)
        row.schedules = sorted(schedules[a.id], key=lambda s: s.id)
        light[a.id] = row
    return light
