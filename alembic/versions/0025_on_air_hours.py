"""on-air hours: every (weekday, hour) an occurrence runs in, for when=today and when=now

The on-air bands (0016) let through every entry on air in now's band: when=now near B69
(3 miles) at 17:30 on a Thursday, at a million entries, tested the schedules of every entry
on air on Thursday evening, most of them starting at 19:00 or later (p95 19.7 ms). Entries'
slots gain, from 56 on, weekday × 24 + hour of every hour from an occurrence's start to its
end (an hour when it gives none; past midnight into the next weekday), as app.assets.slots
computes them on save. Every scheduled entry's row is rewritten: at a
million entries 214 s, and the table then wants a VACUUM (index-only scans read the heap until
the visibility map is set again).

Revision ID: 0025
Revises: 0024
"""

import runpy
from collections.abc import Sequence
from pathlib import Path

from app.core.migrations import backfill_entries

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# 0016's schedules with their weekdays, start and end minutes; every hour from each start to
# its end, added to the entry's slots.
BACKFILL = (
    runpy.run_path(str(Path(__file__).with_name("0016_on_air_slots.py")))["SCHEDULE_TIMES"]
    + """, hours AS (
    SELECT asset_id, 56 + ((d + h / 24) % 7) * 24 + h % 24 AS code
    FROM ends, LATERAL generate_series(s / 60, (e - 1) / 60) AS h
)
UPDATE asset a SET slots = (SELECT array_agg(DISTINCT code ORDER BY code)
                            FROM unnest(a.slots || c.codes) AS code)
FROM (SELECT asset_id, array_agg(DISTINCT code) AS codes FROM hours GROUP BY asset_id) c
WHERE c.asset_id = a.id AND NOT a.slots @> c.codes
"""
)


def upgrade() -> None:
    backfill_entries(BACKFILL)


def downgrade() -> None:
    pass  # the hour codes are ignored by 0024's code
