"""The numbers of the week's (weekday, time band) slots, without the models: the entries'
indexes (app.assets.models) and the search's tests (app.assets.slots) are written from these.

A start slot is weekday × 4 + band (Monday morning = 0, Sunday night = 27); from ON_AIR = 28
on, the same numbering again for the slots an occurrence is still running in."""

from collections.abc import Iterable

from app.core.time import TimeBand

BANDS = tuple(TimeBand)
ON_AIR = 7 * len(BANDS)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    return sorted({day * len(BANDS) + BANDS.index(band) for day in days for band in bands})


def on_air_slot_codes(days: Iterable[int], bands: Iterable[TimeBand]) -> list[int]:
    """The on-air slots of `days` in `bands`: an occurrence still running then."""
    return [ON_AIR + code for code in slot_codes(days, bands)]


def on_air_codes(day: int) -> str:
    """SQL: the on-air slots of weekday `day` (0 = Monday) as an array constant. Written out,
    the same text in the indexes' predicates (`slots && <this>`) and in the searches, so the
    planner sees that a search's condition is an index's."""
    codes = ",".join(str(code) for code in on_air_slot_codes([day], BANDS))
    return f"'{{{codes}}}'::integer[]"
