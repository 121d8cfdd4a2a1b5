"""An agenda: the occurrences of some listings over the next days, grouped by day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.assets.schemas import AssetPublic
from app.assets.search import AssetHit
from app.core.time import Occurrence, occurrences


@dataclass
class AgendaDay:
    day: date
    entries: list[tuple[Occurrence, AssetPublic]]


def build_agenda(
    hits: list[AssetHit],
    publics: list[AssetPublic],
    *,
    start: datetime,
    days: int,
    until: datetime | None = None,
) -> list[AgendaDay]:
    """Every occurrence not yet finished from `start` for `days` days (and starting before
    `until`, when given), by local day then time."""
    end = start + timedelta(days=days)
    if until is not None:
        end = min(end, until)
    by_day: dict[date, list[tuple[Occurrence, AssetPublic]]] = defaultdict(list)
    for hit, public in zip(hits, publics, strict=True):
        for occ in occurrences(hit.asset.schedules, start - timedelta(hours=12), end):
            if occ.end > start:  # `occurrences` gives only those starting before `end`
                by_day[occ.start.astimezone(start.tzinfo).date()].append((occ, public))
    return [
        AgendaDay(day, sorted(entries, key=lambda e: (e[0].start, e[1].name.lower())))
        for day, entries in sorted(by_day.items())
    ]
