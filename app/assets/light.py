"""Entries as plain read-only rows for whole-feed builds and public search results.

A feed of 10,000 meetings spent most of its 2.8 s making 30,000 ORM objects (entries, venues,
schedules) it only reads; a page of 20 API results spent 40% of its time loading them. These
rows carry the same attribute names, so the feed writers (Meeting Guide, iCalendar), the
presenters and the schedule functions read them alike; they are never saved. A near search's
first page reads its entries in the statement that finds them (`page_with_entries`), one row
per schedule; other pages read them by id (`load_light`)."""

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from itertools import accumulate
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ARRAY, Integer, Select, Subquery, any_, bindparam, select
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col

from app.assets.interests import interest_rows
from app.assets.models import Asset, Schedule
from app.core.fixed import FixedStatement, fix, run_together
from app.core.geo import latlon_from_pair, point_pair
from app.organisations.models import Organisation
from app.places.service import place_slugs_and_names
from app.venues.models import Venue

# What these rows never carry: what only searches read (in SQL); what is private or large;
# the bookkeeping of edits, imports and merges; a venue's hosting details (the mappers' venue
# pages read those); a venue's and an organisation's timestamps, which nothing shown from a
# search reads. Each column left out is one fewer value to send and convert, 20 times a page:
# ~3 µs an entry of the ~8 its row cost to load.
SKIPPED = {
    Asset: {
        "search_vector", "grid", "location", "private_contact", "source_snapshot", "area_keys",
        "slots", "week_starts", "slots_exact", "every_week", "last_verified_by_id",
        "source_checksum", "change_seq", "merged_into_id",
    },
    Venue: {
        "created_at", "updated_at", "cost_band", "hosting_terms", "free_slots", "kitchen",
        "hosting_contact", "hosting_checked_at",
    },
    Organisation: {"created_at", "updated_at"},
}  # fmt: skip


# The statements are built and compiled once (`cache`, app.core.fixed) and take the ids as one
# array parameter: building the entries' select of ~100 columns cost a third of reading a page
# of 20, and SQLAlchemy's execution of it as much again.
IDS = bindparam("ids", type_=ARRAY(Integer))


def _columns(model: Any) -> list[Any]:
    skipped = SKIPPED.get(model, set())
    return [c for c in model.__table__.columns if c.name not in skipped]


# Up to this many ids a page's statements keep one plan per connection (app.core.fixed); a
# feed's thousands are planned for themselves.
PLAN_ONCE_UP_TO = 500


@cache
def _schedules_query(dialect: Dialect) -> FixedStatement:
    return fix(select(*_columns(Schedule)).where(col(Schedule.asset_id) == any_(IDS)), dialect)


def _plain(names: Sequence[str], values: Sequence[Any]) -> SimpleNamespace:
    plain = SimpleNamespace()
    vars(plain).update(zip(names, values, strict=True))  # (no dict of keywords in between)
    return plain


def _run(
    session: Session, statements: Sequence[FixedStatement], ids: Sequence[int]
) -> list[list[tuple[Any, ...]]]:
    """The statements' rows for these ids: one array parameter (an IN list of 10,000
    parameters cost more to send than the rows), sent together on the driver's cursor. The
    array goes as PostgreSQL's text for it, which the statement casts: given a list, psycopg
    works out its element type value by value in Python (32 µs for a page's 20 ids, 4 as
    text), for each statement."""
    array = "{" + ",".join(map(str, ids)) + "}"
    runs = [(statement, {"ids": array}) for statement in statements]
    return run_together(session, runs, plan_once=len(ids) <= PLAN_ONCE_UP_TO)


def _by_entry(rows: Sequence[tuple[Any, ...]], names: Sequence[str]) -> dict[int, list[Any]]:
    """Entry id → its schedules as plain rows, the column names read once rather than per row."""
    schedules: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        s = _plain(names, row)
        schedules[s.asset_id].append(s)
    return schedules


def light_schedules(session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
    """Entry id → its schedules as plain rows (what next dates are worked out from)."""
    if not ids:
        return defaultdict(list)
    statement = _schedules_query(session.get_bind().dialect)
    return _by_entry(_run(session, [statement], ids)[0], statement.names)


@cache
def _parts() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """The columns of an entry's row: its own, its venue's (the point as a pair), its
    organisation's and its schedule's."""
    own, by, when = _columns(Asset), _columns(Organisation), _columns(Schedule)
    at = [point_pair(c) if c.name == "location" else c for c in _columns(Venue)]
    return own, at, by, when


@cache
def _part_names() -> tuple[list[str], list[str], list[str], list[str]]:
    own, at, by, when = ([c.name for c in part] for part in _parts())
    return own, at, by, when


def _joined(statement: Select[Any], entries: Any, *, schedules: bool) -> Select[Any]:
    """`statement` with each entry's venue and organisation joined (`entries`: the table or
    subquery the entries' columns come from), and its schedules: then one row per schedule,
    one for an entry without any."""
    joined = statement.outerjoin(Venue, col(Venue.id) == entries.c.venue_id).outerjoin(
        Organisation, col(Organisation.id) == entries.c.organisation_id
    )
    if schedules:
        joined = joined.outerjoin(Schedule, col(Schedule.asset_id) == entries.c.id)
    return joined


@cache
def _entries_query(dialect: Dialect) -> FixedStatement:
    """The entries of some ids, each with its venue and organisation (schedules apart)."""
    own, at, by, _ = _parts()
    entries = Asset.__table__  # type: ignore[attr-defined]
    return fix(_joined(select(*own, *at, *by), entries, schedules=False)
               .where(col(Asset.id) == any_(IDS)), dialect)  # fmt: skip


def entry_columns() -> list[Any]:
    """An entry's own columns as these rows carry them: a page read with its entries
    (`page_with_entries`) selects them in its walk, where the entries are read anyway."""
    return [c for c in _parts()[0] if c.name != "id"]


def page_with_entries(page: Subquery, leading: Sequence[Any], order: Sequence[Any]) -> Select[Any]:
    """The `leading` columns of `page` in `order`, each row with its entry as `entries_of`
    reads them: one round trip for a page and its entries (a near search's first page:
    app.assets.paging). `page` carries the entry's `id` and `entry_columns()`: the walk that
    found the entries read their rows already, and probing the table again for them cost
    PostgreSQL four index pages an entry."""
    own, at, by, when = _parts()
    carried = [page.c.id if c.name == "id" else page.c[c.name] for c in own]
    selected = select(*leading, *carried, *at, *by, *when).select_from(page)
    return _joined(selected, page, schedules=True).order_by(*order, col(Schedule.id))


def entries_of(
    session: Session, rows: Sequence[tuple[Any, ...]], leading: int
) -> list[tuple[tuple[Any, ...], SimpleNamespace]]:
    """The rows of a `page_with_entries` statement as (each row's leading columns, its entry
    with its schedules), the rows of one entry's schedules next to each other."""
    own, at, by, when = _part_names()
    ends = _ends(leading, own, at, by)
    entry_id, first_schedule = leading + own.index("id"), ends[-1]
    schedule_id = first_schedule + when.index("id")
    pages: list[tuple[tuple[Any, ...], SimpleNamespace]] = []
    for row in rows:
        if not pages or pages[-1][1].id != row[entry_id]:
            entry = _entry(row, (own, at, by), ends)
            entry.schedules = []
            pages.append((row[:leading], entry))
        if row[schedule_id] is not None:
            pages[-1][1].schedules.append(_plain(when, row[first_schedule:]))
    _named(session, [entry for _, entry in pages])
    return pages


def _ends(start: int, *parts: Sequence[str]) -> list[int]:
    """Where each part of a row starts, and where the last ends."""
    return list(accumulate((len(part) for part in parts), initial=start))


def _entry(
    row: Sequence[Any], names: tuple[Sequence[str], ...], ends: Sequence[int]
) -> SimpleNamespace:
    entry = _plain(names[0], row[ends[0] : ends[1]])
    entry.venue = _plain(names[1], row[ends[1] : ends[2]]) if entry.venue_id else None
    if entry.venue is not None:
        entry.venue.location = latlon_from_pair(entry.venue.location)
    entry.organisation = _plain(names[2], row[ends[2] : ends[3]]) if entry.organisation_id else None
    return entry


def _named(session: Session, entries: Sequence[SimpleNamespace]) -> None:
    """The entries' interests and their venues' towns (`town`: slug and name), from memory:
    the interests' ids are the entry's own column (migration 0031)."""
    interests = interest_rows(session, {i for entry in entries for i in entry.interest_ids})
    venues = [v for entry in entries if (v := entry.venue) is not None]
    places = place_slugs_and_names(session, {v.town_id for v in venues if v.town_id})
    for entry in entries:
        entry.interests = [interests[i] for i in entry.interest_ids]
    for venue in venues:
        venue.town = places[venue.town_id] if venue.town_id else None


def towns_of(entries: Sequence[Any]) -> dict[int, tuple[str, str]]:
    """Town id → (slug, name) of these read-only entries' venues (no query: they carry it)."""
    return {v.town_id: v.town for e in entries if (v := e.venue) is not None and v.town_id}


def load_light(
    session: Session, ids: Sequence[int], *, schedules: dict[int, list[Any]] | None = None
) -> dict[int, Any]:
    """id → a read-only entry with `venue`, `organisation`, `schedules` and `interests`
    (`schedules`: theirs, when the caller has read them already)."""
    if not ids:
        return {}
    dialect = session.get_bind().dialect
    entries_query = _entries_query(dialect)
    if schedules is None:  # read in the same round trip
        schedules_query = _schedules_query(dialect)
        rows, schedule_rows = _run(session, [entries_query, schedules_query], ids)
        schedules = _by_entry(schedule_rows, schedules_query.names)
    else:
        (rows,) = _run(session, [entries_query], ids)
    own, at, by, _ = _part_names()
    ends = _ends(0, own, at, by)
    entries = [_entry(row, (own, at, by), ends) for row in rows]
    _named(session, entries)
    light = {}
    for a in entries:
        a.schedules = sorted(schedules[a.id], key=lambda s: s.id)
        light[a.id] = a
    return light
