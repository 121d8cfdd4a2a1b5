"""week spans: every occurrence's place and span of the week in one n-D index, for sort=next
near a place

The home page's search (near a postcode, this week, soonest first) read the 5,001 nearest
entries from the KNN index and sorted them by a bound of their next start: 24.8 ms of SQL at a
million entries whatever the hour, because "soonest" cannot be read from an index of places.
A week span is one of an entry's weekly occurrences as a 4-D point: its place on the British
National Grid (x, y), the minute of the week it starts at (z, Monday 00:00 = 0) and the one it
ends at (m, past the week's end when it runs over into Monday). A box over all four finds the
entries within a radius that are on air or start in the next hours in one GiST scan
(gist_geometry_ops_nd): near DY4, 5 miles, Thursday 20:30, 1,241 spans in 0.9 ms
(app.assets.soonest).

Spans are kept by the database, from the schedules and the entry's point, whoever writes
them (the service, an import, a benchmark's COPY): statement triggers on schedule, a row
trigger on asset when its venue's point moves. Weekdays and ends as migration 0016 works them
out (an hour when no end is given; past midnight into the next day); one-off dates and
monthly schedules give a span on every weekday they can fall on, so the spans are a superset
of the truth and the search works out exact next occurrences from the schedules.

Revision ID: 0027
Revises: 0026
"""

import runpy
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEDULE_TIMES = runpy.run_path(str(Path(__file__).with_name("0016_on_air_slots.py")))[
    "SCHEDULE_TIMES"
]

# The spans of the entries `ids`, replacing what they had. `sched` and `ends` are inlined, so
# the filter on asset_id reaches the schedule table's index.
REFRESH = f"""
CREATE FUNCTION refresh_week_spans(ids integer[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM week_span WHERE asset_id = ANY(ids);
{SCHEDULE_TIMES}
INSERT INTO week_span (asset_id, starts, ends, at)
SELECT w.asset_id, w.starts, w.ends,
       ST_SetSRID(ST_MakePoint(ST_X(a.grid), ST_Y(a.grid), w.starts, w.ends), 27700)
FROM (SELECT DISTINCT asset_id, d * 1440 + s AS starts, d * 1440 + e AS ends
      FROM ends WHERE asset_id = ANY(ids)) w
JOIN asset a ON a.id = w.asset_id
WHERE a.grid IS NOT NULL;
$$
"""

SCHEDULE_TRIGGER = """
CREATE FUNCTION schedule_refreshes_week_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_week_spans(ARRAY(SELECT DISTINCT asset_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_week_spans(ARRAY(SELECT DISTINCT asset_id FROM old_rows));
    ELSE
        PERFORM refresh_week_spans(ARRAY(SELECT asset_id FROM new_rows
                                         UNION SELECT asset_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$
"""

# A venue's move reaches its entries' `location` through migration 0009's trigger; `grid`
# follows (a generated column), and the spans follow it.
ASSET_TRIGGER = """
CREATE FUNCTION asset_moves_week_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_week_spans(ARRAY[NEW.id]);
    RETURN NULL;
END
$$
"""

TRIGGERS = {
    "schedule_week_spans_insert": "AFTER INSERT ON schedule REFERENCING NEW TABLE AS new_rows",
    "schedule_week_spans_update": (
        "AFTER UPDATE ON schedule REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    ),
    "schedule_week_spans_delete": "AFTER DELETE ON schedule REFERENCING OLD TABLE AS old_rows",
}


def upgrade() -> None:
    op.create_table(
        "week_span",
        sa.Column(
            "asset_id",
            sa.Integer(),
            sa.ForeignKey("asset.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("starts", sa.Integer(), primary_key=True),
        sa.Column("ends", sa.Integer(), primary_key=True),
        sa.Column(
            "at",
            Geometry("POINTZM", srid=27700, dimension=4, spatial_index=False),
            nullable=False,
        ),
    )
    op.execute(REFRESH)
    op.execute(SCHEDULE_TRIGGER)
    op.execute(ASSET_TRIGGER)
    for name, when in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT "
            "EXECUTE FUNCTION schedule_refreshes_week_spans()"
        )
    op.execute(
        "CREATE TRIGGER asset_moves_week_spans_trigger AFTER UPDATE ON asset FOR EACH ROW "
        "WHEN (OLD.location::text IS DISTINCT FROM NEW.location::text) "
        "EXECUTE FUNCTION asset_moves_week_spans()"
    )
    # Filled before it is indexed: one index build rather than 1.6 million inserts into it.
    op.execute("SELECT refresh_week_spans(ARRAY(SELECT id FROM asset))")
    op.execute("CREATE INDEX ix_week_span_at ON week_span USING gist (at gist_geometry_ops_nd)")
    op.execute("ANALYZE week_span")


def downgrade() -> None:
    op.execute("DROP TRIGGER asset_moves_week_spans_trigger ON asset")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON schedule")
    op.drop_table("week_span")
    op.execute("DROP FUNCTION asset_moves_week_spans()")
    op.execute("DROP FUNCTION schedule_refreshes_week_spans()")
    op.execute("DROP FUNCTION refresh_week_spans(integer[])")
