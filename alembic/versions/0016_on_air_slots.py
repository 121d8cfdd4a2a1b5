"""on-air slots: every (weekday, band) an occurrence runs in, for when=today and when=now

Entries' slots are recomputed: the start codes of 0014 plus, from 28 on, the (weekday, band)
of every hour from an occurrence's start to its end (an hour when it gives none; past
midnight into the next weekday), as app.assets.slots computes them on save.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from app.core.migrations import backfill_entries

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each schedule's start weekdays and its start and end minutes (0025 reads it too).
SCHEDULE_TIMES = """
WITH sched AS (
    SELECT sc.asset_id, d,
           extract(hour FROM sc.start_time)::int * 60 + extract(minute FROM sc.start_time)::int
               AS s,
           extract(hour FROM sc.end_time)::int * 60 + extract(minute FROM sc.end_time)::int
               AS given_end
    FROM schedule sc, LATERAL unnest(CASE sc.frequency
        WHEN 'monthly_day' THEN ARRAY[0, 1, 2, 3, 4, 5, 6]
        WHEN 'once' THEN ARRAY(SELECT extract(isodow FROM x)::int - 1 FROM unnest(sc.dates) x)
        ELSE sc.weekdays END) AS d
), ends AS (
    SELECT asset_id, d, s, CASE WHEN e <= s THEN e + 1440 ELSE e END AS e
    FROM sched, LATERAL (SELECT coalesce(given_end, s + 60) AS e) x
)"""
BACKFILL = (
    SCHEDULE_TIMES
    + """, codes AS (
    SELECT asset_id, d * 4 + CASE
        WHEN s >= 300 AND s < 720 THEN 0 WHEN s >= 720 AND s < 1020 THEN 1
        WHEN s >= 1020 AND s < 1260 THEN 2 ELSE 3 END AS code
    FROM sched
    UNION ALL
    SELECT asset_id, 28 + ((d + h / 24) % 7) * 4 + CASE
        WHEN h % 24 >= 5 AND h % 24 < 12 THEN 0 WHEN h % 24 >= 12 AND h % 24 < 17 THEN 1
        WHEN h % 24 >= 17 AND h % 24 < 21 THEN 2 ELSE 3 END
    FROM ends, LATERAL generate_series(s / 60, (e - 1) / 60) AS h
)
UPDATE asset a SET slots = c.codes
FROM (SELECT asset_id, array_agg(DISTINCT code ORDER BY code) AS codes FROM codes
      GROUP BY asset_id) c
WHERE c.asset_id = a.id
"""
)


def upgrade() -> None:
    backfill_entries(BACKFILL)


def downgrade() -> None:
    pass  # the start codes stay; on-air codes are ignored by 0015's code
