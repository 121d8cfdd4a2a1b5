"""The numbers of the week's (weekday, time band) slots, without the models: the entries'
indexes (app.assets.models) and the search's tests (app.assets.slots) are written from these.

A start slot is weekday × 4 + band (Monday morning = 0, Sunday night = 27); from ON_AIR = 28
on, the same numbering again for the slots an occurrence is still running in; from
ON_AIR_HOURS = 56 on, weekday × 24 + hour, the hours it is running in (Sunday 23:00 = 223)."""

from collections.abc import Iterable

from app.core.time import TimeBand

BANDS = tuple(TimeBand)
ON_AIR = 7 * len(BANDS)
ON_AIR_HOURS = 2 * ON_AIR
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    return sorted({day * len(BANDS) + BANDS.index(band) for day in days for band in bands})


def on_air_slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    """The on-air slots of `days` in `bands`: an occurrence still running then."""
    return [ON_AIR + code for code in slot_codes(days, bands)]


def on_air_hour_codes(day: int, hours: Iterable[int]) -> list[int]:
    """The on-air hours of weekday `day`: an occurrence running at some time in one of
    `hours` (0–23) of it."""
    return [ON_AIR_HOURS + day * 24 + hour for hour in hours]


# The parts of a day with an index of places each (app.assets.models, migrations 0023 and
# 0024), by name suffix: the whole day; the rest of it from each later band, for when=today
# late in the day; the morning and the afternoon alone, for what is on now (the evening alone
# is most of the rest from the evening).
DAY_PARTS: dict[str, tuple[TimeBand, ...]] = {
    "": BANDS,
    "_from_afternoon": BANDS[1:],
    "_from_evening": BANDS[2:],
    "_night": BANDS[3:],
    "_morning": BANDS[:1],
    "_afternoon": BANDS[1:2],
}


def day_part(bands: Iterable[TimeBand]) -> tuple[TimeBand, ...]:
    """The smallest part of a day with an index that holds every one of `bands`."""
    wanted = set(bands)
    return min((part for part in DAY_PARTS.values() if wanted <= set(part)), key=len)


def on_air_codes(day: int, part: tuple[TimeBand, ...] = BANDS) -> str:
    """SQL: the on-air slots of weekday `day` (0 = Monday) in the bands of a part of the day,
    as an array constant. Written out, the same text in the indexes' predicates
    (`slots && <this>`) and in the searches, so the planner sees that a search's condition is
    an index's."""
    codes = ",".join(str(code) for code in on_air_slot_codes([day], part))
    return f"'{{{codes}}}'::integer[]"
