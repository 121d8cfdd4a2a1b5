"""every week: whether an entry meets every week whatever the date, so when=week keeps it
without looking at its schedules

The home page's search (near a postcode, this week, soonest first) read the 5,001 nearest
entries at a million and probed each one's schedules for an occurrence in the next seven days
(20 of its statement's 41 ms). An entry whose schedules are all weekly on some weekday, every
week, with no start or end date and nothing cancelled always has one
(app.assets.slots.meets_every_week, set on save; this backfills it).

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.migrations import backfill_entries

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE asset a SET every_week = true
WHERE EXISTS (SELECT 1 FROM schedule s WHERE s.asset_id = a.id)
  AND NOT EXISTS (
    SELECT 1 FROM schedule s
    WHERE s.asset_id = a.id AND NOT (
        s.frequency = 'weekly' AND s.interval = 1 AND cardinality(s.weekdays) > 0
        AND s.valid_from IS NULL AND s.valid_until IS NULL
        AND cardinality(s.cancelled_dates) = 0))
"""


def upgrade() -> None:
    op.add_column(
        "asset",
        sa.Column("every_week", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    backfill_entries(BACKFILL)


def downgrade() -> None:
    op.drop_column("asset", "every_week")
