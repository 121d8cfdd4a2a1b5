"""Listings grouped by kind and weekday (town pages and print share this)."""

from dataclasses import dataclass, field

from app.assets.models import AssetKind
from app.assets.schemas import AssetPublic
from app.core.labels import DAY_LABELS
from app.core.time import DAY_CODES, Weekday

OTHER_DATES = "Other dates"
BY_ARRANGEMENT = "Open access or by arrangement"


@dataclass
class DayGroup:
    label: str
    entries: list[tuple[str | None, AssetPublic]] = field(default_factory=list)  # "19:00"


@dataclass
class KindGroup:
    kind: AssetKind
    days: list[DayGroup]
    count: int


def group_by_kind_and_day(items: list[AssetPublic]) -> list[KindGroup]:
    """Kinds in a fixed order; within a kind, Monday…Sunday by start time, then monthly and
    one-off entries, then entries with no times. An entry on several days appears under each."""
    groups: list[KindGroup] = []
    for kind in AssetKind:
        of_kind = [i for i in items if i.kind == kind]
        if not of_kind:
            continue
        days = {code: DayGroup(DAY_LABELS[Weekday(code)]) for code in DAY_CODES}
        other, none = DayGroup(OTHER_DATES), DayGroup(BY_ARRANGEMENT)
        for item in of_kind:
            if not item.schedules:
                none.entries.append((None, item))
            for s in item.schedules:
                if s.frequency in ("weekly", "monthly_nth") and s.weekdays:
                    for day in s.weekdays:
                        days[day].entries.append((s.start_time, item))
                else:
                    other.entries.append((s.start_time, item))
        for group in (*days.values(), other):
            group.entries.sort(key=lambda e: (e[0] or "", e[1].name.lower()))
        filled = [g for g in (*days.values(), other, none) if g.entries]
        groups.append(KindGroup(kind=kind, days=filled, count=len(of_kind)))
    return groups
