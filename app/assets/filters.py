"""SQL conditions for each search filter (the WHERE clause of the one search)."""

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlmodel import Session, col

from app.assets.models import Asset, AssetInterest, Attendance, Audience, Interest, Schedule
from app.assets.occurs import on_now, on_today, on_within_week
from app.assets.search_params import SearchParams, When
from app.assets.slot_codes import BANDS
from app.assets.slots import (
    bands_left,
    in_slots,
    on_air_at,
    on_air_during,
    on_air_from,
)
from app.core.errors import InvalidInputError, NotFoundError
from app.core.time import BAND_BOUNDS, Occurrence, TimeBand, day_window, time_band
from app.places.models import Place, PlaceKind
from app.places.service import get_place

# Groups for young people are for these ages (the demo data and the public text say so).
YOUNG_PEOPLE_AGES = (16, 25)


def schedule_matches(days: list[int] | None, band: TimeBand | None, today: date) -> Any:
    """A current schedule on one of `days` starts in `band` (either may be None), where the
    entry's start slots (tested first, or by the area keys) do not already say so exactly:
    at a million entries the schedule probes were 6 of the combined search's 16 ms of SQL."""
    return or_(col(Asset.slots_exact), exists().where(*_schedule_conditions(days, band, today)))


def _schedule_conditions(
    days: list[int] | None, band: TimeBand | None, today: date
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [
        col(Schedule.asset_id) == col(Asset.id),
        or_(col(Schedule.valid_until).is_(None), col(Schedule.valid_until) >= today),
    ]
    if days is not None:
        one_off = text(
            "EXISTS (SELECT 1 FROM unnest(schedule.dates) AS d "
            "WHERE d >= :today AND extract(isodow FROM d)::int - 1 = ANY(:days))"
        ).bindparams(today=today, days=days)
        conds.append(
            or_(
                and_(
                    col(Schedule.frequency).in_(["weekly", "monthly_nth"]),
                    col(Schedule.weekdays).op("&&")(days),
                ),
                # any day of the month falls on every weekday sooner or later
                col(Schedule.frequency) == "monthly_day",
                and_(col(Schedule.frequency) == "once", one_off),
            )
        )
    else:  # any day, but a list of one-off dates only while one is still to come
        still_to_come = text(
            "EXISTS (SELECT 1 FROM unnest(schedule.dates) AS d WHERE d >= :today)"
        ).bindparams(today=today)
        conds.append(or_(col(Schedule.frequency) != "once", still_to_come))
    if band is not None:
        lo, hi = BAND_BOUNDS[band]
        start = col(Schedule.start_time)
        conds.append(and_(start >= lo, start < hi) if lo < hi else or_(start >= lo, start < hi))
    return conds


def schedule_between(after: time | None, before: time | None, today: date) -> Any:
    """EXISTS a current schedule starting at or after `after` and ending by `before`."""
    conds: list[ColumnElement[bool]] = [
        col(Schedule.asset_id) == col(Asset.id),
        or_(col(Schedule.valid_until).is_(None), col(Schedule.valid_until) >= today),
    ]
    if after is not None:
        conds.append(col(Schedule.start_time) >= after)
    if before is not None:
        conds.append(col(Schedule.end_time).is_not(None))
        conds.append(col(Schedule.end_time) <= before)
    return exists().where(*conds)


def day_walk(p: SearchParams, now: datetime, by_area: bool) -> list[Any]:
    """For a near search whose every match is on air during one weekday (today's for
    when=now or today, else a single chosen day, unless the area keys find the matches): the
    predicate of the smallest part of that day with an index that holds the bands a match is
    on air in, for walks nearest first (app.assets.paging). Only for walks: as a condition it
    is implied by the others, but the planner multiplies their selectivities and expected a
    quarter of the matches (when=today near B69: 483 for 3,175), which would make
    the "about N" totals wrong."""
    if not p.near or by_area:
        return []
    if p.when == When.today:  # on air in what is left of today
        return [on_air_during(now.weekday(), bands_left(now))]
    if p.when == When.now:  # on air in now's band
        return [on_air_during(now.weekday(), [time_band(now.time())])]
    days = p.weekdays()  # starting that day (in `time`'s band): on air then
    if days is None or len(days) != 1:
        return []
    return [on_air_during(days[0], [p.time] if p.time else BANDS)]


def resolve_town(session: Session, slug: str) -> Place:
    try:
        return get_place(session, slug=slug)
    except NotFoundError as exc:
        raise InvalidInputError(exc.message, field="town") from exc


def time_probe(p: SearchParams, now: datetime) -> Any | None:
    """The exact test of when=now, today or this week, on the schedules, for what passes the
    on-air hours (filter_conditions). Kept apart because the planner cannot estimate it:
    nationally at 12:30 it expected 1,337 of the 19,710 entries on then (the hours: 19,533),
    so the search counted every one of them to say "about 1,337" (75 ms; the page alone:
    3.4). This week's test spells out seven days of rules, and planning the estimate of the
    home page's search with it took 3.4 ms of its SQL (0.4 without)."""
    if p.when == When.now:
        return on_now(now)
    if p.when == When.today:
        return on_today(now)
    if p.when == When.week:  # what meets every week is on this week
        return or_(col(Asset.every_week), on_within_week(now))
    return None


def time_kept(p: SearchParams, now: datetime) -> datetime | None:
    """time_probe's test from an entry's next occurrence (the first not over by `now`): it is
    kept when that starts before the moment returned (None: no such test). sort=next works
    out every next occurrence it reads, so near a place it tests them in Python
    (app.assets.soonest) rather than plan seven days of rules for each slice of spans."""
    if p.when == When.now:
        return now + timedelta(microseconds=1)  # started by now
    if p.when == When.today:
        return day_window(now.date())[1]  # tomorrow's midnight
    if p.when == When.week:
        return now + timedelta(days=7)  # by the clock, as on_within_week
    return None


def starts_before(occurrence: Occurrence | None, moment: datetime | None) -> bool:
    return moment is None or (occurrence is not None and occurrence.start < moment)


def reads_the_clock(p: SearchParams) -> bool:
    """Whether the conditions made for these parameters depend on the moment of the search:
    filter_conditions reads today for days, time bands and start/end times, and it,
    time_probe, time_kept and day_walk read now for when=; with none of these they are the
    same at any moment (app.assets.statements keeps such statements)."""
    return bool(p.day or p.time or p.when or p.starts_after or p.ends_before)


def filter_conditions(
    p: SearchParams, now: datetime, *, place: Place | None = None, by_area: bool = False
) -> list[Any]:
    """Every filter except `near` (which also orders and measures) and the exact test of
    when=now, today or week (time_probe) as SQL conditions;
    `place` is the town (or borough) `p.town` names, already looked up. With `by_area` the
    kind and start-slot tests are left to the area keys (app.assets.area), which imply them."""
    today = now.date()
    where: list[Any] = []
    if place is not None:
        if place.kind == PlaceKind.town:
            where.append(col(Asset.town_id) == place.id)
        else:  # a borough: every town in it
            towns = select(col(Place.id)).where(col(Place.parent_id) == place.id)
            where.append(col(Asset.town_id).in_(towns))
    if p.kind and not by_area:
        where.append(col(Asset.kind).in_(p.kind))
    if p.interest:
        where.append(
            col(Asset.id).in_(
                select(col(AssetInterest.asset_id))
                .join(Interest, col(Interest.id) == col(AssetInterest.interest_id))
                .where(col(Interest.slug).in_(p.interest))
            )
        )
    if p.day or p.time:
        days = p.weekdays()
        if not by_area:  # from the entry's row: narrows the next test
            where.append(in_slots(days, p.time))
        where.append(schedule_matches(days, p.time, today))
    if p.when in (When.now, When.today):
        # From the entry's row, to narrow the exact test: running now means on air in now's
        # hour, on today in an hour still to come (a city centre's when=now at a million
        # entries probed 4,805 schedules with the rest of the day's bands; when=today near
        # B69 at 20:30 1,519 with the evening's and night's, 754 with the hours).
        # The exact test is time_probe's, added by the search after these.
        where.append(on_air_at(now) if p.when == When.now else on_air_from(now))
    if p.mode == Attendance.hybrid:
        where.append(col(Asset.attendance) == Attendance.hybrid)
    elif p.mode:
        where.append(col(Asset.attendance).in_([p.mode, Attendance.hybrid]))
    if p.access:  # the venue's features, copied onto the entry (migration 0018)
        where.append(col(Asset.access).contains([a.value for a in p.access]))
    if p.audience:
        where.append(col(Asset.audience) == p.audience)
    if p.type:
        where.append(col(Asset.types).contains([p.type]))
    if p.fellowship:
        where.append(func.lower(col(Asset.fellowship)) == p.fellowship.lower())
    if p.starts_after or p.ends_before:
        where.append(schedule_between(p.starts_after, p.ends_before, today))
    if p.age is not None and not YOUNG_PEOPLE_AGES[0] <= p.age <= YOUNG_PEOPLE_AGES[1]:
        where.append(col(Asset.audience) != Audience.young_people)
    if p.modified_after:
        where.append(col(Asset.updated_at) > p.modified_after)
    if p.q and p.q.strip():
        where.append(col(Asset.search_vector).op("@@")(func.websearch_to_tsquery("english", p.q)))
    return where
