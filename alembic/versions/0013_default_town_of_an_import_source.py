"""default town of an import source; online-only entries keep the town they are given

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 23:12:58.001024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An entry with a venue takes the venue's point and town, as before. One without a venue keeps
# the town it was given (an online meeting of a local group, from its source's default town),
# until it loses a venue it had: then the old venue's town goes with it.
COPY_FROM_VENUE = """
CREATE OR REPLACE FUNCTION asset_copy_venue() RETURNS trigger AS $$
BEGIN
    IF NEW.venue_id IS NULL THEN
        NEW.location := NULL;
        IF TG_OP = 'UPDATE' AND OLD.venue_id IS NOT NULL THEN
            NEW.town_id := NULL;
        END IF;
    ELSE
        SELECT location, town_id INTO NEW.location, NEW.town_id FROM venue WHERE id = NEW.venue_id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION asset_copy_venue() RETURNS trigger AS $$
BEGIN
    IF NEW.venue_id IS NULL THEN
        NEW.location := NULL;
        NEW.town_id := NULL;
    ELSE
        SELECT location, town_id INTO NEW.location, NEW.town_id FROM venue WHERE id = NEW.venue_id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.add_column("import_source", sa.Column("default_town_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        "fk_import_source_default_town_id_place", "import_source", "place",
        ["default_town_id"], ["id"],
    )  # fmt: skip
    op.execute(COPY_FROM_VENUE)


def downgrade() -> None:
    op.execute(PREVIOUS)
    op.drop_constraint(
        "fk_import_source_default_town_id_place", "import_source", type_="foreignkey"
    )
    op.drop_column("import_source", "default_town_id")
