"""area keys with an access feature: a search near a place, at a time, needing step-free
access (or another feature) finds its entries from keys that say all of it

The area index (migration 0019) holds each entry's (cell, kind, start slot) keys beside its
text and access features, and GIN merges the lists of every key a search asks for before the
other columns narrow them. The combined search (London 10 mi, two kinds, Monday or Tuesday
evening, step-free, "recovery", soonest first) asks 36 keys: their lists hold 21,449 entries
at a million, of which 1,656 pass the text and step-free, and the scan took 8.5–9.0 ms of the
statement's 12.4–12.7. Keys that also carry one access feature hold only entries with it
(each feature ~29% of entries): the same search, asked of these, scans in 3.2–3.5 ms and runs
in 7.5–7.7 ms. `area_access_keys` makes both sides — the index's from the entry's keys and
features, the search's from `area_keys_near` and one feature it asks for — so they are one
definition. Features are AccessFeature's, at most seven (a key takes three more bits:
1,004,000,000 at most, within an integer); a new one goes at the end of the list here
(tests/test_migrations.py compares).

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEATURES = (
    "step_free", "accessible_toilet", "hearing_loop", "parking", "quiet_room", "public_transport",
)  # fmt: skip
FEATURE_LIST = "ARRAY[" + ", ".join(f"'{f}'" for f in FEATURES) + "]::varchar[]"

ACCESS_KEYS = f"""
CREATE OR REPLACE FUNCTION area_access_keys(keys integer[], features varchar[])
RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(k * 8 + array_position({FEATURE_LIST}, f)), '{{}}')
    FROM unnest(keys) AS k, unnest(features) AS f
    WHERE array_position({FEATURE_LIST}, f) IS NOT NULL
$$
"""


def upgrade() -> None:
    op.execute(ACCESS_KEYS)
    op.execute(
        "CREATE INDEX ix_asset_published_area_access ON asset USING gin "
        "(area_access_keys(area_keys, access), search_vector) WITH (fastupdate = off) "
        "WHERE status = 'published'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_asset_published_area_access")
    op.execute("DROP FUNCTION area_access_keys(integer[], varchar[])")
