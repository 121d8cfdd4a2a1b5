"""exact slots: whether an entry's start slots say exactly where its schedules start

A day or time search tests the entry's slots (or area keys), then looks for a current schedule
on one of the days in the band: at a million entries, 1,156 schedule probes (6 ms) in the
combined search. When none of an entry's schedules ends or is a list of one-off dates, the
slots already answer exactly and the probe is skipped (app.assets.slots.slots_are_exact, set
on save; this backfills it).

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.migrations import backfill_entries

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
UPDATE asset a SET slots_exact = NOT EXISTS (
    SELECT 1 FROM schedule s
    WHERE s.asset_id = a.id AND (s.frequency = 'once' OR s.valid_until IS NOT NULL)
)
"""


def upgrade() -> None:
    op.add_column(
        "asset",
        sa.Column("slots_exact", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    backfill_entries(BACKFILL)


def downgrade() -> None:
    op.drop_column("asset", "slots_exact")
