"""Changes to an asset's schedules, interests, venue or organisation bump the asset's change
number, so the change feed and feed caches see them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (trigger table, function name, the asset rows to bump)
BUMPS = [
    ("schedule", "schedule_bumps_asset", "id = coalesce(NEW.asset_id, OLD.asset_id)"),
    ("asset_interest", "asset_interest_bumps_asset", "id = coalesce(NEW.asset_id, OLD.asset_id)"),
    ("venue", "venue_bumps_assets", "venue_id = NEW.id"),
    ("organisation", "organisation_bumps_assets", "organisation_id = NEW.id"),
]


def upgrade() -> None:
    for table, function, where in BUMPS:
        events = "UPDATE" if table in ("venue", "organisation") else "INSERT OR UPDATE OR DELETE"
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
                -- asset_change_seq_trigger gives the asset a new change number
                UPDATE asset SET change_seq = NULL WHERE {where};
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {function}_trigger AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    for table, function, _ in BUMPS:
        op.execute(f"DROP TRIGGER IF EXISTS {function}_trigger ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
