"""schedule slots on the entry: (weekday, time band) codes that day and time filters test first

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.core.migrations import backfill_entries

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Existing entries' slots, as app.assets.slots computes them on save: weekday × 4 + band
# (morning 05–12, afternoon 12–17, evening 17–21, night 21–05); a day of the month is every
# weekday; one-off dates their own weekdays. The change feed's trigger is paused: nothing a
# partner shows has changed.
BACKFILL = """
UPDATE asset a SET slots = s.codes
FROM (
    SELECT asset_id, array_agg(DISTINCT code ORDER BY code) AS codes
    FROM (
        SELECT sc.asset_id, d * 4 + CASE
            WHEN sc.start_time >= '05:00' AND sc.start_time < '12:00' THEN 0
            WHEN sc.start_time >= '12:00' AND sc.start_time < '17:00' THEN 1
            WHEN sc.start_time >= '17:00' AND sc.start_time < '21:00' THEN 2
            ELSE 3 END AS code
        FROM schedule sc, LATERAL unnest(CASE sc.frequency
            WHEN 'monthly_day' THEN ARRAY[0, 1, 2, 3, 4, 5, 6]
            WHEN 'once' THEN ARRAY(SELECT extract(isodow FROM x)::int - 1 FROM unnest(sc.dates) x)
            ELSE sc.weekdays END) AS d
    ) codes
    GROUP BY asset_id
) s
WHERE s.asset_id = a.id
"""


def upgrade() -> None:
    op.add_column(
        "asset",
        sa.Column("slots", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
    )
    backfill_entries(BACKFILL)
    op.create_index(
        "ix_asset_published_slots", "asset", ["slots"], unique=False, postgresql_using="gin",
        postgresql_where=sa.text("status = 'published'"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_asset_published_slots", table_name="asset")
    op.drop_column("asset", "slots")
