"""area keys: an entry's place, kind and start slots as one key each, in one index with its text
and access features

A search that names a place, a time and more (near London, meetings or clubs, Monday or
Tuesday evening, step-free, "recovery") matched a quarter, a half and a fifth of a million
entries on each filter alone, and PostgreSQL intersected those bitmaps and read 16,000 rows to
keep 1,156 (75 ms). Each entry now carries keys (grid cell, kind, start slot) for cells of
4, 16 and 64 km on the British National Grid; a search lists the keys of the cells that cover
its circle (one size, at most four cells a side) for its kinds and slots, and one GIN index
over (keys, text, access) finds the entries that pass all of them at once. The circle's exact
distance test still follows: keys only narrow.

The keys are a generated column (kept true by PostgreSQL on every insert and update). Kinds are
numbered in AssetKind's order: a new kind needs a migration that redefines `area_key`. The
functions that call PostGIS name their search path: pg_restore computes the column with an
empty one.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "ARRAY['meeting', 'volunteering', 'bumping_space', 'club', 'course', 'employment', "
KINDS += "'peer_support', 'service']::varchar[]"
# (level, cell size in metres)
LEVELS = "(VALUES (0, 4000), (1, 16000), (2, 64000)) AS l(level, size)"

AREA_KEY = f"""
CREATE OR REPLACE FUNCTION area_key(level integer, cx integer, cy integer, kind varchar,
                                    code integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$  -- built-ins only: inlined where called
    -- cells clamped to 400 a side (1,600 km at 4 km: all of Great Britain); 8 kinds; 28 slots
    SELECT ((level * 200000 + least(greatest(cx, 0), 399) * 400 + least(greatest(cy, 0), 399))
            * 8 + array_position({KINDS}, kind) - 1) * 28 + code
$$
"""
ENTRY_KEYS = f"""
CREATE OR REPLACE FUNCTION asset_area_keys(location geography, kind varchar, slots integer[])
RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = public AS $$
    SELECT coalesce(array_agg(area_key(l.level, floor(ST_X(g) / l.size)::integer,
                                       floor(ST_Y(g) / l.size)::integer, kind, code)), '{{}}')
    FROM (SELECT ST_Transform(location::geometry, 27700) AS g) AS p, {LEVELS},
         unnest(slots) AS code
    WHERE location IS NOT NULL AND code < 28 AND kind = ANY({KINDS})
$$
"""
# One cell size for a search: the smallest at least two thirds of the circle's width (so at
# most four cells a side), the largest past that.
SEARCH_KEYS = f"""
CREATE OR REPLACE FUNCTION area_keys_near(origin geometry, radius double precision,
                                          kinds varchar[], codes integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = public AS $$
    SELECT coalesce(array_agg(DISTINCT area_key(l.level, cx, cy, kind, code)), '{{}}')
    FROM (SELECT level, size FROM {LEVELS} WHERE 2 * radius <= 3 * size OR level = 2
          ORDER BY level LIMIT 1) AS l,
         generate_series(floor((ST_X(origin) - radius) / l.size)::integer,
                         floor((ST_X(origin) + radius) / l.size)::integer) AS cx,
         generate_series(floor((ST_Y(origin) - radius) / l.size)::integer,
                         floor((ST_Y(origin) + radius) / l.size)::integer) AS cy,
         unnest(kinds) AS kind, unnest(codes) AS code
$$
"""
PUBLISHED = sa.text("status = 'published'")


def upgrade() -> None:
    for function in (AREA_KEY, ENTRY_KEYS, SEARCH_KEYS):
        op.execute(function)
    op.add_column(
        "asset",
        sa.Column(
            "area_keys",
            ARRAY(sa.Integer()),
            sa.Computed("asset_area_keys(location, kind, slots)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_asset_published_area", "asset", ["area_keys", "search_vector", "access"],
        unique=False, postgresql_using="gin", postgresql_where=PUBLISHED,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_asset_published_area", table_name="asset", postgresql_where=PUBLISHED)
    op.drop_column("asset", "area_keys")
    op.execute(
        "DROP FUNCTION IF EXISTS area_keys_near(geometry, double precision, varchar[], integer[])"
    )
    op.execute("DROP FUNCTION IF EXISTS asset_area_keys(geography, varchar, integer[])")
    op.execute("DROP FUNCTION IF EXISTS area_key(integer, integer, integer, varchar, integer)")
