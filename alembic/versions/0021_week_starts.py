"""week starts: the minutes of the week an entry's schedules can start at, for sort=next

sort=next reads matches in order of a lower bound of their next start and works out exact
next occurrences only until the page is settled. From time-band slots the bound was a band's
start, so every entry of the first band had to be worked out (220 for 20 in the combined
search at a million entries); from start minutes it is the nearest weekly start itself
(app.assets.upcoming, set on save; this backfills it).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.migrations import backfill_entries

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE asset a SET week_starts = w.starts
FROM (
    SELECT asset_id, array_agg(DISTINCT minute ORDER BY minute) AS starts
    FROM (
        SELECT sc.asset_id, d * 1440 + extract(hour FROM sc.start_time)::int * 60
               + extract(minute FROM sc.start_time)::int AS minute
        FROM schedule sc, LATERAL unnest(CASE sc.frequency
            WHEN 'monthly_day' THEN ARRAY[0, 1, 2, 3, 4, 5, 6]
            WHEN 'once' THEN ARRAY(SELECT extract(isodow FROM x)::int - 1 FROM unnest(sc.dates) x)
            ELSE sc.weekdays END) AS d
    ) m
    GROUP BY asset_id
) w
WHERE w.asset_id = a.id
"""


def upgrade() -> None:
    op.add_column(
        "asset",
        sa.Column("week_starts", ARRAY(sa.Integer()), server_default="{}", nullable=False),
    )
    backfill_entries(BACKFILL)


def downgrade() -> None:
    op.drop_column("asset", "week_starts")
