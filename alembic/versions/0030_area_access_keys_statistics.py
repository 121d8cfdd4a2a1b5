"""statistics on the entries' area keys with access features, so that the planner knows how
few entries a search's keys with a feature find

A GIN index over an expression keeps statistics on what it stores (single integers), which the
planner cannot use for an array overlap (`&&`): it guessed 0.5% of the entries per key, so a
search near B69 (5 mi, Monday evening, step-free and a hearing loop) asking 33 keys expected
152,462 entries from ix_asset_published_area_access where 1,613 were there, and walked the
41,839 entries in the circle's square instead, testing each one's keys: 93-98 ms at a
million. Statistics on the expression itself (element frequencies of the integer arrays)
give 9,310 for those keys, and the search reads the index: 11.3 ms. ANALYZE computes them
now rather than when autovacuum next gets to the table.

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE STATISTICS st_asset_area_access_keys ON (area_access_keys(area_keys, access)) "
        "FROM asset"
    )
    op.execute("ANALYZE asset")


def downgrade() -> None:
    op.execute("DROP STATISTICS st_asset_area_access_keys")
