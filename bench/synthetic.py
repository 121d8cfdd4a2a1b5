"""Synthetic assets spread over England's population centres, loaded with COPY."""

import random
from datetime import time
from types import SimpleNamespace

from psycopg import Connection

from app.assets.slots import meets_every_week, schedule_slots, slots_are_exact
from app.assets.upcoming import week_starts
from app.core.time import Frequency

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


# One borough only (for print benchmarks): Sandwell's middle, spread over its six towns.
LOCAL_CENTRES = [(52.515, -2.01, 1.0)]


def _point(rng: random.Random, local: bool = False) -> tuple[float, float]:
    centres = LOCAL_CENTRES if local else CENTRES
    lat, lon, _ = rng.choices(centres, weights=[c[2] for c in centres])[0]
    spread = 0.025 if local else 0.06
    return lat + rng.gauss(0, spread), lon + rng.gauss(0, spread * 1.5)


def generate(
    n: int,
    *,
    seed: int,
    venue_base: int,
    asset_base: int,
    only_meetings: bool = False,
    local: bool = False,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Rows for COPY: venues, assets and one weekly schedule per asset."""
    rng = random.Random(seed)
    kinds, weights = zip(*(KINDS[:1] if only_meetings else KINDS), strict=True)
    venues: list[tuple[object, ...]] = []
    assets: list[tuple[object, ...]] = []
    schedules: list[tuple[object, ...]] = []
    for i in range(1, n + 1):
        vid, aid = venue_base + i, asset_base + i
        lat, lon = _point(rng, local)
        kind = rng.choices(kinds, weights=weights)[0]
        fellowship = rng.choice(FELLOWSHIPS) if kind == "meeting" else None
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
        access = "{" + ",".join(rng.sample(ACCESS, rng.randint(0, 3))) + "}"
        venues.append((vid, f"Venue {i}", f"SRID=4326;POINT({lon:.6f} {lat:.6f})", access))
        types = "{O,D}" if fellowship else "{}"
        days = sorted(rng.sample(range(7), 1 if kind == "meeting" else rng.randint(1, 3)))
        start = time(
            rng.choice([7, 9, 10, 12, 13, 14, 17, 18, 19, 19, 20, 21]), rng.choice([0, 30])
        )
        weekly = SimpleNamespace(frequency=Frequency.weekly, interval=1, weekdays=days, dates=[],
                                 start_time=start, end_time=None, valid_from=None,
                                 valid_until=None, cancelled_dates=[])  # fmt: skip
        slots = "{" + ",".join(map(str, schedule_slots([weekly]))) + "}"
        assets.append(
            (aid, kind, name, f"syn-{aid}", fellowship, types, "published", vid, "bench",
             str(i), f"Synthetic {kind}: {name}.", "in_person", "everyone", slots,
             slots_are_exact([weekly]), "{" + ",".join(map(str, week_starts([weekly]))) + "}",
             meets_every_week([weekly]))
        )  # fmt: skip
        weekdays = "{" + ",".join(map(str, days)) + "}"
        schedules.append((aid, "weekly", weekdays, start))
    return venues, assets, schedules


def load(
    conn: Connection, n: int, seed: int = 42, *, only_meetings: bool = False, local: bool = False
) -> None:
    """Replace the synthetic rows (source 'bench') with n new ones."""
    # A benchmark database holds nothing else worth keeping: emptying it beats deleting a
    # million rows, and leaves no dead index entries to skew the next size's figures.
    conn.execute("TRUNCATE asset, venue CASCADE")
    bases = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM venue), (SELECT coalesce(max(id), 0) FROM asset)"
    ).fetchone()
    assert bases is not None
    venues, assets, schedules = generate(
        n,
        seed=seed,
        venue_base=bases[0],
        asset_base=bases[1],
        only_meetings=only_meetings,
        local=local,
    )
    asset_cols = (
        "id, kind, name, slug, fellowship, types, status, venue_id, source, external_id, "
        "description, attendance, audience, slots, slots_exact, week_starts, every_week"
    )
    with conn.cursor() as cur:
        for sql, rows in (
            ("COPY venue (id, name, location, accessibility) FROM STDIN", venues),
            (f"COPY asset ({asset_cols}) FROM STDIN", assets),
            ("COPY schedule (asset_id, frequency, weekdays, start_time) FROM STDIN", schedules),
        ):
            with cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
    for table in ("venue", "asset", "schedule"):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    # Town by point-in-polygon, as the venue service does on save.
    conn.execute(
        "UPDATE venue v SET town_id = p.id FROM place p WHERE p.kind = 'town' "
        "AND ST_Covers(p.boundary, v.location::geometry) AND v.name LIKE 'Venue %'"
    )
    conn.execute("ANALYZE")
