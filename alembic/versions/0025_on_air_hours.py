"""on-air hours: every (weekday, hour) an occurrence runs in, for when=today and when=now

The on-air bands (0016) let through every entry on air in now's band: when=now near B69
(3 miles) at 17:30 on a Thursday, at a million entries, tested the schedules of every entry
on air on Thursday evening, most of them starting at 19:00 or later (p95 19.7 ms). Entries'
slots are recomputed: 0016's codes plus, from 56 on, weekday × 24 + hour of every hour from an
occurrence's start to its end (an hour when it gives none; past midnight into the next
weekday), as app.assets.slots computes them on save. Every entry's row is rewritten: at a
million entries 214 s, and the table then wants a VACUUM (index-only scans read the heap until
the visibility map is set again).

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
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
), hours AS (
    SELECT asset_id, (d + h / 24) % 7 AS day, h % 24 AS hour
    FROM ends, LATERAL generate_series(s / 60, (e - 1) / 60) AS h
), codes AS (
    SELECT asset_id, d * 4 + CASE
        WHEN s >= 300 AND s < 720 THEN 0 WHEN s >= 720 AND s < 1020 THEN 1
        WHEN s >= 1020 AND s < 1260 THEN 2 ELSE 3 END AS code
    FROM sched
    UNION ALL
    SELECT asset_id, 28 + day * 4 + CASE
        WHEN hour >= 5 AND hour < 12 THEN 0 WHEN hour >= 12 AND hour < 17 THEN 1
        WHEN hour >= 17 AND hour < 21 THEN 2 ELSE 3 END
    FROM hours
    UNION ALL
    SELECT asset_id, 56 + day * 24 + hour FROM hours
)
UPDATE asset a SET slots = c.codes
FROM (SELECT asset_id, array_agg(DISTINCT code ORDER BY code) AS codes FROM codes
      GROUP BY asset_id) c
WHERE c.asset_id = a.id AND a.slots IS DISTINCT FROM c.codes
"""


def upgrade() -> None:
    op.execute("ALTER TABLE asset DISABLE TRIGGER asset_change_seq_trigger")
    op.execute(BACKFILL)
    op.execute("ALTER TABLE asset ENABLE TRIGGER asset_change_seq_trigger")


def downgrade() -> None:
    pass  # the hour codes are ignored by 0024's code
