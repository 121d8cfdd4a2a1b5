"""an index of places per kind: a near search for one kind walks only that kind's entries

Migration 0015 gave near searches of one kind a GiST index over (kind, grid). Its tree mixes
the kinds, so a nearest-first walk for meetings still visited pages of the others: at a
million entries, the 30 meetings nearest a West Midlands point read 52–104 buffers and took
0.64–0.89 ms, of which 0.41–0.82 before the first row. An index of each kind's places alone
reads 35 and takes 0.33–0.44 ms. Searches for two kinds or more walk the places of every kind
(ix_asset_published_grid), as they already did. Kinds are AssetKind's; a new kind needs its
index here too (tests/test_migrations.py compares).

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "meeting", "volunteering", "bumping_space", "club", "course", "employment", "peer_support",
    "service",
)  # fmt: skip


def upgrade() -> None:
    for kind in KINDS:
        op.execute(
            f"CREATE INDEX ix_asset_published_{kind}_grid ON asset USING gist (grid) "
            f"WHERE status = 'published' AND kind = '{kind}'"
        )
    op.drop_index("ix_asset_published_kind_grid", table_name="asset")


def downgrade() -> None:
    op.create_index(
        "ix_asset_published_kind_grid", "asset", ["kind", "grid"], unique=False,
        postgresql_using="gist", postgresql_where=sa.text("status = 'published'"),
    )  # fmt: skip
    for kind in KINDS:
        op.execute(f"DROP INDEX ix_asset_published_{kind}_grid")
