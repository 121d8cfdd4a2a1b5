"""Synthetic entries spread over England's population centres, loaded with COPY.

Each synthetic entry copies a demo entry of its kind (data/demo/assets.csv, the fictional
Sandwell directory): its schedules — weekly, fortnightly, the nth weekday of the month, a day
of the month, one-off dates — moved to other days and hours, its interests, organisation or
none, attendance (online, hybrid) and audience. Venues are shared, as church halls and hubs
are (about 2.2 entries each); courses run for a term. Until 27 November every synthetic entry
had one weekly schedule, no interests, no organisation and a venue of its own, which spared
the searches every slower path (see docs/performance.md)."""

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from psycopg import Connection

from app.assets.schemas import AssetCreate, ScheduleCreate
from app.assets.slots import meets_every_week, schedule_slots, slots_are_exact
from app.assets.upcoming import week_starts
from app.core.time import Frequency
from app.seed import DATA_DIR, demo_assets

# (lat, lon, relative weight): major English towns and cities.
CENTRES = [
    (51.507, -0.128, 9.0), (52.486, -1.890, 3.0), (53.480, -2.240, 3.0), (53.800, -1.550, 2.0),
    (53.410, -2.980, 2.0), (54.970, -1.610, 1.5), (53.380, -1.470, 1.5), (51.450, -2.590, 1.5),
    (52.950, -1.150, 1.2), (52.640, -1.130, 1.0), (50.900, -1.400, 1.0), (50.370, -4.140, 0.6),
    (52.630, 1.300, 0.6), (53.740, -0.330, 0.8), (53.000, -2.180, 0.8), (52.410, -1.510, 0.9),
    (50.820, -0.140, 0.8), (51.750, -1.260, 0.5), (52.200, 0.120, 0.5), (50.720, -3.530, 0.4),
    (53.960, -1.080, 0.5), (52.500, -2.000, 1.0), (54.600, -1.230, 0.6), (51.270, 1.080, 0.4),
]  # fmt: skip
KINDS = [
    ("meeting", 0.35), ("bumping_space", 0.1), ("volunteering", 0.12), ("club", 0.18),
    ("course", 0.08), ("employment", 0.05), ("peer_support", 0.07), ("service", 0.05),
]  # fmt: skip
FELLOWSHIPS = ["AA", "NA", "CA", "SMART", "Al-Anon"]
ACCESS = ["step_free", "accessible_toilet", "hearing_loop", "parking", "quiet_room"]
WORDS = ["recovery", "walk", "garden", "café", "support", "group", "club", "course", "hope"]

# The benchmarks' pinned Thursday (bench.search.bench_now): one-off dates, terms and
# cancellations fall around it, so a run finds as many of them whatever day it is loaded.
AROUND = date(2026, 11, 26)
# What prepare_bench_db compares with the loaded data's mark: a new shape reloads.
SHAPE = "demo-mix-1"
NEW_VENUE = 0.45  # otherwise an entry meets at a venue an earlier one uses
ORGANISATIONS_PER_ENTRY = 1 / 50
CANCELLED = 0.03  # weekly schedules with one date called off in the next four weeks

# One borough only (for print benchmarks): Sandwell's middle, spread over its six towns.
LOCAL_CENTRES = [(52.515, -2.01, 1.0)]


@dataclass
class Rows:
    """Rows for COPY, table by table."""

    organisations: list[tuple[object, ...]]
    venues: list[tuple[object, ...]]
    assets: list[tuple[object, ...]]
    schedules: list[tuple[object, ...]]
    interests: list[tuple[int, str]]  # (entry id, interest slug)


@cache
def _templates() -> dict[str, list[AssetCreate]]:
    by_kind: dict[str, list[AssetCreate]] = {}
    for entry in demo_assets(DATA_DIR / "demo"):
        by_kind.setdefault(entry.kind.value, []).append(entry)
    return by_kind


def _point(rng: random.Random, local: bool = False) -> tuple[float, float]:
    centres = LOCAL_CENTRES if local else CENTRES
    lat, lon, _ = rng.choices(centres, weights=[c[2] for c in centres])[0]
    spread = 0.025 if local else 0.06
    return lat + rng.gauss(0, spread), lon + rng.gauss(0, spread * 1.5)


def _minute(at: time) -> int:
    return at.hour * 60 + at.minute


def _moved(at: time, minutes: int) -> time:
    return (datetime.combine(AROUND, at) + timedelta(minutes=minutes)).time()


def _schedule(rng: random.Random, s: ScheduleCreate, kind: str) -> SimpleNamespace:
    """A demo schedule on other days and at another hour (the same length)."""
    days = rng.randrange(7)
    minutes = rng.choice([-60, -30, 0, 0, 30, 60])
    last = _minute(s.end_time or s.start_time)  # an end before the start runs past midnight
    if not 0 <= _minute(s.start_time) + minutes <= last + minutes < 24 * 60:
        minutes = 0  # not moved over midnight
    out = SimpleNamespace(**s.model_dump())
    out.weekdays = sorted((d + days) % 7 for d in s.weekdays)
    out.start_time = _moved(s.start_time, minutes)
    out.end_time = s.end_time and _moved(s.end_time, minutes)
    if s.frequency == Frequency.once:
        shift = timedelta(days=rng.randint(-21, 42))
        out.dates = [d + shift for d in s.dates]
    elif s.frequency == Frequency.monthly_day:
        out.month_day = rng.randint(1, 28)
    elif s.valid_from is not None:  # every N weeks, counted from a date on its weekday
        out.valid_from = s.valid_from + timedelta(days=days)
    elif kind == "course" and s.frequency == Frequency.weekly:  # a term of 6 to 12 weeks
        out.valid_from = AROUND + timedelta(days=rng.randint(-42, 28))
        out.valid_until = out.valid_from + timedelta(weeks=rng.randint(6, 12))
    if s.frequency == Frequency.weekly and out.valid_until is None and rng.random() < CANCELLED:
        off = AROUND + timedelta(days=rng.randrange(28))
        out.cancelled_dates = [off + timedelta(days=(out.weekdays[0] - off.weekday()) % 7)]
    return out


def _array(values: Any) -> str:
    return "{" + ",".join(map(str, values)) + "}"


def _schedule_row(asset_id: int, s: SimpleNamespace) -> tuple[object, ...]:
    return (asset_id, s.frequency.value, s.interval, _array(s.weekdays), s.nth_week,
            s.month_day, _array(s.dates), s.start_time, s.end_time, s.valid_from,
            s.valid_until, _array(s.cancelled_dates))  # fmt: skip


def generate(
    n: int,
    *,
    seed: int,
    bases: tuple[int, int, int],
    only_meetings: bool = False,
    local: bool = False,
) -> Rows:
    """Rows for COPY; `bases`: the highest organisation, venue and asset ids already used."""
    rng = random.Random(seed)
    org_base, venue_base, asset_base = bases
    kinds, weights = zip(*(KINDS[:1] if only_meetings else KINDS), strict=True)
    templates = _templates()
    orgs = max(1, int(n * ORGANISATIONS_PER_ENTRY))
    rows = Rows(
        organisations=[(org_base + k, f"Synthetic organisation {k}", f"syn-org-{org_base + k}")
                       for k in range(1, orgs + 1)],
        venues=[], assets=[], schedules=[], interests=[],
    )  # fmt: skip
    for i in range(1, n + 1):
        aid = asset_base + i
        kind = rng.choices(kinds, weights=weights)[0]
        like = rng.choice(templates[kind])
        venue_id = None
        if like.venue is not None:
            if not rows.venues or rng.random() < NEW_VENUE:
                lat, lon = _point(rng, local)
                venue_id = venue_base + len(rows.venues) + 1
                access = _array(rng.sample(ACCESS, rng.randint(0, 3)))
                point = f"SRID=4326;POINT({lon:.6f} {lat:.6f})"
                rows.venues.append((venue_id, f"Venue {venue_id}", point, access))
            else:
                venue_id = venue_base + rng.randint(1, len(rows.venues))
        schedules = [_schedule(rng, s, kind) for s in like.schedules]
        rows.schedules += [_schedule_row(aid, s) for s in schedules]
        rows.interests += [(aid, slug) for slug in like.interests]
        fellowship = rng.choice(FELLOWSHIPS) if kind == "meeting" else None
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
        org = org_base + rng.randint(1, orgs) if like.organisation else None
        rows.assets.append(
            (aid, kind, name, f"syn-{aid}", fellowship, _array(like.types), "published",
             venue_id, org, "bench", str(i), f"{name}. {like.description}",
             like.attendance.value, like.online_url, like.audience.value, like.cost,
             _array(schedule_slots(schedules)), slots_are_exact(schedules),
             _array(week_starts(schedules)), meets_every_week(schedules))
        )  # fmt: skip
    return rows


ASSET_COLUMNS = (
    "id, kind, name, slug, fellowship, types, status, venue_id, organisation_id, source, "
    "external_id, description, attendance, online_url, audience, cost, slots, slots_exact, "
    "week_starts, every_week, interest_ids"
)
SCHEDULE_COLUMNS = (
    "asset_id, frequency, interval, weekdays, nth_week, month_day, dates, start_time, end_time, "
    "valid_from, valid_until, cancelled_dates"
)


def mark(n: int, *, only_meetings: bool, local: bool) -> str:
    """What a load of this size and shape leaves on the asset table (its comment)."""
    return f"bench {SHAPE} n={n} only_meetings={only_meetings} local={local}"


def _copies(
    conn: Connection, rows: Rows, interest_ids: dict[str, int]
) -> Iterator[tuple[str, list[Any]]]:
    yield "COPY organisation (id, name, slug) FROM STDIN", rows.organisations
    yield "COPY venue (id, name, location, accessibility) FROM STDIN", rows.venues
    # Town by point-in-polygon, as the venue service does on save, before the entries copy it.
    conn.execute(
        "UPDATE venue v SET town_id = p.id FROM place p WHERE p.kind = 'town' "
        "AND ST_Covers(p.boundary, v.location::geometry) AND v.name LIKE 'Venue %'"
    )
    links = [(aid, interest_ids[slug]) for aid, slug in rows.interests]
    # Each entry's interests' ids, as the trigger on asset_interest writes them (disabled for
    # the load, BUMPS; migration 0031).
    ids_of: dict[int, list[int]] = defaultdict(list)
    for aid, interest_id in links:
        ids_of[aid].append(interest_id)
    assets = [(*row, _array(sorted(ids_of[cast(int, row[0])]))) for row in rows.assets]
    yield f"COPY asset ({ASSET_COLUMNS}) FROM STDIN", assets
    yield f"COPY schedule ({SCHEDULE_COLUMNS}) FROM STDIN", rows.schedules
    yield "COPY asset_interest (asset_id, interest_id) FROM STDIN", links


# Triggers that give an edited entry a new change number (migration 0004): a fresh load has
# nothing to tell partners, and firing them updated every entry once per schedule, interest
# and venue town (1.4 million dead rows at a million entries, 24 s for 100,000 interests).
BUMPS = {
    "schedule": "schedule_bumps_asset_trigger",
    "asset_interest": "asset_interest_bumps_asset_trigger",
    "venue": "venue_bumps_assets_trigger",
}


def load(
    conn: Connection, n: int, seed: int = 42, *, only_meetings: bool = False, local: bool = False
) -> None:
    """Replace the synthetic rows (source 'bench') with n new ones, in the connection's
    transaction (the caller commits, then vacuums: bench.search.prepare_bench_db)."""
    # A benchmark database holds nothing else worth keeping: emptying it beats deleting a
    # million rows, and leaves no dead index entries to skew the next size's figures.
    conn.execute("TRUNCATE asset, venue, organisation CASCADE")
    bases = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM organisation), "
        "(SELECT coalesce(max(id), 0) FROM venue), (SELECT coalesce(max(id), 0) FROM asset)"
    ).fetchone()
    assert bases is not None
    rows = generate(n, seed=seed, bases=bases, only_meetings=only_meetings, local=local)
    interest_ids: dict[str, int] = dict(conn.execute("SELECT slug, id FROM interest").fetchall())
    for table, trigger in BUMPS.items():
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    with conn.cursor() as cur:
        for sql, table_rows in _copies(conn, rows, interest_ids):
            with cur.copy(sql) as copy:
                for row in table_rows:
                    copy.write_row(row)
    for table, trigger in BUMPS.items():
        conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    # Past the loaded ids, and never back: a sequence is not rolled back with the load (the
    # tests load into their own transaction), and set back below a row kept outside it, the
    # next insert would take that row's id.
    for table in ("organisation", "venue", "asset", "schedule"):
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
        assert sequence is not None
        conn.execute(
            f"SELECT setval('{sequence[0]}', greatest((SELECT coalesce(max(id), 1) FROM {table}), "
            f"(SELECT last_value FROM {sequence[0]})))"
        )
    conn.execute(f"COMMENT ON TABLE asset IS '{mark(n, only_meetings=only_meetings, local=local)}'")
